package pvm_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
)

// covered records every opcode some spec in this file exercises; a final spec checks
// that the instruction set is fully covered.
var covered = map[pvm.Opcode]bool{}

type aluCase struct {
	op     pvm.Opcode
	a, b   uint64 // register operands (F12: rA, rB; F9: rB and X; F8: rA)
	init   uint64 // initial value of the destination register
	expect uint64
}

func rrr(op pvm.Opcode, a, b, expect uint64) TableEntry {
	covered[op] = true
	return Entry(nil, aluCase{op: op, a: a, b: b, init: 0xDEAD, expect: expect})
}

func rrrInit(op pvm.Opcode, a, b, init, expect uint64) TableEntry {
	covered[op] = true
	return Entry(nil, aluCase{op: op, a: a, b: b, init: init, expect: expect})
}

var _ = Describe("instruction semantics", func() {
	profiles := []pvm.Profile{pvm.GP072, pvm.GP080, pvm.Latest64}

	// F12: rD = f(rA, rB) with A = a0, B = a1, D = a2.
	DescribeTable("three-register instructions", func(c aluCase) {
		for _, p := range profiles {
			m := runOne(p, pvm.Inst{Op: c.op, Ra: a0, Rb: a1, Rd: a2}, map[int]uint64{a0: c.a, a1: c.b, a2: c.init})
			Expect(m.Regs[a2]).To(Equal(c.expect), "%s in %s", c.op, p)
			Expect(m.Regs[a0]).To(Equal(c.a))
			Expect(m.Regs[a1]).To(Equal(c.b))
		}
	},
		func(c aluCase) string { return c.op.String() },
		rrr(pvm.OpAdd32, 0x7FFFFFFF, 1, 0xFFFFFFFF80000000),
		rrr(pvm.OpSub32, 0, 1, max64),
		rrr(pvm.OpMul32, 0x40000000, 2, 0xFFFFFFFF80000000),
		rrr(pvm.OpDivU32, 0xFFFFFFFF, 2, 0x7FFFFFFF),
		rrr(pvm.OpDivU32, 0x1_00000010, 0x1_00000004, 4),
		rrr(pvm.OpDivU32, 5, 0x1_00000000, max64),
		rrr(pvm.OpDivS32, neg(7), 2, neg(3)),
		rrr(pvm.OpDivS32, 0x80000000, neg(1), 0xFFFFFFFF80000000),
		rrr(pvm.OpDivS32, 5, 0, max64),
		rrr(pvm.OpRemU32, 10, 3, 1),
		rrr(pvm.OpRemU32, 0x80000005, 0, 0xFFFFFFFF80000005),
		rrr(pvm.OpRemS32, neg(7), 2, max64),
		rrr(pvm.OpRemS32, 0x80000000, neg(1), 0),
		rrr(pvm.OpRemS32, neg(7), 0, neg(7)),
		rrr(pvm.OpShloL32, 1, 31, 0xFFFFFFFF80000000),
		rrr(pvm.OpShloL32, 1, 33, 2),
		rrr(pvm.OpShloR32, 0xFFFFFFFF80000000, 31, 1),
		rrr(pvm.OpShloR32, 0x80000000, 32, 0xFFFFFFFF80000000),
		rrr(pvm.OpSharR32, 0x80000000, 4, 0xFFFFFFFFF8000000),
		rrr(pvm.OpAdd64, max64, 2, 1),
		rrr(pvm.OpSub64, 0, 1, max64),
		rrr(pvm.OpMul64, max64, 3, neg(3)),
		rrr(pvm.OpDivU64, 100, 7, 14),
		rrr(pvm.OpDivU64, 100, 0, max64),
		rrr(pvm.OpDivS64, neg(100), 7, neg(14)),
		rrr(pvm.OpDivS64, minI64, neg(1), minI64),
		rrr(pvm.OpDivS64, 1, 0, max64),
		rrr(pvm.OpRemU64, 100, 7, 2),
		rrr(pvm.OpRemU64, 100, 0, 100),
		rrr(pvm.OpRemS64, neg(100), 7, neg(2)),
		rrr(pvm.OpRemS64, minI64, neg(1), 0),
		rrr(pvm.OpRemS64, neg(5), 0, neg(5)),
		rrr(pvm.OpShloL64, 1, 65, 2),
		rrr(pvm.OpShloR64, minI64, 63, 1),
		rrr(pvm.OpSharR64, minI64, 63, max64),
		rrr(pvm.OpAnd, 0xF0F0, 0xFF00, 0xF000),
		rrr(pvm.OpXor, 0xF0F0, 0xFF00, 0x0FF0),
		rrr(pvm.OpOr, 0xF0F0, 0xFF00, 0xFFF0),
		rrr(pvm.OpMulUpperSS, neg(2), 3, max64),
		rrr(pvm.OpMulUpperSS, neg(1), neg(1), 0),
		rrr(pvm.OpMulUpperUU, max64, max64, max64-1),
		rrr(pvm.OpMulUpperSU, neg(1), max64, max64),
		rrr(pvm.OpMulUpperSU, 2, max64, 1),
		rrr(pvm.OpSetLtU, 1, max64, 1),
		rrr(pvm.OpSetLtS, max64, 1, 1),
		rrr(pvm.OpSetLtS, 1, max64, 0),
		rrrInit(pvm.OpCmovIz, 7, 0, 99, 7),
		rrrInit(pvm.OpCmovIz, 7, 1, 99, 99),
		rrrInit(pvm.OpCmovNz, 7, 1, 99, 7),
		rrrInit(pvm.OpCmovNz, 7, 0, 99, 99),
		rrr(pvm.OpRotL64, 0x8000000000000001, 1, 3),
		rrr(pvm.OpRotL32, 0x40000000, 1, 0xFFFFFFFF80000000),
		rrr(pvm.OpRotL32, 0xFFFFFFFF80000001, 33, 3),
		rrr(pvm.OpRotR64, 3, 1, 0x8000000000000001),
		rrr(pvm.OpRotR32, 1, 1, 0xFFFFFFFF80000000),
		rrr(pvm.OpAndInv, 0xFF, 0x0F, 0xF0),
		rrr(pvm.OpOrInv, 0, 0xFF, 0xFFFFFFFFFFFFFF00),
		rrr(pvm.OpXnor, 0xFF, 0x0F, 0xFFFFFFFFFFFFFF0F),
		rrr(pvm.OpMax, max64, 1, 1),
		rrr(pvm.OpMaxU, max64, 1, max64),
		rrr(pvm.OpMin, max64, 1, max64),
		rrr(pvm.OpMinU, max64, 1, 1),
	)

	// F9: rA = f(rB, X) with A = a2, B = a0; c.a is rB and c.b is X.
	DescribeTable("register-immediate instructions", func(c aluCase) {
		for _, p := range profiles {
			m := runOne(p, pvm.Inst{Op: c.op, Ra: a2, Rb: a0, Imm: c.b}, map[int]uint64{a0: c.a, a2: c.init})
			Expect(m.Regs[a2]).To(Equal(c.expect), "%s in %s", c.op, p)
		}
	},
		func(c aluCase) string { return c.op.String() },
		rrr(pvm.OpAddImm32, 0x7FFFFFFF, 1, 0xFFFFFFFF80000000),
		rrr(pvm.OpAndImm, 0xFFFF, neg(16), 0xFFF0),
		rrr(pvm.OpXorImm, 0, max64, max64),
		rrr(pvm.OpOrImm, 0x100, 1, 0x101),
		rrr(pvm.OpMulImm32, 0x40000000, 2, 0xFFFFFFFF80000000),
		rrr(pvm.OpSetLtUImm, 5, max64, 1),
		rrr(pvm.OpSetLtSImm, 5, max64, 0),
		rrr(pvm.OpShloLImm32, 1, 31, 0xFFFFFFFF80000000),
		rrr(pvm.OpShloRImm32, 0x80000000, 31, 1),
		rrr(pvm.OpSharRImm32, 0x80000000, 31, max64),
		rrr(pvm.OpNegAddImm32, 1, 0, max64),
		rrr(pvm.OpNegAddImm32, 0x80000000, 0, 0xFFFFFFFF80000000),
		rrr(pvm.OpSetGtUImm, max64, 1, 1),
		rrr(pvm.OpSetGtSImm, max64, 1, 0),
		rrr(pvm.OpShloLImmAlt32, 31, 1, 0xFFFFFFFF80000000),
		rrr(pvm.OpShloRImmAlt32, 28, max64, 0xF),
		rrr(pvm.OpSharRImmAlt32, 31, 0xFFFFFFFF80000000, max64),
		rrrInit(pvm.OpCmovIzImm, 0, 5, 99, 5),
		rrrInit(pvm.OpCmovIzImm, 1, 5, 99, 99),
		rrrInit(pvm.OpCmovNzImm, 1, 5, 99, 5),
		rrrInit(pvm.OpCmovNzImm, 0, 5, 99, 99),
		rrr(pvm.OpAddImm64, max64, 2, 1),
		rrr(pvm.OpMulImm64, 3, max64, neg(3)),
		rrr(pvm.OpShloLImm64, 1, 63, minI64),
		rrr(pvm.OpShloRImm64, max64, 60, 0xF),
		rrr(pvm.OpSharRImm64, minI64, 60, neg(8)),
		rrr(pvm.OpNegAddImm64, 5, 3, neg(2)),
		rrr(pvm.OpShloLImmAlt64, 63, 1, minI64),
		rrr(pvm.OpShloRImmAlt64, 60, max64, 0xF),
		rrr(pvm.OpSharRImmAlt64, 2, neg(16), neg(4)),
		rrr(pvm.OpRotR64Imm, 1, 1, minI64),
		rrr(pvm.OpRotR64ImmAlt, 1, 1, minI64),
		rrr(pvm.OpRotR32Imm, 1, 1, 0xFFFFFFFF80000000),
		rrr(pvm.OpRotR32ImmAlt, 1, 1, 0xFFFFFFFF80000000),
	)

	// F8: rD = f(rA) with D = a2, A = a0.
	DescribeTable("two-register instructions", func(c aluCase) {
		for _, p := range profiles {
			m := runOne(p, pvm.Inst{Op: c.op, Ra: a0, Rd: a2}, map[int]uint64{a0: c.a, a2: c.init})
			Expect(m.Regs[a2]).To(Equal(c.expect), "%s in %s", c.op, p)
		}
	},
		func(c aluCase) string { return c.op.String() },
		rrr(pvm.OpMoveReg, 42, 0, 42),
		rrr(pvm.OpCountSetBits64, max64, 0, 64),
		rrr(pvm.OpCountSetBits32, 0xFFFFFFFF00000001, 0, 1),
		rrr(pvm.OpLeadingZeroBits64, 1, 0, 63),
		rrr(pvm.OpLeadingZeroBits64, 0, 0, 64),
		rrr(pvm.OpLeadingZeroBits32, 0xFFFFFFFF00000001, 0, 31),
		rrr(pvm.OpLeadingZeroBits32, 0xFFFFFFFF00000000, 0, 32),
		rrr(pvm.OpTrailingZeroBits64, 0x100, 0, 8),
		rrr(pvm.OpTrailingZeroBits64, 0, 0, 64),
		rrr(pvm.OpTrailingZeroBits32, 0x1_00000000, 0, 32),
		rrr(pvm.OpSignExtend8, 0x80, 0, 0xFFFFFFFFFFFFFF80),
		rrr(pvm.OpSignExtend16, 0x18000, 0, 0xFFFFFFFFFFFF8000),
		rrr(pvm.OpZeroExtend16, 0xFFFFFFFFFFFF1234, 0, 0x1234),
		rrr(pvm.OpReverseBytes, 0x0102030405060708, 0, 0x0807060504030201),
	)

	covered[pvm.OpLoadImm], covered[pvm.OpLoadImm64] = true, true
	DescribeTable("load immediates", func(in pvm.Inst, want uint64) {
		m := runOne(pvm.GP080, in, nil)
		Expect(m.Regs[a0]).To(Equal(want))
	},
		Entry("load_imm sign-extends", pvm.Inst{Op: pvm.OpLoadImm, Ra: a0, Imm: neg(2)}, neg(2)),
		Entry("load_imm_64 keeps 64 bits", pvm.Inst{Op: pvm.OpLoadImm64, Ra: a0, Imm: 0x8123456789ABCDEF}, uint64(0x8123456789ABCDEF)),
	)

	// Memory at 0x20000 holds 80 FF 01 02 03 04 05 86 (page W); 0x30000 the same (page R).
	image := []byte{0x80, 0xFF, 0x01, 0x02, 0x03, 0x04, 0x05, 0x86}
	for o := pvm.OpLoadU8; o <= pvm.OpLoadU64; o++ {
		covered[o] = true
	}
	for o := pvm.OpLoadIndU8; o <= pvm.OpLoadIndU64; o++ {
		covered[o] = true
	}
	DescribeTable("loads", func(op pvm.Opcode, offset uint64, want uint64) {
		for _, base := range []uint64{0x20000, 0x30000} {
			in := pvm.Inst{Op: op, Ra: a2, Rb: a0, Imm: base + offset}
			regs := map[int]uint64{}
			if op.Format() == pvm.FmtRegRegImm { // indirect: a0 + X
				in.Imm = offset
				regs[a0] = base
			}
			m := machineFor(pvm.GP080, nil, I(in), I(pvm.Inst{Op: pvm.OpTrap}))
			Expect(m.Mem.Poke(uint32(base), image)).To(Succeed())
			for r, v := range regs {
				m.Regs[r] = v
			}
			Expect(m.Run().Status).To(Equal(pvm.StatusPanic))
			Expect(m.Regs[a2]).To(Equal(want), "%s from 0x%x", op, base)
		}
	},
		Entry("load_u8", pvm.OpLoadU8, uint64(0), uint64(0x80)),
		Entry("load_i8", pvm.OpLoadI8, uint64(0), uint64(0xFFFFFFFFFFFFFF80)),
		Entry("load_u16", pvm.OpLoadU16, uint64(0), uint64(0xFF80)),
		Entry("load_i16", pvm.OpLoadI16, uint64(0), uint64(0xFFFFFFFFFFFFFF80)),
		Entry("load_u32", pvm.OpLoadU32, uint64(4), uint64(0x86050403)),
		Entry("load_i32", pvm.OpLoadI32, uint64(4), uint64(0xFFFFFFFF86050403)),
		Entry("load_u64", pvm.OpLoadU64, uint64(0), uint64(0x86050403_0201FF80)),
		Entry("load_ind_u8", pvm.OpLoadIndU8, uint64(1), uint64(0xFF)),
		Entry("load_ind_i8", pvm.OpLoadIndI8, uint64(7), uint64(0xFFFFFFFFFFFFFF86)),
		Entry("load_ind_u16", pvm.OpLoadIndU16, uint64(6), uint64(0x8605)),
		Entry("load_ind_i16", pvm.OpLoadIndI16, uint64(6), uint64(0xFFFFFFFFFFFF8605)),
		Entry("load_ind_u32", pvm.OpLoadIndU32, uint64(0), uint64(0x0201FF80)),
		Entry("load_ind_i32", pvm.OpLoadIndI32, uint64(4), uint64(0xFFFFFFFF86050403)),
		Entry("load_ind_u64", pvm.OpLoadIndU64, uint64(0), uint64(0x86050403_0201FF80)),
	)

	for _, o := range []pvm.Opcode{pvm.OpStoreU8, pvm.OpStoreU16, pvm.OpStoreU32, pvm.OpStoreU64, pvm.OpStoreImmU8,
		pvm.OpStoreImmU16, pvm.OpStoreImmU32, pvm.OpStoreImmU64, pvm.OpStoreIndU8, pvm.OpStoreIndU16, pvm.OpStoreIndU32,
		pvm.OpStoreIndU64, pvm.OpStoreImmIndU8, pvm.OpStoreImmIndU16, pvm.OpStoreImmIndU32, pvm.OpStoreImmIndU64} {
		covered[o] = true
	}
	DescribeTable("stores", func(in pvm.Inst, regs map[int]uint64, want []byte) {
		m := machineFor(pvm.GP080, nil, I(in), I(pvm.Inst{Op: pvm.OpTrap}))
		Expect(m.Mem.Poke(0x20000, []byte{0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA})).To(Succeed())
		for r, v := range regs {
			m.Regs[r] = v
		}
		Expect(m.Run().Status).To(Equal(pvm.StatusPanic))
		got := make([]byte, 9)
		Expect(m.Mem.Read(0x20000, got)).To(Succeed())
		Expect(got).To(Equal(want))
	},
		Entry("store_u8", pvm.Inst{Op: pvm.OpStoreU8, Ra: a0, Imm: 0x20001}, map[int]uint64{a0: 0x1234}, []byte{0xAA, 0x34, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA}),
		Entry("store_u16", pvm.Inst{Op: pvm.OpStoreU16, Ra: a0, Imm: 0x20001}, map[int]uint64{a0: 0x1234}, []byte{0xAA, 0x34, 0x12, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA}),
		Entry("store_u32", pvm.Inst{Op: pvm.OpStoreU32, Ra: a0, Imm: 0x20000}, map[int]uint64{a0: 0x11223344_55667788}, []byte{0x88, 0x77, 0x66, 0x55, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA}),
		Entry("store_u64", pvm.Inst{Op: pvm.OpStoreU64, Ra: a0, Imm: 0x20001}, map[int]uint64{a0: 0x11223344_55667788}, []byte{0xAA, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11}),
		Entry("store_imm_u8", pvm.Inst{Op: pvm.OpStoreImmU8, Imm: 0x20000, Imm2: neg(1)}, nil, []byte{0xFF, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA}),
		Entry("store_imm_u16", pvm.Inst{Op: pvm.OpStoreImmU16, Imm: 0x20000, Imm2: 0x1234}, nil, []byte{0x34, 0x12, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA}),
		Entry("store_imm_u32", pvm.Inst{Op: pvm.OpStoreImmU32, Imm: 0x20000, Imm2: neg(2)}, nil, []byte{0xFE, 0xFF, 0xFF, 0xFF, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA}),
		Entry("store_imm_u64 sign-extends", pvm.Inst{Op: pvm.OpStoreImmU64, Imm: 0x20000, Imm2: neg(2)}, nil, []byte{0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xAA}),
		Entry("store_ind_u8", pvm.Inst{Op: pvm.OpStoreIndU8, Ra: a1, Rb: a0, Imm: 2}, map[int]uint64{a0: 0x20000, a1: 0x99}, []byte{0xAA, 0xAA, 0x99, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA}),
		Entry("store_ind_u16", pvm.Inst{Op: pvm.OpStoreIndU16, Ra: a1, Rb: a0, Imm: 2}, map[int]uint64{a0: 0x20000, a1: 0x9988}, []byte{0xAA, 0xAA, 0x88, 0x99, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA}),
		Entry("store_ind_u32", pvm.Inst{Op: pvm.OpStoreIndU32, Ra: a1, Rb: a0, Imm: neg(1)}, map[int]uint64{a0: 0x20001, a1: 0x01020304}, []byte{0x04, 0x03, 0x02, 0x01, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA}),
		Entry("store_ind_u64", pvm.Inst{Op: pvm.OpStoreIndU64, Ra: a1, Rb: a0, Imm: 1}, map[int]uint64{a0: 0x20000, a1: max64}, []byte{0xAA, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}),
		Entry("store_imm_ind_u8", pvm.Inst{Op: pvm.OpStoreImmIndU8, Ra: a0, Imm: 8, Imm2: 7}, map[int]uint64{a0: 0x20000}, []byte{0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0x07}),
		Entry("store_imm_ind_u16", pvm.Inst{Op: pvm.OpStoreImmIndU16, Ra: a0, Imm: 0, Imm2: neg(1)}, map[int]uint64{a0: 0x20000}, []byte{0xFF, 0xFF, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA}),
		Entry("store_imm_ind_u32", pvm.Inst{Op: pvm.OpStoreImmIndU32, Ra: a0, Imm: 0, Imm2: 0x100}, map[int]uint64{a0: 0x20000}, []byte{0x00, 0x01, 0x00, 0x00, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA}),
		Entry("store_imm_ind_u64", pvm.Inst{Op: pvm.OpStoreImmIndU64, Ra: a0, Imm: 1, Imm2: 0x7FFFFFFF}, map[int]uint64{a0: 0x20000}, []byte{0xAA, 0xFF, 0xFF, 0xFF, 0x7F, 0x00, 0x00, 0x00, 0x00}),
	)

	type branchCase struct {
		op    pvm.Opcode
		a, b  uint64
		taken bool
	}
	br := func(op pvm.Opcode, a, b uint64, taken bool) TableEntry {
		covered[op] = true
		return Entry(nil, branchCase{op, a, b, taken})
	}
	// Each branch either jumps to "yes" (a1 = 1) or falls through to "no" (a1 = 2).
	DescribeTable("branches", func(c branchCase) {
		in := pvm.Inst{Op: c.op, Ra: a0, Rb: a2, Imm: c.b}
		m := machineFor(pvm.GP080, nil,
			J(in, "yes"),
			L("no"), I(pvm.Inst{Op: pvm.OpLoadImm, Ra: a1, Imm: 2}), I(pvm.Inst{Op: pvm.OpTrap}),
			L("yes"), I(pvm.Inst{Op: pvm.OpLoadImm, Ra: a1, Imm: 1}), I(pvm.Inst{Op: pvm.OpTrap}))
		m.Regs[a0], m.Regs[a2] = c.a, c.b
		Expect(m.Run().Status).To(Equal(pvm.StatusPanic))
		want := uint64(2)
		if c.taken {
			want = 1
		}
		Expect(m.Regs[a1]).To(Equal(want), "%s %d, %d", c.op, c.a, c.b)
	},
		func(c branchCase) string { return c.op.String() },
		br(pvm.OpBranchEq, 5, 5, true), br(pvm.OpBranchEq, 5, 6, false),
		br(pvm.OpBranchNe, 5, 6, true), br(pvm.OpBranchNe, 5, 5, false),
		br(pvm.OpBranchLtU, 5, max64, true), br(pvm.OpBranchLtU, max64, 5, false),
		br(pvm.OpBranchLtS, max64, 5, true), br(pvm.OpBranchLtS, 5, max64, false),
		br(pvm.OpBranchGeU, max64, 5, true), br(pvm.OpBranchGeU, 5, 6, false),
		br(pvm.OpBranchGeS, 5, max64, true), br(pvm.OpBranchGeS, max64, 5, false),
		br(pvm.OpBranchEqImm, neg(1), neg(1), true), br(pvm.OpBranchEqImm, 1, 2, false),
		br(pvm.OpBranchNeImm, 1, 2, true), br(pvm.OpBranchNeImm, 2, 2, false),
		br(pvm.OpBranchLtUImm, 1, neg(1), true), br(pvm.OpBranchLtUImm, neg(1), 1, false),
		br(pvm.OpBranchLeUImm, 2, 2, true), br(pvm.OpBranchLeUImm, 3, 2, false),
		br(pvm.OpBranchGeUImm, neg(1), 1, true), br(pvm.OpBranchGeUImm, 1, 2, false),
		br(pvm.OpBranchGtUImm, 3, 2, true), br(pvm.OpBranchGtUImm, 2, 2, false),
		br(pvm.OpBranchLtSImm, neg(2), neg(1), true), br(pvm.OpBranchLtSImm, 1, neg(1), false),
		br(pvm.OpBranchLeSImm, neg(1), neg(1), true), br(pvm.OpBranchLeSImm, 0, neg(1), false),
		br(pvm.OpBranchGeSImm, 0, neg(1), true), br(pvm.OpBranchGeSImm, neg(2), neg(1), false),
		br(pvm.OpBranchGtSImm, 1, neg(1), true), br(pvm.OpBranchGtSImm, neg(1), neg(1), false),
	)

	// The specs below exercise these opcodes (marked while the tree is built, so the
	// coverage check does not depend on spec order).
	for _, o := range []pvm.Opcode{pvm.OpTrap, pvm.OpFallthrough, pvm.OpUnlikely, pvm.OpJump, pvm.OpLoadImmJump,
		pvm.OpJumpInd, pvm.OpLoadImmJumpInd, pvm.OpEcalli, pvm.OpSbrk, pvm.OpMemset} {
		covered[o] = true
	}

	It("trap panics at its own pc and fallthrough ends a block", func() {
		m := machineFor(pvm.GP072, nil, I(pvm.Inst{Op: pvm.OpFallthrough}), I(pvm.Inst{Op: pvm.OpFallthrough}), I(pvm.Inst{Op: pvm.OpTrap}))
		ex := m.Run()
		Expect(ex.Status).To(Equal(pvm.StatusPanic))
		Expect(ex.PC).To(Equal(uint32(2)))
		Expect(ex.GasLeft).To(Equal(int64(1_000_000 - 3))) // three one-instruction blocks
		Expect(m.Program().BlockStarts()).To(Equal([]uint32{0, 1, 2}))
	})

	It("unlikely is a no-op that does not end a block (gp080)", func() {
		m := machineFor(pvm.GP080, nil, I(pvm.Inst{Op: pvm.OpUnlikely}), I(pvm.Inst{Op: pvm.OpLoadImm, Ra: a0, Imm: 3}), I(pvm.Inst{Op: pvm.OpTrap}))
		Expect(m.Run().Status).To(Equal(pvm.StatusPanic))
		Expect(m.Regs[a0]).To(Equal(uint64(3)))
		Expect(m.Program().BlockStarts()).To(Equal([]uint32{0}))
		_, ok := pvm.GP072.Encode(pvm.OpUnlikely)
		Expect(ok).To(BeFalse())
	})

	It("jump goes to a block start; a target inside a block panics", func() {
		m := machineFor(pvm.GP072, nil, J(pvm.Inst{Op: pvm.OpJump}, "t"), I(pvm.Inst{Op: pvm.OpTrap}),
			L("t"), I(pvm.Inst{Op: pvm.OpLoadImm, Ra: a0, Imm: 1}), I(pvm.Inst{Op: pvm.OpTrap}))
		Expect(m.Run().Status).To(Equal(pvm.StatusPanic))
		Expect(m.Regs[a0]).To(Equal(uint64(1)))

		bad := machineFor(pvm.GP072, nil, J(pvm.Inst{Op: pvm.OpJump}, "mid"), I(pvm.Inst{Op: pvm.OpLoadImm, Ra: a0, Imm: 1}),
			L("mid"), I(pvm.Inst{Op: pvm.OpLoadImm, Ra: a1, Imm: 1}), I(pvm.Inst{Op: pvm.OpTrap}))
		ex := bad.Run()
		Expect(ex.Status).To(Equal(pvm.StatusPanic))
		Expect(ex.PC).To(Equal(uint32(0)))
		Expect(bad.Program().Verify()).To(MatchError(pvm.ErrBadTarget))
	})

	It("load_imm_jump writes its register and jumps", func() {
		m := machineFor(pvm.GP080, nil, J(pvm.Inst{Op: pvm.OpLoadImmJump, Ra: a0, Imm: 77}, "t"), I(pvm.Inst{Op: pvm.OpTrap}),
			L("t"), I(pvm.Inst{Op: pvm.OpTrap}))
		ex := m.Run()
		Expect(m.Regs[a0]).To(Equal(uint64(77)))
		Expect(ex.PC).NotTo(BeZero())
	})

	Describe("dynamic jumps", func() {
		prog := func() *pvm.Machine {
			return machineFor(pvm.GP080, []string{"t0", "t1"},
				I(pvm.Inst{Op: pvm.OpJumpInd, Ra: a0, Imm: 0}),
				L("t0"), I(pvm.Inst{Op: pvm.OpLoadImm, Ra: a1, Imm: 10}), I(pvm.Inst{Op: pvm.OpTrap}),
				L("t1"), I(pvm.Inst{Op: pvm.OpLoadImm, Ra: a1, Imm: 11}), I(pvm.Inst{Op: pvm.OpTrap}))
		}
		DescribeTable("jump_ind addresses", func(addr uint64, status pvm.Status, a1v uint64) {
			m := prog()
			m.Regs[a0] = addr
			ex := m.Run()
			Expect(ex.Status).To(Equal(status))
			Expect(m.Regs[a1]).To(Equal(a1v))
		},
			Entry("2 -> entry 0", uint64(2), pvm.StatusPanic, uint64(10)),
			Entry("4 -> entry 1", uint64(4), pvm.StatusPanic, uint64(11)),
			Entry("halt address", uint64(pvm.HaltAddress), pvm.StatusHalt, uint64(0)),
			Entry("upper bits ignored", uint64(0xABCD_00000004), pvm.StatusPanic, uint64(11)),
			Entry("0 panics", uint64(0), pvm.StatusPanic, uint64(0)),
			Entry("odd panics", uint64(3), pvm.StatusPanic, uint64(0)),
			Entry("beyond the table panics", uint64(6), pvm.StatusPanic, uint64(0)),
		)

		It("load_imm_jump_ind reads the target before writing the same register", func() {
			m := machineFor(pvm.GP080, []string{"t"},
				I(pvm.Inst{Op: pvm.OpLoadImmJumpInd, Ra: a0, Rb: a0, Imm: 99, Imm2: 2}),
				L("t"), I(pvm.Inst{Op: pvm.OpTrap}))
			m.Regs[a0] = 0 // target = a0 + 2 = jump table entry 0
			ex := m.Run()
			Expect(m.Regs[a0]).To(Equal(uint64(99)))
			Expect(ex.PC).NotTo(BeZero())
		})
	})

	It("ecalli exits with the id and resumes after it without recharging", func() {
		m := machineFor(pvm.GP080, nil, I(pvm.Inst{Op: pvm.OpEcalli, Imm: 7}), I(pvm.Inst{Op: pvm.OpLoadImm, Ra: a0, Imm: 5}), I(pvm.Inst{Op: pvm.OpTrap}))
		ex := m.Run()
		Expect(ex.Status).To(Equal(pvm.StatusHostCall))
		Expect(ex.HostID).To(Equal(uint64(7)))
		Expect(ex.PC).To(Equal(uint32(0)))
		gas := m.Gas
		ex = m.Run()
		Expect(ex.Status).To(Equal(pvm.StatusPanic))
		Expect(m.Regs[a0]).To(Equal(uint64(5)))
		Expect(m.Gas).To(Equal(gas))
	})

	It("sbrk grows the heap polkavm-style (gp072)", func() {
		m := machineFor(pvm.GP072, nil, I(pvm.Inst{Op: pvm.OpSbrk, Rd: a1, Ra: a0}), I(pvm.Inst{Op: pvm.OpStoreIndU8, Ra: a0, Rb: a1, Imm: neg(1)}), I(pvm.Inst{Op: pvm.OpTrap}))
		m.HeapBase, m.MaxHeapSize = 0x50000, 0x10000
		m.Regs[a0] = 100
		Expect(m.Run().Status).To(Equal(pvm.StatusPanic))
		Expect(m.Regs[a1]).To(Equal(uint64(0x50000 + 100)))
		Expect(m.Mem.PageAccess(0x50000)).To(Equal(pvm.AccessWrite))
		_, ok := pvm.GP080.Encode(pvm.OpSbrk)
		Expect(ok).To(BeFalse())
	})

	It("memset fills bytes and charges one gas per byte (latest64)", func() {
		m := machineFor(pvm.Latest64, nil, I(pvm.Inst{Op: pvm.OpMemset}), I(pvm.Inst{Op: pvm.OpTrap}))
		m.Regs[a0], m.Regs[a1], m.Regs[a5] = 0x20010, 0x5A, 4
		gas := m.Gas
		Expect(m.Run().Status).To(Equal(pvm.StatusPanic))
		got := make([]byte, 6)
		Expect(m.Mem.Read(0x2000F, got)).To(Succeed())
		Expect(got).To(Equal([]byte{0, 0x5A, 0x5A, 0x5A, 0x5A, 0}))
		Expect(m.Regs[a0]).To(Equal(uint64(0x20014)))
		Expect(m.Regs[a5]).To(BeZero())
		cost, _ := m.Program().BlockCost(0)
		Expect(gas - m.Gas).To(Equal(cost + 4))
	})

	It("covers every opcode", func() {
		var missing []string
		for o := pvm.Opcode(0); o < pvm.NumOpcodes; o++ {
			if !covered[o] {
				missing = append(missing, o.String())
			}
		}
		Expect(missing).To(BeEmpty())
	})
})
