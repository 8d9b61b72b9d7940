package sbpf

// Verify is verifier.rs RequisiteVerifier::verify: it checks every instruction
// slot of text for version v and returns the first problem as *VerifierError.
func Verify(text []byte, v Version) error {
	if len(text)%InsnSize != 0 {
		return &VerifierError{Kind: VerrProgramLengthNotMultiple}
	}
	if len(text) == 0 {
		return &VerifierError{Kind: VerrNoProgram}
	}
	n := uint64(len(text) / InsnSize)
	var pc uint64
	for pc < n {
		insn := DecodeInsn(text, pc)
		op := resolveOp(insn.Opc, v)
		store := isStore(op)
		var err *VerifierError
		switch {
		case op == iInvalid || op == iOverrun:
			return &VerifierError{Kind: VerrUnknownOpCode, Opcode: insn.Opc, PC: pc}
		case op == iLddw:
			if pc+1 >= n {
				return &VerifierError{Kind: VerrLDDWCannotBeLast}
			}
			if text[(pc+1)*InsnSize] != 0 {
				return &VerifierError{Kind: VerrIncompleteLDDW, PC: pc}
			}
		case op == iDiv32Imm || op == iMod32Imm || op == iDiv64Imm || op == iMod64Imm ||
			(op >= iUdiv32Imm && op <= iSrem64Reg && (op-iUdiv32Imm)%2 == 0):
			if insn.Imm == 0 {
				err = &VerifierError{Kind: VerrDivisionByZero, PC: pc}
			}
		case op == iLsh32Imm || op == iRsh32Imm || op == iArsh32Imm:
			err = checkShift(insn, pc, 32)
		case op == iLsh64Imm || op == iRsh64Imm || op == iArsh64Imm:
			err = checkShift(insn, pc, 64)
		case op == iLe || op == iBe:
			if insn.Imm != 16 && insn.Imm != 32 && insn.Imm != 64 {
				err = &VerifierError{Kind: VerrUnsupportedLEBEArgument, PC: pc}
			}
		case op == iAdd64Imm && insn.Dst == FramePtrReg && v.ManualStackFrameBump():
			if insn.Imm&63 != 0 {
				err = &VerifierError{Kind: VerrUnalignedImmediate, PC: pc}
			}
		case isJump(op):
			err = checkJump(text, insn, pc, n)
		case op == iCallReg:
			var reg int64
			switch {
			case v.CallxUsesSrcReg():
				reg = int64(insn.Src)
			case v.CallxUsesDstReg():
				reg = int64(insn.Dst)
			default:
				reg = insn.Imm
			}
			if reg < 0 || reg >= 10 {
				err = &VerifierError{Kind: VerrInvalidRegister, PC: pc}
			}
		}
		if err != nil {
			return err
		}
		if op == iLddw {
			pc++ // anza advances before check_registers, so lddw errors name the second slot
		}
		if err := checkRegisters(insn, store, pc, v); err != nil {
			return err
		}
		pc++
	}
	if pc != n {
		return &VerifierError{Kind: VerrJumpOutOfCode, Target: pc, PC: pc}
	}
	return nil
}

func checkShift(insn Insn, pc, bits uint64) *VerifierError {
	if insn.Imm < 0 || uint64(insn.Imm) >= bits {
		return &VerifierError{Kind: VerrShiftWithOverflow, Shift: uint64(insn.Imm), Bits: bits, PC: pc}
	}
	return nil
}

func checkJump(text []byte, insn Insn, pc, n uint64) *VerifierError {
	dst := int64(pc) + 1 + int64(insn.Off)
	if dst < 0 || uint64(dst) >= n {
		return &VerifierError{Kind: VerrJumpOutOfCode, Target: uint64(dst), PC: pc}
	}
	if text[uint64(dst)*InsnSize] == 0 {
		return &VerifierError{Kind: VerrJumpToMiddleOfLDDW, Target: uint64(dst), PC: pc}
	}
	return nil
}

func checkRegisters(insn Insn, store bool, pc uint64, v Version) *VerifierError {
	if insn.Src > 10 {
		return &VerifierError{Kind: VerrInvalidSourceRegister, PC: pc}
	}
	switch {
	case insn.Dst <= 9, insn.Dst == 10 && store:
		return nil
	case insn.Dst == 10 && v.ManualStackFrameBump() && insn.Opc == OpAdd64Imm:
		return nil
	case insn.Dst == 10:
		return &VerifierError{Kind: VerrCannotWriteR10, PC: pc}
	}
	return &VerifierError{Kind: VerrInvalidDestinationRegister, PC: pc}
}

// VerifyLocal is verifier.rs LocalVerifier (run by `solana deploy`): on v3+ it
// rejects calls of unregistered syscalls and "call -1" (src=1).
func VerifyLocal(text []byte, v Version, loader *Loader) error {
	if v < V3 {
		return nil
	}
	n := uint64(len(text) / InsnSize)
	for pc := uint64(0); pc < n; pc++ {
		insn := DecodeInsn(text, pc)
		switch {
		case insn.Opc == OpLdDwImm:
			pc++
		case insn.Opc == OpCallImm && insn.Src == 0:
			if _, _, ok := loader.LookupSyscall(uint32(insn.Imm)); !ok {
				return &VerifierError{Kind: VerrInvalidSyscall, Syscall: uint32(insn.Imm)}
			}
		case insn.Opc == OpCallImm && insn.Src == 1 && insn.Imm == -1:
			return &VerifierError{Kind: VerrInvalidFunction, PC: pc}
		}
	}
	return nil
}
