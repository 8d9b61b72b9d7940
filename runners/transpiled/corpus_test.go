package transpiled_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
	"github.com/sbpf-pvm/sbpf-pvm/runners/transpiled"
)

// builtCorpus loads every case of corpus/cases whose program has been built (`make corpus`).
func builtCorpus() []*runners.Case {
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
	It("agrees with native on every built case under gp080", func() {
		cases := builtCorpus()
		if len(cases) == 0 {
			Skip("no corpus programs built (run `make corpus`)")
		}
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
