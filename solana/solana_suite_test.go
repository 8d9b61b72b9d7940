package solana_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestSolana(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "solana")
}
