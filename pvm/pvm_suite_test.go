package pvm_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestPVM(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "pvm")
}
