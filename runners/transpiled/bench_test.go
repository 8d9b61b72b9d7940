package transpiled_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/runners/transpiled"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/asm"
)

// BenchmarkTranslate measures the Go translation (sBPF → LLVM IR) alone.
func BenchmarkTranslate(b *testing.B) {
	elfBytes, err := asm.AssembleELF(budgetProgram, sbpf.V0)
	if err != nil {
		b.Fatal(err)
	}
	exe, err := transpiled.Executable(elfBytes)
	if err != nil {
		b.Fatal(err)
	}
	n := len(exe.Text) / sbpf.InsnSize
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := transpiled.Translate(exe); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "insns/s")
}

// BenchmarkRun runs a compiled program on the PVM (gp072) and reports the gas per CU of
// the whole invocation and of the execution phase.
func BenchmarkRun(b *testing.B) {
	c := newCaseTB(b, budgetProgram)
	r := transpiled.New(pvm.GP072)
	if _, err := r.Run(context.Background(), c); err != nil { // compile outside the timing
		b.Fatal(err)
	}
	b.ResetTimer()
	var gas, exec, cu float64
	for i := 0; i < b.N; i++ {
		res, err := r.Run(context.Background(), c)
		if err != nil {
			b.Fatal(err)
		}
		gas, exec, cu = float64(res.Gas.Total), float64(res.Gas.Execute), float64(res.ComputeUnits)
	}
	b.ReportMetric(gas/cu, "gas/CU")
	b.ReportMetric(exec/cu, "exec-gas/CU")
}

// BenchmarkBuild compiles a program cold (no cache) at -O0 and -O2 and reports the CPU
// time of each phase per 100 KB of ELF (CPU: less inflated than wall on a shared machine).
func BenchmarkBuild(b *testing.B) {
	elfBytes, err := asm.AssembleELF(budgetProgram, sbpf.V0)
	if err != nil {
		b.Fatal(err)
	}
	for _, opt := range []transpiled.OptLevel{0, 2} {
		b.Run(fmt.Sprintf("O%d", opt), func(b *testing.B) {
			var sum transpiled.Timings
			for i := 0; i < b.N; i++ {
				bl, err := transpiled.Build(elfBytes, transpiled.Options{Profile: pvm.GP072, Opt: opt, NoCache: true})
				if err != nil {
					b.Fatal(err)
				}
				sum.TranslateCPU += bl.Times.TranslateCPU
				sum.LLVMCPU += bl.Times.LLVMCPU
				sum.LinkCPU += bl.Times.LinkCPU
			}
			per := func(d time.Duration) float64 { return d.Seconds() / float64(b.N) * 100 * 1024 / float64(len(elfBytes)) }
			b.ReportMetric(per(sum.TranslateCPU), "translate-cpu-s/100KB")
			b.ReportMetric(per(sum.LLVMCPU), "llvm-cpu-s/100KB")
			b.ReportMetric(per(sum.LinkCPU), "link-cpu-s/100KB")
		})
	}
}
