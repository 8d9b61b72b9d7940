package link

import (
	"debug/elf"
	"sort"
	"strings"
)

// Symbol is a function of the linked program and the PVM code range [PC, End) it was
// laid out at. Profilers and tracers use it to name a pc; the linker does not need it.
type Symbol struct {
	Name    string
	PC, End uint32
}

// SymbolAt returns the symbol whose range holds pc (syms sorted by PC, as in
// Result.Symbols), or false.
func SymbolAt(syms []Symbol, pc uint32) (Symbol, bool) {
	i := sort.Search(len(syms), func(i int) bool { return syms[i].PC > pc }) - 1
	if i >= 0 && pc < syms[i].End {
		return syms[i], true
	}
	return Symbol{}, false
}

// symbols maps every function symbol of a live code section to its PVM code range, using
// the pc of each emitted instruction (pcs, from emit). A function ends where the next
// one (or its section's code) ends; aliases at the same pc keep the first name in
// (global before local, then alphabetical) order.
func (l *linker) symbols(pcs []uint32) []Symbol {
	type secRange struct{ first, end int } // emitted instruction indices
	ranges := map[*section]*secRange{}
	for bi, b := range l.blocks {
		end := len(pcs) - 1
		if bi+1 < len(l.blocks) {
			end = l.blocks[bi+1].firstEmit
		}
		if r := ranges[b.sec]; r != nil {
			r.end = end
		} else {
			ranges[b.sec] = &secRange{b.firstEmit, end}
		}
	}
	type cand struct {
		Symbol
		global bool
	}
	var cs []cand
	for _, sec := range l.secs {
		r := ranges[sec]
		if r == nil || sec.code == nil {
			continue
		}
		secEnd := pcs[r.end]
		starts := make([]int, 0, len(l.blockAt[sec]))
		for start := range l.blockAt[sec] {
			starts = append(starts, start)
		}
		sort.Ints(starts)
		for _, s := range sec.obj.syms {
			if int(s.Section) != sec.idx || elf.ST_TYPE(s.Info) != elf.STT_FUNC || s.Name == "" || strings.HasPrefix(s.Name, ".L") {
				continue
			}
			v := s.Value
			if sec.obj.typ != elf.ET_REL {
				v -= sec.addr
			}
			k := sec.code.opIndex(v)
			if k >= len(sec.code.ops) {
				continue
			}
			// the block holding op k: the nearest block start at or before k
			j := sort.SearchInts(starts, k+1) - 1
			if j < 0 {
				continue
			}
			bi, first := l.blockAt[sec][starts[j]], starts[j]
			pc := pcs[l.blocks[bi].firstEmit+k-first]
			cs = append(cs, cand{Symbol{Name: s.Name, PC: pc, End: secEnd}, elf.ST_BIND(s.Info) != elf.STB_LOCAL})
		}
	}
	sort.Slice(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.PC != b.PC {
			return a.PC < b.PC
		}
		if a.global != b.global {
			return a.global
		}
		return a.Name < b.Name
	})
	var out []Symbol
	for _, c := range cs {
		if n := len(out); n > 0 && out[n-1].PC == c.PC {
			continue
		}
		if n := len(out); n > 0 && out[n-1].End > c.PC {
			out[n-1].End = c.PC
		}
		out = append(out, c.Symbol)
	}
	return out
}
