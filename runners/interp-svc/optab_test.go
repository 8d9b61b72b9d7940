package interpsvc_test

import (
	"os"
	"os/exec"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// guest/optab.h is generated: the verifier and decoder index it instead of running the
// resolver of guest/ops.h per instruction, so it must be exactly the resolver's answers.
var _ = Describe("the opcode tables", func() {
	It("are gen/optab.c's output for the current resolver", func() {
		exe := filepath.Join(GinkgoT().TempDir(), "optab")
		out, err := exec.Command("clang-19", "-O1", "-DSVC_NO_LIBC", "-Wall", "-Wno-unused-function", "-o", exe,
			filepath.Join("guest", "gen", "optab.c")).CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		got, err := exec.Command(exe).Output()
		Expect(err).NotTo(HaveOccurred())
		want, err := os.ReadFile(filepath.Join("guest", "optab.h"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(got)).To(Equal(string(want)), "regenerate: clang-19 -DSVC_NO_LIBC guest/gen/optab.c && ./a.out > guest/optab.h")
	})
})
