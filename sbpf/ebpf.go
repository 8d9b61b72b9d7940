package sbpf

import (
	"encoding/binary"
	"math/bits"
)

// Sizes and memory map (ebpf.rs).
const (
	InsnSize           = 8      // bytes per instruction slot
	ProgMaxInsns       = 65_536 // deprecated limit, kept for reference
	FramePtrReg        = 10     // r10
	FirstScratchReg    = 6      // r6..r9 are saved across calls
	ScratchRegs        = 4
	HostAlign          = 16
	VirtualAddressBits = 32

	MMRegionSize    uint64 = 1 << VirtualAddressBits
	MMRodataStart   uint64 = 0
	MMBytecodeStart uint64 = MMRegionSize
	MMStackStart    uint64 = MMRegionSize * 2
	MMHeapStart     uint64 = MMRegionSize * 3
	MMInputStart    uint64 = MMRegionSize * 4
)

// Instruction classes, size, mode and operation fields (ebpf.rs).
const (
	ClsLD     uint8 = 0x00
	ClsLDX    uint8 = 0x01
	ClsST     uint8 = 0x02
	ClsSTX    uint8 = 0x03
	ClsALU32  uint8 = 0x04 // BPF_ALU32_LOAD
	ClsJMP64  uint8 = 0x05
	ClsJMP32  uint8 = 0x06
	ClsPQR    uint8 = 0x06
	ClsALU64  uint8 = 0x07 // BPF_ALU64_STORE
	ClsMask   uint8 = 0x07
	ALUOpMask uint8 = 0xf0
	SrcK      uint8 = 0x00
	SrcX      uint8 = 0x08
	SizeW     uint8 = 0x00
	SizeH     uint8 = 0x08
	SizeB     uint8 = 0x10
	SizeDW    uint8 = 0x18
	Size1B    uint8 = 0x20
	Size2B    uint8 = 0x30
	Size4B    uint8 = 0x80
	Size8B    uint8 = 0x90
	ModeIMM   uint8 = 0x00
	ModeMEM   uint8 = 0x60
	AluADD    uint8 = 0x00
	AluSUB    uint8 = 0x10
	AluMUL    uint8 = 0x20
	AluDIV    uint8 = 0x30
	AluOR     uint8 = 0x40
	AluAND    uint8 = 0x50
	AluLSH    uint8 = 0x60
	AluRSH    uint8 = 0x70
	AluNEG    uint8 = 0x80
	AluMOD    uint8 = 0x90
	AluXOR    uint8 = 0xa0
	AluMOV    uint8 = 0xb0
	AluARSH   uint8 = 0xc0
	AluEND    uint8 = 0xd0
	AluHOR    uint8 = 0xf0
	PqrUHMUL  uint8 = 0x20
	PqrUDIV   uint8 = 0x40
	PqrUREM   uint8 = 0x60
	PqrLMUL   uint8 = 0x80
	PqrSHMUL  uint8 = 0xa0
	PqrSDIV   uint8 = 0xc0
	PqrSREM   uint8 = 0xe0
	JmpJA     uint8 = 0x00
	JmpJEQ    uint8 = 0x10
	JmpJGT    uint8 = 0x20
	JmpJGE    uint8 = 0x30
	JmpJSET   uint8 = 0x40
	JmpJNE    uint8 = 0x50
	JmpJSGT   uint8 = 0x60
	JmpJSGE   uint8 = 0x70
	JmpCALL   uint8 = 0x80
	JmpEXIT   uint8 = 0x90
	JmpJLT    uint8 = 0xa0
	JmpJLE    uint8 = 0xb0
	JmpJSLT   uint8 = 0xc0
	JmpJSLE   uint8 = 0xd0
)

