package sbpf_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestSbpf(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "sbpf")
}
