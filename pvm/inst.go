package pvm

import (
	"fmt"
	"math"
)

// NumRegs is the number of PVM registers.
const NumRegs = 13

// MaxSkip caps skip(i) (spec §2.1).
const MaxSkip = 24

// Inst is one instruction in symbolic form. The meaning of the fields follows the operand
// format of Op (spec §2.2): Ra, Rb, Rd are the register fields A, B, D; Imm is X (or the
// absolute target T of F4/F10); Imm2 is Y (or the absolute target T of F7). Immediates are
// held sign-extended to 64 bits, as the machine sees them.
type Inst struct {
	Op         Opcode
	Ra, Rb, Rd uint8
	Imm, Imm2  uint64
}

// String renders the instruction in a readable assembly-like form.
func (in Inst) String() string {
	n := in.Op.String()
	r := func(i uint8) string { return regNames[i%NumRegs] }
	switch in.Op.Format() {
	case FmtNone:
		return n
	case FmtImm:
		return fmt.Sprintf("%s %d", n, in.Imm)
	case FmtRegImm64:
		return fmt.Sprintf("%s %s, 0x%x", n, r(in.Ra), in.Imm)
	case FmtImmImm:
		return fmt.Sprintf("%s [0x%x], %d", n, uint32(in.Imm), int64(in.Imm2))
	case FmtOffset:
		return fmt.Sprintf("%s @%d", n, int64(in.Imm))
	case FmtRegImm:
		switch {
		case in.Op >= OpLoadU8 && in.Op <= OpLoadU64:
			return fmt.Sprintf("%s %s, [0x%x]", n, r(in.Ra), uint32(in.Imm))
		case in.Op >= OpStoreU8 && in.Op <= OpStoreU64:
			return fmt.Sprintf("%s [0x%x], %s", n, uint32(in.Imm), r(in.Ra))
		}
		return fmt.Sprintf("%s %s, %d", n, r(in.Ra), int64(in.Imm))
	case FmtRegImmImm:
		return fmt.Sprintf("%s [%s%+d], %d", n, r(in.Ra), int64(in.Imm), int64(in.Imm2))
	case FmtRegImmOffset:
		return fmt.Sprintf("%s %s, %d, @%d", n, r(in.Ra), int64(in.Imm), int64(in.Imm2))
	case FmtRegReg:
		return fmt.Sprintf("%s %s, %s", n, r(in.Rd), r(in.Ra))
	case FmtRegRegImm:
		switch {
		case in.Op >= OpStoreIndU8 && in.Op <= OpStoreIndU64:
			return fmt.Sprintf("%s [%s%+d], %s", n, r(in.Rb), int64(in.Imm), r(in.Ra))
		case in.Op >= OpLoadIndU8 && in.Op <= OpLoadIndU64:
			return fmt.Sprintf("%s %s, [%s%+d]", n, r(in.Ra), r(in.Rb), int64(in.Imm))
		}
		return fmt.Sprintf("%s %s, %s, %d", n, r(in.Ra), r(in.Rb), int64(in.Imm))
	case FmtRegRegOffset:
		return fmt.Sprintf("%s %s, %s, @%d", n, r(in.Ra), r(in.Rb), int64(in.Imm))
	case FmtRegRegImmImm:
		return fmt.Sprintf("%s %s, %s, %d, %d", n, r(in.Ra), r(in.Rb), int64(in.Imm), int64(in.Imm2))
	case FmtRegRegReg:
		return fmt.Sprintf("%s %s, %s, %s", n, r(in.Rd), r(in.Ra), r(in.Rb))
	}
	return n
}

var regNames = [NumRegs]string{"ra", "sp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5"}

// RegName returns the ABI name of register i ("ra", "sp", "t0", ..., "a5").
func RegName(i int) string {
	if i >= 0 && i < NumRegs {
		return regNames[i]
	}
	return fmt.Sprintf("r%d", i)
}

// sx32 sign-extends the low 32 bits of v.
func sx32(v uint64) uint64 { return uint64(int64(int32(uint32(v)))) }

// immLen is the minimal number of bytes whose sign extension gives back v (spec §2.2).
func immLen(v uint32) int {
	s := int32(v)
	switch {
	case v == 0:
		return 0
	case s >= -1<<7 && s < 1<<7:
		return 1
	case s >= -1<<15 && s < 1<<15:
		return 2
	case s >= -1<<23 && s < 1<<23:
		return 3
	}
	return 4
}

// isAddressImm reports whether an immediate of o is only used modulo 2^32 (an address, an
// address offset, or a narrow store value), so a zero-extended 32-bit value is accepted.
func isAddressImm(o Opcode, second bool) bool {
	switch o.Format() {
	case FmtImmImm: // X address; Y value (narrow stores only)
		return !second || o != OpStoreImmU64
	case FmtRegImm:
		return o != OpLoadImm
	case FmtRegImmImm: // X offset; Y value
		return !second || o != OpStoreImmIndU64
	case FmtRegRegImm:
		return o >= OpStoreIndU8 && o <= OpLoadIndU64
	case FmtRegRegImmImm:
		return second
	}
	return false
}

