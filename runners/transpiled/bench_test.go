package transpiled_test

import (
	"context"
	"testing"

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
