package sbpf_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
)

func verr(err error) *sbpf.VerifierError {
	ve, ok := err.(*sbpf.VerifierError)
	Expect(ok).To(BeTrue(), "want *VerifierError, got %v", err)
	return ve
}

var _ = Describe("verifier (RequisiteVerifier)", func() {
	verify := func(v sbpf.Version, insns ...[]byte) error { return sbpf.Verify(prog(insns...), v) }

	It("accepts a simple program and rejects bad lengths", func() {
		Expect(verify(sbpf.V4, nop(sbpf.V4), movi(0, 2), exit)).To(Succeed())
		Expect(verr(sbpf.Verify(nil, sbpf.V0)).Kind).To(Equal(sbpf.VerrNoProgram))
		Expect(verr(sbpf.Verify(make([]byte, 9), sbpf.V0)).Kind).To(Equal(sbpf.VerrProgramLengthNotMultiple))
	})

	It("rejects immediate division by zero (test_verifier_err_div_by_zero_imm)", func() {
		e := verr(verify(sbpf.V0, nop(sbpf.V0), ix(sbpf.OpMov32Imm, 0, 0, 0, 1), ix(sbpf.OpDiv32Imm, 0, 0, 0, 0), exit))
		Expect(e.Kind).To(Equal(sbpf.VerrDivisionByZero))
		Expect(e.PC).To(Equal(uint64(2)))
		for _, opc := range []uint8{sbpf.OpUdiv32Imm, sbpf.OpUdiv64Imm, sbpf.OpUrem32Imm, sbpf.OpUrem64Imm, sbpf.OpSdiv32Imm, sbpf.OpSdiv64Imm, sbpf.OpSrem32Imm, sbpf.OpSrem64Imm} {
			Expect(verr(verify(sbpf.V2, ix(opc, 0, 0, 0, 0), exit)).Kind).To(Equal(sbpf.VerrDivisionByZero))
		}
		Expect(verify(sbpf.V2, ix(sbpf.OpLmul64Imm, 0, 0, 0, 0), exit)).To(Succeed())
	})

	It("checks le/be sizes (test_verifier_err_endian_size)", func() {
		e := verr(sbpf.Verify(prog(ix(sbpf.OpAdd64Imm, 10, 0, 0, 0), ix(sbpf.OpBe, 1, 0, 0, 3), movi(1, 0), exit), sbpf.V2))
		Expect(e.Kind).To(Equal(sbpf.VerrUnsupportedLEBEArgument))
		Expect(e.PC).To(Equal(uint64(1)))
		Expect(e.Error()).To(Equal("unsupported argument for LE/BE (insn #1)"))
	})

	It("checks lddw (test_verifier_err_incomplete_lddw, _lddw_cannot_be_last, _jmp_lddw)", func() {
		e := verr(sbpf.Verify([]byte{0x18, 0, 0, 0, 0x88, 0x77, 0x66, 0x55, 0x85, 0, 0, 0, 0, 0, 0, 0}, sbpf.V0))
		Expect(e.Kind).To(Equal(sbpf.VerrIncompleteLDDW))
		Expect(e.PC).To(Equal(uint64(0)))
		Expect(verr(sbpf.Verify([]byte{0x18, 0, 0, 0, 0x88, 0x77, 0x66, 0x55}, sbpf.V0)).Kind).To(Equal(sbpf.VerrLDDWCannotBeLast))
		Expect(verr(sbpf.Verify([]byte{0x18, 0, 0, 0, 0x88, 0x77, 0x66, 0x55}, sbpf.V4)).Kind).To(Equal(sbpf.VerrLDDWCannotBeLast))
		e = verr(verify(sbpf.V0, ix(sbpf.OpJa, 0, 0, 1, 0), lddw(0, 0x1122334455667788), exit))
		Expect(e.Kind).To(Equal(sbpf.VerrJumpToMiddleOfLDDW))
		Expect([]uint64{e.Target, e.PC}).To(Equal([]uint64{2, 0}))
		// calls into the middle of lddw are only caught at run time (test_verifier_call_into_lddw)
		Expect(verify(sbpf.V0, ix(sbpf.OpCallImm, 0, 0, 0, 2), lddw(0, 0x1122334455667788), exit)).To(Succeed())
		// lddw does not exist on v2
		Expect(verr(verify(sbpf.V2, lddw(0, 1), exit)).Kind).To(Equal(sbpf.VerrUnknownOpCode))
	})

	It("checks registers (test_verifier_err_invalid_reg_*, _add_r10, _write_r10)", func() {
		e := verr(verify(sbpf.V4, movi(11, 1), exit))
		Expect(e.Kind).To(Equal(sbpf.VerrInvalidDestinationRegister))
		e = verr(verify(sbpf.V4, ix(sbpf.OpMov64Reg, 0, 11, 0, 0), exit))
		Expect(e.Kind).To(Equal(sbpf.VerrInvalidSourceRegister))
		e = verr(verify(sbpf.V0, ix(sbpf.OpAdd64Imm, 10, 0, 0, 0), exit))
		Expect(e.Kind).To(Equal(sbpf.VerrCannotWriteR10))
		Expect(e.PC).To(Equal(uint64(0)))
		e = verr(verify(sbpf.V4, nop(sbpf.V4), movi(10, 1), exit))
		Expect(e.Kind).To(Equal(sbpf.VerrCannotWriteR10))
		Expect(e.PC).To(Equal(uint64(1)))
		// stores may use r10 as base; jumps may not name it as dst
		Expect(verify(sbpf.V0, ix(sbpf.OpStDwImm, 10, 0, -8, 1), exit)).To(Succeed())
		Expect(verr(verify(sbpf.V0, ix(sbpf.OpJeq64Imm, 10, 0, 0, 1), exit)).Kind).To(Equal(sbpf.VerrCannotWriteR10))
	})

	It("allows 64-aligned r10 bumps on v1/v2 only (test_verifier_*_unaligned_stack)", func() {
		for _, v := range []sbpf.Version{sbpf.V1, sbpf.V2} {
			Expect(verify(v, ix(sbpf.OpAdd64Imm, 10, 0, 0, -64), exit, ix(sbpf.OpAdd64Imm, 10, 0, 0, 64), exit)).To(Succeed())
			Expect(verr(verify(v, ix(sbpf.OpAdd64Imm, 10, 0, 0, -63), exit)).Kind).To(Equal(sbpf.VerrUnalignedImmediate))
			Expect(verr(verify(v, ix(sbpf.OpAdd64Imm, 10, 0, 0, 63), exit)).Kind).To(Equal(sbpf.VerrUnalignedImmediate))
			Expect(verr(verify(v, ix(sbpf.OpSub64Imm, 10, 0, 0, 64), exit)).Kind).To(Equal(sbpf.VerrCannotWriteR10))
		}
		for _, v := range []sbpf.Version{sbpf.V0, sbpf.V3, sbpf.V4} {
			Expect(verr(verify(v, ix(sbpf.OpAdd64Imm, 10, 0, 0, -64), exit)).Kind).To(Equal(sbpf.VerrCannotWriteR10))
		}
	})

	It("checks callx registers per version (test_verifier_err_callx_cannot_use_r10)", func() {
		for _, v := range allVersions {
			e := verr(verify(v, callx(v, 10), exit))
			Expect(e.Kind).To(Equal(sbpf.VerrInvalidRegister), "version %v", v)
			Expect(verify(v, callx(v, 9), exit)).To(Succeed())
		}
		Expect(verr(verify(sbpf.V0, ix(sbpf.OpCallReg, 0, 0, 0, -1), exit)).Kind).To(Equal(sbpf.VerrInvalidRegister))
	})

	It("checks jump targets (test_verifier_err_jmp_out, _jmp_out_start)", func() {
		v := sbpf.V4
		e := verr(verify(v, nop(v), ix(sbpf.OpJa, 0, 0, 2, 0), exit))
		Expect(e.Kind).To(Equal(sbpf.VerrJumpOutOfCode))
		Expect([]uint64{e.Target, e.PC}).To(Equal([]uint64{4, 1}))
		e = verr(verify(v, nop(v), ix(sbpf.OpJa, 0, 0, -3, 0), exit))
		Expect([]uint64{e.Target, e.PC}).To(Equal([]uint64{18446744073709551615, 1}))
		Expect(e.Error()).To(Equal("jump out of code to #18446744073709551615 (insn #1)"))
		Expect(verr(verify(v, ix(sbpf.OpJeq32Imm, 0, 0, 5, 0), exit)).Kind).To(Equal(sbpf.VerrJumpOutOfCode))
	})

	It("checks shift immediates (test_verifier_err_all_shift_overflows)", func() {
		v := sbpf.V4
		for _, c := range []struct {
			opc       uint8
			imm       int64
			ok        bool
			bitsLimit uint64
		}{
			{sbpf.OpLsh32Imm, 16, true, 32}, {sbpf.OpLsh32Imm, 32, false, 32}, {sbpf.OpLsh32Imm, 64, false, 32},
			{sbpf.OpRsh32Imm, 16, true, 32}, {sbpf.OpRsh32Imm, 32, false, 32}, {sbpf.OpArsh32Imm, 64, false, 32},
			{sbpf.OpLsh64Imm, 32, true, 64}, {sbpf.OpLsh64Imm, 64, false, 64}, {sbpf.OpRsh64Imm, 64, false, 64},
			{sbpf.OpArsh64Imm, 32, true, 64}, {sbpf.OpArsh64Imm, 64, false, 64}, {sbpf.OpArsh64Imm, -1, false, 64},
		} {
			err := verify(v, nop(v), ix(c.opc, 0, 0, 0, c.imm), exit)
			if c.ok {
				Expect(err).To(Succeed())
				continue
			}
			e := verr(err)
			Expect(e.Kind).To(Equal(sbpf.VerrShiftWithOverflow))
			Expect([]uint64{e.Shift, e.Bits, e.PC}).To(Equal([]uint64{uint64(c.imm), c.bitsLimit, 1}))
		}
	})

	It("knows which opcodes each version has (test_sdiv_disabled)", func() {
		for _, opc := range []uint8{sbpf.OpSdiv32Imm, sbpf.OpSdiv32Reg, sbpf.OpSdiv64Imm, sbpf.OpSdiv64Reg} {
			Expect(verify(sbpf.V2, nop(sbpf.V2), ix(opc, 0, 1, 0, 2), exit)).To(Succeed())
			e := verr(verify(sbpf.V1, nop(sbpf.V1), ix(opc, 0, 1, 0, 2), exit))
			Expect(e.Kind).To(Equal(sbpf.VerrUnknownOpCode))
			Expect(e.Opcode).To(Equal(opc))
			Expect(e.PC).To(Equal(uint64(1)))
		}
		// v2 moved the memory classes
		Expect(verr(verify(sbpf.V2, ix(sbpf.OpLdDwReg, 0, 1, 0, 0), exit)).Kind).To(Equal(sbpf.VerrUnknownOpCode))
		Expect(verify(sbpf.V2, ix(sbpf.OpLd8bReg, 0, 1, 0, 0), ix(sbpf.OpSt4bImm, 1, 0, 0, 0), exit)).To(Succeed())
		Expect(verr(verify(sbpf.V1, ix(sbpf.OpSt4bReg, 1, 2, 0, 0), exit)).Kind).To(Equal(sbpf.VerrUnknownOpCode))
		Expect(verr(verify(sbpf.V0, ix(sbpf.OpHor64Imm, 0, 0, 0, 1), exit)).Kind).To(Equal(sbpf.VerrUnknownOpCode))
		Expect(verr(verify(sbpf.V0, ix(0xff, 0, 0, 0, 0), exit)).Error()).To(Equal("unknown eBPF opcode 0xff (insn #0)"))
	})

	It("LocalVerifier rejects unknown static syscalls and call -1 (local_verifier_*)", func() {
		l := sbpf.NewLoader(sbpf.DefaultConfig())
		Expect(l.RegisterSyscall("gather_bytes", gatherBytes)).To(Succeed())
		text := prog(nop(sbpf.V4), lddw(7, 0x8000), ix(sbpf.OpCallImm, 0, 1, 0, -1), exit)
		e := verr(sbpf.VerifyLocal(text, sbpf.V4, l))
		Expect(e.Kind).To(Equal(sbpf.VerrInvalidFunction))
		Expect(e.PC).To(Equal(uint64(3)))
		text = prog(nop(sbpf.V4), lddw(7, 0x8000), ix(sbpf.OpCallImm, 0, 0, 0, 0x1bd193), exit)
		e = verr(sbpf.VerifyLocal(text, sbpf.V4, l))
		Expect(e.Kind).To(Equal(sbpf.VerrInvalidSyscall))
		Expect(e.Syscall).To(Equal(uint32(0x1bd193)))
		Expect(sbpf.VerifyLocal(prog(sysCall("gather_bytes"), exit), sbpf.V4, l)).To(Succeed())
		Expect(sbpf.VerifyLocal(text, sbpf.V0, l)).To(Succeed())
	})

	It("an unverifiable executable fails Execute with VerifierError", func() {
		exe, err := sbpf.NewExecutableFromText(prog(movi(11, 1), exit), sbpf.NewLoader(sbpf.DefaultConfig()), sbpf.V4, nil)
		Expect(err).NotTo(HaveOccurred())
		vm := sbpf.NewVM(exe, &testMeter{remaining: 10}, nil, nil)
		_, _, err = vm.Execute()
		e := ebpfErr(err)
		Expect(e.Kind).To(Equal(sbpf.ErrVerifierError))
		Expect(verr(e.Err).Kind).To(Equal(sbpf.VerrInvalidDestinationRegister))
	})
})

