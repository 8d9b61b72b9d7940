package sbpf

import (
	"encoding/binary"
	"errors"
	"math"
	"math/bits"
)

// Events that make the inner loop return to run(): everything that needs a
// function call is handled outside the loop, so the loop itself makes no calls
// and keeps its state in registers.
const (
	evReturn  uint8 = iota // exit from the root frame
	evFault                // an EbpfError of the returned kind at pc
	evMem                  // a load/store at pc needs the canonical translation path
	evSyscall              // call of a syscall at pc
)

func signedHi64(a, b int64) uint64 {
	hi, _ := bits.Mul64(uint64(a), uint64(b))
	hi -= uint64(a>>63) & uint64(b)
	hi -= uint64(b>>63) & uint64(a)
	return hi
}

// run is Interpreter::step in a loop. rem counts down the instructions left
// before ExceededMaxInstructions (previous_instruction_meter - due_insn_count).
func (vm *VM) run(meterOn bool) (uint64, error) {
	exe := vm.exe
	prog := exe.prog
	code := prog.code
	prev := vm.previousInstructionMeter
	limit := uint64(math.MaxUint64)
	if meterOn {
		limit = prev
	}
	rem := limit
	pc := vm.Regs[11]
	r := &vm.r
	copy(r[:12], vm.Regs[:])

	finish := func(kind EbpfErrorKind, err error) (uint64, error) {
		copy(vm.Regs[:11], r[:11])
		vm.Regs[11] = pc
		vm.dueInsnCount = limit - rem
		vm.previousInstructionMeter = prev
		if !meterOn {
			vm.dueInsnCount = 0
		}
		if err != nil {
			if e, ok := err.(*EbpfError); ok {
				e.PC = pc
			}
			return 0, err
		}
		if kind != 0xff {
			return 0, &EbpfError{Kind: kind, PC: pc}
		}
		return r[0], nil
	}

	if pc >= uint64(len(code)-1) {
		// anza checks the meter, counts the instruction, then finds no instruction
		if rem == 0 {
			return finish(ErrExceededMaxInstructions, nil)
		}
		rem--
		return finish(ErrExecutionOverrun, nil)
	}

	for {
		var ev uint8
		var kind EbpfErrorKind
		pc, rem, ev, kind = vm.loop(pc, rem)
		switch ev {
		case evReturn:
			return finish(0xff, nil)
		case evFault:
			return finish(kind, nil)
		case evMem:
			if err := vm.slowMem(&code[pc]); err != nil {
				return finish(0, err)
			}
			pc++
		case evSyscall:
			d := &code[pc]
			// dispatch_syscall: consume the due count, run, re-read the meter.
			copy(vm.Regs[:11], r[:11])
			vm.Regs[11] = pc
			due := limit - rem
			vm.dueInsnCount = prev - due
			if meterOn {
				vm.meter.Consume(prev - vm.dueInsnCount)
			}
			res, err := prog.syscalls[d.aux](vm, r[1], r[2], r[3], r[4], r[5])
			if meterOn {
				prev = vm.meter.Remaining()
				limit = prev
			}
			rem = limit
			vm.dueInsnCount = 0
			if err == nil && vm.Memory == nil {
				err = errors.New("sbpf: syscall left the VM without a memory mapping")
			}
			if err != nil {
				return finish(0, &EbpfError{Kind: ErrSyscallError, Err: err})
			}
			r[0] = res
			if d.op != iSyscallThenCall {
				pc++
				continue
			}
			if k, ok := vm.pushFrame(pc); !ok {
				return finish(k, nil)
			}
			if uint64(d.imm) >= uint64(len(code)-1) {
				return finish(ErrCallOutsideTextSegment, nil)
			}
			pc = uint64(d.imm)
		}
	}
}

