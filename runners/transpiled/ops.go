package transpiled

import "github.com/sbpf-pvm/sbpf-pvm/sbpf"

// op is one instruction meaning: an opcode resolved for the program's version, the way
// the first matching arm of interpreter.rs (and the verifier) reads it.
type op uint8

const (
	opInvalid op = iota // UnsupportedInstruction
	opLddw
	opLdx1
	opLdx2
	opLdx4
	opLdx8
	opSti1
	opSti2
	opSti4
	opSti8
	opStx1
	opStx2
	opStx4
	opStx8
	opAdd32IS // 32-bit results sign-extended (v0, v1, v3, v4)
	opAdd32RS
	opSub32RS
	opMul32IS
	opMul32RS
	opAdd32IZ // 32-bit results zero-extended (v2)
	opAdd32RZ
	opSub32RZ
	opRsub32IZ
	opDiv32I
	opDiv32R
	opMod32I
	opMod32R
	opOr32I
	opOr32R
	opAnd32I
	opAnd32R
	opXor32I
	opXor32R
	opLsh32I
	opLsh32R
	opRsh32I
	opRsh32R
	opArsh32I
	opArsh32R
	opNeg32
	opMov32I
	opMov32RZ
	opMov32RS
	opLe
	opBe
	opAdd64I
	opAdd64R
	opSub64I
	opSub64R
	opRsub64I
	opMul64I
	opMul64R
	opDiv64I
	opDiv64R
	opDiv64IZ
	opMod64I
	opMod64R
	opMod64IZ
	opOr64I
	opOr64R
	opAnd64I
	opAnd64R
	opXor64I
	opXor64R
	opLsh64I
	opLsh64R
	opRsh64I
	opRsh64R
	opArsh64I
	opArsh64R
	opNeg64
	opMov64I
	opMov64R
	opHor64
	opLmul32I
	opLmul32R
	opUhmul64I
	opUhmul64R
	opShmul64I
	opShmul64R
	opSdiv32I
	opSdiv32R
	opSdiv64I
	opSdiv64R
	opSrem32I
	opSrem32R
	opSrem64I
	opSrem64R
	opJa
	opJcc // conditional jump: cond holds the comparison
	opCall
	opCallx
	opExit
)

// cond is a conditional jump's comparison.
type cond struct {
	pred  string // LLVM icmp predicate, or "set" for jset
	is32  bool
	isImm bool
}

