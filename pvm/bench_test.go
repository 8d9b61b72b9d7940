package pvm_test

import (
	"testing"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
)

const (
	a0 = 7
	a1 = 8
	a2 = 9
	a3 = 10
	a4 = 11
	a5 = 12
	t0 = 2
	t1 = 3
	t2 = 4
	s0 = 5
	s1 = 6
)

func op(o pvm.Opcode, ra, rb, rd uint8, imm uint64) pvm.Inst {
	return pvm.Inst{Op: o, Ra: ra, Rb: rb, Rd: rd, Imm: imm}
}

// aluLoop: a0 iterations of ten ALU instructions plus the loop branch.
func aluLoop() []asmItem {
	return []asmItem{
		L("loop"),
		I(op(pvm.OpAdd64, a1, a2, a3, 0)),
		I(op(pvm.OpXor, a3, a0, a1, 0)),
		I(op(pvm.OpAddImm64, a2, a1, 0, 3)),
		I(op(pvm.OpMul64, a2, a3, a4, 0)),
		I(op(pvm.OpShloLImm64, t0, a4, 0, 7)),
		I(op(pvm.OpOr, t0, a1, t1, 0)),
		I(op(pvm.OpSub64, t1, a2, t2, 0)),
		I(op(pvm.OpAndImm, s0, t2, 0, 0xFF)),
		I(op(pvm.OpAdd32, s0, a3, s1, 0)),
		I(op(pvm.OpAddImm64, a0, a0, 0, ^uint64(0))),
		J(pvm.Inst{Op: pvm.OpBranchNeImm, Ra: a0, Imm: 0}, "loop"),
		I(op(pvm.OpJumpInd, 0, 0, 0, 0)),
	}
}

// memLoop: sums and rewrites a 64 KiB array of u64 at 0x20000, a0 times over its words.
func memLoop() []asmItem {
	return []asmItem{
		L("outer"),
		I(op(pvm.OpLoadImm, a1, 0, 0, 0x20000)),
		I(pvm.Inst{Op: pvm.OpFallthrough}),
		L("loop"),
		I(op(pvm.OpLoadIndU64, a2, a1, 0, 0)),
		I(op(pvm.OpAdd64, a2, a3, a3, 0)),
		I(op(pvm.OpStoreIndU64, a3, a1, 0, 8)),
		I(op(pvm.OpLoadIndU32, a4, a1, 0, 4)),
		I(op(pvm.OpStoreIndU8, a4, a1, 0, 1)),
		I(op(pvm.OpAddImm64, a1, a1, 0, 16)),
		I(op(pvm.OpAddImm64, a0, a0, 0, ^uint64(0))),
		J(pvm.Inst{Op: pvm.OpBranchEqImm, Ra: a0, Imm: 0}, "done"),
		J(pvm.Inst{Op: pvm.OpBranchLtUImm, Ra: a1, Imm: 0x2FFF0}, "loop"),
		J(pvm.Inst{Op: pvm.OpJump}, "outer"),
		L("done"),
		I(op(pvm.OpJumpInd, 0, 0, 0, 0)),
	}
}

// branchyLoop: short blocks, data-dependent branches, a call through the jump table.
func branchyLoop() []asmItem {
	return []asmItem{
		L("loop"),
		I(op(pvm.OpAndImm, a1, a0, 0, 1)),
		J(pvm.Inst{Op: pvm.OpBranchEqImm, Ra: a1, Imm: 0}, "even"),
		I(op(pvm.OpAddImm64, a2, a2, 0, 3)),
		J(pvm.Inst{Op: pvm.OpJump}, "join"),
		L("even"),
		I(op(pvm.OpXorImm, a2, a2, 0, 5)),
		I(pvm.Inst{Op: pvm.OpFallthrough}),
		L("join"),
		I(op(pvm.OpAndImm, a3, a0, 0, 6)),
		J(pvm.Inst{Op: pvm.OpBranchLtUImm, Ra: a3, Imm: 3}, "small"),
		I(op(pvm.OpSub64, a2, a3, a2, 0)),
		I(pvm.Inst{Op: pvm.OpFallthrough}),
		L("small"),
		J(pvm.Inst{Op: pvm.OpLoadImmJump, Ra: t0, Imm: 2}, "callee"),
		L("ret"),
		I(op(pvm.OpAddImm64, a0, a0, 0, ^uint64(0))),
		J(pvm.Inst{Op: pvm.OpBranchNeImm, Ra: a0, Imm: 0}, "loop"),
		I(op(pvm.OpJumpInd, 0, 0, 0, 0)),
		L("callee"),
		I(op(pvm.OpAddImm64, a4, a4, 0, 1)),
		I(op(pvm.OpJumpInd, t0, 0, 0, 0)),
	}
}

