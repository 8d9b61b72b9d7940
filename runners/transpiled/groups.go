package transpiled

import "fmt"

// Accesses checked once per block. Within a basic block, the memory accesses through one
// value of a base register (the register not redefined between them) form a group: a
// Solana program reads and writes a structure's fields through one pointer (account
// infos, instruction data, a local buffer). The block is emitted twice from the group's
// first access on:
//
//   - the fast copy checks, at the group's first access, that the whole span of the
//     group's accesses [base + min offset, base + max end) lies inside the region its
//     accesses would check first (the hinted region, the input for an unhinted base,
//     the current frame for a local stack pointer on v0 with gaps); if so, every access
//     of the group is a plain host access (the host base plus the offset, which folds
//     into the load or store);
//   - otherwise it continues in the slow copy at the same instruction, which checks every
//     access as before (addr), so a fault happens at exactly the native instruction.
//
// Both copies end at the last grouped access and continue in one tail (the rest of the
// block), so nothing after it is duplicated. Registers are flushed to their allocas at
// every group check, where the slow copy may be entered. A group check that fails only
// costs gas: the slow copy is the complete per-access translation.

// memGroup is one group of accesses of a block.
type memGroup struct {
	base        uint8
	first, last int   // indices in the block of its first and last access
	n           int   // its accesses
	minOff      int64 // the span of its accesses relative to the base
	maxEnd      int64
	store       bool   // some access is a store (the check uses store limits)
	frame       bool   // checked against the current frame (v0 with gaps, local pointer)
	region      uint64 // otherwise the region table entry
	hb          string // the host address of the base (fast copy)
}

// minGroup is the fewest accesses that make a group: the check costs about as much as
// one access's own, so two accesses already save instructions.
const minGroup = 2

// memAccess describes the memory access of the instruction at pc, if it is one.
func (t *translator) memAccess(pc uint64) (base uint8, off int64, size int, store, ok bool) {
	in := &t.ins[pc]
	switch in.op {
	case opLdx1, opLdx2, opLdx4, opLdx8:
		return in.Src, int64(in.Off), memSize(in.op), false, true
	case opSti1, opSti2, opSti4, opSti8, opStx1, opStx2, opStx4, opStx8:
		return in.Dst, int64(in.Off), memSize(in.op), true, true
	}
	return 0, 0, 0, false, false
}

// planGroups finds the groups of the block pcs (whose state before the first instruction
// is t.provCur): per instruction index its group (nil when ungrouped), and the indices of
// the first group check and of the last grouped access. gs is nil without groups.
func (t *translator) planGroups(pcs []uint64) (gs []*memGroup, first, last int) {
	st := t.provCur
	var ver [10]int
	type key struct {
		r uint8
		v int
	}
	open := map[key]*memGroup{}
	per := make([]*memGroup, len(pcs))
	fs := int64(t.cfg.StackFrameSize)
	for i, pc := range pcs {
		if base, off, size, store, ok := t.memAccess(pc); ok && base < 10 {
			fo := st[base].c + off
			direct := st[base].ok && t.fixed && fo >= -fs && fo <= -int64(size)
			hint := st[base].hint
			g := &memGroup{base: base, first: i, last: i, minOff: off, maxEnd: off + int64(size), store: store}
			usable := !direct
			switch {
			case t.gaps && hint == stackRegion:
				g.frame = true
				usable = usable && t.fixed && st[base].local
			case hint >= 1 && hint < 5:
				g.region = uint64(hint)
				if _, known := t.regionStart(g.region); !known {
					usable = false
				}
			default:
				g.region = 4 // the input, as addr tries first
			}
			if usable {
				k := key{base, ver[base]}
				if o := open[k]; o != nil {
					o.last, o.n = i, o.n+1
					o.minOff, o.maxEnd = min(o.minOff, off), max(o.maxEnd, off+int64(size))
					o.store = o.store || store
					per[i] = o
				} else {
					g.n = 1
					open[k] = g
					per[i] = g
				}
			}
		}
		t.provStep(pc, &st)
		var def uint16
		switch t.ins[pc].op {
		case opCall, opCallx:
			def = maskArgs
		default:
			_, def = t.useDef(pc)
		}
		for r := uint8(0); r < 10; r++ {
			if def&(1<<r) != 0 {
				ver[r]++
			}
		}
	}
	first, last = len(pcs), -1
	for i, g := range per {
		if g == nil {
			continue
		}
		w := g.maxEnd - g.minOff
		if g.n < minGroup || (g.frame && w > fs) || w > 1<<20 ||
			(!g.frame && g.store && g.region == t.exe.RodataVaddr>>32) {
			per[i] = nil
			continue
		}
		first, last = min(first, g.first), max(last, i)
	}
	if last < 0 {
		return nil, 0, 0
	}
	return per, first, last
}

