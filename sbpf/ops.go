package sbpf

// Internal, version-resolved operations. resolveOp maps an opcode byte to one of
// these for a given version, so the interpreter's switch needs no version tests.
const (
	iInvalid uint8 = iota // not an instruction in this version: UnsupportedInstruction
	iLddw
	iLdx1
	iLdx2
	iLdx4
	iLdx8
	iStImm1
	iStImm2
	iStImm4
	iStImm8
	iStReg1
	iStReg2
	iStReg4
	iStReg8

	iAdd32Imm // 32-bit results sign-extended (v0, v1, v3+)
	iAdd32Reg
	iSub32Imm
	iSub32Reg
	iMul32Imm
	iMul32Reg
	iAdd32ImmZx // v2: 32-bit results zero-extended
	iAdd32RegZx
	iSub32ImmSwapZx // v2: imm - dst
	iSub32RegZx
	iDiv32Imm
	iDiv32Reg
	iOr32Imm
	iOr32Reg
	iAnd32Imm
	iAnd32Reg
	iLsh32Imm
	iLsh32Reg
	iRsh32Imm
	iRsh32Reg
	iNeg32
	iMod32Imm
	iMod32Reg
	iXor32Imm
	iXor32Reg
	iMov32Imm
	iMov32Reg   // zero-extends src
	iMov32RegSx // v2: sign-extends src
	iArsh32Imm
	iArsh32Reg
	iLe
	iBe

	iAdd64Imm
	iAdd64Reg
	iSub64Imm
	iSub64ImmSwap // v2: imm - dst
	iSub64Reg
	iMul64Imm
	iMul64Reg
	iDiv64Imm
	iDiv64Reg
	iOr64Imm
	iOr64Reg
	iAnd64Imm
	iAnd64Reg
	iLsh64Imm
	iLsh64Reg
	iRsh64Imm
	iRsh64Reg
	iNeg64
	iMod64Imm
	iMod64Reg
	iXor64Imm
	iXor64Reg
	iMov64Imm
	iMov64Reg
	iArsh64Imm
	iArsh64Reg
	iHor64Imm

	iLmul32Imm
	iLmul32Reg
	iLmul64Imm
	iLmul64Reg
	iUhmul64Imm
	iUhmul64Reg
	iShmul64Imm
	iShmul64Reg
	iUdiv32Imm
	iUdiv32Reg
	iUdiv64Imm
	iUdiv64Reg
	iUrem32Imm
	iUrem32Reg
	iUrem64Imm
	iUrem64Reg
	iSdiv32Imm
	iSdiv32Reg
	iSdiv64Imm
	iSdiv64Reg
	iSrem32Imm
	iSrem32Reg
	iSrem64Imm
	iSrem64Reg

	iJa
	iJeqImm
	iJeqReg
	iJgtImm
	iJgtReg
	iJgeImm
	iJgeReg
	iJltImm
	iJltReg
	iJleImm
	iJleReg
	iJsetImm
	iJsetReg
	iJneImm
	iJneReg
	iJsgtImm
	iJsgtReg
	iJsgeImm
	iJsgeReg
	iJsltImm
	iJsltReg
	iJsleImm
	iJsleReg
	iJeq32Imm
	iJeq32Reg
	iJgt32Imm
	iJgt32Reg
	iJge32Imm
	iJge32Reg
	iJlt32Imm
	iJlt32Reg
	iJle32Imm
	iJle32Reg
	iJset32Imm
	iJset32Reg
	iJne32Imm
	iJne32Reg
	iJsgt32Imm
	iJsgt32Reg
	iJsge32Imm
	iJsge32Reg
	iJslt32Imm
	iJslt32Reg
	iJsle32Imm
	iJsle32Reg

	iCallImm // unresolved call imm: decodeProgram turns it into one of the next four
	iCallSyscall
	iCallLocal        // push frame, jump to aux
	iCallLocalOutside // push frame, then CallOutsideTextSegment
	iSyscallThenCall  // v0..v2 key both a syscall and a function: anza does both
	iCallReg
	iExit
	iOverrun // sentinel after the last slot: ExecutionOverrun
	numIOps
)

