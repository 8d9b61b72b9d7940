package stepgen_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/pvm/internal/stepgen"
)

var _ = Describe("interp_step.go", func() {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..")

	DescribeTable("generated files are what go generate produces from interp.go", func(name string, fn func(string) (string, error)) {
		src, err := os.ReadFile(filepath.Join(dir, "interp.go"))
		Expect(err).NotTo(HaveOccurred())
		want, err := fn(string(src))
		Expect(err).NotTo(HaveOccurred())
		got, err := os.ReadFile(filepath.Join(dir, name))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(got)).To(Equal(want), "run `go generate ./pvm` after changing interp.go")
	},
		Entry("interp_step.go", "interp_step.go", stepgen.Transform),
		Entry("interp_perinsn.go", "interp_perinsn.go", stepgen.TransformPerInstruction),
	)

	It("leaves no continue in the stepping loop", func() {
		out, err := stepgen.Transform("package pvm\nfunc (m *Machine) exec() Exit {\n\tfor {\n\t\ti++\n\t\tcontinue\n\t}\ndone:\n\treturn ex\n}\n")
		Expect(err).NotTo(HaveOccurred())
		Expect(out).To(ContainSubstring("goto stepped"))
		Expect(strings.Count(out, "continue")).To(BeZero())
		_, err = stepgen.Transform("package pvm\n")
		Expect(err).To(HaveOccurred())
	})
})
