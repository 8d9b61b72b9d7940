package transpiled_test

import (
	"bytes"
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/runners/transpiled"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/asm"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/syscalls"
)

var _ = Describe("the build", func() {
	It("is deterministic: two fresh builds and the cached one are the same bytes", func() {
		elfBytes, err := asm.AssembleELF(budgetProgram, sbpf.V0)
		Expect(err).NotTo(HaveOccurred())
		for _, opt := range []transpiled.OptLevel{0, 1, 2} {
			a, err := transpiled.Build(elfBytes, transpiled.Options{Profile: pvm.GP080, Opt: opt, NoCache: true})
			Expect(err).NotTo(HaveOccurred())
			b, err := transpiled.Build(elfBytes, transpiled.Options{Profile: pvm.GP080, Opt: opt, NoCache: true})
			Expect(err).NotTo(HaveOccurred())
			Expect(b.Bytes).To(Equal(a.Bytes))
			c, err := transpiled.Build(elfBytes, transpiled.Options{Profile: pvm.GP080, Opt: opt})
			Expect(err).NotTo(HaveOccurred())
			Expect(c.Bytes).To(Equal(a.Bytes))
			Expect(a.Times.LLVM).To(BeNumerically(">", 0))
			Expect(a.Times.LLVMCPU).To(BeNumerically(">", 0), "the compiler processes' CPU time")
		}
	})

	It("runs the same program alike at every level (native's result and CU)", func() {
		c := newCase("levels", budgetProgram, sbpf.V0, 100000)
		want := observe(runNative(c))
		for _, opt := range []transpiled.OptLevel{0, 1, 2, 3} {
			Expect(transpiled.Pipeline(opt)).NotTo(BeEmpty())
			r := transpiled.New(pvm.GP072)
			r.Opt = opt
			res, err := r.Run(context.Background(), c)
			Expect(err).NotTo(HaveOccurred())
			Expect(observe(res)).To(Equal(want), "-O%d", opt)
		}
	})

	It("turns a program the loader rejects into a blob that fails to load with native's kind", func() {
		mod, err := transpiled.ModuleFor([]byte("not an ELF"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(mod.IR)).To(ContainSubstring("@tr_load_kind = hidden constant ptr @.lk"))
	})

	It("rejects an optimisation level outside 0..3", func() {
		_, err := transpiled.CompileIR([]byte(""), 7)
		Expect(err).To(MatchError(ContainSubstring("optimisation level")))
	})
})

var _ = Describe("the translation limits", func() {
	It("refuses a program above MaxInsns with ErrTooLarge", func() {
		text := bytes.Repeat([]byte{0x95, 0, 0, 0, 0, 0, 0, 0}, transpiled.MaxInsns+1)
		loader, err := syscalls.NewLoader()
		Expect(err).NotTo(HaveOccurred())
		exe, err := sbpf.NewExecutableFromText(text, loader, sbpf.V3, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(exe.Verify()).To(Succeed())
		_, err = transpiled.Translate(exe)
		Expect(err).To(MatchError(transpiled.ErrTooLarge))
	})
})