// immBytes checks that v is encodable as a 32-bit immediate and returns its 32-bit pattern.
func immBytes(o Opcode, v uint64, second bool) (uint32, error) {
	if v == sx32(v) || (v>>32 == 0 && isAddressImm(o, second)) {
		return uint32(v), nil
	}
	return 0, fmt.Errorf("pvm: %s: %w: 0x%x is not a sign-extended 32-bit value", o, ErrBadImmediate, v)
}

// offsetBytes converts an absolute target into the 32-bit relative offset from pc.
func offsetBytes(o Opcode, pc uint32, target uint64) (uint32, error) {
	if target > math.MaxUint32 {
		return 0, fmt.Errorf("pvm: %s: %w: target 0x%x beyond 2^32", o, ErrBadImmediate, target)
	}
	return uint32(target) - pc, nil
}

// AppendInst encodes inst at code offset pc with profile p's numbering and the minimal
// (canonical) operand encoding. It returns the extended code and bitmask (one bool per
// appended byte, the first true).
func AppendInst(p Profile, code []byte, mask []bool, pc uint32, inst Inst) ([]byte, []bool, error) {
	op, ok := p.Encode(inst.Op)
	if !ok {
		return code, mask, fmt.Errorf("pvm: %w: %s does not exist in profile %s", ErrInvalidOpcode, inst.Op, p)
	}
	for _, r := range [...]uint8{inst.Ra, inst.Rb, inst.Rd} {
		if r >= NumRegs {
			return code, mask, fmt.Errorf("pvm: %s: %w: %d", inst.Op, ErrBadRegister, r)
		}
	}
	start := len(code)
	code = append(code, op)
	var err error
	var x, y uint32
	switch inst.Op.Format() {
	case FmtNone:
	case FmtImm:
		if x, err = immBytes(inst.Op, inst.Imm, false); err == nil {
			code = appendLE(code, uint64(x), immLen(x))
		}
	case FmtRegImm64:
		code = append(code, inst.Ra)
		code = appendLE(code, inst.Imm, 8)
	case FmtImmImm:
		if x, err = immBytes(inst.Op, inst.Imm, false); err != nil {
			break
		}
		if y, err = immBytes(inst.Op, inst.Imm2, true); err != nil {
			break
		}
		lx := immLen(x)
		code = append(code, byte(lx))
		code = appendLE(code, uint64(x), lx)
		code = appendLE(code, uint64(y), immLen(y))
	case FmtOffset:
		if x, err = offsetBytes(inst.Op, pc, inst.Imm); err == nil {
			code = appendLE(code, uint64(x), immLen(x))
		}
	case FmtRegImm:
		if x, err = immBytes(inst.Op, inst.Imm, false); err == nil {
			code = append(code, inst.Ra)
			code = appendLE(code, uint64(x), immLen(x))
		}
	case FmtRegImmImm, FmtRegImmOffset:
		if x, err = immBytes(inst.Op, inst.Imm, false); err != nil {
			break
		}
		if inst.Op.Format() == FmtRegImmOffset {
			y, err = offsetBytes(inst.Op, pc, inst.Imm2)
		} else {
			y, err = immBytes(inst.Op, inst.Imm2, true)
		}
		if err != nil {
			break
		}
		lx := immLen(x)
		code = append(code, inst.Ra|byte(lx)<<4)
		code = appendLE(code, uint64(x), lx)
		code = appendLE(code, uint64(y), immLen(y))
	case FmtRegReg:
		code = append(code, inst.Rd|inst.Ra<<4)
	case FmtRegRegImm:
		if x, err = immBytes(inst.Op, inst.Imm, false); err == nil {
			code = append(code, inst.Ra|inst.Rb<<4)
			code = appendLE(code, uint64(x), immLen(x))
		}
	case FmtRegRegOffset:
		if x, err = offsetBytes(inst.Op, pc, inst.Imm); err == nil {
			code = append(code, inst.Ra|inst.Rb<<4)
			code = appendLE(code, uint64(x), immLen(x))
		}
	case FmtRegRegImmImm:
		if x, err = immBytes(inst.Op, inst.Imm, false); err != nil {
			break
		}
		if y, err = immBytes(inst.Op, inst.Imm2, true); err != nil {
			break
		}
		lx := immLen(x)
		code = append(code, inst.Ra|inst.Rb<<4, byte(lx))
		code = appendLE(code, uint64(x), lx)
		code = appendLE(code, uint64(y), immLen(y))
	case FmtRegRegReg:
		code = append(code, inst.Ra|inst.Rb<<4, inst.Rd)
	}
	if err != nil {
		return code[:start], mask, err
	}
	mask = append(mask, true)
	for i := start + 1; i < len(code); i++ {
		mask = append(mask, false)
	}
	return code, mask, nil
}

