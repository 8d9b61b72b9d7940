package link

// RISC-V RV64 I/M/A/C + Zbb + XTheadCondMov decoder. Compressed instructions
// are expanded to their base equivalents, so the translator sees one form.

// rvOp is one decoded RISC-V operation.
type rvOp uint8

const (
	rvInvalid rvOp = iota
	rvLUI
	rvAUIPC
	rvJAL
	rvJALR
	// branches
	rvBEQ
	rvBNE
	rvBLT
	rvBGE
	rvBLTU
	rvBGEU
	// loads
	rvLB
	rvLH
	rvLW
	rvLD
	rvLBU
	rvLHU
	rvLWU
	// stores
	rvSB
	rvSH
	rvSW
	rvSD
	// register-immediate
	rvADDI
	rvSLTI
	rvSLTIU
	rvXORI
	rvORI
	rvANDI
	rvSLLI
	rvSRLI
	rvSRAI
	rvADDIW
	rvSLLIW
	rvSRLIW
	rvSRAIW
	rvRORI  // Zbb
	rvRORIW // Zbb
	// register-register
	rvADD
	rvSUB
	rvSLL
	rvSLT
	rvSLTU
	rvXOR
	rvSRL
	rvSRA
	rvOR
	rvAND
	rvADDW
	rvSUBW
	rvSLLW
	rvSRLW
	rvSRAW
	rvMUL
	rvMULH
	rvMULHSU
	rvMULHU
	rvDIV
	rvDIVU
	rvREM
	rvREMU
	rvMULW
	rvDIVW
	rvDIVUW
	rvREMW
	rvREMUW
	rvANDN // Zbb
	rvORN
	rvXNOR
	rvMIN
	rvMINU
	rvMAX
	rvMAXU
	rvROL
	rvROR
	rvROLW
	rvRORW
	// Zbb unary (rd, rs1)
	rvCLZ
	rvCLZW
	rvCTZ
	rvCTZW
	rvCPOP
	rvCPOPW
	rvSEXTB
	rvSEXTH
	rvZEXTH
	rvREV8
	rvORCB
	// XTheadCondMov
	rvMVEQZ
	rvMVNEZ
	// system / misc
	rvFENCE
	rvFENCEI
	rvECALL
	rvEBREAK
	rvUNIMP
	// A extension
	rvLRW
	rvLRD
	rvSCW
	rvSCD
	rvAMOSWAPW
	rvAMOADDW
	rvAMOXORW
	rvAMOANDW
	rvAMOORW
	rvAMOMINW
	rvAMOMAXW
	rvAMOMINUW
	rvAMOMAXUW
	rvAMOSWAPD
	rvAMOADDD
	rvAMOXORD
	rvAMOANDD
	rvAMOORD
	rvAMOMIND
	rvAMOMAXD
	rvAMOMINUD
	rvAMOMAXUD
	// polkavm custom-0 extensions (the ecalli marker is handled by the code parser)
	rvSBRK
	rvMEMSET
	rvHEAPBASE
	rvOpCount
)

