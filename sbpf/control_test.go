package sbpf_test

import (
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
)

// syscallString mimics test_utils' SyscallString: it maps (addr, len) for reading.
func syscallString(vm *sbpf.VM, addr, n, _, _, _ uint64) (uint64, error) {
	if n == 0 {
		return 0, nil
	}
	if _, err := vm.Memory.Translate(sbpf.Load, addr, n); err != nil {
		return 0, err
	}
	return 0, nil
}

func gatherBytes(_ *sbpf.VM, a, b, c, d, e uint64) (uint64, error) {
	return a<<32 | b<<24 | c<<16 | d<<8 | e, nil
}

var _ = Describe("control flow", func() {
	It("conditional jumps, 64-bit and 32-bit forms", func() {
		type jc struct {
			opc   uint8
			a, b  uint64
			taken bool
		}
		cases := []jc{
			{sbpf.OpJeq64Reg, 5, 5, true}, {sbpf.OpJeq64Reg, 5, 6, false},
			{sbpf.OpJgt64Reg, ^uint64(0), 1, true}, {sbpf.OpJsgt64Reg, ^uint64(0), 1, false},
			{sbpf.OpJge64Reg, 3, 3, true}, {sbpf.OpJlt64Reg, 1, ^uint64(0), true},
			{sbpf.OpJsle64Reg, ^uint64(0), 0, true}, {sbpf.OpJslt64Reg, 0, ^uint64(0), false},
			{sbpf.OpJset64Reg, 6, 1, false}, {sbpf.OpJset64Reg, 6, 2, true},
			{sbpf.OpJne64Reg, 1, 1, false}, {sbpf.OpJle64Reg, 2, 1, false}, {sbpf.OpJsge64Reg, 1 << 63, 0, false},
		}
		for _, v := range allVersions {
			for _, c := range cases {
				want := 1
				if c.taken {
					want = 2
				}
				lda, ldb := lddw(1, c.a), lddw(2, c.b)
				text := prog(nop(v), lda, ldb, movi(0, 1), ix(c.opc, 1, 2, 1, 0), exit, movi(0, 2), exit)
				budget := uint64(6)
				if c.taken {
					budget = 7
				}
				if v.DisableLDDW() {
					text = prog(nop(v), ix(sbpf.OpMov32Imm, 1, 0, 0, int64(int32(uint32(c.a)))), ix(sbpf.OpHor64Imm, 1, 0, 0, int64(int32(uint32(c.a>>32)))),
						ix(sbpf.OpMov32Imm, 2, 0, 0, int64(int32(uint32(c.b)))), ix(sbpf.OpHor64Imm, 2, 0, 0, int64(int32(uint32(c.b>>32)))),
						movi(0, 1), ix(c.opc, 1, 2, 1, 0), exit, movi(0, 2), exit)
					budget += 2
				}
				expectRun(runSpec{v: v, cfg: versionCfg(v), budget: budget, text: text}, want)
				// the immediate form compares against the sign-extended imm
				if c.b == 1 || c.b == 0 || c.b == ^uint64(0) {
					imm := int64(c.b)
					text2 := append([]byte(nil), text...)
					off := len(text2) - 4*8
					copy(text2[off:], ix(c.opc&^sbpf.SrcX, 1, 0, 1, imm))
					expectRun(runSpec{v: v, cfg: versionCfg(v), budget: budget, text: text2}, want)
				}
			}
		}
	})

	It("jmp32 compares the low halves on v3+ only", func() {
		for _, v := range []sbpf.Version{sbpf.V3, sbpf.V4} {
			// r1 = 0x1_00000001, jeq32 r1, 1 is taken; jsgt32 treats 0xffffffff as -1.
			expectRun(runSpec{v: v, cfg: versionCfg(v), budget: 5, text: prog(lddw(1, 0x100000001), movi(0, 1),
				ix(sbpf.OpJeq32Imm, 1, 0, 1, 1), exit, movi(0, 2), exit)}, 2)
			expectRun(runSpec{v: v, cfg: versionCfg(v), budget: 4, text: prog(movi(1, 0xffffffff), movi(0, 1),
				ix(sbpf.OpJsgt32Imm, 1, 0, 1, 0), exit, movi(0, 2), exit)}, 1)
			expectRun(runSpec{v: v, cfg: versionCfg(v), budget: 5, text: prog(movi(1, 0xffffffff), movi(0, 1),
				ix(sbpf.OpJgt32Imm, 1, 0, 1, 0), exit, movi(0, 2), exit)}, 2)
		}
		for _, v := range []sbpf.Version{sbpf.V0, sbpf.V1} {
			_, err := build(runSpec{v: v, cfg: versionCfg(v), text: prog(ix(sbpf.OpJeq32Imm, 1, 0, 0, 1), exit)})
			Expect(err).To(HaveOccurred())
			Expect(err.(*sbpf.VerifierError).Kind).To(Equal(sbpf.VerrUnknownOpCode))
		}
	})

	It("stops at the budget exactly (test_err_non_terminate_capped, test_err_capped_before_exception)", func() {
		v := sbpf.V4
		loop := prog(nop(v), movi(6, 0), movi(1, 0), movi(2, 0), movi(3, 0), movi(4, 0),
			ix(sbpf.OpMov64Reg, 5, 6, 0, 0), ix(sbpf.OpAdd64Imm, 6, 0, 0, 1), ix(sbpf.OpJa, 0, 0, -8, 0), exit)
		expectRun(runSpec{v: v, budget: 8, text: loop}, sbpf.ErrExceededMaxInstructions)
		expectRun(runSpec{v: v, budget: 1001, text: loop}, sbpf.ErrExceededMaxInstructions)
		expectRun(runSpec{v: v, budget: 3, text: prog(nop(v), movi(1, 0), movi(2, 0), ix(sbpf.OpDiv64Reg, 1, 2, 0, 0), movi(0, 0), exit)}, sbpf.ErrExceededMaxInstructions)
		expectRun(runSpec{v: v, budget: 3, text: prog(nop(v), movi(1, 0), movi(2, 0), callx(v, 2), movi(0, 0), exit)}, sbpf.ErrExceededMaxInstructions)
		expectRun(runSpec{v: v, budget: 5, text: prog(nop(v), ix(sbpf.OpJsge64Reg, 0, 0, -1, 0), exit)}, sbpf.ErrExceededMaxInstructions)
	})

	It("exit at the root with an exhausted budget (test_exit_capped, test_err_exit_capped)", func() {
		for _, v := range []sbpf.Version{sbpf.V0, sbpf.V4} {
			expectRun(runSpec{v: v, cfg: versionCfg(v), budget: 1, text: prog(nop(v), exit)}, sbpf.ErrExceededMaxInstructions)
		}
		v := sbpf.V4
		fr := sbpf.NewFunctionRegistry()
		text := prog(nop(v), movi(0, 1), ix(sbpf.OpLsh64Imm, 0, 0, 0, 32), ix(sbpf.OpOr64Imm, 0, 0, 0, 0x30), callx(v, 0), exit, nop(v), exit)
		expectRun(runSpec{v: v, budget: 7, text: text, funcs: fr}, sbpf.ErrExceededMaxInstructions)
		text = prog(nop(v), call(v, fr, 1, 3), exit, nop(v), ix(sbpf.OpMov64Reg, 0, 0, 0, 0), exit)
		expectRun(runSpec{v: v, budget: 5, text: text, funcs: fr}, sbpf.ErrExceededMaxInstructions)
	})

	It("runs past the end as ExecutionOverrun (test_execution_overrun, test_exit_to_nothing_is_capped)", func() {
		v := sbpf.V0
		text := prog(nop(v), ix(sbpf.OpAdd64Imm, 1, 0, 0, 0))
		expectRun(runSpec{v: v, cfg: versionCfg(v), budget: 3, text: text}, sbpf.ErrExecutionOverrun)
		expectRun(runSpec{v: v, cfg: versionCfg(v), budget: 2, text: text}, sbpf.ErrExceededMaxInstructions)
		expectRun(runSpec{v: v, cfg: versionCfg(v), budget: 1, text: text}, sbpf.ErrExceededMaxInstructions)
		// a: exit; entrypoint: call a — the return lands after the last slot.
		v = sbpf.V4
		fr := sbpf.NewFunctionRegistry()
		Expect(fr.Register(sbpf.HashSymbolName([]byte("entrypoint")), "entrypoint", 1)).To(Succeed())
		expectRun(runSpec{v: v, budget: 3, funcs: fr, text: prog(exit, ix(sbpf.OpCallImm, 0, 1, 0, -2))}, sbpf.ErrExecutionOverrun)
	})

	It("bpf-to-bpf calls keep r6-r9 and track the depth (test_entrypoint_exit, test_stack_call_depth_tracking)", func() {
		for _, v := range allVersions {
			fr := sbpf.NewFunctionRegistry()
			text := prog(nop(v), call(v, fr, 1, 4), movi(0, 42), exit, nop(v), movi(0, 12), exit)
			expectRun(runSpec{v: v, cfg: versionCfg(v), budget: 7, text: text, funcs: fr}, 42)

			depth2 := func(c *sbpf.Config) { c.EnabledVersions = [2]sbpf.Version{v, v}; c.MaxCallDepth = 2 }
			fr = sbpf.NewFunctionRegistry()
			text = prog(nop(v), call(v, fr, 1, 4), call(v, fr, 2, 4), exit, nop(v), exit)
			expectRun(runSpec{v: v, cfg: depth2, budget: 8, text: text, funcs: fr}, 0)
			fr = sbpf.NewFunctionRegistry()
			text = prog(nop(v), call(v, fr, 1, 3), exit, nop(v), call(v, fr, 4, 6), exit, nop(v), exit)
			expectRun(runSpec{v: v, cfg: depth2, budget: 4, text: text, funcs: fr}, sbpf.ErrCallDepthExceeded)

			// scratch registers survive, r0-r5 do not
			fr = sbpf.NewFunctionRegistry()
			text = prog(nop(v), movi(6, 7), movi(2, 1), call(v, fr, 3, 6), ix(sbpf.OpAdd64Reg, 0, 6, 0, 0), exit,
				nop(v), movi(6, 100), ix(sbpf.OpMov64Reg, 0, 2, 0, 0), exit)
			expectRun(runSpec{v: v, cfg: versionCfg(v), budget: 10, text: text, funcs: fr}, 8)
		}
	})

	It("recursion to the maximum depth (test_bpf_to_bpf_depth, test_err_reg_stack_depth)", func() {
		for _, depth := range []int{20, 64} {
			v := sbpf.V4
			cfg := func(c *sbpf.Config) { c.MaxCallDepth = depth }
			fr := sbpf.NewFunctionRegistry()
			text := prog(nop(v), ix(sbpf.OpLdBReg, 1, 1, 0, 0), ix(sbpf.OpAdd64Imm, 1, 0, 0, -2), call(v, fr, 3, 5), exit,
				nop(v), ix(sbpf.OpJeq64Imm, 1, 0, 2, 0), ix(sbpf.OpAdd64Imm, 1, 0, 0, -1), call(v, fr, 8, 5), exit)
			if v.MoveMemoryInstructionClasses() {
				Fail("test assumes the legacy load class")
			}
			expectRun(runSpec{v: v, cfg: cfg, budget: uint64(depth*5 - 2), text: text, funcs: fr, input: []byte{byte(depth)}}, 0)
			expectRun(runSpec{v: v, cfg: cfg, budget: uint64(depth * 4), text: text, funcs: fr, input: []byte{byte(depth + 1)}}, sbpf.ErrCallDepthExceeded)

			text = prog(nop(v), movi(0, 1), ix(sbpf.OpLsh64Imm, 0, 0, 0, 32), callx(v, 0), exit)
			expectRun(runSpec{v: v, cfg: cfg, budget: uint64(4 * depth), text: text}, sbpf.ErrCallDepthExceeded)
		}
	})

	It("callx targets and errors (test_callx_imm, test_err_callx_oob_*, test_capped_after_callx)", func() {
		v := sbpf.V0
		text := prog(nop(v), movi(0, 0), movi(8, 1), ix(sbpf.OpLsh64Imm, 8, 0, 0, 32), ix(sbpf.OpOr64Imm, 8, 0, 0, 0x38),
			callx(v, 8), exit, movi(0, 42), exit)
		expectRun(runSpec{v: v, cfg: versionCfg(v), budget: 9, text: text}, 42)
		expectRun(runSpec{v: v, cfg: versionCfg(v), budget: 3, text: prog(nop(v), movi(0, 3), callx(v, 0), exit)}, sbpf.ErrCallOutsideTextSegment)
		v = sbpf.V4
		expectRun(runSpec{v: v, budget: 3, text: prog(nop(v), lddw(0, 0x200000000), callx(v, 0), exit)}, sbpf.ErrCallOutsideTextSegment)
		expectRun(runSpec{v: v, budget: 3, text: prog(nop(v), lddw(0, 0xFFFFFFFFFFFFFFF8), callx(v, 0), exit)}, sbpf.ErrCallOutsideTextSegment)
		text = prog(nop(v), movi(0, 0), movi(8, 1), ix(sbpf.OpLsh64Imm, 8, 0, 0, 32), ix(sbpf.OpOr64Imm, 8, 0, 0, 0x38),
			callx(v, 8), exit, nop(v), movi(0, 42), exit)
		expectRun(runSpec{v: v, budget: 6, text: text}, sbpf.ErrExceededMaxInstructions)
		text = prog(nop(v), ix(sbpf.OpSub32Reg, 7, 1, 0, 0), ix(sbpf.OpAdd64Imm, 5, 0, 0, -8), ix(sbpf.OpAdd64Imm, 7, 0, 0, 0), callx(v, 5), exit)
		expectRun(runSpec{v: v, budget: 5, text: text}, sbpf.ErrCallOutsideTextSegment)
		// callx register operand per version
		for _, v := range allVersions {
			text := prog(nop(v), lddwOrHor(v, 3, sbpf.MMBytecodeStart+uint64(len(nop(v))+8*lddwSlots(v)+16)), callx(v, 3), exit, movi(0, 9), exit)
			budget := uint64(1 + 1 + 1 + 2 + 1) // nop, load, callx, mov, exit, exit
			if v.DisableLDDW() {
				budget++
			}
			expectRun(runSpec{v: v, cfg: versionCfg(v), budget: budget, text: text}, 9)
		}
	})

	It("syscalls: dispatch, metering and errors (test_instruction_count_syscall*, test_err_call_unresolved)", func() {
		for _, v := range []sbpf.Version{sbpf.V0, sbpf.V3} {
			sys := map[string]sbpf.SyscallFunc{"bpf_syscall_string": syscallString}
			text := prog(nop(v), movi(2, 5), sysCall("bpf_syscall_string"), movi(0, 0), exit)
			expectRun(runSpec{v: v, cfg: versionCfg(v), budget: 5, text: text, syscalls: sys, input: []byte("Hello")}, 0)
			expectRun(runSpec{v: v, cfg: versionCfg(v), budget: 4, text: text, syscalls: sys, input: []byte("Hello")}, sbpf.ErrExceededMaxInstructions)

			res := execute(runSpec{v: v, cfg: versionCfg(v), budget: 100, text: prog(nop(v), movi(2, 6), sysCall("bpf_syscall_string"), exit),
				syscalls: sys, input: []byte("Hello")})
			e := ebpfErr(res.err)
			Expect(e.Kind).To(Equal(sbpf.ErrSyscallError))
			var inner *sbpf.EbpfError
			Expect(errors.As(e.Err, &inner)).To(BeTrue())
			Expect(inner.Kind).To(Equal(sbpf.ErrAccessViolation))
			Expect(res.count).To(Equal(uint64(3)))

			gb := map[string]sbpf.SyscallFunc{"gather": gatherBytes}
			text = prog(nop(v), movi(1, 1), movi(2, 2), movi(3, 3), movi(4, 4), movi(5, 5), sysCall("gather"), exit)
			expectRun(runSpec{v: v, cfg: versionCfg(v), budget: 8, text: text, syscalls: gb}, uint64(0x0102030405))
		}
		v := sbpf.V0
		expectRun(runSpec{v: v, cfg: versionCfg(v), budget: 7, text: prog(nop(v), movi(1, 1), movi(2, 2), movi(3, 3), movi(4, 4), movi(5, 5),
			sysCall("Unresolved"), movi(0, 0), exit)}, sbpf.ErrUnsupportedInstruction)
	})

	It("meters syscall CU consumption like dispatch_syscall", func() {
		burn := func(vm *sbpf.VM, a, _, _, _, _ uint64) (uint64, error) {
			vm.Meter().Consume(a)
			return vm.Meter().Remaining(), nil
		}
		for _, v := range []sbpf.Version{sbpf.V0, sbpf.V3} {
			sys := map[string]sbpf.SyscallFunc{"burn": burn}
			text := prog(nop(v), movi(1, 10), sysCall("burn"), exit)
			// 3 instructions due at the syscall, then 10 burnt: 100-3-10 remain.
			res := execute(runSpec{v: v, cfg: versionCfg(v), budget: 100, text: text, syscalls: sys})
			Expect(res.err).NotTo(HaveOccurred())
			Expect(res.r0).To(Equal(uint64(87)))
			Expect(res.count).To(Equal(uint64(14)))
			// burning everything: the next instruction exceeds the budget
			res = execute(runSpec{v: v, cfg: versionCfg(v), budget: 12, text: text, syscalls: sys})
			Expect(ebpfErr(res.err).Kind).To(Equal(sbpf.ErrExceededMaxInstructions))
			Expect(res.count).To(Equal(uint64(12)))
		}
	})

	It("call imm resolves functions before syscalls on v3 (test_call_imm_does_not_dispatch_syscalls)", func() {
		for _, v := range []sbpf.Version{sbpf.V0, sbpf.V3} {
			fr := sbpf.NewFunctionRegistry()
			sys := map[string]sbpf.SyscallFunc{"bpf_syscall_string": syscallString}
			text := prog(nop(v), call(v, fr, 1, 5), exit, sysCall("bpf_syscall_string"), exit, nop(v), movi(0, 42), exit)
			expectRun(runSpec{v: v, cfg: versionCfg(v), budget: 6, text: text, funcs: fr, syscalls: sys}, 42)
		}
		// static syscalls: src=1 with an out-of-range target is unsupported
		v := sbpf.V3
		expectRun(runSpec{v: v, cfg: versionCfg(v), budget: 1, text: prog(ix(sbpf.OpCallImm, 0, 1, 0, 100), exit)}, sbpf.ErrUnsupportedInstruction)
	})

	It("v0 calls to registered functions outside the text fail after pushing a frame", func() {
		v := sbpf.V0
		fr := sbpf.NewFunctionRegistry()
		Expect(fr.Register(77, "", 1000)).To(Succeed())
		expectRun(runSpec{v: v, cfg: versionCfg(v), budget: 2, funcs: fr, text: prog(nop(v), ix(sbpf.OpCallImm, 0, 0, 0, 77), exit)}, sbpf.ErrCallOutsideTextSegment)
	})
})

