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

var _ = Describe("Inst.String", func() {
	DescribeTable("renders operands in a readable order", func(in pvm.Inst, want string) {
		Expect(in.String()).To(Equal(want))
	},
		Entry(nil, pvm.Inst{Op: pvm.OpAdd64, Ra: 7, Rb: 8, Rd: 9}, "add_64 a2, a0, a1"),
		Entry(nil, pvm.Inst{Op: pvm.OpLoadIndU32, Ra: 7, Rb: 1, Imm: 8}, "load_ind_u32 a0, [sp+8]"),
		Entry(nil, pvm.Inst{Op: pvm.OpStoreIndU8, Ra: 7, Rb: 1, Imm: neg(4)}, "store_ind_u8 [sp-4], a0"),
		Entry(nil, pvm.Inst{Op: pvm.OpLoadU64, Ra: 7, Imm: 0x20000}, "load_u64 a0, [0x20000]"),
		Entry(nil, pvm.Inst{Op: pvm.OpStoreU16, Ra: 8, Imm: 0x20000}, "store_u16 [0x20000], a1"),
		Entry(nil, pvm.Inst{Op: pvm.OpLoadImm, Ra: 7, Imm: neg(1)}, "load_imm a0, -1"),
		Entry(nil, pvm.Inst{Op: pvm.OpMoveReg, Ra: 7, Rd: 8}, "move_reg a1, a0"),
		Entry(nil, pvm.Inst{Op: pvm.OpBranchLtU, Ra: 7, Rb: 8, Imm: 12}, "branch_lt_u a0, a1, @12"),
		Entry(nil, pvm.Inst{Op: pvm.OpEcalli, Imm: 100}, "ecalli 100"),
	)
})
