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

	It("is what go generate produces from interp.go", func() {
		src, err := os.ReadFile(filepath.Join(dir, "interp.go"))
		Expect(err).NotTo(HaveOccurred())
		want, err := stepgen.Transform(string(src))
		Expect(err).NotTo(HaveOccurred())
		got, err := os.ReadFile(filepath.Join(dir, "interp_step.go"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(got)).To(Equal(want), "run `go generate ./pvm` after changing interp.go")
	})

	It("leaves no continue in the stepping loop", func() {
		out, err := stepgen.Transform("package pvm\nfunc (m *Machine) exec() Exit {\n\tfor {\n\t\ti++\n\t\tcontinue\n\t}\ndone:\n\treturn ex\n}\n")
		Expect(err).NotTo(HaveOccurred())
		Expect(out).To(ContainSubstring("goto stepped"))
		Expect(strings.Count(out, "continue")).To(BeZero())
		_, err = stepgen.Transform("package pvm\n")
		Expect(err).To(HaveOccurred())
	})
})