// resolve maps an opcode byte under version v to its meaning. For conditional jumps it
// also returns the comparison.
func resolve(o uint8, v sbpf.Version) (op, cond) {
	mm := v.MoveMemoryInstructionClasses()
	pqr := v.EnablePQR()
	sx := v.ExplicitSignExtensionOfResults()
	neg := !v.DisableNeg()
	switch o {
	case 0x18:
		if !v.DisableLDDW() {
			return opLddw, cond{}
		}
	case 0x71:
		if !mm {
			return opLdx1, cond{}
		}
	case 0x69:
		if !mm {
			return opLdx2, cond{}
		}
	case 0x61:
		if !mm {
			return opLdx4, cond{}
		}
	case 0x79:
		if !mm {
			return opLdx8, cond{}
		}
	case 0x72:
		if !mm {
			return opSti1, cond{}
		}
	case 0x6a:
		if !mm {
			return opSti2, cond{}
		}
	case 0x62:
		if !mm {
			return opSti4, cond{}
		}
	case 0x7a:
		if !mm {
			return opSti8, cond{}
		}
	case 0x73:
		if !mm {
			return opStx1, cond{}
		}
	case 0x6b:
		if !mm {
			return opStx2, cond{}
		}
	case 0x63:
		if !mm {
			return opStx4, cond{}
		}
	case 0x7b:
		if !mm {
			return opStx8, cond{}
		}
	case 0x04:
		if sx {
			return opAdd32IZ, cond{}
		}
		return opAdd32IS, cond{}
	case 0x0c:
		if sx {
			return opAdd32RZ, cond{}
		}
		return opAdd32RS, cond{}
	case 0x14:
		if v.SwapSubRegImmOperands() {
			return opRsub32IZ, cond{}
		}
		return opAdd32IS, cond{} // dst - imm; the translator negates imm
	case 0x1c:
		if sx {
			return opSub32RZ, cond{}
		}
		return opSub32RS, cond{}
	case 0x24:
		if !pqr {
			return opMul32IS, cond{}
		}
	case 0x2c:
		if !pqr {
			return opMul32RS, cond{}
		}
		return opLdx1, cond{}
	case 0x34:
		if !pqr {
			return opDiv32I, cond{}
		}
	case 0x3c:
		if !pqr {
			return opDiv32R, cond{}
		}
		return opLdx2, cond{}
	case 0x44:
		return opOr32I, cond{}
	case 0x4c:
		return opOr32R, cond{}
	case 0x54:
		return opAnd32I, cond{}
	case 0x5c:
		return opAnd32R, cond{}
	case 0x64:
		return opLsh32I, cond{}
	case 0x6c:
		return opLsh32R, cond{}
	case 0x74:
		return opRsh32I, cond{}
	case 0x7c:
		return opRsh32R, cond{}
	case 0x84:
		if neg {
			return opNeg32, cond{}
		}
	case 0x8c:
		if mm {
			return opLdx4, cond{}
		}
	case 0x94:
		if !pqr {
			return opMod32I, cond{}
		}
	case 0x9c:
		if !pqr {
			return opMod32R, cond{}
		}
		return opLdx8, cond{}
	case 0xa4:
		return opXor32I, cond{}
	case 0xac:
		return opXor32R, cond{}
	case 0xb4:
		return opMov32I, cond{}
	case 0xbc:
		if sx {
			return opMov32RS, cond{}
		}
		return opMov32RZ, cond{}
	case 0xc4:
		return opArsh32I, cond{}
	case 0xcc:
		return opArsh32R, cond{}
	case 0xd4:
		if !v.DisableLE() {
			return opLe, cond{}
		}
	case 0xdc:
		return opBe, cond{}
	case 0x07:
		return opAdd64I, cond{}
	case 0x0f:
		return opAdd64R, cond{}
	case 0x17:
		if v.SwapSubRegImmOperands() {
			return opRsub64I, cond{}
		}
		return opSub64I, cond{}
	case 0x1f:
		return opSub64R, cond{}
	case 0x27:
		if !pqr {
			return opMul64I, cond{}
		}
		return opSti1, cond{}
	case 0x2f:
		if !pqr {
			return opMul64R, cond{}
		}
		return opStx1, cond{}
	case 0x37:
		if !pqr {
			return opDiv64I, cond{}
		}
		return opSti2, cond{}
	case 0x3f:
		if !pqr {
			return opDiv64R, cond{}
		}
		return opStx2, cond{}
	case 0x47:
		return opOr64I, cond{}
	case 0x4f:
		return opOr64R, cond{}
	case 0x57:
		return opAnd64I, cond{}
	case 0x5f:
		return opAnd64R, cond{}
	case 0x67:
		return opLsh64I, cond{}
	case 0x6f:
		return opLsh64R, cond{}
	case 0x77:
		return opRsh64I, cond{}
	case 0x7f:
		return opRsh64R, cond{}
	case 0x87:
		if mm {
			return opSti4, cond{}
		}
		if neg {
			return opNeg64, cond{}
		}
	case 0x8f:
		if mm {
			return opStx4, cond{}
		}
	case 0x97:
		if !pqr {
			return opMod64I, cond{}
		}
		return opSti8, cond{}
	case 0x9f:
		if !pqr {
			return opMod64R, cond{}
		}
		return opStx8, cond{}
	case 0xa7:
		return opXor64I, cond{}
	case 0xaf:
		return opXor64R, cond{}
	case 0xb7:
		return opMov64I, cond{}
	case 0xbf:
		return opMov64R, cond{}
	case 0xc7:
		return opArsh64I, cond{}
	case 0xcf:
		return opArsh64R, cond{}
	case 0xf7:
		if mm {
			return opHor64, cond{}
		}
	case 0x05:
		return opJa, cond{}
	case 0x8d:
		return opCallx, cond{}
	case 0x85:
		return opCall, cond{}
	case 0x95:
		return opExit, cond{}
	}
	if c, ok := jump64[o]; ok {
		return opJcc, c
	}
	if pqr {
		switch o {
		case 0x86:
			return opLmul32I, cond{}
		case 0x8e:
			return opLmul32R, cond{}
		case 0x96:
			return opMul64I, cond{}
		case 0x9e:
			return opMul64R, cond{}
		case 0x36:
			return opUhmul64I, cond{}
		case 0x3e:
			return opUhmul64R, cond{}
		case 0xb6:
			return opShmul64I, cond{}
		case 0xbe:
			return opShmul64R, cond{}
		case 0x46:
			return opDiv32I, cond{}
		case 0x4e:
			return opDiv32R, cond{}
		case 0x56:
			return opDiv64IZ, cond{}
		case 0x5e:
			return opDiv64R, cond{}
		case 0x66:
			return opMod32I, cond{}
		case 0x6e:
			return opMod32R, cond{}
		case 0x76:
			return opMod64IZ, cond{}
		case 0x7e:
			return opMod64R, cond{}
		case 0xc6:
			return opSdiv32I, cond{}
		case 0xce:
			return opSdiv32R, cond{}
		case 0xd6:
			return opSdiv64I, cond{}
		case 0xde:
			return opSdiv64R, cond{}
		case 0xe6:
			return opSrem32I, cond{}
		case 0xee:
			return opSrem32R, cond{}
		case 0xf6:
			return opSrem64I, cond{}
		case 0xfe:
			return opSrem64R, cond{}
		}
	}
	if v.EnableJmp32() {
		if c, ok := jump64[o&^0x07|0x05]; ok && o&0x07 == 0x06 {
			c.is32 = true
			return opJcc, c
		}
	}
	return opInvalid, cond{}
}

// jump64 are the conditional jumps of the JMP64 class by opcode byte.
var jump64 = map[uint8]cond{
	0x15: {"eq", false, true}, 0x1d: {"eq", false, false},
	0x25: {"ugt", false, true}, 0x2d: {"ugt", false, false},
	0x35: {"uge", false, true}, 0x3d: {"uge", false, false},
	0xa5: {"ult", false, true}, 0xad: {"ult", false, false},
	0xb5: {"ule", false, true}, 0xbd: {"ule", false, false},
	0x45: {"set", false, true}, 0x4d: {"set", false, false},
	0x55: {"ne", false, true}, 0x5d: {"ne", false, false},
	0x65: {"sgt", false, true}, 0x6d: {"sgt", false, false},
	0x75: {"sge", false, true}, 0x7d: {"sge", false, false},
	0xc5: {"slt", false, true}, 0xcd: {"slt", false, false},
	0xd5: {"sle", false, true}, 0xdd: {"sle", false, false},
}

// isLoad, isStore and memSize describe memory instructions.
func isLoad(o op) bool  { return o >= opLdx1 && o <= opLdx8 }
func isStore(o op) bool { return o >= opSti1 && o <= opStx8 }

func memSize(o op) int {
	switch o {
	case opLdx1, opSti1, opStx1:
		return 1
	case opLdx2, opSti2, opStx2:
		return 2
	case opLdx4, opSti4, opStx4:
		return 4
	}
	return 8
}
