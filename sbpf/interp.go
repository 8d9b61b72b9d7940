package sbpf

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// hostFast is the translation fast path: the 4 GiB slot table, no handler.
// It returns nil when the canonical path must decide (error or handler).
func (m *MemoryMapping) hostFast(addr, n uint64, store bool) []byte {
	idx := addr >> VirtualAddressBits
	if idx >= uint64(len(m.slots)) {
		return nil
	}
	r := &m.slots[idx]
	if store && !r.Writable {
		return nil
	}
	if addr < r.VMAddr {
		return nil
	}
	off := addr - r.VMAddr
	if r.VMGapShift < noGapShift {
		sh := r.VMGapShift
		if (off>>sh)&1 == 1 {
			return nil
		}
		mask := ^uint64(0) << sh
		off = (off&mask)>>1 | off&^mask
	}
	h := r.Host
	if off > uint64(len(h)) || n > uint64(len(h))-off {
		return nil
	}
	return h[off : off+n]
}

func (vm *VM) fail(kind EbpfErrorKind, pc uint64) *EbpfError {
	vm.Regs[11] = pc
	return &EbpfError{Kind: kind, PC: pc}
}

func (vm *VM) memErr(err error, pc uint64) error {
	vm.Regs[11] = pc
	if e, ok := err.(*EbpfError); ok {
		e.PC = pc
	}
	return err
}

func signedHi64(a, b int64) uint64 {
	hi, _ := bits.Mul64(uint64(a), uint64(b))
	hi -= uint64(a>>63) & uint64(b)
	hi -= uint64(b>>63) & uint64(a)
	return hi
}

