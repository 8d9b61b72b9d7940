package transpiled

import "github.com/sbpf-pvm/sbpf-pvm/sbpf"

// Frame-relative pointer provenance: a forward dataflow per function that tracks which of
// r0..r9 hold r10 + c (mov64 rX, r10, then add64/sub64 with immediates, copies). With
// fixed frames r10 is the current frame's top, so an access through such a register whose
// effective offset lies inside the frame goes straight to the frame, like an r10-relative
// one, instead of through the region table (and, on v0 with gaps, the gapped translation).

// frameRel is what is known of a register: r10 + c when ok; and hint, the region it
// probably points into (0: unknown). A hint only orders the checks of an access (the
// checks stay exact), so it may be wrong: r10 plus or minus anything is the stack, r1 at
// the entrypoint plus anything the input, a lddw constant its region.
type frameRel struct {
	ok   bool
	c    int64
	hint uint8
	// local: the register was derived from this function's r10 (not from a caller's
	// pointer), so with gaps an access through it first tries the current frame
	local bool
}

// provState holds r0..r9, then nSlots frame slots (direct-mapped by offset / 8): a slot
// that is ok holds the hint of the register last stored as a word at r10 + c, so that a
// pointer spilled to the frame and reloaded keeps its hint.
type provState [10 + nSlots]frameRel

const nSlots = 8

const stackRegion = uint8(sbpf.MMStackStart >> 32)

// provLimit bounds the tracked offsets (an offset beyond it is no longer frame data).
const provLimit = 1 << 24

// frameProvenance returns, per instruction of function e, what is known of the
// registers before it (nil for the universal function). The registers' region hints at
// the entry come from every call site (propagateHints).
func (t *translator) frameProvenance(e uint64) map[uint64]*provState {
	if e >= t.n {
		return nil
	}
	init := &provState{}
	if h := t.entryHints[e]; h != nil {
		for r := 0; r < 10; r++ {
			if h[r] != hintUnset {
				init[r].hint = h[r]
			}
		}
	}
	st := map[uint64]*provState{e: init}
	work := []uint64{e}
	for len(work) > 0 {
		pc := work[len(work)-1]
		work = work[:len(work)-1]
		out := *st[pc]
		t.provStep(pc, &out)
		for _, s := range t.succ(pc) {
			if s >= t.n {
				continue
			}
			cur, seen := st[s]
			if !seen {
				cp := out
				st[s] = &cp
				work = append(work, s)
				continue
			}
			changed := false
			for r := range cur {
				if cur[r].ok && (!out[r].ok || out[r].c != cur[r].c) {
					cur[r].ok, changed = false, true
				}
				if cur[r].hint != 0 && cur[r].hint != out[r].hint {
					cur[r].hint, changed = 0, true
				}
				if cur[r].local && !out[r].local {
					cur[r].local, changed = false, true
				}
			}
			if changed {
				work = append(work, s)
			}
		}
	}
	return st
}

// hintUnset marks an entry register no call site has been seen for yet.
const hintUnset = 0xff

// propagateHints computes the region hints of every function's registers at its entry:
// what all its call sites agree on (the entrypoint's r1 is the input; a function callx
// may reach knows nothing), to a fixed point.
func (t *translator) propagateHints() {
	t.entryHints = map[uint64]*[10]uint8{}
	for _, e := range t.entries {
		h := &[10]uint8{}
		if !t.hasCallx && e != t.exe.EntryPC {
			for r := range h {
				h[r] = hintUnset
			}
		}
		t.entryHints[e] = h
	}
	if h := t.entryHints[t.exe.EntryPC]; h != nil && !t.hasCallx {
		h[1] = uint8(sbpf.MMInputStart >> 32)
	}
	for round := 0; round < 32; round++ {
		changed := false
		for _, e := range t.entries {
			st := t.frameProvenance(e)
			for pc, s := range st {
				if t.ins[pc].op != opCall {
					continue
				}
				kind, target, _, ok := t.exe.ResolveCall(pc)
				if !ok || (kind != sbpf.CallInternal && kind != sbpf.CallSyscallThenInternal) || target >= t.n {
					continue
				}
				h := t.entryHints[target]
				if h == nil {
					continue
				}
				for r := 1; r < 10; r++ {
					n := s[r].hint
					if kind == sbpf.CallSyscallThenInternal && r == 0 {
						n = 0
					}
					if h[r] == hintUnset {
						h[r], changed = n, true
					} else if h[r] != n && h[r] != 0 {
						h[r], changed = 0, true
					}
				}
			}
		}
		if !changed {
			break
		}
	}
}

// provStep applies the instruction at pc to s.
func (t *translator) provStep(pc uint64, s *provState) {
	in := &t.ins[pc]
	d := in.Dst
	switch in.op {
	case opMov64R:
		if d < 10 {
			switch {
			case in.Src == 10:
				s[d] = frameRel{true, 0, stackRegion, true}
			case in.Src < 10:
				s[d] = s[in.Src]
			default:
				s[d] = frameRel{}
			}
		}
		return
	case opAdd64I, opSub64I:
		if d < 10 && s[d].ok {
			c := s[d].c + in.Imm
			if in.op == opSub64I {
				c = s[d].c - in.Imm
			}
			s[d] = frameRel{c > -provLimit && c < provLimit, c, s[d].hint, s[d].local}
		}
		return
	case opAdd64R, opSub64R:
		// a pointer plus or minus an index (or an index plus a pointer) stays in its region
		if d < 10 {
			h, l := s[d].hint, s[d].local
			if h == 0 && in.op == opAdd64R && in.Src < 10 {
				h, l = s[in.Src].hint, s[in.Src].local
			}
			if h == 0 && in.op == opAdd64R && in.Src == 10 {
				h, l = stackRegion, true
			}
			s[d] = frameRel{hint: h, local: l}
		}
		return
	case opLddw:
		if d < 10 {
			s[d] = frameRel{}
			if k := uint64(in.Imm) >> 32; k >= 1 && k <= 4 {
				s[d].hint = uint8(k)
			}
		}
		return
	case opLdx8, opStx8, opSti1, opSti2, opSti4, opSti8, opStx1, opStx2, opStx4:
		base := in.Src
		if in.op != opLdx8 {
			base = in.Dst
		}
		fo, rel := int64(in.Off), base == 10
		if base < 10 && s[base].ok {
			fo, rel = s[base].c+int64(in.Off), true
		}
		slot := &s[10+int(uint64(fo>>3)%nSlots)]
		switch {
		case in.op == opLdx8:
			if d < 10 {
				s[d] = frameRel{}
				if rel && slot.ok && slot.c == fo {
					s[d].hint, s[d].local = slot.hint, slot.local
				}
			}
		case rel && in.op == opStx8 && in.Src < 10:
			*slot = frameRel{true, fo, s[in.Src].hint, s[in.Src].local}
		case rel:
			// a narrower store may overwrite part of a recorded word
			size := int64(memSize(in.op))
			for i := 10; i < len(s); i++ {
				if s[i].ok && s[i].c < fo+size && fo < s[i].c+8 {
					s[i] = frameRel{}
				}
			}
		}
		return
	case opCall, opCallx:
		// r0..r5 are the callee's (a syscall writes only r0, but a syscall-then-internal
		// call may run a function); r6..r9 are restored.
		for r := 0; r <= 5; r++ {
			s[r] = frameRel{}
		}
		return
	}
	_, def := t.useDef(pc)
	for r := 0; r < 10; r++ {
		if def&(1<<r) != 0 {
			s[r] = frameRel{}
		}
	}
}
