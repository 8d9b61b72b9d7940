package interpsvc_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
	interpsvc "github.com/sbpf-pvm/sbpf-pvm/runners/interp-svc"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
)

// Workloads for the cost figures: the loop bodies are what a compiled Solana program
// spends its time on.
var workloads = []struct{ name, src string }{
	{"alu", `
		mov64 r0, 0
		mov64 r1, 20000
	loop:
		add64 r0, r1
		mul64 r0, 3
		xor64 r0, 0x55
		rsh64 r0, 1
		mov64 r2, r0
		and64 r2, 0xff
		add64 r0, r2
		sub64 r1, 1
		jne r1, 0, loop
		mov64 r0, 0
		exit`},
	{"memory", `
		mov64 r1, 20000
		mov64 r3, r10
		sub64 r3, 64
	loop:
		ldxdw r2, [r3+0]
		add64 r2, r1
		stxdw [r3+0], r2
		ldxw r4, [r3+8]
		stxw [r3+12], r4
		ldxb r5, [r3+16]
		stxb [r3+17], r5
		sub64 r1, 1
		jne r1, 0, loop
		mov64 r0, 0
		exit`},
	{"syscall", `
		mov64 r6, 300
		stdw [r10-16], 0
		stdw [r10-8], 32
	loop:
		mov64 r1, r10
		sub64 r1, 64
		stxdw [r10-16], r1
		mov64 r1, r10
		sub64 r1, 16
		mov64 r2, 1
		mov64 r3, r10
		sub64 r3, 64
		syscall sol_sha256
		mov64 r1, r10
		sub64 r1, 128
		mov64 r2, r10
		sub64 r2, 64
		mov64 r3, 32
		syscall sol_memcpy_
		sub64 r6, 1
		jne r6, 0, loop
		mov64 r0, 0
		exit`},
}

func measureCase(name, src string) *runners.Case {
	RegisterFailHandler(func(msg string, _ ...int) { panic(msg) })
	return mkCase(name, src, sbpf.V0, 1_400_000)
}

// BenchmarkGasPerCU reports PVM gas per sBPF compute unit for the execution phase of ALU-,
// memory- and syscall-heavy loops under both gas profiles.
func BenchmarkGasPerCU(b *testing.B) {
	for _, w := range workloads {
		for _, p := range []pvm.Profile{pvm.GP072, pvm.GP080} {
			b.Run(w.name+"/"+p.String(), func(b *testing.B) {
				c := measureCase(w.name, w.src)
				r := interpsvc.New(p)
				var res *runners.Result
				for i := 0; i < b.N; i++ {
					var err error
					if res, err = r.Run(context.Background(), c); err != nil {
						b.Fatal(err)
					}
				}
				if res.Status != runners.StatusSuccess {
					b.Fatalf("%s failed: %v", w.name, *res.Error)
				}
				b.ReportMetric(float64(res.Gas.Execute)/float64(res.ComputeUnits), "gas/CU")
				b.ReportMetric(float64(res.ComputeUnits), "CU")
				b.ReportMetric(float64(res.Gas.Total), "gas")
			})
		}
	}
}

// padded is a program of n instructions (an ELF growing by 8 bytes per instruction).
func padded(n int) string {
	var sb strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "mov64 r%d, %d\n", 1+i%9, i)
	}
	sb.WriteString("mov64 r0, 0\nexit\n")
	return sb.String()
}

// BenchmarkLoadGasPerKB reports the gas of ELF load + verification per KiB of ELF, as the
// slope between a small and a large program.
func BenchmarkLoadGasPerKB(b *testing.B) {
	for _, p := range []pvm.Profile{pvm.GP072, pvm.GP080} {
		b.Run(p.String(), func(b *testing.B) {
			r := interpsvc.New(p)
			load := func(n int) (int64, int) {
				c := measureCase("pad", padded(n))
				prog, _ := c.ProgramBytes()
				res, err := r.Run(context.Background(), c)
				if err != nil || res.Status != runners.StatusSuccess {
					b.Fatalf("padded %d: %v", n, err)
				}
				return res.Gas.Load, len(prog)
			}
			var g1, g2 int64
			var s1, s2 int
			for i := 0; i < b.N; i++ {
				g1, s1 = load(16)
				g2, s2 = load(16 * 1024)
			}
			b.ReportMetric(float64(g2-g1)/(float64(s2-s1)/1024), "gas/KiB")
			b.ReportMetric(float64(g1), "gas-small")
		})
	}
}

// BenchmarkBlobSize reports the service blob size next to JAM's limit.
func BenchmarkBlobSize(b *testing.B) {
	for _, p := range []pvm.Profile{pvm.GP072, pvm.GP080} {
		b.Run(p.String(), func(b *testing.B) {
			var blob *interpsvc.Blob
			for i := 0; i < b.N; i++ {
				var err error
				if blob, err = interpsvc.Build(p); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(blob.Bytes)), "bytes")
			b.ReportMetric(100*float64(len(blob.Bytes))/interpsvc.MaxServiceCodeSize, "%W_C")
		})
	}
}