// Opcodes (ebpf.rs names, Go-cased). Several byte values mean different
// instructions depending on the version (e.g. OpMul32Reg == OpLd1bReg).
const (
	OpLdDwImm = ClsLD | ModeIMM | SizeDW // lddw (v0, v1, v3+)

	OpLdBReg  = ClsLDX | ModeMEM | SizeB
	OpLdHReg  = ClsLDX | ModeMEM | SizeH
	OpLdWReg  = ClsLDX | ModeMEM | SizeW
	OpLdDwReg = ClsLDX | ModeMEM | SizeDW
	OpStBImm  = ClsST | ModeMEM | SizeB
	OpStHImm  = ClsST | ModeMEM | SizeH
	OpStWImm  = ClsST | ModeMEM | SizeW
	OpStDwImm = ClsST | ModeMEM | SizeDW
	OpStBReg  = ClsSTX | ModeMEM | SizeB
	OpStHReg  = ClsSTX | ModeMEM | SizeH
	OpStWReg  = ClsSTX | ModeMEM | SizeW
	OpStDwReg = ClsSTX | ModeMEM | SizeDW

	OpLd1bReg = ClsALU32 | SrcX | Size1B
	OpLd2bReg = ClsALU32 | SrcX | Size2B
	OpLd4bReg = ClsALU32 | SrcX | Size4B
	OpLd8bReg = ClsALU32 | SrcX | Size8B
	OpSt1bImm = ClsALU64 | SrcK | Size1B
	OpSt2bImm = ClsALU64 | SrcK | Size2B
	OpSt4bImm = ClsALU64 | SrcK | Size4B
	OpSt8bImm = ClsALU64 | SrcK | Size8B
	OpSt1bReg = ClsALU64 | SrcX | Size1B
	OpSt2bReg = ClsALU64 | SrcX | Size2B
	OpSt4bReg = ClsALU64 | SrcX | Size4B
	OpSt8bReg = ClsALU64 | SrcX | Size8B

	OpAdd32Imm  = ClsALU32 | SrcK | AluADD
	OpAdd32Reg  = ClsALU32 | SrcX | AluADD
	OpSub32Imm  = ClsALU32 | SrcK | AluSUB
	OpSub32Reg  = ClsALU32 | SrcX | AluSUB
	OpMul32Imm  = ClsALU32 | SrcK | AluMUL
	OpMul32Reg  = ClsALU32 | SrcX | AluMUL
	OpDiv32Imm  = ClsALU32 | SrcK | AluDIV
	OpDiv32Reg  = ClsALU32 | SrcX | AluDIV
	OpOr32Imm   = ClsALU32 | SrcK | AluOR
	OpOr32Reg   = ClsALU32 | SrcX | AluOR
	OpAnd32Imm  = ClsALU32 | SrcK | AluAND
	OpAnd32Reg  = ClsALU32 | SrcX | AluAND
	OpLsh32Imm  = ClsALU32 | SrcK | AluLSH
	OpLsh32Reg  = ClsALU32 | SrcX | AluLSH
	OpRsh32Imm  = ClsALU32 | SrcK | AluRSH
	OpRsh32Reg  = ClsALU32 | SrcX | AluRSH
	OpNeg32     = ClsALU32 | AluNEG
	OpMod32Imm  = ClsALU32 | SrcK | AluMOD
	OpMod32Reg  = ClsALU32 | SrcX | AluMOD
	OpXor32Imm  = ClsALU32 | SrcK | AluXOR
	OpXor32Reg  = ClsALU32 | SrcX | AluXOR
	OpMov32Imm  = ClsALU32 | SrcK | AluMOV
	OpMov32Reg  = ClsALU32 | SrcX | AluMOV
	OpArsh32Imm = ClsALU32 | SrcK | AluARSH
	OpArsh32Reg = ClsALU32 | SrcX | AluARSH
	OpLe        = ClsALU32 | SrcK | AluEND
	OpBe        = ClsALU32 | SrcX | AluEND

	OpLmul32Imm = ClsPQR | SrcK | PqrLMUL
	OpLmul32Reg = ClsPQR | SrcX | PqrLMUL
	OpUdiv32Imm = ClsPQR | SrcK | PqrUDIV
	OpUdiv32Reg = ClsPQR | SrcX | PqrUDIV
	OpUrem32Imm = ClsPQR | SrcK | PqrUREM
	OpUrem32Reg = ClsPQR | SrcX | PqrUREM
	OpSdiv32Imm = ClsPQR | SrcK | PqrSDIV
	OpSdiv32Reg = ClsPQR | SrcX | PqrSDIV
	OpSrem32Imm = ClsPQR | SrcK | PqrSREM
	OpSrem32Reg = ClsPQR | SrcX | PqrSREM

	OpAdd64Imm  = ClsALU64 | SrcK | AluADD
	OpAdd64Reg  = ClsALU64 | SrcX | AluADD
	OpSub64Imm  = ClsALU64 | SrcK | AluSUB
	OpSub64Reg  = ClsALU64 | SrcX | AluSUB
	OpMul64Imm  = ClsALU64 | SrcK | AluMUL
	OpMul64Reg  = ClsALU64 | SrcX | AluMUL
	OpDiv64Imm  = ClsALU64 | SrcK | AluDIV
	OpDiv64Reg  = ClsALU64 | SrcX | AluDIV
	OpOr64Imm   = ClsALU64 | SrcK | AluOR
	OpOr64Reg   = ClsALU64 | SrcX | AluOR
	OpAnd64Imm  = ClsALU64 | SrcK | AluAND
	OpAnd64Reg  = ClsALU64 | SrcX | AluAND
	OpLsh64Imm  = ClsALU64 | SrcK | AluLSH
	OpLsh64Reg  = ClsALU64 | SrcX | AluLSH
	OpRsh64Imm  = ClsALU64 | SrcK | AluRSH
	OpRsh64Reg  = ClsALU64 | SrcX | AluRSH
	OpNeg64     = ClsALU64 | AluNEG
	OpMod64Imm  = ClsALU64 | SrcK | AluMOD
	OpMod64Reg  = ClsALU64 | SrcX | AluMOD
	OpXor64Imm  = ClsALU64 | SrcK | AluXOR
	OpXor64Reg  = ClsALU64 | SrcX | AluXOR
	OpMov64Imm  = ClsALU64 | SrcK | AluMOV
	OpMov64Reg  = ClsALU64 | SrcX | AluMOV
	OpArsh64Imm = ClsALU64 | SrcK | AluARSH
	OpArsh64Reg = ClsALU64 | SrcX | AluARSH
	OpHor64Imm  = ClsALU64 | SrcK | AluHOR

	OpLmul64Imm  = ClsPQR | SizeB | SrcK | PqrLMUL
	OpLmul64Reg  = ClsPQR | SizeB | SrcX | PqrLMUL
	OpUhmul64Imm = ClsPQR | SizeB | SrcK | PqrUHMUL
	OpUhmul64Reg = ClsPQR | SizeB | SrcX | PqrUHMUL
	OpUdiv64Imm  = ClsPQR | SizeB | SrcK | PqrUDIV
	OpUdiv64Reg  = ClsPQR | SizeB | SrcX | PqrUDIV
	OpUrem64Imm  = ClsPQR | SizeB | SrcK | PqrUREM
	OpUrem64Reg  = ClsPQR | SizeB | SrcX | PqrUREM
	OpShmul64Imm = ClsPQR | SizeB | SrcK | PqrSHMUL
	OpShmul64Reg = ClsPQR | SizeB | SrcX | PqrSHMUL
	OpSdiv64Imm  = ClsPQR | SizeB | SrcK | PqrSDIV
	OpSdiv64Reg  = ClsPQR | SizeB | SrcX | PqrSDIV
	OpSrem64Imm  = ClsPQR | SizeB | SrcK | PqrSREM
	OpSrem64Reg  = ClsPQR | SizeB | SrcX | PqrSREM

	OpJeq32Imm  = ClsJMP32 | SrcK | JmpJEQ
	OpJeq32Reg  = ClsJMP32 | SrcX | JmpJEQ
	OpJgt32Imm  = ClsJMP32 | SrcK | JmpJGT
	OpJgt32Reg  = ClsJMP32 | SrcX | JmpJGT
	OpJge32Imm  = ClsJMP32 | SrcK | JmpJGE
	OpJge32Reg  = ClsJMP32 | SrcX | JmpJGE
	OpJlt32Imm  = ClsJMP32 | SrcK | JmpJLT
	OpJlt32Reg  = ClsJMP32 | SrcX | JmpJLT
	OpJle32Imm  = ClsJMP32 | SrcK | JmpJLE
	OpJle32Reg  = ClsJMP32 | SrcX | JmpJLE
	OpJset32Imm = ClsJMP32 | SrcK | JmpJSET
	OpJset32Reg = ClsJMP32 | SrcX | JmpJSET
	OpJne32Imm  = ClsJMP32 | SrcK | JmpJNE
	OpJne32Reg  = ClsJMP32 | SrcX | JmpJNE
	OpJsgt32Imm = ClsJMP32 | SrcK | JmpJSGT
	OpJsgt32Reg = ClsJMP32 | SrcX | JmpJSGT
	OpJsge32Imm = ClsJMP32 | SrcK | JmpJSGE
	OpJsge32Reg = ClsJMP32 | SrcX | JmpJSGE
	OpJslt32Imm = ClsJMP32 | SrcK | JmpJSLT
	OpJslt32Reg = ClsJMP32 | SrcX | JmpJSLT
	OpJsle32Imm = ClsJMP32 | SrcK | JmpJSLE
	OpJsle32Reg = ClsJMP32 | SrcX | JmpJSLE

	OpJa        = ClsJMP64 | JmpJA
	OpJeq64Imm  = ClsJMP64 | SrcK | JmpJEQ
	OpJeq64Reg  = ClsJMP64 | SrcX | JmpJEQ
	OpJgt64Imm  = ClsJMP64 | SrcK | JmpJGT
	OpJgt64Reg  = ClsJMP64 | SrcX | JmpJGT
	OpJge64Imm  = ClsJMP64 | SrcK | JmpJGE
	OpJge64Reg  = ClsJMP64 | SrcX | JmpJGE
	OpJlt64Imm  = ClsJMP64 | SrcK | JmpJLT
	OpJlt64Reg  = ClsJMP64 | SrcX | JmpJLT
	OpJle64Imm  = ClsJMP64 | SrcK | JmpJLE
	OpJle64Reg  = ClsJMP64 | SrcX | JmpJLE
	OpJset64Imm = ClsJMP64 | SrcK | JmpJSET
	OpJset64Reg = ClsJMP64 | SrcX | JmpJSET
	OpJne64Imm  = ClsJMP64 | SrcK | JmpJNE
	OpJne64Reg  = ClsJMP64 | SrcX | JmpJNE
	OpJsgt64Imm = ClsJMP64 | SrcK | JmpJSGT
	OpJsgt64Reg = ClsJMP64 | SrcX | JmpJSGT
	OpJsge64Imm = ClsJMP64 | SrcK | JmpJSGE
	OpJsge64Reg = ClsJMP64 | SrcX | JmpJSGE
	OpJslt64Imm = ClsJMP64 | SrcK | JmpJSLT
	OpJslt64Reg = ClsJMP64 | SrcX | JmpJSLT
	OpJsle64Imm = ClsJMP64 | SrcK | JmpJSLE
	OpJsle64Reg = ClsJMP64 | SrcX | JmpJSLE
	OpCallImm   = ClsJMP64 | JmpCALL
	OpCallReg   = ClsJMP64 | SrcX | JmpCALL
	OpExit      = ClsJMP64 | JmpEXIT
)