// resolveOp is the version-dependent opcode table shared by the verifier and the
// decoder (the guarded match arms of verifier.rs / interpreter.rs).
func resolveOp(opc uint8, v Version) uint8 {
	mv := v.MoveMemoryInstructionClasses()
	pqr := v.EnablePQR()
	switch opc {
	case OpLdDwImm:
		if !v.DisableLDDW() {
			return iLddw
		}
	case OpLdBReg:
		if !mv {
			return iLdx1
		}
	case OpLdHReg:
		if !mv {
			return iLdx2
		}
	case OpLdWReg:
		if !mv {
			return iLdx4
		}
	case OpLdDwReg:
		if !mv {
			return iLdx8
		}
	case OpStBImm:
		if !mv {
			return iStImm1
		}
	case OpStHImm:
		if !mv {
			return iStImm2
		}
	case OpStWImm:
		if !mv {
			return iStImm4
		}
	case OpStDwImm:
		if !mv {
			return iStImm8
		}
	case OpStBReg:
		if !mv {
			return iStReg1
		}
	case OpStHReg:
		if !mv {
			return iStReg2
		}
	case OpStWReg:
		if !mv {
			return iStReg4
		}
	case OpStDwReg:
		if !mv {
			return iStReg8
		}

	case OpAdd32Imm:
		if v.ExplicitSignExtensionOfResults() {
			return iAdd32ImmZx
		}
		return iAdd32Imm
	case OpAdd32Reg:
		if v.ExplicitSignExtensionOfResults() {
			return iAdd32RegZx
		}
		return iAdd32Reg
	case OpSub32Imm:
		if v.SwapSubRegImmOperands() {
			return iSub32ImmSwapZx // only v2 swaps, and v2 zero-extends
		}
		return iSub32Imm
	case OpSub32Reg:
		if v.ExplicitSignExtensionOfResults() {
			return iSub32RegZx
		}
		return iSub32Reg
	case OpMul32Imm:
		if !pqr {
			return iMul32Imm
		}
	case OpMul32Reg: // == OpLd1bReg
		if !pqr {
			return iMul32Reg
		}
		if mv {
			return iLdx1
		}
	case OpDiv32Imm:
		if !pqr {
			return iDiv32Imm
		}
	case OpDiv32Reg: // == OpLd2bReg
		if !pqr {
			return iDiv32Reg
		}
		if mv {
			return iLdx2
		}
	case OpOr32Imm:
		return iOr32Imm
	case OpOr32Reg:
		return iOr32Reg
	case OpAnd32Imm:
		return iAnd32Imm
	case OpAnd32Reg:
		return iAnd32Reg
	case OpLsh32Imm:
		return iLsh32Imm
	case OpLsh32Reg:
		return iLsh32Reg
	case OpRsh32Imm:
		return iRsh32Imm
	case OpRsh32Reg:
		return iRsh32Reg
	case OpNeg32:
		if !v.DisableNeg() {
			return iNeg32
		}
	case OpLd4bReg:
		if mv {
			return iLdx4
		}
	case OpMod32Imm:
		if !pqr {
			return iMod32Imm
		}
	case OpMod32Reg: // == OpLd8bReg
		if !pqr {
			return iMod32Reg
		}
		if mv {
			return iLdx8
		}
	case OpXor32Imm:
		return iXor32Imm
	case OpXor32Reg:
		return iXor32Reg
	case OpMov32Imm:
		return iMov32Imm
	case OpMov32Reg:
		if v.ExplicitSignExtensionOfResults() {
			return iMov32RegSx
		}
		return iMov32Reg
	case OpArsh32Imm:
		return iArsh32Imm
	case OpArsh32Reg:
		return iArsh32Reg
	case OpLe:
		if !v.DisableLE() {
			return iLe
		}
	case OpBe:
		return iBe

	case OpAdd64Imm:
		return iAdd64Imm
	case OpAdd64Reg:
		return iAdd64Reg
	case OpSub64Imm:
		if v.SwapSubRegImmOperands() {
			return iSub64ImmSwap
		}
		return iSub64Imm
	case OpSub64Reg:
		return iSub64Reg
	case OpMul64Imm: // == OpSt1bImm
		if !pqr {
			return iMul64Imm
		}
		if mv {
			return iStImm1
		}
	case OpMul64Reg: // == OpSt1bReg
		if !pqr {
			return iMul64Reg
		}
		if mv {
			return iStReg1
		}
	case OpDiv64Imm: // == OpSt2bImm
		if !pqr {
			return iDiv64Imm
		}
		if mv {
			return iStImm2
		}
	case OpDiv64Reg: // == OpSt2bReg
		if !pqr {
			return iDiv64Reg
		}
		if mv {
			return iStReg2
		}
	case OpOr64Imm:
		return iOr64Imm
	case OpOr64Reg:
		return iOr64Reg
	case OpAnd64Imm:
		return iAnd64Imm
	case OpAnd64Reg:
		return iAnd64Reg
	case OpLsh64Imm:
		return iLsh64Imm
	case OpLsh64Reg:
		return iLsh64Reg
	case OpRsh64Imm:
		return iRsh64Imm
	case OpRsh64Reg:
		return iRsh64Reg
	case OpNeg64: // == OpSt4bImm
		if mv {
			return iStImm4
		}
		if !v.DisableNeg() {
			return iNeg64
		}
	case OpSt4bReg:
		if mv {
			return iStReg4
		}
	case OpMod64Imm: // == OpSt8bImm
		if !pqr {
			return iMod64Imm
		}
		if mv {
			return iStImm8
		}
	case OpMod64Reg: // == OpSt8bReg
		if !pqr {
			return iMod64Reg
		}
		if mv {
			return iStReg8
		}
	case OpXor64Imm:
		return iXor64Imm
	case OpXor64Reg:
		return iXor64Reg
	case OpMov64Imm:
		return iMov64Imm
	case OpMov64Reg:
		return iMov64Reg
	case OpArsh64Imm:
		return iArsh64Imm
	case OpArsh64Reg:
		return iArsh64Reg
	case OpHor64Imm:
		if v.DisableLDDW() {
			return iHor64Imm
		}

	case OpJa:
		return iJa
	case OpJeq64Imm:
		return iJeqImm
	case OpJeq64Reg:
		return iJeqReg
	case OpJgt64Imm:
		return iJgtImm
	case OpJgt64Reg:
		return iJgtReg
	case OpJge64Imm:
		return iJgeImm
	case OpJge64Reg:
		return iJgeReg
	case OpJlt64Imm:
		return iJltImm
	case OpJlt64Reg:
		return iJltReg
	case OpJle64Imm:
		return iJleImm
	case OpJle64Reg:
		return iJleReg
	case OpJset64Imm:
		return iJsetImm
	case OpJset64Reg:
		return iJsetReg
	case OpJne64Imm:
		return iJneImm
	case OpJne64Reg:
		return iJneReg
	case OpJsgt64Imm:
		return iJsgtImm
	case OpJsgt64Reg:
		return iJsgtReg
	case OpJsge64Imm:
		return iJsgeImm
	case OpJsge64Reg:
		return iJsgeReg
	case OpJslt64Imm:
		return iJsltImm
	case OpJslt64Reg:
		return iJsltReg
	case OpJsle64Imm:
		return iJsleImm
	case OpJsle64Reg:
		return iJsleReg
	case OpCallImm:
		return iCallImm
	case OpCallReg:
		return iCallReg
	case OpExit:
		return iExit
	}
	if opc&ClsMask == ClsPQR {
		if pqr {
			return resolvePQR(opc)
		}
		if v.EnableJmp32() {
			return resolveJmp32(opc)
		}
	}
	return iInvalid
}