var rvNames = [rvOpCount]string{
	rvInvalid: "invalid", rvLUI: "lui", rvAUIPC: "auipc", rvJAL: "jal", rvJALR: "jalr",
	rvBEQ: "beq", rvBNE: "bne", rvBLT: "blt", rvBGE: "bge", rvBLTU: "bltu", rvBGEU: "bgeu",
	rvLB: "lb", rvLH: "lh", rvLW: "lw", rvLD: "ld", rvLBU: "lbu", rvLHU: "lhu", rvLWU: "lwu",
	rvSB: "sb", rvSH: "sh", rvSW: "sw", rvSD: "sd",
	rvADDI: "addi", rvSLTI: "slti", rvSLTIU: "sltiu", rvXORI: "xori", rvORI: "ori", rvANDI: "andi",
	rvSLLI: "slli", rvSRLI: "srli", rvSRAI: "srai", rvADDIW: "addiw", rvSLLIW: "slliw", rvSRLIW: "srliw",
	rvSRAIW: "sraiw", rvRORI: "rori", rvRORIW: "roriw",
	rvADD: "add", rvSUB: "sub", rvSLL: "sll", rvSLT: "slt", rvSLTU: "sltu", rvXOR: "xor", rvSRL: "srl",
	rvSRA: "sra", rvOR: "or", rvAND: "and", rvADDW: "addw", rvSUBW: "subw", rvSLLW: "sllw", rvSRLW: "srlw",
	rvSRAW: "sraw", rvMUL: "mul", rvMULH: "mulh", rvMULHSU: "mulhsu", rvMULHU: "mulhu", rvDIV: "div",
	rvDIVU: "divu", rvREM: "rem", rvREMU: "remu", rvMULW: "mulw", rvDIVW: "divw", rvDIVUW: "divuw",
	rvREMW: "remw", rvREMUW: "remuw", rvANDN: "andn", rvORN: "orn", rvXNOR: "xnor", rvMIN: "min",
	rvMINU: "minu", rvMAX: "max", rvMAXU: "maxu", rvROL: "rol", rvROR: "ror", rvROLW: "rolw", rvRORW: "rorw",
	rvCLZ: "clz", rvCLZW: "clzw", rvCTZ: "ctz", rvCTZW: "ctzw", rvCPOP: "cpop", rvCPOPW: "cpopw",
	rvSEXTB: "sext.b", rvSEXTH: "sext.h", rvZEXTH: "zext.h", rvREV8: "rev8", rvORCB: "orc.b",
	rvMVEQZ: "th.mveqz", rvMVNEZ: "th.mvnez",
	rvFENCE: "fence", rvFENCEI: "fence.i", rvECALL: "ecall", rvEBREAK: "ebreak", rvUNIMP: "unimp",
	rvLRW: "lr.w", rvLRD: "lr.d", rvSCW: "sc.w", rvSCD: "sc.d",
	rvAMOSWAPW: "amoswap.w", rvAMOADDW: "amoadd.w", rvAMOXORW: "amoxor.w", rvAMOANDW: "amoand.w",
	rvAMOORW: "amoor.w", rvAMOMINW: "amomin.w", rvAMOMAXW: "amomax.w", rvAMOMINUW: "amominu.w",
	rvAMOMAXUW: "amomaxu.w", rvAMOSWAPD: "amoswap.d", rvAMOADDD: "amoadd.d", rvAMOXORD: "amoxor.d",
	rvAMOANDD: "amoand.d", rvAMOORD: "amoor.d", rvAMOMIND: "amomin.d", rvAMOMAXD: "amomax.d",
	rvAMOMINUD: "amominu.d", rvAMOMAXUD: "amomaxu.d",
	rvSBRK: "sbrk", rvMEMSET: "memset", rvHEAPBASE: "heap_base",
}

func (o rvOp) String() string {
	if o < rvOpCount && rvNames[o] != "" {
		return rvNames[o]
	}
	return "?"
}

// rvInst is a decoded instruction. Imm is the sign-extended immediate (for
// branches and jal the pc-relative offset, for lui/auipc the shifted value).
type rvInst struct {
	Op       rvOp
	Rd       uint8
	Rs1, Rs2 uint8
	Imm      int64
	Size     uint8 // 2 (compressed) or 4
	Raw      uint32
}

func (o rvOp) isBranch() bool { return o >= rvBEQ && o <= rvBGEU }
func (o rvOp) isLoad() bool   { return o >= rvLB && o <= rvLWU }
func (o rvOp) isStore() bool  { return o >= rvSB && o <= rvSD }
func (o rvOp) isAMO() bool    { return o >= rvAMOSWAPW && o <= rvAMOMAXUD }

const (
	opcLOAD      = 0x03
	opcCUSTOM0   = 0x0B
	opcMISCMEM   = 0x0F
	opcOPIMM     = 0x13
	opcAUIPC     = 0x17
	opcOPIMM32   = 0x1B
	opcSTORE     = 0x23
	opcAMO       = 0x2F
	opcOP        = 0x33
	opcLUI       = 0x37
	opcOP32      = 0x3B
	opcBRANCH    = 0x63
	opcJALR      = 0x67
	opcJAL       = 0x6F
	opcSYSTEM    = 0x73
	importMarker = 0x0000000B // custom-0, funct3 0, all registers zero: polkavm's ecalli marker
)

// isCompressed reports whether the instruction whose first byte is b is 16 bits long.
func isCompressed(b byte) bool { return b&3 != 3 }

