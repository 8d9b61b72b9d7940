package stepgen_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestStepgen(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "pvm/internal/stepgen")
}