func resolvePQR(opc uint8) uint8 {
	switch opc {
	case OpLmul32Imm:
		return iLmul32Imm
	case OpLmul32Reg:
		return iLmul32Reg
	case OpLmul64Imm:
		return iLmul64Imm
	case OpLmul64Reg:
		return iLmul64Reg
	case OpUhmul64Imm:
		return iUhmul64Imm
	case OpUhmul64Reg:
		return iUhmul64Reg
	case OpShmul64Imm:
		return iShmul64Imm
	case OpShmul64Reg:
		return iShmul64Reg
	case OpUdiv32Imm:
		return iUdiv32Imm
	case OpUdiv32Reg:
		return iUdiv32Reg
	case OpUdiv64Imm:
		return iUdiv64Imm
	case OpUdiv64Reg:
		return iUdiv64Reg
	case OpUrem32Imm:
		return iUrem32Imm
	case OpUrem32Reg:
		return iUrem32Reg
	case OpUrem64Imm:
		return iUrem64Imm
	case OpUrem64Reg:
		return iUrem64Reg
	case OpSdiv32Imm:
		return iSdiv32Imm
	case OpSdiv32Reg:
		return iSdiv32Reg
	case OpSdiv64Imm:
		return iSdiv64Imm
	case OpSdiv64Reg:
		return iSdiv64Reg
	case OpSrem32Imm:
		return iSrem32Imm
	case OpSrem32Reg:
		return iSrem32Reg
	case OpSrem64Imm:
		return iSrem64Imm
	case OpSrem64Reg:
		return iSrem64Reg
	}
	return iInvalid
}

func resolveJmp32(opc uint8) uint8 {
	switch opc {
	case OpJeq32Imm:
		return iJeq32Imm
	case OpJeq32Reg:
		return iJeq32Reg
	case OpJgt32Imm:
		return iJgt32Imm
	case OpJgt32Reg:
		return iJgt32Reg
	case OpJge32Imm:
		return iJge32Imm
	case OpJge32Reg:
		return iJge32Reg
	case OpJlt32Imm:
		return iJlt32Imm
	case OpJlt32Reg:
		return iJlt32Reg
	case OpJle32Imm:
		return iJle32Imm
	case OpJle32Reg:
		return iJle32Reg
	case OpJset32Imm:
		return iJset32Imm
	case OpJset32Reg:
		return iJset32Reg
	case OpJne32Imm:
		return iJne32Imm
	case OpJne32Reg:
		return iJne32Reg
	case OpJsgt32Imm:
		return iJsgt32Imm
	case OpJsgt32Reg:
		return iJsgt32Reg
	case OpJsge32Imm:
		return iJsge32Imm
	case OpJsge32Reg:
		return iJsge32Reg
	case OpJslt32Imm:
		return iJslt32Imm
	case OpJslt32Reg:
		return iJslt32Reg
	case OpJsle32Imm:
		return iJsle32Imm
	case OpJsle32Reg:
		return iJsle32Reg
	}
	return iInvalid
}

func isJump(op uint8) bool { return op >= iJa && op <= iJsle32Reg }

func isStore(op uint8) bool { return op >= iStImm1 && op <= iStReg8 }
