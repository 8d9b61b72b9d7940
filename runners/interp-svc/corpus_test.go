package interpsvc_test

import (
	"context"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/corpus"
	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
	interpsvc "github.com/sbpf-pvm/sbpf-pvm/runners/interp-svc"
)

// corpusCases builds the corpus programs (as `make corpus` does, without writing into the
// tree) and loads every case of corpus/cases with its program.
func corpusCases() []*runners.Case {
	cases, err := corpus.Cases(filepath.Join("..", "..", "corpus"), "")
	Expect(err).NotTo(HaveOccurred(), "building the corpus (clang-19 missing? run `make deps`)")
	Expect(cases).NotTo(BeEmpty())
	return cases
}

var _ = Describe("the corpus", func() {
	It("agrees with native on every case, on the PVM (gp072) and on the host build", func() {
		cases := corpusCases()
		r := interpsvc.New(pvm.GP072)
		for _, c := range cases {
			want := reference(c)
			Expect(fields(hostResult(c))).To(Equal(fields(want)), "host build, case %s", c.Name)
			got, err := r.Run(context.Background(), c)
			Expect(err).NotTo(HaveOccurred(), c.Name)
			Expect(fields(got)).To(Equal(fields(want)), "PVM, case %s: %s", c.Name, got.ErrorDetail)
			GinkgoWriter.Printf("%-40s CU %8d gas %12d (load %d ser %d exec %d diff %d) %.1f gas/CU\n", c.Name, got.ComputeUnits,
				got.Gas.Total, got.Gas.Load, got.Gas.Serialize, got.Gas.Execute, got.Gas.Diff, float64(got.Gas.Execute)/float64(max(got.ComputeUnits, 1)))
		}
	})
})