var _ = Describe("versions, hashing and registries", func() {
	It("parses and prints versions", func() {
		for _, s := range []string{"v0", "V3", "4", " v2 "} {
			v, err := sbpf.ParseVersion(s)
			Expect(err).NotTo(HaveOccurred())
			Expect(v.String()).To(HaveLen(2))
		}
		_, err := sbpf.ParseVersion("v5")
		Expect(err).To(HaveOccurred())
		Expect(sbpf.Reserved.String()).To(Equal("reserved"))
	})

	It("has the feature switches of program.rs", func() {
		type row struct{ manual, gaps, pqr, static, jmp32, lowRodata bool }
		want := map[sbpf.Version]row{
			sbpf.V0: {false, true, false, false, false, false},
			sbpf.V1: {true, false, false, false, false, false},
			sbpf.V2: {true, false, true, false, false, false},
			sbpf.V3: {false, false, false, true, true, true},
			sbpf.V4: {false, false, false, true, true, true},
		}
		for v, w := range want {
			Expect(row{v.ManualStackFrameBump(), v.StackFrameGaps(), v.EnablePQR(), v.StaticSyscalls(), v.EnableJmp32(), v.EnableLowerRodataVaddr()}).To(Equal(w), "version %v", v)
		}
		Expect(sbpf.V3.CalculateCallImmTargetPC(10, -3)).To(Equal(uint32(8)))
		Expect(sbpf.V0.CalculateCallImmTargetPC(10, -3)).To(Equal(uint32(0xfffffffd)))
	})

	It("hashes symbol names with murmur3 (ebpf::hash_symbol_name)", func() {
		Expect(sbpf.HashSymbolName([]byte("gather_bytes"))).To(Equal(uint32(0x91020cdd)))
		Expect(sbpf.HashSymbolName([]byte("entrypoint"))).To(Equal(uint32(0x71e3cf81)))
		Expect(sbpf.HashSymbolName([]byte("sol_log_"))).To(Equal(uint32(0x207559bd)))
		Expect(sbpf.HashSymbolName([]byte("abort"))).To(Equal(uint32(0xb6fc1a11)))
		Expect(sbpf.Murmur3_32(nil, 0)).To(Equal(uint32(0)))
	})

	It("registers functions and detects collisions", func() {
		r := sbpf.NewFunctionRegistry()
		Expect(r.Register(5, "a", 1)).To(Succeed())
		Expect(r.Register(5, "b", 1)).To(Succeed())
		err := r.Register(5, "c", 2)
		Expect(err).To(HaveOccurred())
		Expect(err.(*sbpf.RegistryError).Kind).To(Equal("SymbolHashCollision"))
		Expect(r.Register(1, "z", 9)).To(Succeed())
		Expect(r.Keys()).To(Equal([]uint32{1, 5}))
		name, pc, ok := r.Lookup(5)
		Expect([]any{name, pc, ok}).To(Equal([]any{"a", uint64(1), true}))

		l := sbpf.NewLoader(sbpf.DefaultConfig())
		Expect(l.RegisterSyscall("entrypoint", gatherBytes)).To(Succeed())
		// new_from_text_bytes registers the entrypoint under the same hash: collision
		_, err = sbpf.NewExecutableFromText(prog(exit), l, sbpf.V0, nil)
		Expect(err).To(HaveOccurred())
		// v3+ keys functions by pc, so no collision
		exe, err := sbpf.NewExecutableFromText(prog(exit), l, sbpf.V3, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(exe.RodataVaddr).To(Equal(sbpf.MMRodataStart))
		Expect(l.RegisterSyscall("entrypoint", gatherBytes)).NotTo(Succeed())
	})

	It("starts at the function named entrypoint", func() {
		fr := sbpf.NewFunctionRegistry()
		Expect(fr.Register(sbpf.HashSymbolName([]byte("entrypoint")), "entrypoint", 2)).To(Succeed())
		expectRun(runSpec{v: sbpf.V0, cfg: versionCfg(sbpf.V0), budget: 2, funcs: fr, text: prog(movi(0, 1), exit, movi(0, 2), exit)}, 2)
	})

	It("decodes lddw immediates for other tools", func() {
		exe, err := sbpf.NewExecutableFromText(prog(lddw(3, 0x1122334455667788), exit), sbpf.NewLoader(sbpf.DefaultConfig()), sbpf.V0, nil)
		Expect(err).NotTo(HaveOccurred())
		d := exe.Decoded()
		Expect(d).To(HaveLen(3))
		Expect(d[0].Imm).To(Equal(int64(0x1122334455667788)))
		Expect(d[0].Dst).To(Equal(uint8(3)))
		Expect(d[2].Opc).To(Equal(sbpf.OpExit))
	})
})

var _ = Describe("call resolution for other tools", func() {
	It("reports syscalls, internal calls and unresolved calls", func() {
		for _, v := range []sbpf.Version{sbpf.V0, sbpf.V3} {
			fr := sbpf.NewFunctionRegistry()
			text := prog(sysCall("gather"), call(v, fr, 1, 4), ix(sbpf.OpCallImm, 0, 0, 0, 12345), exit, exit)
			exe, err := build(runSpec{v: v, cfg: versionCfg(v), text: text, funcs: fr, syscalls: map[string]sbpf.SyscallFunc{"gather": gatherBytes}})
			Expect(err).NotTo(HaveOccurred())
			k, _, name, ok := exe.ResolveCall(0)
			Expect([]any{k, name, ok}).To(Equal([]any{sbpf.CallSyscall, "gather", true}))
			k, target, _, ok := exe.ResolveCall(1)
			Expect([]any{k, target, ok}).To(Equal([]any{sbpf.CallInternal, uint64(4), true}))
			k, _, _, ok = exe.ResolveCall(2)
			Expect([]any{k, ok}).To(Equal([]any{sbpf.CallUnresolved, true}))
			_, _, _, ok = exe.ResolveCall(3)
			Expect(ok).To(BeFalse())
		}
	})
})
