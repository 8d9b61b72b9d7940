package interpsvc_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
	interpsvc "github.com/sbpf-pvm/sbpf-pvm/runners/interp-svc"
)

// corpusCases loads every case of corpus/cases whose program has been built (`make corpus`).
func corpusCases() []*runners.Case {
	var out []*runners.Case
	root := filepath.Join("..", "..", "corpus", "cases")
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
			return nil
		}
		c, err := runners.LoadCase(p)
		Expect(err).NotTo(HaveOccurred(), p)
		if _, err := c.ProgramBytes(); err == nil {
			out = append(out, c)
		}
		return nil
	})
	return out
}

var _ = Describe("the corpus", func() {
	It("agrees with native on every built case, on the PVM (gp072) and on the host build", func() {
		cases := corpusCases()
		if len(cases) == 0 {
			Skip("no corpus programs built (run `make corpus`)")
		}
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