func sext(v uint32, bits uint) int64 {
	shift := 64 - bits
	return int64(uint64(v)<<shift) >> shift
}

// AMO operations by funct5, for .w (funct3 2) and .d (funct3 3).
var (
	amoW = [32]rvOp{2: rvLRW, 3: rvSCW, 1: rvAMOSWAPW, 0: rvAMOADDW, 4: rvAMOXORW, 0xC: rvAMOANDW,
		8: rvAMOORW, 0x10: rvAMOMINW, 0x14: rvAMOMAXW, 0x18: rvAMOMINUW, 0x1C: rvAMOMAXUW}
	amoD = [32]rvOp{2: rvLRD, 3: rvSCD, 1: rvAMOSWAPD, 0: rvAMOADDD, 4: rvAMOXORD, 0xC: rvAMOANDD,
		8: rvAMOORD, 0x10: rvAMOMIND, 0x14: rvAMOMAXD, 0x18: rvAMOMINUD, 0x1C: rvAMOMAXUD}
)

// decode32 decodes a 32-bit instruction; ok is false for anything unsupported.
func decode32(w uint32) (rvInst, bool) {
	in := rvInst{Size: 4, Raw: w}
	opc := w & 0x7F
	rd := uint8(w >> 7 & 31)
	f3 := w >> 12 & 7
	rs1 := uint8(w >> 15 & 31)
	rs2 := uint8(w >> 20 & 31)
	f7 := w >> 25
	immI := sext(w>>20, 12)
	immS := sext(w>>25<<5|w>>7&31, 12)
	in.Rd, in.Rs1, in.Rs2 = rd, rs1, rs2
	switch opc {
	case opcLUI, opcAUIPC:
		in.Op = rvLUI
		if opc == opcAUIPC {
			in.Op = rvAUIPC
		}
		in.Rs1, in.Rs2 = 0, 0
		in.Imm = int64(int32(w & 0xFFFFF000))
	case opcJAL:
		in.Op = rvJAL
		in.Rs1, in.Rs2 = 0, 0
		v := (w>>31&1)<<20 | (w>>12&0xFF)<<12 | (w>>20&1)<<11 | (w>>21&0x3FF)<<1
		in.Imm = sext(v, 21)
	case opcJALR:
		if f3 != 0 {
			return in, false
		}
		in.Op = rvJALR
		in.Rs2 = 0
		in.Imm = immI
	case opcBRANCH:
		ops := [8]rvOp{rvBEQ, rvBNE, 0, 0, rvBLT, rvBGE, rvBLTU, rvBGEU}
		if ops[f3] == 0 {
			return in, false
		}
		in.Op = ops[f3]
		in.Rd = 0
		v := (w>>31&1)<<12 | (w>>7&1)<<11 | (w>>25&0x3F)<<5 | (w>>8&0xF)<<1
		in.Imm = sext(v, 13)
	case opcLOAD:
		ops := [8]rvOp{rvLB, rvLH, rvLW, rvLD, rvLBU, rvLHU, rvLWU, 0}
		if ops[f3] == 0 {
			return in, false
		}
		in.Op = ops[f3]
		in.Rs2 = 0
		in.Imm = immI
	case opcSTORE:
		ops := [8]rvOp{rvSB, rvSH, rvSW, rvSD}
		if ops[f3] == 0 {
			return in, false
		}
		in.Op = ops[f3]
		in.Rd = 0
		in.Imm = immS
	case opcOPIMM:
		in.Rs2 = 0
		in.Imm = immI
		switch f3 {
		case 0:
			in.Op = rvADDI
		case 2:
			in.Op = rvSLTI
		case 3:
			in.Op = rvSLTIU
		case 4:
			in.Op = rvXORI
		case 6:
			in.Op = rvORI
		case 7:
			in.Op = rvANDI
		case 1:
			switch {
			case w>>26 == 0:
				in.Op, in.Imm = rvSLLI, int64(w>>20&63)
			case w>>20 == 0x600:
				in.Op, in.Imm = rvCLZ, 0
			case w>>20 == 0x601:
				in.Op, in.Imm = rvCTZ, 0
			case w>>20 == 0x602:
				in.Op, in.Imm = rvCPOP, 0
			case w>>20 == 0x604:
				in.Op, in.Imm = rvSEXTB, 0
			case w>>20 == 0x605:
				in.Op, in.Imm = rvSEXTH, 0
			default:
				return in, false
			}
		case 5:
			switch {
			case w>>26 == 0:
				in.Op, in.Imm = rvSRLI, int64(w>>20&63)
			case w>>26 == 0x10:
				in.Op, in.Imm = rvSRAI, int64(w>>20&63)
			case w>>26 == 0x18:
				in.Op, in.Imm = rvRORI, int64(w>>20&63)
			case w>>20 == 0x287:
				in.Op, in.Imm = rvORCB, 0
			case w>>20 == 0x6B8:
				in.Op, in.Imm = rvREV8, 0
			default:
				return in, false
			}
		}
	case opcOPIMM32:
		in.Rs2 = 0
		switch f3 {
		case 0:
			in.Op, in.Imm = rvADDIW, immI
		case 1:
			switch {
			case f7 == 0:
				in.Op, in.Imm = rvSLLIW, int64(w>>20&31)
			case w>>20 == 0x600:
				in.Op = rvCLZW
			case w>>20 == 0x601:
				in.Op = rvCTZW
			case w>>20 == 0x602:
				in.Op = rvCPOPW
			default:
				return in, false
			}
		case 5:
			switch f7 {
			case 0:
				in.Op = rvSRLIW
			case 0x20:
				in.Op = rvSRAIW
			case 0x30:
				in.Op = rvRORIW
			default:
				return in, false
			}
			in.Imm = int64(w >> 20 & 31)
		default:
			return in, false
		}
	case opcOP:
		var t [8]rvOp
		switch f7 {
		case 0:
			t = [8]rvOp{rvADD, rvSLL, rvSLT, rvSLTU, rvXOR, rvSRL, rvOR, rvAND}
		case 0x20:
			t = [8]rvOp{rvSUB, 0, 0, 0, rvXNOR, rvSRA, rvORN, rvANDN}
		case 0x01:
			t = [8]rvOp{rvMUL, rvMULH, rvMULHSU, rvMULHU, rvDIV, rvDIVU, rvREM, rvREMU}
		case 0x05:
			t = [8]rvOp{0, 0, 0, 0, rvMIN, rvMINU, rvMAX, rvMAXU}
		case 0x30:
			t = [8]rvOp{0, rvROL, 0, 0, 0, rvROR, 0, 0}
		}
		if t[f3] == 0 {
			return in, false
		}
		in.Op = t[f3]
	case opcOP32:
		var t [8]rvOp
		switch f7 {
		case 0:
			t = [8]rvOp{rvADDW, rvSLLW, 0, 0, 0, rvSRLW, 0, 0}
		case 0x20:
			t = [8]rvOp{rvSUBW, 0, 0, 0, 0, rvSRAW, 0, 0}
		case 0x01:
			t = [8]rvOp{rvMULW, 0, 0, 0, rvDIVW, rvDIVUW, rvREMW, rvREMUW}
		case 0x30:
			t = [8]rvOp{0, rvROLW, 0, 0, 0, rvRORW, 0, 0}
		case 0x04:
			if f3 == 4 && rs2 == 0 {
				in.Op = rvZEXTH
				return in, true
			}
		}
		if t[f3] == 0 {
			return in, false
		}
		in.Op = t[f3]
	case opcMISCMEM:
		switch f3 {
		case 0:
			in.Op = rvFENCE
		case 1:
			in.Op = rvFENCEI
		default:
			return in, false
		}
		in.Rd, in.Rs1, in.Rs2 = 0, 0, 0
	case opcSYSTEM:
		switch w {
		case 0x00000073:
			in.Op = rvECALL
		case 0x00100073:
			in.Op = rvEBREAK
		case 0xC0001073:
			in.Op = rvUNIMP
		default:
			return in, false
		}
		in.Rd, in.Rs1, in.Rs2 = 0, 0, 0
	case opcAMO:
		f5 := w >> 27
		var op rvOp
		switch f3 {
		case 2:
			op = amoW[f5]
		case 3:
			op = amoD[f5]
		}
		if op == 0 {
			return in, false
		}
		if (op == rvLRW || op == rvLRD) && rs2 != 0 {
			return in, false
		}
		in.Op = op
	case opcCUSTOM0:
		switch {
		case f3 == 1 && f7 == 0x20:
			in.Op = rvMVEQZ
		case f3 == 1 && f7 == 0x21:
			in.Op = rvMVNEZ
		case f3 == 1 && f7 == 0 && rs2 == 0:
			in.Op = rvSBRK
		case f3 == 2 && w == 0x0000200B:
			in.Op = rvMEMSET
		case f3 == 3 && rs1 == 0 && rs2 == 0 && f7 == 0:
			in.Op = rvHEAPBASE
		default:
			return in, false
		}
	default:
		return in, false
	}
	return in, true
}

