package sbpf_test

import (
	"encoding/binary"
	"math"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
)

var _ = Describe("ALU instructions", func() {
	v4 := sbpf.V4
	run := func(v sbpf.Version, budget uint64, want any, insns ...[]byte) runResult {
		return expectRun(runSpec{v: v, text: prog(insns...), budget: budget, cfg: versionCfg(v)}, want)
	}

	It("mov32/mov64 immediates and registers (test_mov32_imm, test_mov64_*)", func() {
		run(v4, 3, 1, nop(v4), ix(sbpf.OpMov32Imm, 0, 0, 0, 1), exit)
		run(v4, 3, uint64(0xffffffff), nop(v4), ix(sbpf.OpMov32Imm, 0, 0, 0, -1), exit)
		run(v4, 4, uint64(0xffffffff), nop(v4), ix(sbpf.OpMov32Imm, 1, 0, 0, -1), ix(sbpf.OpMov32Reg, 0, 1, 0, 0), exit)
		run(v4, 3, uint64(math.MaxUint64), nop(v4), movi(0, -1), exit)
		run(v4, 4, uint64(math.MaxUint64), nop(v4), movi(1, -1), ix(sbpf.OpMov64Reg, 0, 1, 0, 0), exit)
	})

	It("mov32 reg zero-extends except on v2 where it sign-extends", func() {
		for _, v := range allVersions {
			want := uint64(0xffffffff)
			if v == sbpf.V2 {
				want = math.MaxUint64
			}
			run(v, 4, want, nop(v), movi(1, -1), ix(sbpf.OpMov32Reg, 0, 1, 0, 0), exit)
		}
	})

	It("add32/sub32 (test_add32_sub32) and their extension per version", func() {
		run(v4, 8, 5, nop(v4), ix(sbpf.OpMov32Imm, 0, 0, 0, 1), ix(sbpf.OpAdd32Imm, 0, 0, 0, 2),
			ix(sbpf.OpMov32Imm, 1, 0, 0, 5), ix(sbpf.OpAdd32Reg, 0, 1, 0, 0),
			ix(sbpf.OpMov32Imm, 1, 0, 0, 3), ix(sbpf.OpSub32Reg, 0, 1, 0, 0), exit)
		for _, v := range allVersions {
			// 0x7fffffff + 1 = 0x80000000: sign-extended except on v2.
			want := uint64(0xffffffff80000000)
			if v == sbpf.V2 {
				want = 0x80000000
			}
			run(v, 4, want, nop(v), ix(sbpf.OpMov32Imm, 0, 0, 0, 0x7fffffff), ix(sbpf.OpAdd32Imm, 0, 0, 0, 1), exit)
			// sub32 r0, 1 with r0 = 3: v2 swaps operands (1 - 3).
			want = 2
			if v == sbpf.V2 {
				want = 0xfffffffe
			}
			run(v, 4, want, nop(v), ix(sbpf.OpMov32Imm, 0, 0, 0, 3), ix(sbpf.OpSub32Imm, 0, 0, 0, 1), exit)
			// sub64 r0, 1 with r0 = 3.
			want = 2
			if v == sbpf.V2 {
				want = math.MaxUint64 - 1
			}
			run(v, 4, want, nop(v), movi(0, 3), ix(sbpf.OpSub64Imm, 0, 0, 0, 1), exit)
		}
	})

	It("alu32 logic (test_alu32_logic)", func() {
		run(v4, 22, 0x11, nop(v4),
			ix(sbpf.OpMov32Imm, 0, 0, 0, 0), ix(sbpf.OpMov32Imm, 1, 0, 0, 1), ix(sbpf.OpMov32Imm, 2, 0, 0, 2),
			ix(sbpf.OpMov32Imm, 3, 0, 0, 3), ix(sbpf.OpMov32Imm, 4, 0, 0, 4), ix(sbpf.OpMov32Imm, 5, 0, 0, 5),
			ix(sbpf.OpMov32Imm, 6, 0, 0, 6), ix(sbpf.OpMov32Imm, 7, 0, 0, 7), ix(sbpf.OpMov32Imm, 8, 0, 0, 8),
			ix(sbpf.OpOr32Reg, 0, 5, 0, 0), ix(sbpf.OpOr32Imm, 0, 0, 0, 0xa0), ix(sbpf.OpAnd32Imm, 0, 0, 0, 0xa3),
			ix(sbpf.OpMov32Imm, 9, 0, 0, 0x91), ix(sbpf.OpAnd32Reg, 0, 9, 0, 0), ix(sbpf.OpLsh32Imm, 0, 0, 0, 22),
			ix(sbpf.OpLsh32Reg, 0, 8, 0, 0), ix(sbpf.OpRsh32Imm, 0, 0, 0, 19), ix(sbpf.OpRsh32Reg, 0, 7, 0, 0),
			ix(sbpf.OpXor32Imm, 0, 0, 0, 3), ix(sbpf.OpXor32Reg, 0, 2, 0, 0), exit)
	})

	It("masks register shift amounts (test_arsh32_high_shift)", func() {
		run(v4, 5, 4, nop(v4), movi(0, 8), lddw(1, 0x100000001), ix(sbpf.OpArsh32Reg, 0, 1, 0, 0), exit)
		run(v4, 4, uint64(0xffff8000), nop(v4), ix(sbpf.OpMov32Imm, 0, 0, 0, -0x80000000), ix(sbpf.OpArsh32Imm, 0, 0, 0, 16), exit)
		run(v4, 4, uint64(0xffffffffffff8000), nop(v4), movi(0, -0x80000000), ix(sbpf.OpArsh64Imm, 0, 0, 0, 16), exit)
		run(v4, 5, uint64(1)<<63, nop(v4), movi(0, 1), movi(1, 63+64), ix(sbpf.OpLsh64Reg, 0, 1, 0, 0), exit)
	})

	It("128-bit multiplication routine (test_lmul128)", func() {
		v := sbpf.V0
		res := expectRun(runSpec{v: v, cfg: versionCfg(v), budget: 43, input: make([]byte, 16), text: prog(nop(v),
			ix(sbpf.OpMov64Reg, 0, 1, 0, 0), movi(2, 30), movi(3, 0), movi(4, 20), movi(5, 0),
			ix(sbpf.OpMul64Reg, 3, 4, 0, 0), ix(sbpf.OpMul64Reg, 5, 2, 0, 0), ix(sbpf.OpAdd64Reg, 5, 3, 0, 0),
			ix(sbpf.OpMov64Reg, 0, 2, 0, 0), ix(sbpf.OpRsh64Imm, 0, 0, 0, 32), ix(sbpf.OpMov64Reg, 3, 4, 0, 0),
			ix(sbpf.OpRsh64Imm, 3, 0, 0, 32), ix(sbpf.OpMov64Reg, 6, 3, 0, 0), ix(sbpf.OpMul64Reg, 6, 0, 0, 0),
			ix(sbpf.OpAdd64Reg, 5, 6, 0, 0), ix(sbpf.OpLsh64Imm, 4, 0, 0, 32), ix(sbpf.OpRsh64Imm, 4, 0, 0, 32),
			ix(sbpf.OpMov64Reg, 6, 4, 0, 0), ix(sbpf.OpMul64Reg, 6, 0, 0, 0), ix(sbpf.OpLsh64Imm, 2, 0, 0, 32),
			ix(sbpf.OpRsh64Imm, 2, 0, 0, 32), ix(sbpf.OpMul64Reg, 4, 2, 0, 0), ix(sbpf.OpMov64Reg, 0, 4, 0, 0),
			ix(sbpf.OpRsh64Imm, 0, 0, 0, 32), ix(sbpf.OpAdd64Reg, 0, 6, 0, 0), ix(sbpf.OpMov64Reg, 6, 0, 0, 0),
			ix(sbpf.OpRsh64Imm, 6, 0, 0, 32), ix(sbpf.OpAdd64Reg, 5, 6, 0, 0), ix(sbpf.OpMul64Reg, 3, 2, 0, 0),
			ix(sbpf.OpLsh64Imm, 0, 0, 0, 32), ix(sbpf.OpRsh64Imm, 0, 0, 0, 32), ix(sbpf.OpAdd64Reg, 0, 3, 0, 0),
			ix(sbpf.OpMov64Reg, 2, 0, 0, 0), ix(sbpf.OpRsh64Imm, 2, 0, 0, 32), ix(sbpf.OpAdd64Reg, 5, 2, 0, 0),
			ix(sbpf.OpStDwReg, 1, 5, 8, 0), ix(sbpf.OpLsh64Imm, 0, 0, 0, 32), ix(sbpf.OpLsh64Imm, 4, 0, 0, 32),
			ix(sbpf.OpRsh64Imm, 4, 0, 0, 32), ix(sbpf.OpOr64Reg, 0, 4, 0, 0), ix(sbpf.OpStDwReg, 1, 0, 0, 0), exit)}, 600)
		Expect(binary.LittleEndian.Uint64(res.input)).To(Equal(uint64(600)))
		Expect(binary.LittleEndian.Uint64(res.input[8:])).To(Equal(uint64(0)))
	})

	It("neg, mul, div, mod on v0 (test_neg, test_mul, test_div, test_mod)", func() {
		v := sbpf.V0
		run(v, 4, uint64(0xfffffffe), nop(v), ix(sbpf.OpMov32Imm, 0, 0, 0, 2), ix(sbpf.OpNeg32, 0, 0, 0, 0), exit)
		run(v, 4, uint64(0xfffffffffffffffe), nop(v), movi(0, 2), ix(sbpf.OpNeg64, 0, 0, 0, 0), exit)
		run(v, 5, 4, nop(v), movi(0, 0x40000001), movi(1, 4), ix(sbpf.OpMul32Reg, 0, 1, 0, 0), exit)
		run(v, 4, uint64(0x100000004), nop(v), movi(0, 0x40000001), ix(sbpf.OpMul64Imm, 0, 0, 0, 4), exit)
		run(v, 4, uint64(0xFFFFFFFFFFFFFFFC), nop(v), movi(0, -1), ix(sbpf.OpMul32Imm, 0, 0, 0, 4), exit)
		run(v, 5, 3, nop(v), movi(0, 12), lddw(1, 0x100000004), ix(sbpf.OpDiv32Reg, 0, 1, 0, 0), exit)
		run(v, 4, 3, nop(v), lddw(0, 0x10000000c), ix(sbpf.OpDiv32Imm, 0, 0, 0, 4), exit)
		run(v, 5, uint64(0x300000000), nop(v), movi(0, 0xc), ix(sbpf.OpLsh64Imm, 0, 0, 0, 32), ix(sbpf.OpDiv64Imm, 0, 0, 0, 4), exit)
		run(v, 4, uint64(0x55555555), nop(v), movi(0, -1), ix(sbpf.OpDiv32Imm, 0, 0, 0, 3), exit)
		run(v, 4, 1, nop(v), movi(0, 7), ix(sbpf.OpMod32Imm, 0, 0, 0, 3), exit)
		run(v, 5, 1, nop(v), movi(0, -1), movi(1, 7), ix(sbpf.OpMod64Reg, 0, 1, 0, 0), exit)
		run(v, 3, sbpf.ErrDivideByZero, nop(v), movi(0, 1), ix(sbpf.OpDiv32Reg, 0, 2, 0, 0), exit)
		run(v, 3, sbpf.ErrDivideByZero, nop(v), movi(0, 1), ix(sbpf.OpMod64Reg, 0, 2, 0, 0), exit)
		// div32 only looks at the low half of the divisor.
		run(v, 4, sbpf.ErrDivideByZero, nop(v), movi(0, 1), lddw(1, 0x100000000), ix(sbpf.OpDiv32Reg, 0, 1, 0, 0), exit)
	})

	It("le and be (test_le, test_be*)", func() {
		v := sbpf.V0
		load := func(n int, in []byte, op uint8, imm int64, want uint64) {
			ld := map[int]uint8{2: sbpf.OpLdHReg, 4: sbpf.OpLdWReg, 8: sbpf.OpLdDwReg}[n]
			expectRun(runSpec{v: v, cfg: versionCfg(v), budget: 4, input: in,
				text: prog(nop(v), ix(ld, 0, 1, 0, 0), ix(op, 0, 0, 0, imm), exit)}, want)
		}
		load(2, []byte{0x22, 0x11}, sbpf.OpLe, 16, 0x1122)
		load(8, []byte{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88}, sbpf.OpLe, 16, 0x2211)
		load(4, []byte{0x44, 0x33, 0x22, 0x11}, sbpf.OpLe, 32, 0x11223344)
		load(8, []byte{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88}, sbpf.OpLe, 32, 0x44332211)
		load(8, []byte{0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11}, sbpf.OpLe, 64, 0x1122334455667788)
		load(2, []byte{0x11, 0x22}, sbpf.OpBe, 16, 0x1122)
		load(8, []byte{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88}, sbpf.OpBe, 16, 0x1122)
		load(4, []byte{0x11, 0x22, 0x33, 0x44}, sbpf.OpBe, 32, 0x11223344)
		load(8, []byte{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88}, sbpf.OpBe, 32, 0x11223344)
		load(8, []byte{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88}, sbpf.OpBe, 64, 0x1122334455667788)
	})

	It("lddw (test_lddw)", func() {
		v := sbpf.V0
		run(v, 3, sbpf.ErrExecutionOverrun, nop(v), lddw(0, 0x1122334455667788))
		run(v, 3, uint64(0x1122334455667788), nop(v), lddw(0, 0x1122334455667788), exit)
		run(v, 3, uint64(0x80000000), nop(v), lddw(0, 0x80000000), exit)
		run(v, 10, 2, nop(v), movi(0, 0), movi(1, 0), movi(2, 0), lddw(0, 1), ix(sbpf.OpJa, 0, 0, 2, 0),
			lddw(1, 1), lddw(2, 1), ix(sbpf.OpAdd64Reg, 1, 2, 0, 0), ix(sbpf.OpAdd64Reg, 0, 1, 0, 0), exit)
		callIntoLddw := prog(nop(v), movi(8, 1), ix(sbpf.OpLsh64Imm, 8, 0, 0, 32), ix(sbpf.OpOr64Imm, 8, 0, 0, 0x30),
			callx(v, 8), lddw(0, 0x1122334455667788), exit)
		expectRun(runSpec{v: v, cfg: versionCfg(v), budget: 5, text: callIntoLddw}, sbpf.ErrExceededMaxInstructions)
		expectRun(runSpec{v: v, cfg: versionCfg(v), budget: 6, text: callIntoLddw}, sbpf.ErrUnsupportedInstruction)
		run(v, 3, sbpf.ErrExceededMaxInstructions, nop(v), movi(0, 0), lddw(1, 1), movi(2, 0), exit)
	})

	It("hor64 on v2 (test_hor64)", func() {
		v := sbpf.V2
		run(v, 4, uint64(0x1122334400000000), nop(v), ix(sbpf.OpHor64Imm, 0, 0, 0, 0x10203040), ix(sbpf.OpHor64Imm, 0, 0, 0, 0x01020304), exit)
	})

	It("the PQR class on v2, immediate and register forms (test_pqr_v2)", func() {
		m := uint64(math.MaxUint64)
		u32 := uint64(math.MaxUint32)
		neg := func(x int64) uint64 { return uint64(x) }
		neg32 := func(x int32) uint64 { return uint64(uint32(x)) }
		cases := []struct {
			opc            uint8
			dst, src, want uint64
		}{
			{sbpf.OpUhmul64Imm, 13, 4, 0}, {sbpf.OpUdiv32Imm, 13, 4, 3}, {sbpf.OpUdiv64Imm, 13, 4, 3},
			{sbpf.OpUrem32Imm, 13, 4, 1}, {sbpf.OpUrem64Imm, 13, 4, 1},
			{sbpf.OpUhmul64Imm, 13, u32, 0}, {sbpf.OpUdiv32Imm, 13, u32, 0}, {sbpf.OpUdiv64Imm, 13, u32, 0},
			{sbpf.OpUrem32Imm, 13, u32, 13}, {sbpf.OpUrem64Imm, 13, u32, 13},
			{sbpf.OpUhmul64Imm, m, 4, 3}, {sbpf.OpUdiv32Imm, m, 4, u32 / 4}, {sbpf.OpUdiv64Imm, m, 4, m / 4},
			{sbpf.OpUrem32Imm, m, 4, 3}, {sbpf.OpUrem64Imm, m, 4, 3},
			{sbpf.OpUhmul64Imm, m, u32, u32 - 1}, {sbpf.OpUdiv32Imm, m, u32, 1}, {sbpf.OpUdiv64Imm, m, u32, u32 + 2},
			{sbpf.OpUrem32Imm, m, u32, 0}, {sbpf.OpUrem64Imm, m, u32, 0},
			{sbpf.OpLmul32Imm, 13, 4, 52}, {sbpf.OpLmul64Imm, 13, 4, 52}, {sbpf.OpShmul64Imm, 13, 4, 0},
			{sbpf.OpSdiv32Imm, 13, 4, 3}, {sbpf.OpSdiv64Imm, 13, 4, 3}, {sbpf.OpSrem32Imm, 13, 4, 1}, {sbpf.OpSrem64Imm, 13, 4, 1},
			{sbpf.OpLmul32Imm, 13, neg32(-4), neg32(-52)}, {sbpf.OpLmul64Imm, 13, neg(-4), neg(-52)},
			{sbpf.OpShmul64Imm, 13, neg(-4), neg(-1)}, {sbpf.OpSdiv32Imm, 13, neg32(-4), neg32(-3)},
			{sbpf.OpSdiv64Imm, 13, neg(-4), neg(-3)}, {sbpf.OpSrem32Imm, 13, neg32(-4), 1}, {sbpf.OpSrem64Imm, 13, neg(-4), 1},
			{sbpf.OpLmul32Imm, neg(-13), 4, neg32(-52)}, {sbpf.OpLmul64Imm, neg(-13), 4, neg(-52)},
			{sbpf.OpShmul64Imm, neg(-13), 4, neg(-1)}, {sbpf.OpSdiv32Imm, neg(-13), 4, neg32(-3)},
			{sbpf.OpSdiv64Imm, neg(-13), 4, neg(-3)}, {sbpf.OpSrem32Imm, neg(-13), 4, neg32(-1)}, {sbpf.OpSrem64Imm, neg(-13), 4, neg(-1)},
			{sbpf.OpLmul32Imm, neg(-13), neg32(-4), 52}, {sbpf.OpLmul64Imm, neg(-13), neg(-4), 52},
			{sbpf.OpShmul64Imm, neg(-13), neg(-4), 0}, {sbpf.OpSdiv32Imm, neg(-13), neg32(-4), 3},
			{sbpf.OpSdiv64Imm, neg(-13), neg(-4), 3}, {sbpf.OpSrem32Imm, neg(-13), neg32(-4), neg32(-1)}, {sbpf.OpSrem64Imm, neg(-13), neg(-4), neg(-1)},
		}
		v := sbpf.V2
		for _, c := range cases {
			for _, x := range []uint8{0, sbpf.SrcX} {
				text := prog(ix(sbpf.OpAdd64Imm, 10, 0, 0, 0),
					ix(sbpf.OpMov32Imm, 0, 0, 0, int64(int32(uint32(c.dst)))), ix(sbpf.OpHor64Imm, 0, 0, 0, int64(int32(uint32(c.dst>>32)))),
					ix(sbpf.OpMov32Imm, 1, 0, 0, int64(int32(uint32(c.src)))), ix(sbpf.OpHor64Imm, 1, 0, 0, int64(int32(uint32(c.src>>32)))),
					ix(c.opc|x, 0, 1, 0, int64(int32(uint32(c.src)))), exit)
				expectRun(runSpec{v: v, cfg: versionCfg(v), budget: 7, text: text}, c.want)
			}
		}
	})

	It("PQR division by zero and overflow (test_err_pqr_divide_by_zero/overflow)", func() {
		v := sbpf.V2
		for _, opc := range []uint8{sbpf.OpUdiv32Reg, sbpf.OpUdiv64Reg, sbpf.OpUrem32Reg, sbpf.OpUrem64Reg,
			sbpf.OpSdiv32Reg, sbpf.OpSdiv64Reg, sbpf.OpSrem32Reg, sbpf.OpSrem64Reg} {
			run(v, 3, sbpf.ErrDivideByZero, ix(sbpf.OpAdd64Imm, 10, 0, 0, 0), ix(sbpf.OpMov32Imm, 0, 0, 0, 0), ix(opc, 0, 0, 0, 0), exit)
		}
		for _, opc := range []uint8{sbpf.OpSdiv32Imm, sbpf.OpSdiv64Imm, sbpf.OpSrem32Imm, sbpf.OpSrem64Imm,
			sbpf.OpSdiv32Reg, sbpf.OpSdiv64Reg, sbpf.OpSrem32Reg, sbpf.OpSrem64Reg} {
			sh := int64(31)
			if opc&sbpf.SizeB != 0 {
				sh = 63
			}
			run(v, 5, sbpf.ErrDivideOverflow, ix(sbpf.OpAdd64Imm, 10, 0, 0, 0), movi(0, 1), ix(sbpf.OpLsh64Imm, 0, 0, 0, sh),
				movi(1, -1), ix(opc, 0, 1, 0, -1), exit)
		}
	})

	It("rejects PQR opcodes outside v2 and the legacy mul/div/mod/neg on v2", func() {
		for _, v := range []sbpf.Version{sbpf.V0, sbpf.V1} {
			_, err := build(runSpec{v: v, cfg: versionCfg(v), text: prog(ix(sbpf.OpUdiv64Reg, 0, 1, 0, 0), exit)})
			Expect(err).To(MatchError(ContainSubstring("unknown eBPF opcode")))
		}
		for _, opc := range []uint8{sbpf.OpMul32Imm, sbpf.OpDiv32Imm, sbpf.OpMod32Imm, sbpf.OpNeg32, sbpf.OpLe, sbpf.OpLdDwImm} {
			_, err := build(runSpec{v: sbpf.V2, cfg: versionCfg(sbpf.V2), text: prog(ix(opc, 0, 0, 0, 16), exit, exit)})
			var verr *sbpf.VerifierError
			Expect(err).To(BeAssignableToTypeOf(verr))
			Expect(err.(*sbpf.VerifierError).Kind).To(Equal(sbpf.VerrUnknownOpCode), "opcode %#x", opc)
		}
	})
})
