package transpiled

import (
	"fmt"
	"math/bits"
	"strings"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
)

// Register liveness across the translated functions, so that a call passes only the
// registers its callee may read before writing them, and a function returns only the
// registers among r0..r5 that some caller may read after the call. r10 is never part of
// it: with fixed frames it follows from the call depth, otherwise it is always passed.
const (
	maskArgs  uint16 = 0x3f  // r0..r5: changed by a call
	maskRegs  uint16 = 0x3ff // r0..r9
	maskSysIn uint16 = 0x3e  // r1..r5: a syscall's arguments
)

func bit(r uint8) uint16 { return 1 << (r & 15) }

// useDef returns the registers the instruction at pc reads and writes (calls and exits
// are handled by the analysis).
func (t *translator) useDef(pc uint64) (use, def uint16) {
	in := &t.ins[pc]
	d, s := bit(in.Dst), bit(in.Src)
	switch in.op {
	case opInvalid, opJa, opExit, opCall, opCallx:
		return 0, 0
	case opLddw, opMov32I, opMov64I:
		return 0, d
	case opLdx1, opLdx2, opLdx4, opLdx8:
		return s, d
	case opSti1, opSti2, opSti4, opSti8:
		return d, 0
	case opStx1, opStx2, opStx4, opStx8:
		return d | s, 0
	case opMov32RZ, opMov32RS, opMov64R:
		return s, d
	case opJcc:
		if in.cond.isImm {
			return d, 0
		}
		return d | s, 0
	case opAdd32RS, opSub32RS, opMul32RS, opAdd32RZ, opSub32RZ, opDiv32R, opMod32R, opOr32R, opAnd32R, opXor32R,
		opLsh32R, opRsh32R, opArsh32R, opAdd64R, opSub64R, opMul64R, opDiv64R, opMod64R, opOr64R, opAnd64R, opXor64R,
		opLsh64R, opRsh64R, opArsh64R, opLmul32R, opUhmul64R, opShmul64R, opSdiv32R, opSdiv64R, opSrem32R, opSrem64R:
		return d | s, d
	}
	return d, d // the immediate forms, neg, le/be, hor64
}

// reach lists the instruction slots of the function entered at e.
func (t *translator) reach(e uint64) []uint64 {
	seen := map[uint64]bool{}
	work := []uint64{e}
	var out []uint64
	for len(work) > 0 {
		pc := work[len(work)-1]
		work = work[:len(work)-1]
		if pc >= t.n || seen[pc] {
			continue
		}
		seen[pc] = true
		out = append(out, pc)
		work = append(work, t.succ(pc)...)
	}
	return out
}

// analyze computes liveIn and retLive for every function, to a fixed point.
func (t *translator) analyze() error {
	t.liveIn = map[uint64]uint16{}
	t.retLive = map[uint64]uint16{}
	t.pcs = map[uint64][]uint64{}
	total := uint64(0)
	for _, e := range t.entries {
		t.pcs[e] = t.reach(e)
		total += uint64(len(t.pcs[e]))
		if total > maxDupFactor*t.n+maxDupReserve {
			return fmt.Errorf("%w: code shared by many entry points (%d instructions to translate for %d)", ErrTooLarge, total, t.n)
		}
		if t.hasCallx {
			t.retLive[e] = maskArgs // reached by callx: every caller reads everything
		}
	}
	t.retLive[t.exe.EntryPC] |= 1
	if t.hasCallx && t.n <= maxUnivInsns && total+t.n+1 <= maxDupFactor*t.n+maxDupReserve {
		// the universal function (key t.n): callx may land on any instruction, which then
		// may read any register and every caller reads r0..r5 after it.
		t.univ = true
		t.liveIn[t.n], t.retLive[t.n] = maskRegs, maskArgs
	}
	for changed := true; changed; {
		changed = false
		var callxUse uint16
		if t.hasCallx {
			for _, e := range t.entries {
				callxUse |= t.liveIn[e]
			}
			if t.univ {
				callxUse |= t.liveIn[t.n]
			}
		}
		for _, e := range t.entries {
			in, sites := t.liveness(e, callxUse)
			if in |= t.liveIn[e]; in != t.liveIn[e] {
				t.liveIn[e], changed = in, true
			}
			for target, after := range sites {
				if n := t.retLive[target] | after&maskArgs; n != t.retLive[target] {
					t.retLive[target], changed = n, true
				}
			}
		}
	}
	return nil
}

