package pvm

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// Code generated in part (the memory-access cases) by a script; keep the cases uniform.

// exec runs the interpreter loop until the next exit. The hot loop keeps registers in a
// local 16-entry array (register fields are masked with 15, so no bounds checks) and
// charges gas only when a terminator enters a new block.
func (m *Machine) exec() Exit {
	d := m.prog
	ins := d.ins
	cost := d.cost
	jump := d.jump
	mem := m.Mem
	var r [16]uint64
	copy(r[:NumRegs], m.Regs[:])
	gas := m.Gas
	var n uint64
	var i uint32
	var addr, faultAt uint32
	var write bool
	var ex Exit

	if uint64(m.PC) >= uint64(len(d.idx)) || d.idx[m.PC] < 0 {
		// Not an instruction position: panic, nothing charged.
		ex = Exit{Status: StatusPanic, PC: m.PC, GasLeft: gas}
		m.charged = false
		return ex
	}
	i = uint32(d.idx[m.PC])
	if !m.charged || m.chargedPC != m.PC {
		c := d.entryCost(i)
		if gas < c {
			m.charged = false
			return Exit{Status: StatusOutOfGas, PC: m.PC, GasLeft: gas}
		}
		gas -= c
	}

	for {
		in := &ins[i]
		n++
		switch in.op {
		case OpTrap, opInvalid, opGap, opEnd:
			goto panicHere
		case OpFallthrough:
			i++
		case OpUnlikely:
			i++
			continue
		case OpEcalli:
			goto hostCall
		case OpLoadImm64, OpLoadImm:
			r[in.a&15] = in.imm
			i++
			continue
		case OpJump:
			if in.target == noTarget {
				goto panicHere
			}
			i = in.target
		case OpJumpInd:
			addr = uint32(r[in.a&15] + in.imm)
			goto djump
		case OpLoadImmJump:
			r[in.a&15] = in.imm
			if in.target == noTarget {
				goto panicHere
			}
			i = in.target
		case OpLoadImmJumpInd:
			addr = uint32(r[in.b&15] + in.imm2)
			r[in.a&15] = in.imm
			goto djump
		case OpBranchEqImm:
			if r[in.a&15] != in.imm {
				i++
				break
			}
			if in.target == noTarget {
				goto panicHere
			}
			i = in.target
		case OpBranchNeImm:
			if r[in.a&15] == in.imm {
				i++
				break
			}
			if in.target == noTarget {
				goto panicHere
			}
			i = in.target
		case OpBranchLtUImm:
			if !(r[in.a&15] < in.imm) {
				i++
				break
			}
			if in.target == noTarget {
				goto panicHere
			}
			i = in.target
		case OpBranchLeUImm:
			if !(r[in.a&15] <= in.imm) {
				i++
				break
			}
			if in.target == noTarget {
				goto panicHere
			}
			i = in.target
		case OpBranchGeUImm:
			if !(r[in.a&15] >= in.imm) {
				i++
				break
			}
			if in.target == noTarget {
				goto panicHere
			}
			i = in.target
		case OpBranchGtUImm:
			if !(r[in.a&15] > in.imm) {
				i++
				break
			}
			if in.target == noTarget {
				goto panicHere
			}
			i = in.target
		case OpBranchLtSImm:
			if !(int64(r[in.a&15]) < int64(in.imm)) {
				i++
				break
			}
			if in.target == noTarget {
				goto panicHere
			}
			i = in.target
		case OpBranchLeSImm:
			if !(int64(r[in.a&15]) <= int64(in.imm)) {
				i++
				break
			}
			if in.target == noTarget {
				goto panicHere
			}
			i = in.target
		case OpBranchGeSImm:
			if !(int64(r[in.a&15]) >= int64(in.imm)) {
				i++
				break
			}
			if in.target == noTarget {
				goto panicHere
			}
			i = in.target
		case OpBranchGtSImm:
			if !(int64(r[in.a&15]) > int64(in.imm)) {
				i++
				break
			}
			if in.target == noTarget {
				goto panicHere
			}
			i = in.target
		case OpBranchEq:
			if r[in.a&15] != r[in.b&15] {
				i++
				break
			}
			if in.target == noTarget {
				goto panicHere
			}
			i = in.target
		case OpBranchNe:
			if r[in.a&15] == r[in.b&15] {
				i++
				break
			}
			if in.target == noTarget {
				goto panicHere
			}
			i = in.target
		case OpBranchLtU:
			if !(r[in.a&15] < r[in.b&15]) {
				i++
				break
			}
			if in.target == noTarget {
				goto panicHere
			}
			i = in.target
		case OpBranchLtS:
			if !(int64(r[in.a&15]) < int64(r[in.b&15])) {
				i++
				break
			}
			if in.target == noTarget {
				goto panicHere
			}
			i = in.target
		case OpBranchGeU:
			if !(r[in.a&15] >= r[in.b&15]) {
				i++
				break
			}
			if in.target == noTarget {
				goto panicHere
			}
			i = in.target
		case OpBranchGeS:
			if !(int64(r[in.a&15]) >= int64(r[in.b&15])) {
				i++
				break
			}
			if in.target == noTarget {
				goto panicHere
			}
			i = in.target

		// F8: rD = f(rA)
		case OpMoveReg:
			r[in.d&15] = r[in.a&15]
			i++
			continue
		case OpSbrk:
			sz := r[in.a&15]
			if sz > math.MaxUint32 {
				sz = 0
			}
			r[in.d&15] = sx32(uint64(m.sbrk(uint32(sz))))
			i++
			continue
		case OpCountSetBits64:
			r[in.d&15] = uint64(bits.OnesCount64(r[in.a&15]))
			i++
			continue
		case OpCountSetBits32:
			r[in.d&15] = uint64(bits.OnesCount32(uint32(r[in.a&15])))
			i++
			continue
		case OpLeadingZeroBits64:
			r[in.d&15] = uint64(bits.LeadingZeros64(r[in.a&15]))
			i++
			continue
		case OpLeadingZeroBits32:
			r[in.d&15] = uint64(bits.LeadingZeros32(uint32(r[in.a&15])))
			i++
			continue
		case OpTrailingZeroBits64:
			r[in.d&15] = uint64(bits.TrailingZeros64(r[in.a&15]))
			i++
			continue
		case OpTrailingZeroBits32:
			r[in.d&15] = uint64(bits.TrailingZeros32(uint32(r[in.a&15])))
			i++
			continue
		case OpSignExtend8:
			r[in.d&15] = uint64(int64(int8(r[in.a&15])))
			i++
			continue
		case OpSignExtend16:
			r[in.d&15] = uint64(int64(int16(r[in.a&15])))
			i++
			continue
		case OpZeroExtend16:
			r[in.d&15] = r[in.a&15] & 0xFFFF
			i++
			continue
		case OpReverseBytes:
			r[in.d&15] = bits.ReverseBytes64(r[in.a&15])
			i++
			continue

		// F9: rA = f(rB, X)
		case OpAddImm32:
			r[in.a&15] = sx32(r[in.b&15] + in.imm)
			i++
			continue
		case OpAndImm:
			r[in.a&15] = r[in.b&15] & in.imm
			i++
			continue
		case OpXorImm:
			r[in.a&15] = r[in.b&15] ^ in.imm
			i++
			continue
		case OpOrImm:
			r[in.a&15] = r[in.b&15] | in.imm
			i++
			continue
		case OpMulImm32:
			r[in.a&15] = sx32(r[in.b&15] * in.imm)
			i++
			continue
		case OpSetLtUImm:
			r[in.a&15] = b2u(r[in.b&15] < in.imm)
			i++
			continue
		case OpSetLtSImm:
			r[in.a&15] = b2u(int64(r[in.b&15]) < int64(in.imm))
			i++
			continue
		case OpShloLImm32:
			r[in.a&15] = sx32(uint64(uint32(r[in.b&15]) << (in.imm & 31)))
			i++
			continue
		case OpShloRImm32:
			r[in.a&15] = sx32(uint64(uint32(r[in.b&15]) >> (in.imm & 31)))
			i++
			continue
		case OpSharRImm32:
			r[in.a&15] = uint64(int64(int32(r[in.b&15]) >> (in.imm & 31)))
			i++
			continue
		case OpNegAddImm32:
			r[in.a&15] = sx32(in.imm - r[in.b&15])
			i++
			continue
		case OpSetGtUImm:
			r[in.a&15] = b2u(r[in.b&15] > in.imm)
			i++
			continue
		case OpSetGtSImm:
			r[in.a&15] = b2u(int64(r[in.b&15]) > int64(in.imm))
			i++
			continue
		case OpShloLImmAlt32:
			r[in.a&15] = sx32(uint64(uint32(in.imm) << (r[in.b&15] & 31)))
			i++
			continue
		case OpShloRImmAlt32:
			r[in.a&15] = sx32(uint64(uint32(in.imm) >> (r[in.b&15] & 31)))
			i++
			continue
		case OpSharRImmAlt32:
			r[in.a&15] = uint64(int64(int32(in.imm) >> (r[in.b&15] & 31)))
			i++
			continue
		case OpCmovIzImm:
			if r[in.b&15] == 0 {
				r[in.a&15] = in.imm
			}
			i++
			continue
		case OpCmovNzImm:
			if r[in.b&15] != 0 {
				r[in.a&15] = in.imm
			}
			i++
			continue
		case OpAddImm64:
			r[in.a&15] = r[in.b&15] + in.imm
			i++
			continue
		case OpMulImm64:
			r[in.a&15] = r[in.b&15] * in.imm
			i++
			continue
		case OpShloLImm64:
			r[in.a&15] = r[in.b&15] << (in.imm & 63)
			i++
			continue
		case OpShloRImm64:
			r[in.a&15] = r[in.b&15] >> (in.imm & 63)
			i++
			continue
		case OpSharRImm64:
			r[in.a&15] = uint64(int64(r[in.b&15]) >> (in.imm & 63))
			i++
			continue
		case OpNegAddImm64:
			r[in.a&15] = in.imm - r[in.b&15]
			i++
			continue
		case OpShloLImmAlt64:
			r[in.a&15] = in.imm << (r[in.b&15] & 63)
			i++
			continue
		case OpShloRImmAlt64:
			r[in.a&15] = in.imm >> (r[in.b&15] & 63)
			i++
			continue
		case OpSharRImmAlt64:
			r[in.a&15] = uint64(int64(in.imm) >> (r[in.b&15] & 63))
			i++
			continue
		case OpRotR64Imm:
			r[in.a&15] = bits.RotateLeft64(r[in.b&15], -int(in.imm&63))
			i++
			continue
		case OpRotR64ImmAlt:
			r[in.a&15] = bits.RotateLeft64(in.imm, -int(r[in.b&15]&63))
			i++
			continue
		case OpRotR32Imm:
			r[in.a&15] = sx32(uint64(bits.RotateLeft32(uint32(r[in.b&15]), -int(in.imm&31))))
			i++
			continue
		case OpRotR32ImmAlt:
			r[in.a&15] = sx32(uint64(bits.RotateLeft32(uint32(in.imm), -int(r[in.b&15]&31))))
			i++
			continue

		// F12: rD = f(rA, rB)
		case OpAdd32:
			r[in.d&15] = sx32(r[in.a&15] + r[in.b&15])
			i++
			continue
		case OpSub32:
			r[in.d&15] = sx32(r[in.a&15] - r[in.b&15])
			i++
			continue
		case OpMul32:
			r[in.d&15] = sx32(r[in.a&15] * r[in.b&15])
			i++
			continue
		case OpDivU32:
			r[in.d&15] = divU32(r[in.a&15], r[in.b&15])
			i++
			continue
		case OpDivS32:
			r[in.d&15] = divS32(r[in.a&15], r[in.b&15])
			i++
			continue
		case OpRemU32:
			r[in.d&15] = remU32(r[in.a&15], r[in.b&15])
			i++
			continue
		case OpRemS32:
			r[in.d&15] = remS32(r[in.a&15], r[in.b&15])
			i++
			continue
		case OpShloL32:
			r[in.d&15] = sx32(uint64(uint32(r[in.a&15]) << (r[in.b&15] & 31)))
			i++
			continue
		case OpShloR32:
			r[in.d&15] = sx32(uint64(uint32(r[in.a&15]) >> (r[in.b&15] & 31)))
			i++
			continue
		case OpSharR32:
			r[in.d&15] = uint64(int64(int32(r[in.a&15]) >> (r[in.b&15] & 31)))
			i++
			continue
		case OpAdd64:
			r[in.d&15] = r[in.a&15] + r[in.b&15]
			i++
			continue
		case OpSub64:
			r[in.d&15] = r[in.a&15] - r[in.b&15]
			i++
			continue
		case OpMul64:
			r[in.d&15] = r[in.a&15] * r[in.b&15]
			i++
			continue
		case OpDivU64:
			r[in.d&15] = divU64(r[in.a&15], r[in.b&15])
			i++
			continue
		case OpDivS64:
			r[in.d&15] = divS64(r[in.a&15], r[in.b&15])
			i++
			continue
		case OpRemU64:
			r[in.d&15] = remU64(r[in.a&15], r[in.b&15])
			i++
			continue
		case OpRemS64:
			r[in.d&15] = remS64(r[in.a&15], r[in.b&15])
			i++
			continue
		case OpShloL64:
			r[in.d&15] = r[in.a&15] << (r[in.b&15] & 63)
			i++
			continue
		case OpShloR64:
			r[in.d&15] = r[in.a&15] >> (r[in.b&15] & 63)
			i++
			continue
		case OpSharR64:
			r[in.d&15] = uint64(int64(r[in.a&15]) >> (r[in.b&15] & 63))
			i++
			continue
		case OpAnd:
			r[in.d&15] = r[in.a&15] & r[in.b&15]
			i++
			continue
		case OpXor:
			r[in.d&15] = r[in.a&15] ^ r[in.b&15]
			i++
			continue
		case OpOr:
			r[in.d&15] = r[in.a&15] | r[in.b&15]
			i++
			continue
		case OpMulUpperSS:
			r[in.d&15] = mulUpperSS(r[in.a&15], r[in.b&15])
			i++
			continue
		case OpMulUpperUU:
			r[in.d&15], _ = bits.Mul64(r[in.a&15], r[in.b&15])
			i++
			continue
		case OpMulUpperSU:
			r[in.d&15] = mulUpperSU(r[in.a&15], r[in.b&15])
			i++
			continue
		case OpSetLtU:
			r[in.d&15] = b2u(r[in.a&15] < r[in.b&15])
			i++
			continue
		case OpSetLtS:
			r[in.d&15] = b2u(int64(r[in.a&15]) < int64(r[in.b&15]))
			i++
			continue
		case OpCmovIz:
			if r[in.b&15] == 0 {
				r[in.d&15] = r[in.a&15]
			}
			i++
			continue
		case OpCmovNz:
			if r[in.b&15] != 0 {
				r[in.d&15] = r[in.a&15]
			}
			i++
			continue
		case OpRotL64:
			r[in.d&15] = bits.RotateLeft64(r[in.a&15], int(r[in.b&15]&63))
			i++
			continue
		case OpRotL32:
			r[in.d&15] = sx32(uint64(bits.RotateLeft32(uint32(r[in.a&15]), int(r[in.b&15]&31))))
			i++
			continue
		case OpRotR64:
			r[in.d&15] = bits.RotateLeft64(r[in.a&15], -int(r[in.b&15]&63))
			i++
			continue
		case OpRotR32:
			r[in.d&15] = sx32(uint64(bits.RotateLeft32(uint32(r[in.a&15]), -int(r[in.b&15]&31))))
			i++
			continue
		case OpAndInv:
			r[in.d&15] = r[in.a&15] &^ r[in.b&15]
			i++
			continue
		case OpOrInv:
			r[in.d&15] = r[in.a&15] | ^r[in.b&15]
			i++
			continue
		case OpXnor:
			r[in.d&15] = ^(r[in.a&15] ^ r[in.b&15])
			i++
			continue
		case OpMax:
			r[in.d&15] = uint64(max(int64(r[in.a&15]), int64(r[in.b&15])))
			i++
			continue
		case OpMaxU:
			r[in.d&15] = max(r[in.a&15], r[in.b&15])
			i++
			continue
		case OpMin:
			r[in.d&15] = uint64(min(int64(r[in.a&15]), int64(r[in.b&15])))
			i++
			continue
		case OpMinU:
			r[in.d&15] = min(r[in.a&15], r[in.b&15])
			i++
			continue

		case OpMemset:
			for count := uint32(r[12]); count > 0; count-- {
				if gas <= 0 {
					r[12] = uint64(count)
					goto memsetOOG
				}
				a0 := uint32(r[7])
				if bad, ok := mem.store(a0, 1, r[8]); !ok {
					r[12] = uint64(count)
					faultAt, write = bad, true
					goto memFault
				}
				gas--
				r[7]++
			}
			r[12] = 0
			i++
			continue

		// Loads and stores (generated).
		case OpLoadU8:
			addr = uint32(in.imm)
			if p := mem.root[addr>>22][addr>>12&(l2Size-1)]; p.access != AccessNone && addr&(PageSize-1) <= PageSize-1 {
				off := addr & (PageSize - 1)
				v := uint64(p.data[off])
				r[in.a&15] = v
				i++
				continue
			}
			v, bad, ok := mem.load(addr, 1)
			if !ok {
				faultAt, write = bad, false
				goto memFault
			}
			r[in.a&15] = v
			i++
			continue
		case OpLoadIndU8:
			addr = uint32(r[in.b&15] + in.imm)
			if p := mem.root[addr>>22][addr>>12&(l2Size-1)]; p.access != AccessNone && addr&(PageSize-1) <= PageSize-1 {
				off := addr & (PageSize - 1)
				v := uint64(p.data[off])
				r[in.a&15] = v
				i++
				continue
			}
			v, bad, ok := mem.load(addr, 1)
			if !ok {
				faultAt, write = bad, false
				goto memFault
			}
			r[in.a&15] = v
			i++
			continue
		case OpLoadI8:
			addr = uint32(in.imm)
			if p := mem.root[addr>>22][addr>>12&(l2Size-1)]; p.access != AccessNone && addr&(PageSize-1) <= PageSize-1 {
				off := addr & (PageSize - 1)
				v := uint64(p.data[off])
				r[in.a&15] = uint64(int64(int8(v)))
				i++
				continue
			}
			v, bad, ok := mem.load(addr, 1)
			if !ok {
				faultAt, write = bad, false
				goto memFault
			}
			r[in.a&15] = uint64(int64(int8(v)))
			i++
			continue
		case OpLoadIndI8:
			addr = uint32(r[in.b&15] + in.imm)
			if p := mem.root[addr>>22][addr>>12&(l2Size-1)]; p.access != AccessNone && addr&(PageSize-1) <= PageSize-1 {
				off := addr & (PageSize - 1)
				v := uint64(p.data[off])
				r[in.a&15] = uint64(int64(int8(v)))
				i++
				continue
			}
			v, bad, ok := mem.load(addr, 1)
			if !ok {
				faultAt, write = bad, false
				goto memFault
			}
			r[in.a&15] = uint64(int64(int8(v)))
			i++
			continue
		case OpLoadU16:
			addr = uint32(in.imm)
			if p := mem.root[addr>>22][addr>>12&(l2Size-1)]; p.access != AccessNone && addr&(PageSize-1) <= PageSize-2 {
				off := addr & (PageSize - 1)
				v := uint64(binary.LittleEndian.Uint16(p.data[off:]))
				r[in.a&15] = v
				i++
				continue
			}
			v, bad, ok := mem.load(addr, 2)
			if !ok {
				faultAt, write = bad, false
				goto memFault
			}
			r[in.a&15] = v
			i++
			continue
		case OpLoadIndU16:
			addr = uint32(r[in.b&15] + in.imm)
			if p := mem.root[addr>>22][addr>>12&(l2Size-1)]; p.access != AccessNone && addr&(PageSize-1) <= PageSize-2 {
				off := addr & (PageSize - 1)
				v := uint64(binary.LittleEndian.Uint16(p.data[off:]))
				r[in.a&15] = v
				i++
				continue
			}
			v, bad, ok := mem.load(addr, 2)
			if !ok {
				faultAt, write = bad, false
				goto memFault
			}
			r[in.a&15] = v
			i++
			continue
		case OpLoadI16:
			addr = uint32(in.imm)
			if p := mem.root[addr>>22][addr>>12&(l2Size-1)]; p.access != AccessNone && addr&(PageSize-1) <= PageSize-2 {
				off := addr & (PageSize - 1)
				v := uint64(binary.LittleEndian.Uint16(p.data[off:]))
				r[in.a&15] = uint64(int64(int16(v)))
				i++
				continue
			}
			v, bad, ok := mem.load(addr, 2)
			if !ok {
				faultAt, write = bad, false
				goto memFault
			}
			r[in.a&15] = uint64(int64(int16(v)))
			i++
			continue
		case OpLoadIndI16:
			addr = uint32(r[in.b&15] + in.imm)
			if p := mem.root[addr>>22][addr>>12&(l2Size-1)]; p.access != AccessNone && addr&(PageSize-1) <= PageSize-2 {
				off := addr & (PageSize - 1)
				v := uint64(binary.LittleEndian.Uint16(p.data[off:]))
				r[in.a&15] = uint64(int64(int16(v)))
				i++
				continue
			}
			v, bad, ok := mem.load(addr, 2)
			if !ok {
				faultAt, write = bad, false
				goto memFault
			}
			r[in.a&15] = uint64(int64(int16(v)))
			i++
			continue
		case OpLoadU32:
			addr = uint32(in.imm)
			if p := mem.root[addr>>22][addr>>12&(l2Size-1)]; p.access != AccessNone && addr&(PageSize-1) <= PageSize-4 {
				off := addr & (PageSize - 1)
				v := uint64(binary.LittleEndian.Uint32(p.data[off:]))
				r[in.a&15] = v
				i++
				continue
			}
			v, bad, ok := mem.load(addr, 4)
			if !ok {
				faultAt, write = bad, false
				goto memFault
			}
			r[in.a&15] = v
			i++
			continue
		case OpLoadIndU32:
			addr = uint32(r[in.b&15] + in.imm)
			if p := mem.root[addr>>22][addr>>12&(l2Size-1)]; p.access != AccessNone && addr&(PageSize-1) <= PageSize-4 {
				off := addr & (PageSize - 1)
				v := uint64(binary.LittleEndian.Uint32(p.data[off:]))
				r[in.a&15] = v
				i++
				continue
			}
			v, bad, ok := mem.load(addr, 4)
			if !ok {
				faultAt, write = bad, false
				goto memFault
			}
			r[in.a&15] = v
			i++
			continue
		case OpLoadI32:
			addr = uint32(in.imm)
			if p := mem.root[addr>>22][addr>>12&(l2Size-1)]; p.access != AccessNone && addr&(PageSize-1) <= PageSize-4 {
				off := addr & (PageSize - 1)
				v := uint64(binary.LittleEndian.Uint32(p.data[off:]))
				r[in.a&15] = uint64(int64(int32(v)))
				i++
				continue
			}
			v, bad, ok := mem.load(addr, 4)
			if !ok {
				faultAt, write = bad, false
				goto memFault
			}
			r[in.a&15] = uint64(int64(int32(v)))
			i++
			continue
		case OpLoadIndI32:
			addr = uint32(r[in.b&15] + in.imm)
			if p := mem.root[addr>>22][addr>>12&(l2Size-1)]; p.access != AccessNone && addr&(PageSize-1) <= PageSize-4 {
				off := addr & (PageSize - 1)
				v := uint64(binary.LittleEndian.Uint32(p.data[off:]))
				r[in.a&15] = uint64(int64(int32(v)))
				i++
				continue
			}
			v, bad, ok := mem.load(addr, 4)
			if !ok {
				faultAt, write = bad, false
				goto memFault
			}
			r[in.a&15] = uint64(int64(int32(v)))
			i++
			continue
		case OpLoadU64:
			addr = uint32(in.imm)
			if p := mem.root[addr>>22][addr>>12&(l2Size-1)]; p.access != AccessNone && addr&(PageSize-1) <= PageSize-8 {
				off := addr & (PageSize - 1)
				v := binary.LittleEndian.Uint64(p.data[off:])
				r[in.a&15] = v
				i++
				continue
			}
			v, bad, ok := mem.load(addr, 8)
			if !ok {
				faultAt, write = bad, false
				goto memFault
			}
			r[in.a&15] = v
			i++
			continue
		case OpLoadIndU64:
			addr = uint32(r[in.b&15] + in.imm)
			if p := mem.root[addr>>22][addr>>12&(l2Size-1)]; p.access != AccessNone && addr&(PageSize-1) <= PageSize-8 {
				off := addr & (PageSize - 1)
				v := binary.LittleEndian.Uint64(p.data[off:])
				r[in.a&15] = v
				i++
				continue
			}
			v, bad, ok := mem.load(addr, 8)
			if !ok {
				faultAt, write = bad, false
				goto memFault
			}
			r[in.a&15] = v
			i++
			continue
		case OpStoreU8:
			addr = uint32(in.imm)
			if p := mem.root[addr>>22][addr>>12&(l2Size-1)]; p.access == AccessWrite && addr&(PageSize-1) <= PageSize-1 {
				off := addr & (PageSize - 1)
				p.data[off] = byte(r[in.a&15])
				i++
				continue
			}
			if bad, ok := mem.store(addr, 1, r[in.a&15]); !ok {
				faultAt, write = bad, true
				goto memFault
			}
			i++
			continue
		case OpStoreImmU8:
			addr = uint32(in.imm)
			if p := mem.root[addr>>22][addr>>12&(l2Size-1)]; p.access == AccessWrite && addr&(PageSize-1) <= PageSize-1 {
				off := addr & (PageSize - 1)
				p.data[off] = byte(in.imm2)
				i++
				continue
			}
			if bad, ok := mem.store(addr, 1, in.imm2); !ok {
				faultAt, write = bad, true
				goto memFault
			}
			i++
			continue
		case OpStoreIndU8:
			addr = uint32(r[in.b&15] + in.imm)
			if p := mem.root[addr>>22][addr>>12&(l2Size-1)]; p.access == AccessWrite && addr&(PageSize-1) <= PageSize-1 {
				off := addr & (PageSize - 1)
				p.data[off] = byte(r[in.a&15])
				i++
				continue
			}
			if bad, ok := mem.store(addr, 1, r[in.a&15]); !ok {
				faultAt, write = bad, true
				goto memFault
			}
			i++
			continue
		case OpStoreImmIndU8:
			addr = uint32(r[in.a&15] + in.imm)
			if p := mem.root[addr>>22][addr>>12&(l2Size-1)]; p.access == AccessWrite && addr&(PageSize-1) <= PageSize-1 {
				off := addr & (PageSize - 1)
				p.data[off] = byte(in.imm2)
				i++
				continue
			}
			if bad, ok := mem.store(addr, 1, in.imm2); !ok {
				faultAt, write = bad, true
				goto memFault
			}
			i++
			continue
		case OpStoreU16:
			addr = uint32(in.imm)
			if p := mem.root[addr>>22][addr>>12&(l2Size-1)]; p.access == AccessWrite && addr&(PageSize-1) <= PageSize-2 {
				off := addr & (PageSize - 1)
				binary.LittleEndian.PutUint16(p.data[off:], uint16(r[in.a&15]))
				i++
				continue
			}
			if bad, ok := mem.store(addr, 2, r[in.a&15]); !ok {
				faultAt, write = bad, true
				goto memFault
			}
			i++
			continue
		case OpStoreImmU16:
			addr = uint32(in.imm)
			if p := mem.root[addr>>22][addr>>12&(l2Size-1)]; p.access == AccessWrite && addr&(PageSize-1) <= PageSize-2 {
				off := addr & (PageSize - 1)
				binary.LittleEndian.PutUint16(p.data[off:], uint16(in.imm2))
				i++
				continue
			}
			if bad, ok := mem.store(addr, 2, in.imm2); !ok {
				faultAt, write = bad, true
				goto memFault
			}
			i++
			continue
		case OpStoreIndU16:
			addr = uint32(r[in.b&15] + in.imm)
			if p := mem.root[addr>>22][addr>>12&(l2Size-1)]; p.access == AccessWrite && addr&(PageSize-1) <= PageSize-2 {
				off := addr & (PageSize - 1)
				binary.LittleEndian.PutUint16(p.data[off:], uint16(r[in.a&15]))
				i++
				continue
			}
			if bad, ok := mem.store(addr, 2, r[in.a&15]); !ok {
				faultAt, write = bad, true
				goto memFault
			}
			i++
			continue
		case OpStoreImmIndU16:
			addr = uint32(r[in.a&15] + in.imm)
			if p := mem.root[addr>>22][addr>>12&(l2Size-1)]; p.access == AccessWrite && addr&(PageSize-1) <= PageSize-2 {
				off := addr & (PageSize - 1)
				binary.LittleEndian.PutUint16(p.data[off:], uint16(in.imm2))
				i++
				continue
			}
			if bad, ok := mem.store(addr, 2, in.imm2); !ok {
				faultAt, write = bad, true
				goto memFault
			}
			i++
			continue
		case OpStoreU32:
			addr = uint32(in.imm)
			if p := mem.root[addr>>22][addr>>12&(l2Size-1)]; p.access == AccessWrite && addr&(PageSize-1) <= PageSize-4 {
				off := addr & (PageSize - 1)
				binary.LittleEndian.PutUint32(p.data[off:], uint32(r[in.a&15]))
				i++
				continue
			}
			if bad, ok := mem.store(addr, 4, r[in.a&15]); !ok {
				faultAt, write = bad, true
				goto memFault
			}
			i++
			continue
		case OpStoreImmU32:
			addr = uint32(in.imm)
			if p := mem.root[addr>>22][addr>>12&(l2Size-1)]; p.access == AccessWrite && addr&(PageSize-1) <= PageSize-4 {
				off := addr & (PageSize - 1)
				binary.LittleEndian.PutUint32(p.data[off:], uint32(in.imm2))
				i++
				continue
			}
			if bad, ok := mem.store(addr, 4, in.imm2); !ok {
				faultAt, write = bad, true
				goto memFault
			}
			i++
			continue
		case OpStoreIndU32:
			addr = uint32(r[in.b&15] + in.imm)
			if p := mem.root[addr>>22][addr>>12&(l2Size-1)]; p.access == AccessWrite && addr&(PageSize-1) <= PageSize-4 {
				off := addr & (PageSize - 1)
				binary.LittleEndian.PutUint32(p.data[off:], uint32(r[in.a&15]))
				i++
				continue
			}
			if bad, ok := mem.store(addr, 4, r[in.a&15]); !ok {
				faultAt, write = bad, true
				goto memFault
			}
			i++
			continue
		case OpStoreImmIndU32:
			addr = uint32(r[in.a&15] + in.imm)
			if p := mem.root[addr>>22][addr>>12&(l2Size-1)]; p.access == AccessWrite && addr&(PageSize-1) <= PageSize-4 {
				off := addr & (PageSize - 1)
				binary.LittleEndian.PutUint32(p.data[off:], uint32(in.imm2))
				i++
				continue
			}
			if bad, ok := mem.store(addr, 4, in.imm2); !ok {
				faultAt, write = bad, true
				goto memFault
			}
			i++
			continue
		case OpStoreU64:
			addr = uint32(in.imm)
			if p := mem.root[addr>>22][addr>>12&(l2Size-1)]; p.access == AccessWrite && addr&(PageSize-1) <= PageSize-8 {
				off := addr & (PageSize - 1)
				binary.LittleEndian.PutUint64(p.data[off:], r[in.a&15])
				i++
				continue
			}
			if bad, ok := mem.store(addr, 8, r[in.a&15]); !ok {
				faultAt, write = bad, true
				goto memFault
			}
			i++
			continue
		case OpStoreImmU64:
			addr = uint32(in.imm)
			if p := mem.root[addr>>22][addr>>12&(l2Size-1)]; p.access == AccessWrite && addr&(PageSize-1) <= PageSize-8 {
				off := addr & (PageSize - 1)
				binary.LittleEndian.PutUint64(p.data[off:], in.imm2)
				i++
				continue
			}
			if bad, ok := mem.store(addr, 8, in.imm2); !ok {
				faultAt, write = bad, true
				goto memFault
			}
			i++
			continue
		case OpStoreIndU64:
			addr = uint32(r[in.b&15] + in.imm)
			if p := mem.root[addr>>22][addr>>12&(l2Size-1)]; p.access == AccessWrite && addr&(PageSize-1) <= PageSize-8 {
				off := addr & (PageSize - 1)
				binary.LittleEndian.PutUint64(p.data[off:], r[in.a&15])
				i++
				continue
			}
			if bad, ok := mem.store(addr, 8, r[in.a&15]); !ok {
				faultAt, write = bad, true
				goto memFault
			}
			i++
			continue
		case OpStoreImmIndU64:
			addr = uint32(r[in.a&15] + in.imm)
			if p := mem.root[addr>>22][addr>>12&(l2Size-1)]; p.access == AccessWrite && addr&(PageSize-1) <= PageSize-8 {
				off := addr & (PageSize - 1)
				binary.LittleEndian.PutUint64(p.data[off:], in.imm2)
				i++
				continue
			}
			if bad, ok := mem.store(addr, 8, in.imm2); !ok {
				faultAt, write = bad, true
				goto memFault
			}
			i++
			continue
		default:
			goto panicHere
		}
		// A terminator moved to instruction i, the start of a new block: pay for it.
		if c := cost[i]; gas >= c {
			gas -= c
			continue
		}
		goto outOfGas

	djump:
		if addr == HaltAddress {
			goto halt
		}
		if k := addr/2 - 1; addr&1 == 0 && addr != 0 && uint64(k) < uint64(len(jump)) && jump[k] != noTarget {
			i = jump[k]
			if c := cost[i]; gas >= c {
				gas -= c
				continue
			}
			goto outOfGas
		}
		goto panicHere
	}

panicHere:
	ex = Exit{Status: StatusPanic, PC: ins[i].pc}
	m.PC, m.charged = ins[i].pc, false
	goto done
halt:
	ex = Exit{Status: StatusHalt, PC: ins[i].pc}
	m.PC, m.charged = ins[i].pc, false
	goto done
outOfGas:
	// Entering block i could not be paid: stop before it, nothing charged, not executed.
	ex = Exit{Status: StatusOutOfGas, PC: ins[i].pc}
	m.PC, m.charged = ins[i].pc, false
	goto done
memsetOOG:
	ex = Exit{Status: StatusOutOfGas, PC: ins[i].pc}
	m.PC, m.charged, m.chargedPC = ins[i].pc, true, ins[i].pc
	n--
	goto done
hostCall:
	ex = Exit{Status: StatusHostCall, PC: ins[i].pc, HostID: uint64(uint32(ins[i].imm))}
	m.PC, m.charged, m.chargedPC = ins[i+1].pc, true, ins[i+1].pc
	goto done
memFault:
	if faultAt < d.lowPanic || (write && d.Opts.ReadOnlyWritePanics && mem.PageAccess(faultAt) == AccessRead) {
		ex = Exit{Status: StatusPanic, PC: ins[i].pc}
		m.PC, m.charged = ins[i].pc, false
		goto done
	}
	ex = Exit{Status: StatusPageFault, PC: ins[i].pc, FaultAddr: faultAt &^ (PageSize - 1)}
	m.PC, m.charged, m.chargedPC = ins[i].pc, true, ins[i].pc
	// The faulting instruction did not execute; a resume runs it again.
	n--
done:
	copy(m.Regs[:], r[:NumRegs])
	m.Gas = gas
	m.Instructions += n
	ex.GasLeft = gas
	return ex
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func divU32(a, b uint64) uint64 {
	if uint32(b) == 0 {
		return math.MaxUint64
	}
	return sx32(uint64(uint32(a) / uint32(b)))
}

func divS32(a, b uint64) uint64 {
	x, y := int32(a), int32(b)
	switch {
	case y == 0:
		return math.MaxUint64
	case x == math.MinInt32 && y == -1:
		return uint64(int64(x))
	}
	return uint64(int64(x / y))
}

func remU32(a, b uint64) uint64 {
	if uint32(b) == 0 {
		return sx32(a)
	}
	return sx32(uint64(uint32(a) % uint32(b)))
}

func remS32(a, b uint64) uint64 {
	x, y := int32(a), int32(b)
	switch {
	case x == math.MinInt32 && y == -1:
		return 0
	case y == 0:
		return uint64(int64(x))
	}
	return uint64(int64(x % y))
}

func divU64(a, b uint64) uint64 {
	if b == 0 {
		return math.MaxUint64
	}
	return a / b
}

func divS64(a, b uint64) uint64 {
	x, y := int64(a), int64(b)
	switch {
	case y == 0:
		return math.MaxUint64
	case x == math.MinInt64 && y == -1:
		return a
	}
	return uint64(x / y)
}

func remU64(a, b uint64) uint64 {
	if b == 0 {
		return a
	}
	return a % b
}

func remS64(a, b uint64) uint64 {
	x, y := int64(a), int64(b)
	switch {
	case x == math.MinInt64 && y == -1:
		return 0
	case y == 0:
		return a
	}
	return uint64(x % y)
}

// mulUpperSS is the high half of the signed 128-bit product.
func mulUpperSS(a, b uint64) uint64 {
	hi, _ := bits.Mul64(a, b)
	if int64(a) < 0 {
		hi -= b
	}
	if int64(b) < 0 {
		hi -= a
	}
	return hi
}

// mulUpperSU is the high half of signed a times unsigned b.
func mulUpperSU(a, b uint64) uint64 {
	hi, _ := bits.Mul64(a, b)
	if int64(a) < 0 {
		hi -= b
	}
	return hi
}

// sbrk grows the heap by size bytes polkavm-style (spec §2.7): it returns the new heap top,
// or 0 if the heap would exceed MaxHeapSize; pages up to the new top become writable.
func (m *Machine) sbrk(size uint32) uint32 {
	newSize := uint64(m.HeapSize) + uint64(size)
	if newSize > uint64(m.MaxHeapSize) {
		return 0
	}
	top := uint64(m.HeapBase) + newSize
	if top > math.MaxUint32 {
		return 0
	}
	oldTop := uint64(m.HeapBase) + uint64(m.HeapSize)
	if top > oldTop {
		m.Mem.Map(uint32(oldTop), top-oldTop, AccessWrite)
	}
	m.HeapSize = uint32(newSize)
	return uint32(top)
}
