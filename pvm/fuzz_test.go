package pvm_test

import (
	"testing"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
)

// FuzzParse feeds arbitrary bytes to every loader: no panic, and whatever parses must
// decode (or fail with an error) in every profile and re-marshal to the same bytes.
func FuzzParse(f *testing.F) {
	f.Add(sampleProgram)
	f.Add([]byte{0, 0, 3, 190, 135, 9, 1})
	sp := &pvm.StandardProgram{RO: []byte("x"), RW: []byte{1}, HeapPages: 1, StackSize: 4096, Code: &pvm.Program{Code: []byte{0}, Bitmask: []byte{1}}}
	f.Add(sp.Marshal())
	f.Add(sp.MarshalServiceCode([]byte("m")))
	f.Add((&pvm.Module{ISA: pvm.ISAJamV1, ROSize: 4, RO: []byte{1}, Exports: []pvm.Export{{Name: "main"}}, Code: sp.Code}).Marshal())
	f.Fuzz(func(t *testing.T, blob []byte) {
		if p, err := pvm.ParseProgram(blob); err == nil {
			q, err := pvm.ParseProgram(p.Marshal())
			if err != nil || string(q.Code) != string(p.Code) || string(q.Bitmask) != string(p.Bitmask) || len(q.JumpTable) != len(p.JumpTable) {
				t.Fatalf("re-marshalled program differs: %v", err)
			}
			for _, prof := range []pvm.Profile{pvm.GP072, pvm.GP080, pvm.Latest64} {
				if d, err := pvm.Decode(prof, p); err == nil {
					_ = d.Verify()
					_ = d.Instructions()
				}
			}
		}
		if s, err := pvm.ParseStandardProgram(blob); err == nil {
			if _, err := pvm.ParseStandardProgram(s.Marshal()); err != nil {
				t.Fatalf("marshalled standard program does not parse: %v", err)
			}
		}
		_, _, _ = pvm.ParseServiceCode(blob)
		if m, err := pvm.ParsePolkaVM(blob); err == nil {
			if _, err := pvm.ParsePolkaVM(m.Marshal()); err != nil {
				t.Fatalf("marshalled container does not parse: %v", err)
			}
			_ = m.StandardProgram()
		}
	})
}

// FuzzRun executes arbitrary programs with bounded gas: no panic, no hang, memory bounded
// by what the program can touch, and the same result from Run and from single Steps.
func FuzzRun(f *testing.F) {
	f.Add(sampleProgram, uint8(0), uint64(0))
	f.Add([]byte{0, 0, 3, 190, 135, 9, 1}, uint8(1), uint64(7))
	f.Add(mustProgramBytes(aluLoop()), uint8(2), uint64(5))
	f.Add(mustProgramBytes(memLoop()), uint8(5), uint64(3))
	f.Fuzz(func(t *testing.T, blob []byte, profile uint8, a0 uint64) {
		p, err := pvm.ParseProgram(blob)
		if err != nil {
			return
		}
		prof := pvm.Profile(profile % 3)
		opts := pvm.Options{AllowInvalidOpcodes: true, PerInstructionGas: profile&4 != 0, StrictBranches: profile&8 != 0}
		d, err := pvm.DecodeWith(prof, p, opts)
		if err != nil {
			return
		}
		type result struct {
			exits []pvm.Exit
			regs  [13]uint64
			n     uint64
			mem   int
		}
		run := func(stepped bool) result {
			mem := pvm.NewMemory()
			mem.Map(0x20000, 0x20000, pvm.AccessWrite)
			mem.Map(0x40000, pvm.PageSize, pvm.AccessRead)
			m := pvm.NewMachine(d, mem, 20000)
			m.Regs[0], m.Regs[7], m.Regs[8] = pvm.HaltAddress, a0, 0x20000
			m.HeapBase, m.MaxHeapSize = 0x100000, 1<<20
			var r result
			for i := 0; i < 8; i++ { // resume through host calls and faults
				var ex pvm.Exit
				if stepped {
					for done := false; !done; {
						ex, done = m.Step()
					}
				} else {
					ex = m.Run()
				}
				r.exits = append(r.exits, ex)
				if ex.Status == pvm.StatusPageFault {
					m.Mem.Map(ex.FaultAddr, pvm.PageSize, pvm.AccessWrite)
					continue
				}
				if ex.Status != pvm.StatusHostCall {
					break
				}
			}
			if m.Gas < 0 {
				t.Fatalf("gas went negative: %d", m.Gas)
			}
			if n := m.Mem.MappedPages(); n > 64+8+256 {
				t.Fatalf("%d pages allocated", n)
			}
			r.regs, r.n, r.mem = m.Regs, m.Instructions, len(m.Mem.NonZeroRuns())
			return r
		}
		r1, r2 := run(false), run(true)
		if len(r1.exits) != len(r2.exits) || r1.regs != r2.regs || r1.n != r2.n || r1.mem != r2.mem {
			t.Fatalf("Run and Step disagree: %+v vs %+v", r1, r2)
		}
		for i := range r1.exits {
			if r1.exits[i] != r2.exits[i] {
				t.Fatalf("exit %d: Run %+v, Step %+v", i, r1.exits[i], r2.exits[i])
			}
		}
	})
}

// FuzzEncode checks that AppendInst output always decodes back to the same instruction.
func FuzzEncode(f *testing.F) {
	f.Add(uint8(0), uint8(1), uint8(2), uint8(3), uint64(5), uint64(7), uint32(100))
	f.Fuzz(func(t *testing.T, op, ra, rb, rd uint8, imm, imm2 uint64, pc uint32) {
		pc %= 1 << 16
		in := pvm.Inst{Op: pvm.Opcode(op) % pvm.NumOpcodes, Ra: ra % 13, Rb: rb % 13, Rd: rd % 13, Imm: imm, Imm2: imm2}
		code := make([]byte, pc)
		mask := make([]bool, pc)
		code, mask, err := pvm.AppendInst(pvm.Latest64, code, mask, pc, in)
		if err != nil {
			return
		}
		got, n, err := pvm.DecodeInst(pvm.Latest64, code, pvm.PackBitmask(append(mask, true)), pc)
		if err != nil {
			t.Fatalf("%v does not decode: %v", in, err)
		}
		if n != uint32(len(code))-pc {
			t.Fatalf("%v: length %d, encoded %d", in, n, uint32(len(code))-pc)
		}
		// Fields the format does not carry are not compared; the decoded form must re-encode
		// to the same bytes.
		again, _, err := pvm.AppendInst(pvm.Latest64, nil, nil, pc, got)
		if err != nil || string(again) != string(code[pc:]) {
			t.Fatalf("%v -> %v re-encodes differently: %v", in, got, err)
		}
	})
}

func mustProgramBytes(items []asmItem) []byte {
	p, err := assemble(pvm.GP080, nil, items...)
	if err != nil {
		panic(err)
	}
	return p.Marshal()
}
