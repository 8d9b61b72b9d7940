package transpiled_test

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/runners/transpiled"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/asm"
)

// splitProgram is a chain of n functions of ~40 instructions (beyond the inlining limit),
// each calling the next and one recursing helper (depth not constant), with stack and
// input accesses: calls cross units whichever way they are split.
func splitProgram(n int) string {
	var b strings.Builder
	b.WriteString("entrypoint:\n    mov64 r6, r1\n    mov64 r7, 1\n    call fn_0\n    mov64 r0, r7\n    and64 r0, 0xff\n    exit\n")
	b.WriteString("rec:\n    jeq r1, 0, rec_end\n    sub64 r1, 1\n    stxdw [r10-8], r1\n    call rec\n    ldxdw r1, [r10-8]\n    add64 r0, r1\n    exit\nrec_end:\n    mov64 r0, 3\n    exit\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "fn_%d:\n", i)
		for j := 0; j < 8; j++ {
			fmt.Fprintf(&b, "    ldxb r2, [r6+%d]\n    add64 r7, r2\n    stxdw [r10-%d], r7\n    ldxdw r3, [r10-%d]\n    xor64 r7, r3\n", 96+j, 8+8*j, 8+8*(j/2))
		}
		fmt.Fprintf(&b, "    mov64 r1, %d\n    call rec\n    add64 r7, r0\n", i%4)
		if i+1 < n {
			fmt.Fprintf(&b, "    call fn_%d\n", i+1)
		}
		b.WriteString("    exit\n")
	}
	return b.String()
}

var _ = Describe("codegen units", func() {
	It("splits a module into units that define each function once and declare what they call across", func() {
		elfBytes, err := asm.AssembleELF(splitProgram(6), sbpf.V0)
		Expect(err).NotTo(HaveOccurred())
		exe, err := transpiled.Executable(elfBytes)
		Expect(err).NotTo(HaveOccurred())
		one, err := transpiled.Translate(exe)
		Expect(err).NotTo(HaveOccurred())
		Expect(one.Units).To(HaveLen(1))
		same, err := transpiled.TranslateUnits(exe, 1)
		Expect(err).NotTo(HaveOccurred())
		Expect(same.IR).To(Equal(one.IR), "one unit is the unsplit module")
		auto, err := transpiled.TranslateUnits(exe, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(auto.Units).To(HaveLen(1), "a small program stays one unit")

		three, err := transpiled.TranslateUnits(exe, 3)
		Expect(err).NotTo(HaveOccurred())
		Expect(three.Units).To(HaveLen(3))
		def := regexp.MustCompile(`(?m)^define (internal|hidden) fastcc \{[^}]*\} @(f\d+)\(`)
		decl := regexp.MustCompile(`(?m)^declare hidden fastcc .* @(f\d+)\(`)
		defined := map[string]string{} // function -> linkage
		declared := map[string]bool{}
		for _, u := range three.Units {
			for _, m := range def.FindAllSubmatch(u, -1) {
				Expect(defined).NotTo(HaveKey(string(m[2])), "defined once")
				defined[string(m[2])] = string(m[1])
			}
			for _, m := range decl.FindAllSubmatch(u, -1) {
				declared[string(m[1])] = true
			}
		}
		Expect(defined).To(HaveLen(one.Functions))
		Expect(declared).NotTo(BeEmpty())
		for f := range declared {
			Expect(defined[f]).To(Equal("hidden"), "%s is called from another unit", f)
		}
		Expect(bytes.Count(three.Units[0], []byte("define hidden i64 @tr_run"))).To(Equal(1))
		Expect(bytes.Contains(three.Units[1], []byte("@tr_run"))).To(BeFalse())
		Expect(bytes.Contains(three.Units[1], []byte("@tr_ro "))).To(BeFalse(), "the program's data is in unit 0 only")
	})

	DescribeTable("split blobs agree with native and the unsplit blob",
		func(v sbpf.Version, units int, budget uint64) {
			elfBytes, err := asm.AssembleELF(splitProgram(6), v)
			Expect(err).NotTo(HaveOccurred())
			c := caseFor("split", elfBytes, budget)
			want := runNative(c)
			r := &transpiled.Runner{Profile: pvm.GP072, Opt: transpiled.DefaultOpt, Gas: transpiled.MaxRefineGas, Units: units}
			got, err := r.Run(context.Background(), c)
			Expect(err).NotTo(HaveOccurred())
			Expect(observe(got)).To(Equal(observe(want)), got.ErrorDetail)
			whole := runTranspiled(c)
			Expect(observe(got)).To(Equal(observe(whole)))
		},
		Entry("v0, 2 units", sbpf.V0, 2, uint64(100000)),
		Entry("v0, 4 units", sbpf.V0, 4, uint64(100000)),
		Entry("v0, 4 units, meter runs out", sbpf.V0, 4, uint64(150)),
		Entry("v1 (manual frames), 3 units", sbpf.V1, 3, uint64(100000)),
		Entry("v3, 2 units", sbpf.V3, 2, uint64(100000)),
	)

	It("keys the cache by the units", func() {
		elfBytes, err := asm.AssembleELF(splitProgram(3), sbpf.V0)
		Expect(err).NotTo(HaveOccurred())
		a, err := transpiled.Build(elfBytes, transpiled.Options{Profile: pvm.GP072, Opt: 2, Units: 1})
		Expect(err).NotTo(HaveOccurred())
		b, err := transpiled.Build(elfBytes, transpiled.Options{Profile: pvm.GP072, Opt: 2, Units: 2})
		Expect(err).NotTo(HaveOccurred())
		Expect(a.Key).NotTo(Equal(b.Key))
		Expect(a.Bytes).NotTo(Equal(b.Bytes))
	})
})
