package svcrt_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestSvcrt(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "svcrt")
}
