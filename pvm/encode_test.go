package pvm_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
)

var _ = Describe("AppendInst and DecodeInst", func() {
	It("encodes add_32 exactly as the v0.4 vector does", func() {
		code, mask, err := pvm.AppendInst(pvm.GP072, nil, nil, 0, pvm.Inst{Op: pvm.OpAdd32, Ra: 7, Rb: 8, Rd: 9})
		Expect(err).NotTo(HaveOccurred())
		Expect(code).To(Equal([]byte{190, 135, 9}))
		Expect(mask).To(Equal([]bool{true, false, false}))
		prog := &pvm.Program{Code: code, Bitmask: pvm.PackBitmask(mask)}
		Expect(prog.Marshal()).To(Equal([]byte{0, 0, 3, 190, 135, 9, 1}))
	})

	It("round-trips a program blob", func() {
		blob := []byte{1, 1, 16, 6, 51, 7, 2, 50, 7, 0, 20, 8, 239, 190, 173, 222, 0, 0, 0, 0, 105, 0}
		p, err := pvm.ParseProgram(blob)
		Expect(err).NotTo(HaveOccurred())
		Expect(p.JumpTable).To(Equal([]uint32{6}))
		Expect(p.Marshal()).To(Equal(blob))
		in, n, err := pvm.DecodeInst(pvm.GP072, p.Code, p.Bitmask, 6)
		Expect(err).NotTo(HaveOccurred())
		Expect(n).To(Equal(uint32(10)))
		Expect(in).To(Equal(pvm.Inst{Op: pvm.OpLoadImm64, Ra: 8, Imm: 0xDEADBEEF}))
	})
})