// decode16 expands a compressed instruction; ok is false for anything unsupported
// (including the all-zero illegal instruction, which the caller treats as c.unimp).
func decode16(h uint16) (rvInst, bool) {
	w := uint32(h)
	in := rvInst{Size: 2, Raw: w}
	q := w & 3
	f3 := w >> 13 & 7
	rdFull := uint8(w >> 7 & 31)
	rs2Full := uint8(w >> 2 & 31)
	rdP := uint8(w>>2&7) + 8  // rd' / rs2' in bits 4:2
	rs1P := uint8(w>>7&7) + 8 // rs1' / rd' in bits 9:7
	bit := func(n uint) uint32 { return w >> n & 1 }
	imm6 := sext(bit(12)<<5|w>>2&31, 6) // CI-format signed immediate
	switch q {
	case 0:
		switch f3 {
		case 0: // c.addi4spn
			v := (w>>11&3)<<4 | (w>>7&15)<<6 | bit(6)<<2 | bit(5)<<3
			if v == 0 {
				return in, false
			}
			in.Op, in.Rd, in.Rs1, in.Imm = rvADDI, rdP, 2, int64(v)
		case 2: // c.lw
			v := (w>>10&7)<<3 | bit(6)<<2 | bit(5)<<6
			in.Op, in.Rd, in.Rs1, in.Imm = rvLW, rdP, rs1P, int64(v)
		case 3: // c.ld
			v := (w>>10&7)<<3 | (w>>5&3)<<6
			in.Op, in.Rd, in.Rs1, in.Imm = rvLD, rdP, rs1P, int64(v)
		case 6: // c.sw
			v := (w>>10&7)<<3 | bit(6)<<2 | bit(5)<<6
			in.Op, in.Rs2, in.Rs1, in.Imm = rvSW, rdP, rs1P, int64(v)
		case 7: // c.sd
			v := (w>>10&7)<<3 | (w>>5&3)<<6
			in.Op, in.Rs2, in.Rs1, in.Imm = rvSD, rdP, rs1P, int64(v)
		default:
			return in, false
		}
	case 1:
		switch f3 {
		case 0: // c.addi / c.nop
			in.Op, in.Rd, in.Rs1, in.Imm = rvADDI, rdFull, rdFull, imm6
		case 1: // c.addiw
			if rdFull == 0 {
				return in, false
			}
			in.Op, in.Rd, in.Rs1, in.Imm = rvADDIW, rdFull, rdFull, imm6
		case 2: // c.li
			in.Op, in.Rd, in.Rs1, in.Imm = rvADDI, rdFull, 0, imm6
		case 3:
			if rdFull == 2 { // c.addi16sp
				v := bit(12)<<9 | bit(6)<<4 | bit(5)<<6 | (w>>3&3)<<7 | bit(2)<<5
				if v == 0 {
					return in, false
				}
				in.Op, in.Rd, in.Rs1, in.Imm = rvADDI, 2, 2, sext(v, 10)
			} else { // c.lui
				v := bit(12)<<17 | (w>>2&31)<<12
				if v == 0 {
					return in, false
				}
				in.Op, in.Rd, in.Imm = rvLUI, rdFull, sext(v, 18)
			}
		case 4:
			shamt := int64(bit(12)<<5 | w>>2&31)
			switch w >> 10 & 3 {
			case 0:
				in.Op, in.Rd, in.Rs1, in.Imm = rvSRLI, rs1P, rs1P, shamt
			case 1:
				in.Op, in.Rd, in.Rs1, in.Imm = rvSRAI, rs1P, rs1P, shamt
			case 2:
				in.Op, in.Rd, in.Rs1, in.Imm = rvANDI, rs1P, rs1P, imm6
			case 3:
				var t [8]rvOp = [8]rvOp{rvSUB, rvXOR, rvOR, rvAND, rvSUBW, rvADDW, 0, 0}
				op := t[bit(12)<<2|w>>5&3]
				if op == 0 {
					return in, false
				}
				in.Op, in.Rd, in.Rs1, in.Rs2 = op, rs1P, rs1P, rdP
			}
		case 5: // c.j
			v := bit(12)<<11 | bit(11)<<4 | (w>>9&3)<<8 | bit(8)<<10 | bit(7)<<6 | bit(6)<<7 | (w>>3&7)<<1 | bit(2)<<5
			in.Op, in.Rd, in.Imm = rvJAL, 0, sext(v, 12)
		case 6, 7: // c.beqz, c.bnez
			v := bit(12)<<8 | (w>>10&3)<<3 | (w>>5&3)<<6 | (w>>3&3)<<1 | bit(2)<<5
			in.Op = rvBEQ
			if f3 == 7 {
				in.Op = rvBNE
			}
			in.Rs1, in.Rs2, in.Imm = rs1P, 0, sext(v, 9)
		}
	case 2:
		switch f3 {
		case 0: // c.slli
			in.Op, in.Rd, in.Rs1, in.Imm = rvSLLI, rdFull, rdFull, int64(bit(12)<<5|w>>2&31)
		case 2: // c.lwsp
			if rdFull == 0 {
				return in, false
			}
			v := bit(12)<<5 | (w>>4&7)<<2 | (w>>2&3)<<6
			in.Op, in.Rd, in.Rs1, in.Imm = rvLW, rdFull, 2, int64(v)
		case 3: // c.ldsp
			if rdFull == 0 {
				return in, false
			}
			v := bit(12)<<5 | (w>>5&3)<<3 | (w>>2&7)<<6
			in.Op, in.Rd, in.Rs1, in.Imm = rvLD, rdFull, 2, int64(v)
		case 4:
			if bit(12) == 0 {
				if rs2Full == 0 { // c.jr
					if rdFull == 0 {
						return in, false
					}
					in.Op, in.Rd, in.Rs1 = rvJALR, 0, rdFull
				} else { // c.mv
					in.Op, in.Rd, in.Rs1, in.Rs2 = rvADD, rdFull, 0, rs2Full
				}
			} else {
				switch {
				case rdFull == 0 && rs2Full == 0:
					in.Op = rvEBREAK
				case rs2Full == 0: // c.jalr
					in.Op, in.Rd, in.Rs1 = rvJALR, 1, rdFull
				default: // c.add
					in.Op, in.Rd, in.Rs1, in.Rs2 = rvADD, rdFull, rdFull, rs2Full
				}
			}
		case 6: // c.swsp
			v := (w>>9&15)<<2 | (w>>7&3)<<6
			in.Op, in.Rs2, in.Rs1, in.Imm = rvSW, rs2Full, 2, int64(v)
		case 7: // c.sdsp
			v := (w>>10&7)<<3 | (w>>7&7)<<6
			in.Op, in.Rs2, in.Rs1, in.Imm = rvSD, rs2Full, 2, int64(v)
		default:
			return in, false
		}
	}
	return in, true
}

// decodeAt decodes the instruction at text[off:]. size is 0 when not even the
// instruction's bytes are there.
func decodeAt(text []byte, off uint64) (in rvInst, size uint8, ok bool) {
	if off+2 > uint64(len(text)) {
		return in, 0, false
	}
	if isCompressed(text[off]) {
		h := uint16(text[off]) | uint16(text[off+1])<<8
		if h == 0 {
			return rvInst{Op: rvUNIMP, Size: 2}, 2, true
		}
		in, ok = decode16(h)
		return in, 2, ok
	}
	if off+4 > uint64(len(text)) {
		return in, 0, false
	}
	w := uint32(text[off]) | uint32(text[off+1])<<8 | uint32(text[off+2])<<16 | uint32(text[off+3])<<24
	in, ok = decode32(w)
	return in, 4, ok
}