func lddwSlots(v sbpf.Version) int { return 2 }

// lddwOrHor loads a 64-bit constant in two slots: lddw, or mov32+hor64 on v2.
func lddwOrHor(v sbpf.Version, dst uint8, val uint64) []byte {
	if v.DisableLDDW() {
		return prog(ix(sbpf.OpMov32Imm, dst, 0, 0, int64(int32(uint32(val)))), ix(sbpf.OpHor64Imm, dst, 0, 0, int64(int32(uint32(val>>32)))))
	}
	return lddw(dst, val)
}

var _ = Describe("instruction meter switch", func() {
	It("reports no instruction count and never stops for the budget when disabled", func() {
		v := sbpf.V0
		cfg := func(c *sbpf.Config) { c.EnabledVersions = [2]sbpf.Version{v, v}; c.EnableInstructionMeter = false }
		// 1000 iterations on a budget of 1
		text := prog(movi(1, 1000), ix(sbpf.OpSub64Imm, 1, 0, 0, 1), ix(sbpf.OpJne64Imm, 1, 0, -2, 0), movi(0, 7), exit)
		res := execute(runSpec{v: v, cfg: cfg, budget: 1, text: text})
		Expect(res.err).NotTo(HaveOccurred())
		Expect(res.r0).To(Equal(uint64(7)))
		Expect(res.count).To(Equal(uint64(0)))
		// syscalls do not touch the meter either
		burn := func(vm *sbpf.VM, _, _, _, _, _ uint64) (uint64, error) { return vm.Meter().Remaining(), nil }
		res = execute(runSpec{v: v, cfg: cfg, budget: 5, text: prog(movi(1, 1), sysCall("burn"), exit), syscalls: map[string]sbpf.SyscallFunc{"burn": burn}})
		Expect(res.err).NotTo(HaveOccurred())
		Expect(res.r0).To(Equal(uint64(5)))
	})
})

