package svcrt_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/runners/svcrt"
)

var _ = Describe("RefineArgs", func() {
	It("encodes core, item, service, payload length, payload and a zero package hash", func() {
		arg := svcrt.RefineArgs(1, []byte{0xaa, 0xbb, 0xcc})
		want := append([]byte{0, 0, 1, 3, 0xaa, 0xbb, 0xcc}, make([]byte, 32)...)
		Expect(arg).To(Equal(want))
	})
	It("uses the multi-byte natural encoding for long payloads", func() {
		arg := svcrt.RefineArgs(1, make([]byte, 300))
		Expect(arg).To(HaveLen(3 + 2 + 300 + 32)) // 300 needs two bytes
		Expect(arg[3]).To(BeNumerically(">=", 0x80))
	})
})