func benchLoop(b *testing.B, p pvm.Profile, items []asmItem, jumpTable []string, iters uint64, setup func(*pvm.Machine)) {
	prog, err := assemble(p, jumpTable, items...)
	if err != nil {
		b.Fatal(err)
	}
	dec, err := pvm.Decode(p, prog)
	if err != nil {
		b.Fatal(err)
	}
	mem := pvm.NewMemory()
	mem.Map(0x20000, 0x10000, pvm.AccessWrite)
	m := pvm.NewMachine(dec, mem, 0)
	var insns, gas uint64
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuSeconds()
	for b.Loop() {
		m.PC = 0
		m.Gas = 1 << 62
		m.Regs = [13]uint64{}
		m.Regs[0] = pvm.HaltAddress
		m.Regs[a0] = iters
		m.Instructions = 0
		if setup != nil {
			setup(m)
		}
		ex := m.Run()
		if ex.Status != pvm.StatusHalt {
			b.Fatalf("exit %v at pc %d", ex.Status, ex.PC)
		}
		insns += m.Instructions
		gas += uint64(1<<62 - m.Gas)
	}
	b.ReportMetric(float64(insns)/b.Elapsed().Seconds(), "insns/s")
	if cpu := cpuSeconds() - cpu0; cpu > 0 {
		b.ReportMetric(float64(insns)/cpu, "insns/cpu-s")
	}
	b.ReportMetric(float64(gas)/float64(insns), "gas/insn")
}

func BenchmarkALULoop(b *testing.B) {
	for _, p := range []pvm.Profile{pvm.GP072, pvm.GP080} {
		b.Run(p.String(), func(b *testing.B) { benchLoop(b, p, aluLoop(), nil, 100000, nil) })
	}
}

func BenchmarkMemoryLoop(b *testing.B) {
	for _, p := range []pvm.Profile{pvm.GP072, pvm.GP080} {
		b.Run(p.String(), func(b *testing.B) { benchLoop(b, p, memLoop(), nil, 100000, nil) })
	}
}

func BenchmarkBranchyLoop(b *testing.B) {
	for _, p := range []pvm.Profile{pvm.GP072, pvm.GP080} {
		b.Run(p.String(), func(b *testing.B) { benchLoop(b, p, branchyLoop(), []string{"ret"}, 100000, nil) })
	}
}

// bigProgram is n blocks of ten mixed instructions ending in a branch.
func bigProgram(p pvm.Profile, n int) *pvm.Program {
	var items []asmItem
	for i := 0; i < n; i++ {
		items = append(items,
			I(op(pvm.OpAdd64, a1, a2, a3, 0)),
			I(op(pvm.OpLoadIndU64, a2, a1, 0, 8)),
			I(op(pvm.OpMul64, a2, a3, a4, 0)),
			I(op(pvm.OpStoreIndU32, a4, a1, 0, 16)),
			I(op(pvm.OpShloLImm64, t0, a4, 0, 7)),
			I(op(pvm.OpDivU64, t0, a1, t1, 0)),
			I(op(pvm.OpSub64, t1, a2, t2, 0)),
			I(op(pvm.OpMoveReg, s0, 0, s1, 0)),
			I(op(pvm.OpAdd32, s0, a3, s1, 0)),
			J(pvm.Inst{Op: pvm.OpBranchNeImm, Ra: a0, Imm: 0}, "top"),
		)
	}
	items = append([]asmItem{L("top")}, items...)
	prog, err := assemble(p, nil, items...)
	if err != nil {
		panic(err)
	}
	return prog
}

func BenchmarkDecode(b *testing.B) {
	for _, p := range []pvm.Profile{pvm.GP072, pvm.GP080} {
		prog := bigProgram(p, 10000)
		b.Run(p.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := pvm.Decode(p, prog); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(prog.Code))*float64(b.N)/b.Elapsed().Seconds()/1e6, "MB/s")
		})
	}
}