var _ = Describe("small real programs (test_prime, test_subnet)", func() {
	It("computes primality of 67 in exactly 656 instructions", func() {
		v := sbpf.V4
		text := prog(nop(v), movi(1, 67), movi(0, 1), movi(2, 2),
			ix(sbpf.OpJgt64Imm, 1, 0, 4, 2), ix(sbpf.OpJa, 0, 0, 10, 0),
			ix(sbpf.OpAdd64Imm, 2, 0, 0, 1), movi(0, 1), ix(sbpf.OpJge64Reg, 2, 1, 7, 0),
			ix(sbpf.OpMov64Reg, 3, 1, 0, 0), ix(sbpf.OpDiv64Reg, 3, 2, 0, 0), ix(sbpf.OpMul64Reg, 3, 2, 0, 0),
			ix(sbpf.OpMov64Reg, 4, 1, 0, 0), ix(sbpf.OpSub64Reg, 4, 3, 0, 0), movi(0, 0),
			ix(sbpf.OpJne64Imm, 4, 0, -10, 0), exit)
		expectRun(runSpec{v: v, budget: 656, text: text}, 1)
	})

	It("matches a subnet in a packet", func() {
		v := sbpf.V4
		input := []byte{
			0x00, 0x00, 0xc0, 0x9f, 0xa0, 0x97, 0x00, 0xa0, 0xcc, 0x3b, 0xbf, 0xfa, 0x08, 0x00, 0x45, 0x10,
			0x00, 0x3c, 0x46, 0x3c, 0x40, 0x00, 0x40, 0x06, 0x73, 0x1c, 0xc0, 0xa8, 0x01, 0x02, 0xc0, 0xa8,
			0x01, 0x01, 0x06, 0x0e, 0x00, 0x17, 0x99, 0xc5, 0xa0, 0xec, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02,
			0x7d, 0x78, 0xe0, 0xa3, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x00, 0x9c,
			0x27, 0x24, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x00,
		}
		text := prog(nop(v), movi(2, 0xe), ix(sbpf.OpLdHReg, 3, 1, 12, 0), ix(sbpf.OpJne64Imm, 3, 0, 2, 0x81),
			movi(2, 0x12), ix(sbpf.OpLdHReg, 3, 1, 16, 0), ix(sbpf.OpAnd64Imm, 3, 0, 0, 0xffff),
			ix(sbpf.OpJne64Imm, 3, 0, 5, 0x8), ix(sbpf.OpAdd64Reg, 1, 2, 0, 0), movi(0, 1),
			ix(sbpf.OpLdWReg, 1, 1, 16, 0), ix(sbpf.OpAnd64Imm, 1, 0, 0, 0xffffff),
			ix(sbpf.OpJeq64Imm, 1, 0, 1, 0x1a8c0), movi(0, 0), exit)
		expectRun(runSpec{v: v, budget: 12, text: text, input: input}, 1)
	})
})
