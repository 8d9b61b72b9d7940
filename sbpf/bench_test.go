package sbpf_test

import (
	"syscall"
	"testing"
	"time"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
)

type benchMeter struct{ remaining uint64 }

func (m *benchMeter) Consume(u uint64) {
	if u > m.remaining {
		m.remaining = 0
	} else {
		m.remaining -= u
	}
}
func (m *benchMeter) Remaining() uint64 { return m.remaining }

func benchProgram(b *testing.B, v sbpf.Version, text []byte, fr *sbpf.FunctionRegistry, input []byte) {
	cfg := sbpf.DefaultConfig()
	cfg.EnabledVersions = [2]sbpf.Version{v, v}
	exe, err := sbpf.NewExecutableFromText(text, sbpf.NewLoader(cfg), v, fr)
	if err != nil {
		b.Fatal(err)
	}
	if err := exe.Verify(); err != nil {
		b.Fatal(err)
	}
	stack := make([]byte, cfg.StackSize())
	mem, err := sbpf.NewStandardMapping(exe, stack, nil, input, nil)
	if err != nil {
		b.Fatal(err)
	}
	var total uint64
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		vm := sbpf.NewVM(exe, &benchMeter{remaining: 1 << 40}, mem, nil)
		n, _, err := vm.Execute()
		if err != nil {
			b.Fatal(err)
		}
		total += n
	}
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "insns/s")
	// CPU time is less sensitive than wall time to other processes on a shared machine.
	if cpu := (cpuTime() - cpu0).Seconds(); cpu > 0 {
		b.ReportMetric(float64(total)/cpu, "insns/cpu-s")
	}
	b.ReportMetric(float64(total)/float64(b.N), "insns/op")
}

// BenchmarkALULoop: 1M iterations of an 8-instruction arithmetic loop body.
func BenchmarkALULoop(b *testing.B) {
	v := sbpf.V0
	text := prog(
		movi(0, 0), movi(1, 1000000), movi(2, 3),
		// loop:
		ix(sbpf.OpAdd64Reg, 0, 2, 0, 0),
		ix(sbpf.OpXor64Imm, 0, 0, 0, 0x55),
		ix(sbpf.OpMul64Imm, 2, 0, 0, 7),
		ix(sbpf.OpRsh64Imm, 2, 0, 0, 1),
		ix(sbpf.OpAdd32Imm, 3, 0, 0, 9),
		ix(sbpf.OpOr64Reg, 4, 3, 0, 0),
		ix(sbpf.OpSub64Imm, 1, 0, 0, 1),
		ix(sbpf.OpJne64Imm, 1, 0, -8, 0),
		exit)
	benchProgram(b, v, text, nil, nil)
}

// BenchmarkMemLoop: loads and stores on the (gapped, v0) stack and the input.
func BenchmarkMemLoop(b *testing.B) {
	v := sbpf.V0
	text := prog(
		movi(0, 0), movi(5, 1000000), lddw(6, sbpf.MMInputStart),
		// loop:
		ix(sbpf.OpStDwReg, 10, 5, -8, 0),
		ix(sbpf.OpLdDwReg, 2, 10, -8, 0),
		ix(sbpf.OpStWReg, 6, 2, 4, 0),
		ix(sbpf.OpLdWReg, 3, 6, 4, 0),
		ix(sbpf.OpLdBReg, 4, 6, 5, 0),
		ix(sbpf.OpAdd64Reg, 0, 3, 0, 0),
		ix(sbpf.OpSub64Imm, 5, 0, 0, 1),
		ix(sbpf.OpJne64Imm, 5, 0, -8, 0),
		exit)
	benchProgram(b, v, text, nil, make([]byte, 64))
}

// BenchmarkCallRecursion: naive recursive fib(25) with bpf-to-bpf calls.
func BenchmarkCallRecursion(b *testing.B) {
	v := sbpf.V0
	fr := sbpf.NewFunctionRegistry()
	text := prog(
		movi(1, 25), call(v, fr, 1, 3), exit,
		// fib(r1): r0
		ix(sbpf.OpJgt64Imm, 1, 0, 2, 1), // if r1 > 1 goto rec
		ix(sbpf.OpMov64Reg, 0, 1, 0, 0),
		exit,
		// rec:
		ix(sbpf.OpMov64Reg, 6, 1, 0, 0),
		ix(sbpf.OpSub64Imm, 1, 0, 0, 1),
		call(v, fr, 8, 3),
		ix(sbpf.OpMov64Reg, 7, 0, 0, 0),
		ix(sbpf.OpMov64Reg, 1, 6, 0, 0),
		ix(sbpf.OpSub64Imm, 1, 0, 0, 2),
		call(v, fr, 12, 3),
		ix(sbpf.OpAdd64Reg, 0, 7, 0, 0),
		exit)
	benchProgram(b, v, text, fr, nil)
}

// cpuTime is the process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