// pushFrame is push_frame (shared by the slow paths).
func (vm *VM) pushFrame(pc uint64) (EbpfErrorKind, bool) {
	r := &vm.r
	if vm.CallDepth >= uint64(len(vm.frames)) {
		return ErrCallDepthExceeded, false
	}
	f := &vm.frames[vm.CallDepth]
	f.saved = [ScratchRegs]uint64{r[6], r[7], r[8], r[9]}
	f.fp = r[FramePtrReg]
	f.target = pc + 1
	vm.CallDepth++
	if vm.CallDepth == uint64(len(vm.frames)) {
		return ErrCallDepthExceeded, false
	}
	if !vm.exe.Version.ManualStackFrameBump() {
		r[FramePtrReg] += frameBump(vm.exe)
	}
	return 0, true
}

// slowMem performs a load or store through map_with_access_violation_handler.
func (vm *VM) slowMem(d *dinsn) error {
	r := &vm.r
	op := d.op
	if op <= iLdx8 {
		size := uint64(1) << (op - iLdx1)
		v, err := vm.Memory.Load(r[d.src&15]+uint64(int64(d.aux)), int(size))
		if err != nil {
			return err
		}
		r[d.dst&15] = v
		return nil
	}
	var size, val uint64
	if op >= iStReg1 {
		size, val = uint64(1)<<(op-iStReg1), r[d.src&15]
	} else {
		size, val = uint64(1)<<(op-iStImm1), uint64(d.imm)
	}
	return vm.Memory.Store(r[d.dst&15]+uint64(int64(d.aux)), int(size), val)
}

