package elf_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestElf(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "sbpf/elf")
}
