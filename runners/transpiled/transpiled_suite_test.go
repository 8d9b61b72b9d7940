package transpiled_test

import (
	"os/exec"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestTranspiled(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "transpiled")
}

var _ = BeforeSuite(func() {
	if _, err := exec.LookPath("clang-19"); err != nil {
		Fail("clang-19 is required: run `make deps`")
	}
})