// Insn is one raw instruction slot (ebpf.rs Insn). For lddw, Decoded() merges
// the upper half of the immediate from the next slot.
type Insn struct {
	PC  uint64 // slot index
	Opc uint8
	Dst uint8
	Src uint8
	Off int16
	Imm int64 // sign-extended i32 (or the full 64-bit lddw value)
}

// DecodeInsn reads slot pc of text (get_insn_unchecked). The caller guarantees
// (pc+1)*8 <= len(text).
func DecodeInsn(text []byte, pc uint64) Insn {
	b := text[pc*InsnSize : pc*InsnSize+InsnSize]
	return Insn{
		PC:  pc,
		Opc: b[0],
		Dst: b[1] & 0x0f,
		Src: b[1] >> 4,
		Off: int16(binary.LittleEndian.Uint16(b[2:])),
		Imm: int64(int32(binary.LittleEndian.Uint32(b[4:]))),
	}
}

// Bytes encodes the instruction slot (Insn::to_array); Imm is truncated to 32 bits.
func (i Insn) Bytes() [InsnSize]byte {
	var b [InsnSize]byte
	b[0] = i.Opc
	b[1] = i.Src<<4 | i.Dst&0x0f
	binary.LittleEndian.PutUint16(b[2:], uint16(i.Off))
	binary.LittleEndian.PutUint32(b[4:], uint32(i.Imm))
	return b
}