// PackBitmask packs one bool per code byte into the blob's LSB-first bitmask.
func PackBitmask(mask []bool) []byte {
	out := make([]byte, (len(mask)+7)/8)
	for i, b := range mask {
		if b {
			out[i/8] |= 1 << (i % 8)
		}
	}
	return out
}

// skipAt computes skip(pc): the number of bytes after the opcode at pc before the next
// instruction start, treating the bitmask as all ones beyond the code, capped at 24.
func skipAt(code, mask []byte, pc uint32) uint32 {
	n := uint32(len(code))
	for s := uint32(0); s < MaxSkip; s++ {
		i := pc + 1 + s
		if i >= n || int(i/8) >= len(mask) || mask[i/8]>>(i%8)&1 == 1 {
			return s
		}
	}
	return MaxSkip
}

// zeta returns the byte at i of the code followed by infinitely many zeros.
func zeta(code []byte, i uint64) byte {
	if i < uint64(len(code)) {
		return code[i]
	}
	return 0
}

// readImm reads an l-byte little-endian immediate from ζ at i, sign-extended to 64 bits.
func readImm(code []byte, i uint64, l uint32) uint64 {
	if l == 0 {
		return 0
	}
	var x uint64
	for k := uint32(0); k < l; k++ {
		x |= uint64(zeta(code, i+uint64(k))) << (8 * k)
	}
	shift := 64 - 8*l
	return uint64(int64(x<<shift) >> shift)
}

func clampReg(n byte) uint8 { return min(12, n) }

// operands decodes the operand fields of an instruction of format f at pc with skip l
// (spec §2.2). Targets are returned absolute (pc + offset, wrapping to 64 bits).
func operands(f Format, code []byte, pc, l uint32) (ra, rb, rd uint8, x, y uint64) {
	p := uint64(pc)
	b1 := zeta(code, p+1)
	switch f {
	case FmtImm:
		x = readImm(code, p+1, min(4, l))
	case FmtRegImm64:
		ra = clampReg(b1 & 15)
		for k := uint64(0); k < 8; k++ {
			x |= uint64(zeta(code, p+2+k)) << (8 * k)
		}
	case FmtImmImm:
		lx := min(4, uint32(b1&7))
		ly := min(4, sat(l, lx+1))
		x = readImm(code, p+2, lx)
		y = readImm(code, p+2+uint64(lx), ly)
	case FmtOffset:
		x = p + readImm(code, p+1, min(4, l))
	case FmtRegImm:
		ra = clampReg(b1 & 15)
		x = readImm(code, p+2, min(4, sat(l, 1)))
	case FmtRegImmImm, FmtRegImmOffset:
		ra = clampReg(b1 & 15)
		lx := min(4, uint32(b1>>4&7))
		ly := min(4, sat(l, lx+1))
		x = readImm(code, p+2, lx)
		y = readImm(code, p+2+uint64(lx), ly)
		if f == FmtRegImmOffset {
			y += p
		}
	case FmtRegReg:
		rd = clampReg(b1 & 15)
		ra = clampReg(b1 >> 4)
	case FmtRegRegImm, FmtRegRegOffset:
		ra = clampReg(b1 & 15)
		rb = clampReg(b1 >> 4)
		x = readImm(code, p+2, min(4, sat(l, 1)))
		if f == FmtRegRegOffset {
			x += p
		}
	case FmtRegRegImmImm:
		ra = clampReg(b1 & 15)
		rb = clampReg(b1 >> 4)
		lx := min(4, uint32(zeta(code, p+2)&7))
		ly := min(4, sat(l, lx+2))
		x = readImm(code, p+3, lx)
		y = readImm(code, p+3+uint64(lx), ly)
	case FmtRegRegReg:
		ra = clampReg(b1 & 15)
		rb = clampReg(b1 >> 4)
		rd = clampReg(zeta(code, p+2))
	}
	return
}

// sat returns a-b, or 0 when b > a.
func sat(a, b uint32) uint32 {
	if b > a {
		return 0
	}
	return a - b
}

// DecodeInst decodes the instruction at pc. mask is the packed bitmask. It returns the
// instruction (targets absolute) and its length including the skipped operand bytes
// (1 + skip(pc)). An invalid opcode or a pc that is not an instruction start is an error.
func DecodeInst(p Profile, code []byte, mask []byte, pc uint32) (Inst, uint32, error) {
	if uint64(pc) >= uint64(len(code)) || int(pc/8) >= len(mask) || mask[pc/8]>>(pc%8)&1 == 0 {
		return Inst{}, 0, fmt.Errorf("pvm: %w: pc %d is not an instruction start", ErrBadTarget, pc)
	}
	op, ok := p.Decode(code[pc])
	l := skipAt(code, mask, pc)
	if !ok {
		return Inst{}, 1 + l, fmt.Errorf("pvm: %w: byte %d at pc %d in profile %s", ErrInvalidOpcode, code[pc], pc, p)
	}
	ra, rb, rd, x, y := operands(op.Format(), code, pc, l)
	return Inst{Op: op, Ra: ra, Rb: rb, Rd: rd, Imm: x, Imm2: y}, 1 + l, nil
}
