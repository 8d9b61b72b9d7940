package syscalls

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestSyscalls(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "sbpf/syscalls")
}