// IsPCInProgram is ebpf::is_pc_in_program: (pc+1)*8 <= len, saturating.
func IsPCInProgram(textLen int, pc uint64) bool {
	hi, lo := bits.Mul64(satAddU64(pc, 1), InsnSize)
	return hi == 0 && lo <= uint64(textLen)
}

func satAddU64(a, b uint64) uint64 {
	s, c := bits.Add64(a, b, 0)
	if c != 0 {
		return ^uint64(0)
	}
	return s
}

// Murmur3_32 is MurmurHash3 x86_32 (hash32::Murmur3Hasher with the given seed).
func Murmur3_32(data []byte, seed uint32) uint32 {
	const c1, c2 = 0xcc9e2d51, 0x1b873593
	h := seed
	n := len(data)
	i := 0
	for ; i+4 <= n; i += 4 {
		k := binary.LittleEndian.Uint32(data[i:])
		k *= c1
		k = bits.RotateLeft32(k, 15)
		k *= c2
		h ^= k
		h = bits.RotateLeft32(h, 13)
		h = h*5 + 0xe6546b64
	}
	var k uint32
	switch n - i {
	case 3:
		k ^= uint32(data[i+2]) << 16
		fallthrough
	case 2:
		k ^= uint32(data[i+1]) << 8
		fallthrough
	case 1:
		k ^= uint32(data[i])
		k *= c1
		k = bits.RotateLeft32(k, 15)
		k *= c2
		h ^= k
	}
	h ^= uint32(n)
	h ^= h >> 16
	h *= 0x85ebca6b
	h ^= h >> 13
	h *= 0xc2b2ae35
	h ^= h >> 16
	return h
}

// HashSymbolName is ebpf::hash_symbol_name: the key of syscalls and (v0) functions.
func HashSymbolName(name []byte) uint32 { return Murmur3_32(name, 0) }