// liveness runs the backward analysis of function e and returns the registers live at its
// entry and, per internal call target, the registers live after its call sites.
func (t *translator) liveness(e uint64, callxUse uint16) (uint16, map[uint64]uint16) {
	pcs := t.pcs[e]
	live := make(map[uint64]uint16, len(pcs))
	sites := map[uint64]uint16{}
	for changed := true; changed; {
		changed = false
		for i := len(pcs) - 1; i >= 0; i-- {
			pc := pcs[i]
			var out uint16
			for _, s := range t.succ(pc) {
				if s < t.n {
					out |= live[s]
				}
			}
			var in uint16
			ins := &t.ins[pc]
			switch ins.op {
			case opExit:
				in = t.retLive[e] & maskArgs
			case opCall:
				kind, target, name, ok := t.exe.ResolveCall(pc)
				switch {
				case !ok || kind == sbpf.CallUnresolved || kind == sbpf.CallInternalOutside:
					in = 0
				case kind == sbpf.CallSyscall:
					in = sysArgs(name) | out&^1
				case kind == sbpf.CallInternal:
					in = t.liveIn[target]&maskRegs | out&^maskArgs
					sites[target] |= out
				default: // syscall, then internal
					in = sysArgs(name)
					if target < t.n {
						in |= t.liveIn[target]&maskRegs&^1 | out&^maskArgs
						sites[target] |= out
					}
				}
			case opCallx:
				in = t.useCallx(ins) | callxUse&maskRegs | out&^maskArgs
			default:
				use, def := t.useDef(pc)
				in = (use | out&^def) & maskRegs
			}
			if in != live[pc] {
				live[pc], changed = in, true
			}
		}
	}
	return live[e], sites
}

func (t *translator) callxReg(in *insn) uint8 {
	switch {
	case t.v.CallxUsesSrcReg():
		return in.Src
	case t.v.CallxUsesDstReg():
		return in.Dst
	}
	return uint8(in.Imm)
}

func (t *translator) useCallx(in *insn) uint16 { return bit(t.callxReg(in)) & maskRegs }

// regsOf lists the registers of a mask in ascending order.
func regsOf(m uint16) []uint8 {
	out := make([]uint8, 0, bits.OnesCount16(m))
	for r := uint8(0); r < 16; r++ {
		if m&(1<<r) != 0 {
			out = append(out, r)
		}
	}
	return out
}

// retTy is the LLVM return type of function e: its returned registers, then the meter.
func (t *translator) retTy(e uint64) string {
	n := bits.OnesCount16(t.retLive[e] & maskArgs)
	return "{ " + strings.Repeat("i64, ", n) + "i64 }"
}

// retErrOf is the error return of function e: the meter field is -1.
func (t *translator) retErrOf(e uint64) string {
	n := bits.OnesCount16(t.retLive[e] & maskArgs)
	return fmt.Sprintf("%s { %si64 -1 }", t.retTy(e), strings.Repeat("i64 0, ", n))
}

// params lists the registers passed to function e (r10 is added separately when frames
// are manual).
func (t *translator) params(e uint64) []uint8 { return regsOf(t.liveIn[e] & maskRegs) }

// syscallArity is how many of r1..r5 a syscall reads (Agave's syscall signatures); the
// others cannot influence it, so their values need not reach it. Unknown syscalls read
// all five.
var syscallArity = map[string]int{
	"abort": 0, "sol_panic_": 4, "sol_log_": 2, "sol_log_64_": 5, "sol_log_compute_units_": 0,
	"sol_log_pubkey": 1, "sol_log_data": 2, "sol_set_return_data": 2, "sol_get_return_data": 3,
	"sol_memcpy_": 3, "sol_memmove_": 3, "sol_memset_": 3, "sol_memcmp_": 4,
	"sol_sha256": 3, "sol_keccak256": 3, "sol_blake3": 3,
	"sol_create_program_address": 4, "sol_try_find_program_address": 5, "sol_alloc_free_": 2,
	"sol_get_clock_sysvar": 1, "sol_get_rent_sysvar": 1, "sol_get_epoch_schedule_sysvar": 1,
	"sol_get_last_restart_slot": 1, "sol_remaining_compute_units": 0, "sol_get_stack_height": 0,
}

func sysArgs(name string) uint16 {
	n, ok := syscallArity[name]
	if !ok {
		return maskSysIn
	}
	return (uint16(1)<<(n+1) - 1) &^ 1
}