// loop runs instructions until an event. It contains no function calls (other
// than panics, which cannot happen on verified code) so that Go keeps pc, rem
// and the hot pointers in registers.
func (vm *VM) loop(pc, rem uint64) (uint64, uint64, uint8, EbpfErrorKind) {
	code := vm.exe.prog.code
	r := &vm.r
	slots := vm.Memory.slots

	for {
		if rem == 0 {
			return pc, rem, evFault, ErrExceededMaxInstructions
		}
		rem--
		d := &code[pc]
		dst := d.dst & 15
		src := d.src & 15
		switch d.op {
		case iLddw:
			r[dst] = uint64(d.imm)
			pc += 2
			continue

		case iLdx1:
			addr := r[src] + uint64(int64(d.aux))
			idx := addr >> VirtualAddressBits
			if idx >= uint64(len(slots)) {
				return pc, rem, evMem, 0
			}
			s := &slots[idx]
			off := addr - s.VMAddr
			if addr < s.VMAddr {
				return pc, rem, evMem, 0
			}
			if s.VMGapShift < noGapShift {
				if (off>>s.VMGapShift)&1 == 1 {
					return pc, rem, evMem, 0
				}
				mask := ^uint64(0) << s.VMGapShift
				off = (off&mask)>>1 | off&^mask
			}
			h := s.Host
			if off > uint64(len(h)) || 1 > uint64(len(h))-off {
				return pc, rem, evMem, 0
			}
			r[dst] = uint64(h[off])

		case iLdx2:
			addr := r[src] + uint64(int64(d.aux))
			idx := addr >> VirtualAddressBits
			if idx >= uint64(len(slots)) {
				return pc, rem, evMem, 0
			}
			s := &slots[idx]
			off := addr - s.VMAddr
			if addr < s.VMAddr {
				return pc, rem, evMem, 0
			}
			if s.VMGapShift < noGapShift {
				if (off>>s.VMGapShift)&1 == 1 {
					return pc, rem, evMem, 0
				}
				mask := ^uint64(0) << s.VMGapShift
				off = (off&mask)>>1 | off&^mask
			}
			h := s.Host
			if off > uint64(len(h)) || 2 > uint64(len(h))-off {
				return pc, rem, evMem, 0
			}
			r[dst] = uint64(binary.LittleEndian.Uint16(h[off:]))

		case iLdx4:
			addr := r[src] + uint64(int64(d.aux))
			idx := addr >> VirtualAddressBits
			if idx >= uint64(len(slots)) {
				return pc, rem, evMem, 0
			}
			s := &slots[idx]
			off := addr - s.VMAddr
			if addr < s.VMAddr {
				return pc, rem, evMem, 0
			}
			if s.VMGapShift < noGapShift {
				if (off>>s.VMGapShift)&1 == 1 {
					return pc, rem, evMem, 0
				}
				mask := ^uint64(0) << s.VMGapShift
				off = (off&mask)>>1 | off&^mask
			}
			h := s.Host
			if off > uint64(len(h)) || 4 > uint64(len(h))-off {
				return pc, rem, evMem, 0
			}
			r[dst] = uint64(binary.LittleEndian.Uint32(h[off:]))

		case iLdx8:
			addr := r[src] + uint64(int64(d.aux))
			idx := addr >> VirtualAddressBits
			if idx >= uint64(len(slots)) {
				return pc, rem, evMem, 0
			}
			s := &slots[idx]
			off := addr - s.VMAddr
			if addr < s.VMAddr {
				return pc, rem, evMem, 0
			}
			if s.VMGapShift < noGapShift {
				if (off>>s.VMGapShift)&1 == 1 {
					return pc, rem, evMem, 0
				}
				mask := ^uint64(0) << s.VMGapShift
				off = (off&mask)>>1 | off&^mask
			}
			h := s.Host
			if off > uint64(len(h)) || 8 > uint64(len(h))-off {
				return pc, rem, evMem, 0
			}
			r[dst] = binary.LittleEndian.Uint64(h[off:])

		case iStImm1:
			addr := r[dst] + uint64(int64(d.aux))
			idx := addr >> VirtualAddressBits
			if idx >= uint64(len(slots)) {
				return pc, rem, evMem, 0
			}
			s := &slots[idx]
			if !s.Writable || addr < s.VMAddr {
				return pc, rem, evMem, 0
			}
			off := addr - s.VMAddr
			if s.VMGapShift < noGapShift {
				if (off>>s.VMGapShift)&1 == 1 {
					return pc, rem, evMem, 0
				}
				mask := ^uint64(0) << s.VMGapShift
				off = (off&mask)>>1 | off&^mask
			}
			h := s.Host
			if off > uint64(len(h)) || 1 > uint64(len(h))-off {
				return pc, rem, evMem, 0
			}
			h[off] = byte(uint64(d.imm))

		case iStImm2:
			addr := r[dst] + uint64(int64(d.aux))
			idx := addr >> VirtualAddressBits
			if idx >= uint64(len(slots)) {
				return pc, rem, evMem, 0
			}
			s := &slots[idx]
			if !s.Writable || addr < s.VMAddr {
				return pc, rem, evMem, 0
			}
			off := addr - s.VMAddr
			if s.VMGapShift < noGapShift {
				if (off>>s.VMGapShift)&1 == 1 {
					return pc, rem, evMem, 0
				}
				mask := ^uint64(0) << s.VMGapShift
				off = (off&mask)>>1 | off&^mask
			}
			h := s.Host
			if off > uint64(len(h)) || 2 > uint64(len(h))-off {
				return pc, rem, evMem, 0
			}
			binary.LittleEndian.PutUint16(h[off:], uint16(uint64(d.imm)))

		case iStImm4:
			addr := r[dst] + uint64(int64(d.aux))
			idx := addr >> VirtualAddressBits
			if idx >= uint64(len(slots)) {
				return pc, rem, evMem, 0
			}
			s := &slots[idx]
			if !s.Writable || addr < s.VMAddr {
				return pc, rem, evMem, 0
			}
			off := addr - s.VMAddr
			if s.VMGapShift < noGapShift {
				if (off>>s.VMGapShift)&1 == 1 {
					return pc, rem, evMem, 0
				}
				mask := ^uint64(0) << s.VMGapShift
				off = (off&mask)>>1 | off&^mask
			}
			h := s.Host
			if off > uint64(len(h)) || 4 > uint64(len(h))-off {
				return pc, rem, evMem, 0
			}
			binary.LittleEndian.PutUint32(h[off:], uint32(uint64(d.imm)))

		case iStImm8:
			addr := r[dst] + uint64(int64(d.aux))
			idx := addr >> VirtualAddressBits
			if idx >= uint64(len(slots)) {
				return pc, rem, evMem, 0
			}
			s := &slots[idx]
			if !s.Writable || addr < s.VMAddr {
				return pc, rem, evMem, 0
			}
			off := addr - s.VMAddr
			if s.VMGapShift < noGapShift {
				if (off>>s.VMGapShift)&1 == 1 {
					return pc, rem, evMem, 0
				}
				mask := ^uint64(0) << s.VMGapShift
				off = (off&mask)>>1 | off&^mask
			}
			h := s.Host
			if off > uint64(len(h)) || 8 > uint64(len(h))-off {
				return pc, rem, evMem, 0
			}
			binary.LittleEndian.PutUint64(h[off:], uint64(d.imm))

		case iStReg1:
			addr := r[dst] + uint64(int64(d.aux))
			idx := addr >> VirtualAddressBits
			if idx >= uint64(len(slots)) {
				return pc, rem, evMem, 0
			}
			s := &slots[idx]
			if !s.Writable || addr < s.VMAddr {
				return pc, rem, evMem, 0
			}
			off := addr - s.VMAddr
			if s.VMGapShift < noGapShift {
				if (off>>s.VMGapShift)&1 == 1 {
					return pc, rem, evMem, 0
				}
				mask := ^uint64(0) << s.VMGapShift
				off = (off&mask)>>1 | off&^mask
			}
			h := s.Host
			if off > uint64(len(h)) || 1 > uint64(len(h))-off {
				return pc, rem, evMem, 0
			}
			h[off] = byte(r[src])

		case iStReg2:
			addr := r[dst] + uint64(int64(d.aux))
			idx := addr >> VirtualAddressBits
			if idx >= uint64(len(slots)) {
				return pc, rem, evMem, 0
			}
			s := &slots[idx]
			if !s.Writable || addr < s.VMAddr {
				return pc, rem, evMem, 0
			}
			off := addr - s.VMAddr
			if s.VMGapShift < noGapShift {
				if (off>>s.VMGapShift)&1 == 1 {
					return pc, rem, evMem, 0
				}
				mask := ^uint64(0) << s.VMGapShift
				off = (off&mask)>>1 | off&^mask
			}
			h := s.Host
			if off > uint64(len(h)) || 2 > uint64(len(h))-off {
				return pc, rem, evMem, 0
			}
			binary.LittleEndian.PutUint16(h[off:], uint16(r[src]))

		case iStReg4:
			addr := r[dst] + uint64(int64(d.aux))
			idx := addr >> VirtualAddressBits
			if idx >= uint64(len(slots)) {
				return pc, rem, evMem, 0
			}
			s := &slots[idx]
			if !s.Writable || addr < s.VMAddr {
				return pc, rem, evMem, 0
			}
			off := addr - s.VMAddr
			if s.VMGapShift < noGapShift {
				if (off>>s.VMGapShift)&1 == 1 {
					return pc, rem, evMem, 0
				}
				mask := ^uint64(0) << s.VMGapShift
				off = (off&mask)>>1 | off&^mask
			}
			h := s.Host
			if off > uint64(len(h)) || 4 > uint64(len(h))-off {
				return pc, rem, evMem, 0
			}
			binary.LittleEndian.PutUint32(h[off:], uint32(r[src]))

		case iStReg8:
			addr := r[dst] + uint64(int64(d.aux))
			idx := addr >> VirtualAddressBits
			if idx >= uint64(len(slots)) {
				return pc, rem, evMem, 0
			}
			s := &slots[idx]
			if !s.Writable || addr < s.VMAddr {
				return pc, rem, evMem, 0
			}
			off := addr - s.VMAddr
			if s.VMGapShift < noGapShift {
				if (off>>s.VMGapShift)&1 == 1 {
					return pc, rem, evMem, 0
				}
				mask := ^uint64(0) << s.VMGapShift
				off = (off&mask)>>1 | off&^mask
			}
			h := s.Host
			if off > uint64(len(h)) || 8 > uint64(len(h))-off {
				return pc, rem, evMem, 0
			}
			binary.LittleEndian.PutUint64(h[off:], r[src])

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
				return pc, rem, evFault, ErrDivideByZero
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
				return pc, rem, evFault, ErrDivideByZero
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
				return pc, rem, evFault, ErrInvalidInstruction
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
				return pc, rem, evFault, ErrInvalidInstruction
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
				return pc, rem, evFault, ErrDivideByZero
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
				return pc, rem, evFault, ErrDivideByZero
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
				return pc, rem, evFault, ErrDivideOverflow
			}
			if d.op == iSdiv32Imm {
				r[dst] = uint64(uint32(a / b))
			} else {
				r[dst] = uint64(uint32(a % b))
			}
		case iSdiv32Reg, iSrem32Reg:
			a, b := int32(r[dst]), int32(r[src])
			if b == 0 {
				return pc, rem, evFault, ErrDivideByZero
			}
			if a == math.MinInt32 && b == -1 {
				return pc, rem, evFault, ErrDivideOverflow
			}
			if d.op == iSdiv32Reg {
				r[dst] = uint64(uint32(a / b))
			} else {
				r[dst] = uint64(uint32(a % b))
			}
		case iSdiv64Imm, iSrem64Imm:
			a, b := int64(r[dst]), d.imm
			if a == math.MinInt64 && b == -1 {
				return pc, rem, evFault, ErrDivideOverflow
			}
			if d.op == iSdiv64Imm {
				r[dst] = uint64(a / b)
			} else {
				r[dst] = uint64(a % b)
			}
		case iSdiv64Reg, iSrem64Reg:
			a, b := int64(r[dst]), int64(r[src])
			if b == 0 {
				return pc, rem, evFault, ErrDivideByZero
			}
			if a == math.MinInt64 && b == -1 {
				return pc, rem, evFault, ErrDivideOverflow
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
			depth := vm.CallDepth
			if depth >= uint64(len(vm.frames)) { // only if a syscall corrupted CallDepth
				return pc, rem, evFault, ErrCallDepthExceeded
			}
			f := &vm.frames[depth]
			f.saved = [ScratchRegs]uint64{r[6], r[7], r[8], r[9]}
			f.fp = r[FramePtrReg]
			f.target = pc + 1
			depth++
			vm.CallDepth = depth
			if depth == uint64(len(vm.frames)) {
				return pc, rem, evFault, ErrCallDepthExceeded
			}
			r[FramePtrReg] += vm.bump
			switch d.op {
			case iCallLocal:
				pc = uint64(d.aux)
			case iCallLocalOutside:
				return pc, rem, evFault, ErrCallOutsideTextSegment
			default:
				tpc := (target - vm.exe.TextVaddr) / InsnSize
				if tpc >= uint64(len(code)-1) {
					return pc, rem, evFault, ErrCallOutsideTextSegment
				}
				pc = tpc
			}
			continue

		case iCallSyscall, iSyscallThenCall:
			return pc, rem, evSyscall, 0

		case iExit:
			depth := vm.CallDepth
			if depth == 0 {
				return pc, rem, evReturn, 0
			}
			if depth > uint64(len(vm.frames)) {
				return pc, rem, evFault, ErrCallDepthExceeded
			}
			depth--
			vm.CallDepth = depth
			f := &vm.frames[depth]
			r[FramePtrReg] = f.fp
			r[6], r[7], r[8], r[9] = f.saved[0], f.saved[1], f.saved[2], f.saved[3]
			pc = f.target
			continue

		case iOverrun:
			return pc, rem, evFault, ErrExecutionOverrun

		default: // iInvalid
			return pc, rem, evFault, ErrUnsupportedInstruction
		}
		pc++
	}
}
