package asm_test

import (
	"strings"
	"testing"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/asm"
)

func benchSource() string {
	var sb strings.Builder
	sb.WriteString("entrypoint:\n")
	for i := 0; i < 2000; i++ {
		sb.WriteString("    mov64 r1, 5\n    ldxdw r2, [r1+0x10]\n    jne r2, 3, lbb_end\n    call function_f\n")
	}
	sb.WriteString("lbb_end:\n    exit\nfunction_f:\n    lddw r0, 0x1122334455667788\n    exit\n")
	return sb.String()
}

func BenchmarkAssemble(b *testing.B) {
	src := benchSource()
	b.SetBytes(int64(len(src)))
	var insns int
	for i := 0; i < b.N; i++ {
		p, err := asm.Compile(src, sbpf.V0)
		if err != nil {
			b.Fatal(err)
		}
		insns = len(p.Text) / 8
	}
	b.ReportMetric(float64(insns*b.N)/b.Elapsed().Seconds(), "insns/s")
}

func BenchmarkDisassemble(b *testing.B) {
	exe, err := asm.Assemble(benchSource(), sbpf.V0, sbpf.NewLoader(sbpf.DefaultConfig()))
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		_ = asm.Disassemble(exe)
	}
	b.ReportMetric(float64(len(exe.Text)/8*b.N)/b.Elapsed().Seconds(), "insns/s")
}
