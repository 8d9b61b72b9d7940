package transpiled_test

import (
	"context"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/corpus"
	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
	"github.com/sbpf-pvm/sbpf-pvm/runners/transpiled"
)

// builtCorpus builds the corpus programs (as `make corpus` does, without writing into the
// tree) and loads every case of corpus/cases with its program.
func builtCorpus() []*runners.Case {
	cases, err := corpus.Cases(filepath.Join("..", "..", "corpus"), "")
	Expect(err).NotTo(HaveOccurred(), "building the corpus (clang-19 missing? run `make deps`)")
	Expect(cases).NotTo(BeEmpty())
	return cases
}

var _ = Describe("the corpus", func() {
	It("agrees with native on every case under gp080", func() {
		cases := builtCorpus()
		r := transpiled.New(pvm.GP080)
		for _, c := range cases {
			want := runNative(c)
			got, err := r.Run(context.Background(), c)
			Expect(err).NotTo(HaveOccurred(), c.Name)
			Expect(observe(got)).To(Equal(observe(want)), "case %s: %s", c.Name, got.ErrorDetail)
			GinkgoWriter.Printf("%-40s CU %8d gas %10d exec %10d\n", c.Name, got.ComputeUnits, got.Gas.Total, got.Gas.Execute)
		}
	})
})
