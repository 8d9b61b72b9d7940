package link_test

import (
	"os/exec"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/pvm/guest"
)

func TestLink(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "pvm/link suite")
}

// The linker's specs compile real C with clang-19 and link with ld.lld-19; without
// them the suite fails (it never skips) and says how to install them.
var _ = BeforeSuite(func() {
	_, err := guest.FindClang("")
	Expect(err).NotTo(HaveOccurred(), "the pvm/link specs need clang-19: run `make deps`")
	_, err = exec.LookPath("ld.lld-19")
	Expect(err).NotTo(HaveOccurred(), "the pvm/link specs need ld.lld-19: run `make deps`")
})