// emitGrouped emits pcs[:last+1] of the current block in two copies (see above) and
// opens the tail, where the rest of the block continues.
func (t *translator) emitGrouped(pcs []uint64, per []*memGroup, first, last int) {
	provAt := make([]provState, last+1)
	l := pcs[0]
	// the fast copy
	t.fastGrp = map[uint64]*memGroup{}
	for i := 0; i <= last; i++ {
		pc := pcs[i]
		provAt[i] = t.provCur
		if g := per[i]; g != nil && g.first == i {
			t.groupCheck(g, pc)
		}
		if g := per[i]; g != nil {
			t.fastGrp[pc] = g
		}
		t.step(pc)
	}
	t.fastGrp = nil
	after := t.provCur
	t.flush()
	t.f("  br label %%gt%d\n", l)
	// the slow copy, entered at every group check
	t.sfx = "s"
	for i := first; i <= last; i++ {
		pc := pcs[i]
		if g := per[i]; g != nil && g.first == i {
			if i != first {
				t.flush()
				t.f("  br label %%gs%d\n", pc)
			}
			t.f("gs%d:\n", pc)
			t.regVal, t.dirty = map[uint8]string{}, 0
			t.provCur, t.blkIdx = provAt[i], uint64(i)
		}
		t.step(pc)
	}
	t.flush()
	t.f("  br label %%gt%d\n", l)
	t.sfx = ""
	// the tail
	t.f("gt%d:\n", l)
	t.regVal, t.dirty = map[uint8]string{}, 0
	t.provCur, t.blkIdx = after, uint64(last+1)
}

// groupCheck emits group g's check before its first access (at pc): on success the fast
// copy continues with g.hb set, otherwise the slow copy is entered at pc.
func (t *translator) groupCheck(g *memGroup, pc uint64) {
	t.flush()
	b := t.load(g.base)
	w := g.maxEnd - g.minOff
	var ok string
	if g.frame {
		fs := int64(t.cfg.StackFrameSize)
		d := t.bin("sub", "i64", b, t.load(10))
		x := t.bin("add", "i64", d, fmt.Sprintf("%d", fs+g.minOff))
		ok = t.bin("icmp ult", "i64", x, fmt.Sprintf("%d", fs-w+1))
		g.hb = t.v_()
		t.f("  %s = getelementptr i8, ptr %%fph, i64 %s\n", g.hb, d)
	} else {
		ix := fmt.Sprintf("%d", g.region)
		vm := ""
		if v, known := t.regionStart(g.region); known {
			vm = fmt.Sprintf("%d", v)
		}
		lim := func(size int) string {
			if l, known := t.regionLimit(g.region, size, g.store); known {
				return fmt.Sprintf("%d", l)
			}
			return ""
		}
		a := t.bin("add", "i64", b, fmt.Sprintf("%d", g.minOff))
		var e string
		if w <= 8 {
			size := 8
			for _, s := range []int{1, 2, 4} {
				if int64(s) >= w {
					size = s
					break
				}
			}
			e, ok = t.regionCheck(a, ix, vm, lim(size), size, g.store)
		} else {
			// both ends' 8-byte windows inside the region (contiguous, shorter than 4 GiB)
			var ok1, ok2 string
			e, ok1 = t.regionCheck(a, ix, vm, lim(8), 8, g.store)
			z := t.bin("add", "i64", b, fmt.Sprintf("%d", g.maxEnd-8))
			_, ok2 = t.regionCheck(z, ix, vm, lim(8), 8, g.store)
			ok = t.bin("and", "i1", ok1, ok2)
		}
		g.hb = t.regionHost(b, e)
	}
	t.f("  br i1 %s, label %%gf%d, label %%gs%d, !prof !1\ngf%d:\n", ok, pc, pc, pc)
}
