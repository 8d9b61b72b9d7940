package main

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// TestCLI is the Ginkgo entry point of package main: every command's specs register
// with Describe in their own *_test.go file.
func TestCLI(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "cmd/sbpf-pvm")
}
