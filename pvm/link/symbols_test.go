package link_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/pvm/link"
)

const symbolsSrc = `
#include "pvm.h"
__attribute__((noinline)) static long sq(long x) { return x * x; }
__attribute__((noinline)) long twice(long x) { return sq(x) + sq(x + 1); }
long sym_entry(long n) {
	long s = 0;
	for (long i = 0; i < n; i++) s += twice(i);
	return s;
}
`

// stepNames single-steps entry with argument a and names the function of every executed pc.
func stepNames(r *link.Result, p pvm.Profile, entry string, a uint64) map[string]int {
	GinkgoHelper()
	m, err := pvm.InitStandard(decode(p, r.Program.Code), r.Program, entryPC(r, entry), nil, testGas)
	Expect(err).NotTo(HaveOccurred())
	m.Regs[7] = a
	seen := map[string]int{}
	for range 100_000 {
		pc := m.PC
		ex, done := m.Step()
		name := "?"
		if s, ok := link.SymbolAt(r.Symbols, pc); ok {
			name = s.Name
		}
		seen[name]++
		if done {
			Expect(ex.Status).To(Equal(pvm.StatusHalt))
			Expect(m.Regs[7]).To(Equal(uint64(0*0 + 1*1 + 1*1 + 2*2 + 2*2 + 3*3)))
			return seen
		}
	}
	Fail("did not halt")
	return nil
}

var _ = Describe("symbol map", func() {
	for _, fs := range []string{"-ffunction-sections", "-fno-function-sections"} {
		It("names every executed pc by its function ("+fs+")", func() {
			res := linkAll(compileSource("syms.c", symbolsSrc, fs, "-O2"), "sym_entry")
			for p, r := range res {
				names := map[string]bool{}
				var prevEnd uint32
				for _, s := range r.Symbols {
					Expect(s.PC).To(BeNumerically(">=", prevEnd), "%s: sorted, disjoint", p)
					Expect(s.End).To(BeNumerically(">", s.PC))
					Expect(int(s.End)).To(BeNumerically("<=", len(r.Program.Code.Code)))
					prevEnd = s.End
					names[s.Name] = true
				}
				Expect(names).To(HaveKey("sym_entry"))
				Expect(names).To(HaveKey("twice"))
				Expect(names).To(HaveKey("sq"))
				seen := stepNames(r, p, "sym_entry", 3)
				// the dispatch jump at pc 0 belongs to no function; everything else does
				Expect(seen).To(HaveKey("sym_entry"))
				Expect(seen).To(HaveKey("twice"))
				Expect(seen).To(HaveKey("sq"))
				Expect(seen["?"]).To(BeNumerically("<=", 1), "%s: %v", p, seen)
			}
		})
	}
	It("SymbolAt finds nothing outside the ranges", func() {
		syms := []link.Symbol{{Name: "a", PC: 5, End: 10}, {Name: "b", PC: 12, End: 20}}
		_, ok := link.SymbolAt(syms, 4)
		Expect(ok).To(BeFalse())
		s, ok := link.SymbolAt(syms, 9)
		Expect(ok).To(BeTrue())
		Expect(s.Name).To(Equal("a"))
		_, ok = link.SymbolAt(syms, 10)
		Expect(ok).To(BeFalse())
		s, _ = link.SymbolAt(syms, 12)
		Expect(s.Name).To(Equal("b"))
		_, ok = link.SymbolAt(syms, 20)
		Expect(ok).To(BeFalse())
	})
})