// run is the interpreter loop (Interpreter::step in a loop). It keeps pc and the
// due instruction count in locals and mirrors anza's throw points exactly.
func (vm *VM) run(meterOn bool) (uint64, error) {
	exe := vm.exe
	prog := exe.prog
	code := prog.code
	n := uint64(len(code) - 1)
	textVaddr := exe.TextVaddr
	maxDepth := uint64(exe.Config().MaxCallDepth)
	manualBump := exe.Version.ManualStackFrameBump()
	bump := frameBump(exe)
	mem := vm.Memory
	r := &vm.r
	copy(r[:12], vm.Regs[:])

	prev := vm.previousInstructionMeter
	limit := uint64(math.MaxUint64)
	if meterOn {
		limit = prev
	}
	var due uint64
	pc := vm.Regs[11]

	// done writes the interpreter state back (registers, due count).
	done := func() {
		copy(vm.Regs[:11], r[:11])
		vm.dueInsnCount = due
		vm.previousInstructionMeter = prev
	}

	if pc >= n {
		if due >= limit {
			done()
			return 0, vm.fail(ErrExceededMaxInstructions, pc)
		}
		due++
		done()
		return 0, vm.fail(ErrExecutionOverrun, pc)
	}

	for {
		if due >= limit {
			done()
			return 0, vm.fail(ErrExceededMaxInstructions, pc)
		}
		due++
		d := &code[pc]
		dst := d.dst & 15
		src := d.src & 15
		switch d.op {
		case iLddw:
			r[dst] = uint64(d.imm)
			pc += 2
			continue

		case iLdx1, iLdx2, iLdx4, iLdx8:
			size := uint64(1) << (d.op - iLdx1)
			addr := r[src] + uint64(int64(d.aux))
			b := mem.hostFast(addr, size, false)
			if b == nil {
				var err error
				if b, err = mem.translateHandled(Load, addr, size); err != nil {
					done()
					return 0, vm.memErr(err, pc)
				}
			}
			switch size {
			case 1:
				r[dst] = uint64(b[0])
			case 2:
				r[dst] = uint64(binary.LittleEndian.Uint16(b))
			case 4:
				r[dst] = uint64(binary.LittleEndian.Uint32(b))
			default:
				r[dst] = binary.LittleEndian.Uint64(b)
			}

		case iStImm1, iStImm2, iStImm4, iStImm8, iStReg1, iStReg2, iStReg4, iStReg8:
			var size, val uint64
			if d.op >= iStReg1 {
				size, val = uint64(1)<<(d.op-iStReg1), r[src]
			} else {
				size, val = uint64(1)<<(d.op-iStImm1), uint64(d.imm)
			}
			addr := r[dst] + uint64(int64(d.aux))
			b := mem.hostFast(addr, size, true)
			if b == nil {
				var err error
				if b, err = mem.translateHandled(Store, addr, size); err != nil {
					done()
					return 0, vm.memErr(err, pc)
				}
			}
			storeLE(b, int(size), val)

		case iAdd32Imm:
			r[dst] = uint64(int64(int32(uint32(r[dst]) + uint32(d.imm))))
		case iAdd32Reg:
			r[dst] = uint64(int64(int32(uint32(r[dst]) + uint32(r[src]))))
		case iSub32Imm:
			r[dst] = uint64(int64(int32(uint32(r[dst]) - uint32(d.imm))))
		case iSub32Reg:
			r[dst] = uint64(int64(int32(uint32(r[dst]) - uint32(r[src]))))
		case iMul32Imm:
			r[dst] = uint64(int64(int32(uint32(r[dst]) * uint32(d.imm))))
		case iMul32Reg:
			r[dst] = uint64(int64(int32(uint32(r[dst]) * uint32(r[src]))))
		case iAdd32ImmZx:
			r[dst] = uint64(uint32(r[dst]) + uint32(d.imm))
		case iAdd32RegZx:
			r[dst] = uint64(uint32(r[dst]) + uint32(r[src]))
		case iSub32ImmSwapZx:
			r[dst] = uint64(uint32(d.imm) - uint32(r[dst]))
		case iSub32RegZx:
			r[dst] = uint64(uint32(r[dst]) - uint32(r[src]))
		case iDiv32Imm, iUdiv32Imm:
			r[dst] = uint64(uint32(r[dst]) / uint32(d.imm))
		case iDiv32Reg, iUdiv32Reg:
			if uint32(r[src]) == 0 {
				done()
				return 0, vm.fail(ErrDivideByZero, pc)
			}
			r[dst] = uint64(uint32(r[dst]) / uint32(r[src]))
		case iOr32Imm:
			r[dst] = uint64(uint32(r[dst]) | uint32(d.imm))
		case iOr32Reg:
			r[dst] = uint64(uint32(r[dst]) | uint32(r[src]))
		case iAnd32Imm:
			r[dst] = uint64(uint32(r[dst]) & uint32(d.imm))
		case iAnd32Reg:
			r[dst] = uint64(uint32(r[dst]) & uint32(r[src]))
		case iLsh32Imm:
			r[dst] = uint64(uint32(r[dst]) << (uint32(d.imm) & 31))
		case iLsh32Reg:
			r[dst] = uint64(uint32(r[dst]) << (uint32(r[src]) & 31))
		case iRsh32Imm:
			r[dst] = uint64(uint32(r[dst]) >> (uint32(d.imm) & 31))
		case iRsh32Reg:
			r[dst] = uint64(uint32(r[dst]) >> (uint32(r[src]) & 31))
		case iNeg32:
			r[dst] = uint64(uint32(-int32(r[dst])))
		case iMod32Imm, iUrem32Imm:
			r[dst] = uint64(uint32(r[dst]) % uint32(d.imm))
		case iMod32Reg, iUrem32Reg:
			if uint32(r[src]) == 0 {
				done()
				return 0, vm.fail(ErrDivideByZero, pc)
			}
			r[dst] = uint64(uint32(r[dst]) % uint32(r[src]))
		case iXor32Imm:
			r[dst] = uint64(uint32(r[dst]) ^ uint32(d.imm))
		case iXor32Reg:
			r[dst] = uint64(uint32(r[dst]) ^ uint32(r[src]))
		case iMov32Imm:
			r[dst] = uint64(uint32(d.imm))
		case iMov32Reg:
			r[dst] = uint64(uint32(r[src]))
		case iMov32RegSx:
			r[dst] = uint64(int64(int32(r[src])))
		case iArsh32Imm:
			r[dst] = uint64(uint32(int32(r[dst]) >> (uint32(d.imm) & 31)))
		case iArsh32Reg:
			r[dst] = uint64(uint32(int32(r[dst]) >> (uint32(r[src]) & 31)))
		case iLe:
			switch d.imm {
			case 16:
				r[dst] = uint64(uint16(r[dst]))
			case 32:
				r[dst] = uint64(uint32(r[dst]))
			case 64:
			default:
				done()
				return 0, vm.fail(ErrInvalidInstruction, pc)
			}
		case iBe:
			switch d.imm {
			case 16:
				r[dst] = uint64(bits.ReverseBytes16(uint16(r[dst])))
			case 32:
				r[dst] = uint64(bits.ReverseBytes32(uint32(r[dst])))
			case 64:
				r[dst] = bits.ReverseBytes64(r[dst])
			default:
				done()
				return 0, vm.fail(ErrInvalidInstruction, pc)
			}

		case iAdd64Imm:
			r[dst] += uint64(d.imm)
		case iAdd64Reg:
			r[dst] += r[src]
		case iSub64Imm:
			r[dst] -= uint64(d.imm)
		case iSub64ImmSwap:
			r[dst] = uint64(d.imm) - r[dst]
		case iSub64Reg:
			r[dst] -= r[src]
		case iMul64Imm, iLmul64Imm:
			r[dst] *= uint64(d.imm)
		case iMul64Reg, iLmul64Reg:
			r[dst] *= r[src]
		case iDiv64Imm:
			r[dst] /= uint64(d.imm)
		case iDiv64Reg, iUdiv64Reg:
			if r[src] == 0 {
				done()
				return 0, vm.fail(ErrDivideByZero, pc)
			}
			r[dst] /= r[src]
		case iOr64Imm:
			r[dst] |= uint64(d.imm)
		case iOr64Reg:
			r[dst] |= r[src]
		case iAnd64Imm:
			r[dst] &= uint64(d.imm)
		case iAnd64Reg:
			r[dst] &= r[src]
		case iLsh64Imm:
			r[dst] <<= uint64(d.imm) & 63
		case iLsh64Reg:
			r[dst] <<= r[src] & 63
		case iRsh64Imm:
			r[dst] >>= uint64(d.imm) & 63
		case iRsh64Reg:
			r[dst] >>= r[src] & 63
		case iNeg64:
			r[dst] = -r[dst]
		case iMod64Imm:
			r[dst] %= uint64(d.imm)
		case iMod64Reg, iUrem64Reg:
			if r[src] == 0 {
				done()
				return 0, vm.fail(ErrDivideByZero, pc)
			}
			r[dst] %= r[src]
		case iXor64Imm:
			r[dst] ^= uint64(d.imm)
		case iXor64Reg:
			r[dst] ^= r[src]
		case iMov64Imm:
			r[dst] = uint64(d.imm)
		case iMov64Reg:
			r[dst] = r[src]
		case iArsh64Imm:
			r[dst] = uint64(int64(r[dst]) >> (uint64(d.imm) & 63))
		case iArsh64Reg:
			r[dst] = uint64(int64(r[dst]) >> (r[src] & 63))
		case iHor64Imm:
			r[dst] |= uint64(uint32(d.imm)) << 32

		case iLmul32Imm:
			r[dst] = uint64(uint32(r[dst]) * uint32(d.imm))
		case iLmul32Reg:
			r[dst] = uint64(uint32(r[dst]) * uint32(r[src]))
		case iUhmul64Imm:
			r[dst], _ = bits.Mul64(r[dst], uint64(uint32(d.imm)))
		case iUhmul64Reg:
			r[dst], _ = bits.Mul64(r[dst], r[src])
		case iShmul64Imm:
			r[dst] = signedHi64(int64(r[dst]), d.imm)
		case iShmul64Reg:
			r[dst] = signedHi64(int64(r[dst]), int64(r[src]))
		case iUdiv64Imm:
			r[dst] /= uint64(uint32(d.imm))
		case iUrem64Imm:
			r[dst] %= uint64(uint32(d.imm))
		case iSdiv32Imm, iSrem32Imm:
			a, b := int32(r[dst]), int32(d.imm)
			if a == math.MinInt32 && b == -1 {
				done()
				return 0, vm.fail(ErrDivideOverflow, pc)
			}
			if d.op == iSdiv32Imm {
				r[dst] = uint64(uint32(a / b))
			} else {
				r[dst] = uint64(uint32(a % b))
			}
		case iSdiv32Reg, iSrem32Reg:
			a, b := int32(r[dst]), int32(r[src])
			if b == 0 {
				done()
				return 0, vm.fail(ErrDivideByZero, pc)
			}
			if a == math.MinInt32 && b == -1 {
				done()
				return 0, vm.fail(ErrDivideOverflow, pc)
			}
			if d.op == iSdiv32Reg {
				r[dst] = uint64(uint32(a / b))
			} else {
				r[dst] = uint64(uint32(a % b))
			}
		case iSdiv64Imm, iSrem64Imm:
			a, b := int64(r[dst]), d.imm
			if a == math.MinInt64 && b == -1 {
				done()
				return 0, vm.fail(ErrDivideOverflow, pc)
			}
			if d.op == iSdiv64Imm {
				r[dst] = uint64(a / b)
			} else {
				r[dst] = uint64(a % b)
			}
		case iSdiv64Reg, iSrem64Reg:
			a, b := int64(r[dst]), int64(r[src])
			if b == 0 {
				done()
				return 0, vm.fail(ErrDivideByZero, pc)
			}
			if a == math.MinInt64 && b == -1 {
				done()
				return 0, vm.fail(ErrDivideOverflow, pc)
			}
			if d.op == iSdiv64Reg {
				r[dst] = uint64(a / b)
			} else {
				r[dst] = uint64(a % b)
			}

		case iJa:
			pc = uint64(d.aux)
			continue
		case iJeqImm:
			if r[dst] == uint64(d.imm) {
				pc = uint64(d.aux)
				continue
			}
		case iJeqReg:
			if r[dst] == r[src] {
				pc = uint64(d.aux)
				continue
			}
		case iJgtImm:
			if r[dst] > uint64(d.imm) {
				pc = uint64(d.aux)
				continue
			}
		case iJgtReg:
			if r[dst] > r[src] {
				pc = uint64(d.aux)
				continue
			}
		case iJgeImm:
			if r[dst] >= uint64(d.imm) {
				pc = uint64(d.aux)
				continue
			}
		case iJgeReg:
			if r[dst] >= r[src] {
				pc = uint64(d.aux)
				continue
			}
		case iJltImm:
			if r[dst] < uint64(d.imm) {
				pc = uint64(d.aux)
				continue
			}
		case iJltReg:
			if r[dst] < r[src] {
				pc = uint64(d.aux)
				continue
			}
		case iJleImm:
			if r[dst] <= uint64(d.imm) {
				pc = uint64(d.aux)
				continue
			}
		case iJleReg:
			if r[dst] <= r[src] {
				pc = uint64(d.aux)
				continue
			}
		case iJsetImm:
			if r[dst]&uint64(d.imm) != 0 {
				pc = uint64(d.aux)
				continue
			}
		case iJsetReg:
			if r[dst]&r[src] != 0 {
				pc = uint64(d.aux)
				continue
			}
		case iJneImm:
			if r[dst] != uint64(d.imm) {
				pc = uint64(d.aux)
				continue
			}
		case iJneReg:
			if r[dst] != r[src] {
				pc = uint64(d.aux)
				continue
			}
		case iJsgtImm:
			if int64(r[dst]) > d.imm {
				pc = uint64(d.aux)
				continue
			}
		case iJsgtReg:
			if int64(r[dst]) > int64(r[src]) {
				pc = uint64(d.aux)
				continue
			}
		case iJsgeImm:
			if int64(r[dst]) >= d.imm {
				pc = uint64(d.aux)
				continue
			}
		case iJsgeReg:
			if int64(r[dst]) >= int64(r[src]) {
				pc = uint64(d.aux)
				continue
			}
		case iJsltImm:
			if int64(r[dst]) < d.imm {
				pc = uint64(d.aux)
				continue
			}
		case iJsltReg:
			if int64(r[dst]) < int64(r[src]) {
				pc = uint64(d.aux)
				continue
			}
		case iJsleImm:
			if int64(r[dst]) <= d.imm {
				pc = uint64(d.aux)
				continue
			}
		case iJsleReg:
			if int64(r[dst]) <= int64(r[src]) {
				pc = uint64(d.aux)
				continue
			}
		case iJeq32Imm:
			if uint32(r[dst]) == uint32(d.imm) {
				pc = uint64(d.aux)
				continue
			}
		case iJeq32Reg:
			if uint32(r[dst]) == uint32(r[src]) {
				pc = uint64(d.aux)
				continue
			}
		case iJgt32Imm:
			if uint32(r[dst]) > uint32(d.imm) {
				pc = uint64(d.aux)
				continue
			}
		case iJgt32Reg:
			if uint32(r[dst]) > uint32(r[src]) {
				pc = uint64(d.aux)
				continue
			}
		case iJge32Imm:
			if uint32(r[dst]) >= uint32(d.imm) {
				pc = uint64(d.aux)
				continue
			}
		case iJge32Reg:
			if uint32(r[dst]) >= uint32(r[src]) {
				pc = uint64(d.aux)
				continue
			}
		case iJlt32Imm:
			if uint32(r[dst]) < uint32(d.imm) {
				pc = uint64(d.aux)
				continue
			}
		case iJlt32Reg:
			if uint32(r[dst]) < uint32(r[src]) {
				pc = uint64(d.aux)
				continue
			}
		case iJle32Imm:
			if uint32(r[dst]) <= uint32(d.imm) {
				pc = uint64(d.aux)
				continue
			}
		case iJle32Reg:
			if uint32(r[dst]) <= uint32(r[src]) {
				pc = uint64(d.aux)
				continue
			}
		case iJset32Imm:
			if uint32(r[dst])&uint32(d.imm) != 0 {
				pc = uint64(d.aux)
				continue
			}
		case iJset32Reg:
			if uint32(r[dst])&uint32(r[src]) != 0 {
				pc = uint64(d.aux)
				continue
			}
		case iJne32Imm:
			if uint32(r[dst]) != uint32(d.imm) {
				pc = uint64(d.aux)
				continue
			}
		case iJne32Reg:
			if uint32(r[dst]) != uint32(r[src]) {
				pc = uint64(d.aux)
				continue
			}
		case iJsgt32Imm:
			if int32(r[dst]) > int32(d.imm) {
				pc = uint64(d.aux)
				continue
			}
		case iJsgt32Reg:
			if int32(r[dst]) > int32(r[src]) {
				pc = uint64(d.aux)
				continue
			}
		case iJsge32Imm:
			if int32(r[dst]) >= int32(d.imm) {
				pc = uint64(d.aux)
				continue
			}
		case iJsge32Reg:
			if int32(r[dst]) >= int32(r[src]) {
				pc = uint64(d.aux)
				continue
			}
		case iJslt32Imm:
			if int32(r[dst]) < int32(d.imm) {
				pc = uint64(d.aux)
				continue
			}
		case iJslt32Reg:
			if int32(r[dst]) < int32(r[src]) {
				pc = uint64(d.aux)
				continue
			}
		case iJsle32Imm:
			if int32(r[dst]) <= int32(d.imm) {
				pc = uint64(d.aux)
				continue
			}
		case iJsle32Reg:
			if int32(r[dst]) <= int32(r[src]) {
				pc = uint64(d.aux)
				continue
			}

		case iCallLocal, iCallLocalOutside, iCallReg:
			var target uint64
			if d.op == iCallReg {
				target = r[d.aux&15]
			}
			// push_frame
			f := &vm.frames[vm.CallDepth]
			f.saved = [ScratchRegs]uint64{r[6], r[7], r[8], r[9]}
			f.fp = r[FramePtrReg]
			f.target = pc + 1
			vm.CallDepth++
			if vm.CallDepth == maxDepth {
				done()
				return 0, vm.fail(ErrCallDepthExceeded, pc)
			}
			if !manualBump {
				r[FramePtrReg] += bump
			}
			switch d.op {
			case iCallLocal:
				pc = uint64(d.aux)
			case iCallLocalOutside:
				done()
				return 0, vm.fail(ErrCallOutsideTextSegment, pc)
			default:
				tpc := (target - textVaddr) / InsnSize
				if tpc >= n {
					done()
					return 0, vm.fail(ErrCallOutsideTextSegment, pc)
				}
				pc = tpc
			}
			continue

		case iCallSyscall, iSyscallThenCall:
			// dispatch_syscall: consume the due count, run, re-read the meter.
			done()
			vm.Regs[11] = pc
			vm.dueInsnCount = prev - due
			if meterOn {
				vm.meter.Consume(prev - vm.dueInsnCount)
			}
			res, err := prog.syscalls[d.aux](vm, r[1], r[2], r[3], r[4], r[5])
			if meterOn {
				prev = vm.meter.Remaining()
				limit = prev
			}
			vm.previousInstructionMeter = prev
			due = 0
			vm.dueInsnCount = 0
			mem = vm.Memory
			if err != nil {
				return 0, &EbpfError{Kind: ErrSyscallError, Err: err, PC: pc}
			}
			r[0] = res
			if d.op == iSyscallThenCall {
				f := &vm.frames[vm.CallDepth]
				f.saved = [ScratchRegs]uint64{r[6], r[7], r[8], r[9]}
				f.fp = r[FramePtrReg]
				f.target = pc + 1
				vm.CallDepth++
				if vm.CallDepth == maxDepth {
					done()
					return 0, vm.fail(ErrCallDepthExceeded, pc)
				}
				if !manualBump {
					r[FramePtrReg] += bump
				}
				if uint64(d.imm) >= n {
					done()
					return 0, vm.fail(ErrCallOutsideTextSegment, pc)
				}
				pc = uint64(d.imm)
				continue
			}

		case iExit:
			if vm.CallDepth == 0 {
				if meterOn && due > prev {
					done()
					return 0, vm.fail(ErrExceededMaxInstructions, pc)
				}
				done()
				vm.Regs[11] = pc
				return r[0], nil
			}
			vm.CallDepth--
			f := &vm.frames[vm.CallDepth]
			r[FramePtrReg] = f.fp
			r[6], r[7], r[8], r[9] = f.saved[0], f.saved[1], f.saved[2], f.saved[3]
			pc = f.target
			continue

		case iOverrun:
			done()
			return 0, vm.fail(ErrExecutionOverrun, pc)

		default: // iInvalid and anything the version does not define
			done()
			return 0, vm.fail(ErrUnsupportedInstruction, pc)
		}
		pc++
	}
}
