package link

import (
	"debug/elf"
	"encoding/binary"
	"fmt"
	"sort"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
)

// Options control a link.
type Options struct {
	// Profile selects the opcode numbering of the output (default pvm.GP072, the zero value;
	// pass pvm.GP080 for the 0.8 draft).
	Profile pvm.Profile
	// Entries are the entry-point symbols of the dispatch table, in order: entry i is a
	// jump at pc 5·i. JAM services use {"refine_ext", "accumulate_ext"}. When empty, the
	// functions exported with PVM_EXPORT / POLKAVM_EXPORT are used in the order of the
	// export tables.
	Entries []string
	// MinStack is a minimum stack size in bytes (the larger of it, 8192 and every
	// .polkavm_min_stack_size request is used, rounded up to 4096).
	MinStack uint32
	// HeapPages are extra zero-filled RW pages after the data and bss.
	HeapPages uint32
}

// Export is an entry point of the linked program.
type Export struct {
	Name string
	PC   uint32
}

// Import is a host function the program calls, with its ecalli immediate.
type Import struct {
	Name  string
	Index uint32
}

// Stats describe the linked program.
type Stats struct {
	CodeBytes       int // length of the PVM code
	Instructions    int // PVM instructions emitted
	RISCVBytes      int // bytes of RISC-V code translated (live sections)
	JumpTable       int // jump-table entries
	Blocks          int
	ROSize, RWSize  uint32 // in-memory sizes (RW includes bss)
	RWImage         int    // bytes of initialised RW data in the blob
	StackSize       uint32
	LiveCodeSecs    int
	DroppedCodeSecs int // code sections removed because nothing reachable refers to them
}

// Result is a linked program.
type Result struct {
	Program *pvm.StandardProgram
	Profile pvm.Profile
	Exports []Export // dispatch-table entries first (pc 0, 5, …), then other exports by block pc
	Imports []Import
	Stats   Stats
	// Symbols are the program's functions with their code ranges, sorted by PC.
	Symbols []Symbol
}

// Blob returns the JAM standard program bytes.
func (r *Result) Blob() []byte { return r.Program.Marshal() }

// Memory layout constants (spec §4.2, §6.3).
const (
	roBase   = 0x10000
	zoneSize = 0x10000
	pageSize = 0x1000
	argSize  = 1 << 24
)

func alignUp(v, a uint64) uint64 { return (v + a - 1) &^ (a - 1) }

type symDef struct {
	obj *object
	idx uint32 // symbol index
}

type importMeta struct {
	name     string
	hasIndex bool
	index    uint32
}

type linker struct {
	opts    Options
	objs    []*object
	secs    []*section // every kept section, in input order
	globals map[string]symDef
	commons map[string]*section

	imports    []importMeta
	importByID map[importMeta]int

	got      []target
	gotIndex map[target]int

	needSpill bool

	// layout
	gotBase, spillBase, heapBase uint32
	rwBase                       uint32
	roSize, rwSize, rwImage      uint32

	// blocks
	blocks   []*block
	blockAt  map[*section]map[int]int // section -> op index -> block
	slotOf   []int                    // block -> jump-table slot or -1
	codeRefs []codeRef
	pcs      []uint32 // pc of each emitted instruction, then the code length (after emit)
}

type codeRef struct {
	t        target
	needSlot bool
	from     *section
	fromOff  uint64
}

type block struct {
	sec        *section
	first, end int // op range in sec.code.ops
	firstEmit  int // index of the first emitted instruction
	needsSlot  bool
	slot       int
	pcVal      uint32 // pc of the first instruction, after encoding
}

// debugPanics lets tests see the stack of an internal error.
var debugPanics = false

// Link links the inputs into a JAM standard program.
func Link(inputs []Input, opts Options) (res *Result, err error) {
	defer func() {
		// Defensive: an internal bug must surface as an error, never crash the caller.
		if r := recover(); r != nil {
			if debugPanics {
				panic(r)
			}
			res, err = nil, &Error{Kind: ErrMalformed, Msg: fmt.Sprintf("internal error: %v", r)}
		}
	}()
	if len(inputs) == 0 {
		return nil, errf(ErrEntry, "no input files")
	}
	l := &linker{opts: opts, globals: map[string]symDef{}, commons: map[string]*section{},
		importByID: map[importMeta]int{}, gotIndex: map[target]int{}, blockAt: map[*section]map[int]int{}}
	for _, in := range inputs {
		o, err := readObject(in)
		if err != nil {
			return nil, err
		}
		l.objs = append(l.objs, o)
	}
	if err := l.collectSymbols(); err != nil {
		return nil, err
	}
	res, lerr := l.link()
	if lerr != nil {
		return nil, lerr
	}
	return res, nil
}

func (l *linker) collectSymbols() *Error {
	commonSize := map[string][2]uint64{}
	for _, o := range l.objs {
		for _, sec := range o.secs {
			if sec != nil && sec.class != secIgnore {
				sec.id = len(l.secs)
				l.secs = append(l.secs, sec)
			}
		}
		for i, s := range o.syms {
			bind := elf.ST_BIND(s.Info)
			if (bind != elf.STB_GLOBAL && bind != elf.STB_WEAK) || s.Section == elf.SHN_UNDEF || s.Name == "" {
				continue
			}
			if s.Section == elf.SHN_COMMON {
				c := commonSize[s.Name]
				commonSize[s.Name] = [2]uint64{max(c[0], s.Size), max(c[1], s.Value)}
				continue
			}
			if s.Section < elf.SHN_LORESERVE && int(s.Section) >= len(o.secs) {
				return &Error{Kind: ErrMalformed, File: o.name, Symbol: s.Name, Msg: fmt.Sprintf("section index %d out of range", s.Section)}
			}
			def := symDef{o, uint32(i + 1)}
			if prev, ok := l.globals[s.Name]; ok {
				pb := elf.ST_BIND(prev.obj.syms[prev.idx-1].Info)
				switch {
				case bind == elf.STB_WEAK:
					continue
				case pb == elf.STB_WEAK:
				default:
					return &Error{Kind: ErrDuplicateSymbol, File: o.name, Symbol: s.Name, Msg: "also defined in " + prev.obj.name}
				}
			}
			l.globals[s.Name] = def
		}
	}
	// COMMON symbols not defined elsewhere become bss sections.
	names := make([]string, 0, len(commonSize))
	for n := range commonSize {
		if _, ok := l.globals[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		c := commonSize[n]
		al := max(c[1], 1)
		if al&(al-1) != 0 || al > 1<<16 || c[0] >= 1<<32 {
			return &Error{Kind: ErrMalformed, Symbol: n, Msg: "bad COMMON symbol size or alignment"}
		}
		sec := &section{id: len(l.secs), name: "COMMON." + n, class: secBSS, size: c[0], align: al, obj: l.objs[0]}
		l.secs = append(l.secs, sec)
		l.commons[n] = sec
	}
	return nil
}

// resolve finds the target of symbol si + addend of object o; from/fromOff locate the reference for errors.
func (l *linker) resolve(o *object, si uint32, addend int64, from *section, fromOff uint64) (target, *Error) {
	if si == 0 {
		return target{off: uint64(addend)}, nil
	}
	if int(si) > len(o.syms) {
		return target{}, errAt(ErrMalformed, from, fromOff, "symbol index %d out of range", si)
	}
	s := o.syms[si-1]
	switch {
	case s.Section == elf.SHN_UNDEF:
		def, ok := l.globals[s.Name]
		if !ok {
			if c, ok := l.commons[s.Name]; ok {
				return target{sec: c, off: uint64(addend)}, nil
			}
			if elf.ST_BIND(s.Info) == elf.STB_WEAK {
				return target{off: uint64(addend)}, nil // an undefined weak symbol is 0
			}
			e := errAt(ErrUndefinedSymbol, from, fromOff, "undefined symbol %q", s.Name)
			return target{}, e
		}
		if def.obj == o && def.idx == si {
			return target{}, errAt(ErrMalformed, from, fromOff, "symbol %q resolves to itself", s.Name)
		}
		return l.resolve(def.obj, def.idx, addend, from, fromOff)
	case s.Section == elf.SHN_ABS:
		return target{off: s.Value + uint64(addend)}, nil
	case s.Section == elf.SHN_COMMON:
		if c, ok := l.commons[s.Name]; ok {
			return target{sec: c, off: uint64(addend)}, nil
		}
		if def, ok := l.globals[s.Name]; ok {
			return l.resolve(def.obj, def.idx, addend, from, fromOff)
		}
		return target{}, errAt(ErrMalformed, from, fromOff, "COMMON symbol %q without storage", s.Name)
	case s.Section >= elf.SHN_LORESERVE || int(s.Section) >= len(o.secs) || o.secs[s.Section] == nil:
		return target{}, errAt(ErrMalformed, from, fromOff, "symbol %q has unsupported section index 0x%x", s.Name, uint16(s.Section))
	}
	sec := o.secs[s.Section]
	var off uint64
	if o.typ == elf.ET_REL {
		off = s.Value + uint64(addend)
	} else {
		addr := s.Value + uint64(addend)
		if addr < sec.addr || addr > sec.addr+sec.size {
			sec = nil
			for _, c := range o.secs {
				if c != nil && c.class != secIgnore && addr >= c.addr && addr < c.addr+c.size {
					sec = c
					break
				}
			}
			if sec == nil {
				return target{}, errAt(ErrUnsupportedRelocation, from, fromOff, "%s+%d (0x%x) is in no section", s.Name, addend, addr)
			}
		}
		off = addr - sec.addr
	}
	if off > sec.size {
		return target{}, errAt(ErrUnsupportedRelocation, from, fromOff, "reference to %s%+d lies outside section %s (size 0x%x)", l.targetName(o, si), addend, sec.name, sec.size)
	}
	return target{sec: sec, off: off}, nil
}

// resolveRela resolves the target of relocation r of sec.
func (l *linker) resolveRela(sec *section, r rela) (target, *Error) {
	if !r.vaddr {
		return l.resolve(sec.obj, r.sym, r.addend, sec, r.off)
	}
	addr := uint64(r.addend)
	for _, c := range sec.obj.secs {
		if c != nil && c.class != secIgnore && addr >= c.addr && addr < c.addr+c.size {
			return target{sec: c, off: addr - c.addr}, nil
		}
	}
	return target{}, errAt(ErrUnsupportedRelocation, sec, r.off, "R_RISCV_RELATIVE to 0x%x, which is in no section", addr)
}

func (l *linker) gotSlot(t target) {
	if _, ok := l.gotIndex[t]; !ok {
		l.gotIndex[t] = len(l.got)
		l.got = append(l.got, t)
	}
}

// relaAt finds the relocation at offset off of sec.
func relaAt(sec *section, off uint64) (rela, bool) {
	i := sort.Search(len(sec.relas), func(i int) bool { return sec.relas[i].off >= off })
	if i < len(sec.relas) && sec.relas[i].off == off {
		return sec.relas[i], true
	}
	return rela{}, false
}

// pointerAt resolves the 8-byte pointer stored at (sec, off) through its relocation.
func (l *linker) pointerAt(sec *section, off uint64) (target, *Error) {
	r, ok := relaAt(sec, off)
	if !ok || (r.typ != elf.R_RISCV_64 && r.typ != elf.R_RISCV_PCREL_HI20) {
		return target{}, errAt(ErrImport, sec, off, "pointer without an R_RISCV_64 relocation")
	}
	return l.resolveRela(sec, r)
}

// metadata parses a polkavm extern metadata record (spec §6.6).
func (l *linker) metadata(t target, from *section, fromOff uint64) (importMeta, *Error) {
	var m importMeta
	sec := t.sec
	if sec == nil || sec.data == nil || t.off+19 > uint64(len(sec.data)) {
		return m, errAt(ErrImport, from, fromOff, "metadata pointer to %s: not a metadata record", t)
	}
	d := sec.data[t.off:]
	ver := d[0]
	if ver != 1 && ver != 2 {
		return m, errAt(ErrImport, sec, t.off, "unsupported metadata version %d", ver)
	}
	if binary.LittleEndian.Uint32(d[1:]) != 0 {
		return m, errAt(ErrImport, sec, t.off, "metadata flags must be 0")
	}
	n := binary.LittleEndian.Uint32(d[5:])
	nt, err := l.pointerAt(sec, t.off+9)
	if err != nil {
		return m, err
	}
	if nt.sec == nil || nt.sec.data == nil || nt.off+uint64(n) > uint64(len(nt.sec.data)) {
		return m, errAt(ErrImport, sec, t.off, "metadata symbol name (%d bytes at %s) out of range", n, nt)
	}
	m.name = string(nt.sec.data[nt.off : nt.off+uint64(n)])
	if d[17] > 9 || d[18] > 2 {
		return m, errAt(ErrImport, sec, t.off, "metadata of %q: %d input / %d output registers (max 9 / 2)", m.name, d[17], d[18])
	}
	if ver == 2 {
		if len(d) < 24 {
			return m, errAt(ErrImport, sec, t.off, "truncated v2 metadata of %q", m.name)
		}
		m.hasIndex = d[19] != 0
		if m.hasIndex {
			m.index = binary.LittleEndian.Uint32(d[20:])
		}
	}
	return m, nil
}

// importAt registers the import whose metadata is at t, returning its import number.
func (l *linker) importAt(t target, from *section, fromOff uint64) (int, *Error) {
	m, err := l.metadata(t, from, fromOff)
	if err != nil {
		return 0, err
	}
	if n, ok := l.importByID[m]; ok {
		return n, nil
	}
	for _, o := range l.imports {
		if o.name == m.name {
			return 0, errAt(ErrImport, from, fromOff, "import %q declared twice with different metadata", m.name)
		}
	}
	l.importByID[m] = len(l.imports)
	l.imports = append(l.imports, m)
	return len(l.imports) - 1, nil
}

// importIndices assigns the ecalli immediates (spec §6.6).
func (l *linker) importIndices() ([]uint32, *Error) {
	idx := make([]uint32, len(l.imports))
	with := 0
	for _, m := range l.imports {
		if m.hasIndex {
			with++
		}
	}
	switch {
	case with == len(l.imports):
		seen := map[uint32]string{}
		for i, m := range l.imports {
			if prev, ok := seen[m.index]; ok && prev != m.name {
				return nil, &Error{Kind: ErrImport, Symbol: m.name, Msg: fmt.Sprintf("host-call index %d also used by %q", m.index, prev)}
			}
			seen[m.index] = m.name
			idx[i] = m.index
		}
	case with == 0:
		order := make([]int, len(l.imports))
		for i := range order {
			order[i] = i
		}
		sort.Slice(order, func(a, b int) bool { return l.imports[order[a]].name < l.imports[order[b]].name })
		for n, i := range order {
			idx[i] = uint32(n)
		}
	default:
		return nil, errf(ErrImport, "some imports have an explicit host-call index and some do not; use PVM_IMPORT with an index for all")
	}
	return idx, nil
}

type exportDef struct {
	name string
	t    target
}

func (l *linker) exports() ([]exportDef, *Error) {
	var out []exportDef
	for _, sec := range l.secs {
		if sec.class != secExports {
			continue
		}
		for p := uint64(0); p < sec.size; p += 17 {
			if p+17 > uint64(len(sec.data)) {
				return nil, errAt(ErrImport, sec, p, "truncated export entry")
			}
			if sec.data[p] != 1 {
				return nil, errAt(ErrImport, sec, p, "unsupported export entry version %d", sec.data[p])
			}
			mt, err := l.pointerAt(sec, p+1)
			if err != nil {
				return nil, err
			}
			m, err := l.metadata(mt, sec, p+1)
			if err != nil {
				return nil, err
			}
			ft, err := l.pointerAt(sec, p+9)
			if err != nil {
				return nil, err
			}
			if ft.sec == nil || ft.sec.class != secCode {
				return nil, &Error{Kind: ErrEntry, File: sec.obj.name, Section: sec.name, Symbol: m.name, Offset: p, HasOff: true, Msg: "exported symbol is not code"}
			}
			out = append(out, exportDef{m.name, ft})
		}
	}
	return out, nil
}

// entry resolves an entry-point symbol by name.
func (l *linker) entry(name string) (target, *Error) {
	if def, ok := l.globals[name]; ok {
		t, err := l.resolve(def.obj, def.idx, 0, nil, 0)
		if err != nil {
			return t, err
		}
		if t.sec == nil || t.sec.class != secCode {
			return t, &Error{Kind: ErrEntry, Symbol: name, Msg: "entry point is not code"}
		}
		return t, nil
	}
	var found []target
	for _, o := range l.objs {
		for i, s := range o.syms {
			if s.Name == name && elf.ST_TYPE(s.Info) == elf.STT_FUNC && s.Section != elf.SHN_UNDEF {
				if t, err := l.resolve(o, uint32(i+1), 0, nil, 0); err == nil && t.sec != nil && t.sec.class == secCode {
					found = append(found, t)
				}
			}
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return target{}, &Error{Kind: ErrEntry, Symbol: name, Msg: "entry point not found"}
	}
	return target{}, &Error{Kind: ErrEntry, Symbol: name, Msg: "entry point name is ambiguous (several local functions)"}
}

// skipInGC reports relocations that are not references to memory.
func skipInGC(sec *section, r rela) bool {
	switch r.typ {
	case elf.R_RISCV_NONE, elf.R_RISCV_RELAX, elf.R_RISCV_ALIGN, elf.R_RISCV_PCREL_LO12_I, elf.R_RISCV_PCREL_LO12_S:
		return true
	case elf.R_RISCV_64, elf.R_RISCV_PCREL_HI20:
		if sec.class == secCode && r.off >= 4 {
			if w, ok := read32(sec.data, r.off-4); ok && w == importMarker {
				return true // import metadata pointer
			}
		}
	}
	return false
}

// gc marks every section reachable from the roots; data sections are reached through
// relocations, code sections through relocations and entry points.
func (l *linker) gc(roots []*section) *Error {
	var queue []*section
	mark := func(s *section) {
		if !s.live {
			s.live = true
			queue = append(queue, s)
		}
	}
	for _, s := range roots {
		mark(s)
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, r := range s.relas {
			if skipInGC(s, r) {
				continue
			}
			t, err := l.resolveRela(s, r)
			if err != nil {
				return err
			}
			if t.sec == nil {
				continue
			}
			switch t.sec.class {
			case secCode, secRO, secRW, secBSS:
				mark(t.sec)
			default:
				return errAt(ErrUnsupportedSection, s, r.off, "%v refers to section %s, which is not loaded into memory", r.typ, t.sec.name)
			}
		}
	}
	return nil
}

func (l *linker) link() (*Result, *Error) {
	exps, err := l.exports()
	if err != nil {
		return nil, err
	}
	type entryDef struct {
		name string
		t    target
	}
	var dispatch []entryDef
	if len(l.opts.Entries) > 0 {
		for _, n := range l.opts.Entries {
			t, err := l.entry(n)
			if err != nil {
				return nil, err
			}
			dispatch = append(dispatch, entryDef{n, t})
		}
	} else {
		for _, e := range exps {
			dispatch = append(dispatch, entryDef(e))
		}
	}
	if len(dispatch) == 0 {
		return nil, errf(ErrEntry, "no entry points: name them (Options.Entries, -e) or export functions with PVM_EXPORT")
	}
	var roots []*section
	for _, e := range dispatch {
		roots = append(roots, e.t.sec)
	}
	for _, e := range exps {
		roots = append(roots, e.t.sec)
	}
	if err := l.gc(roots); err != nil {
		return nil, err
	}
	var stats Stats
	for _, sec := range l.secs {
		if sec.class != secCode {
			continue
		}
		if !sec.live {
			stats.DroppedCodeSecs++
			continue
		}
		stats.LiveCodeSecs++
		stats.RISCVBytes += int(sec.size)
		if err := l.translate(sec); err != nil {
			return nil, err
		}
	}
	importIdx, err := l.importIndices()
	if err != nil {
		return nil, err
	}
	if err := l.collectCodeRefs(); err != nil {
		return nil, err
	}
	entryTargets := make([]target, len(dispatch))
	for i, e := range dispatch {
		entryTargets[i] = e.t
		l.codeRefs = append(l.codeRefs, codeRef{t: e.t})
	}
	for _, e := range exps {
		l.codeRefs = append(l.codeRefs, codeRef{t: e.t})
	}
	if err := l.buildBlocks(); err != nil {
		return nil, err
	}
	stack, err := l.stackSize()
	if err != nil {
		return nil, err
	}
	ro, rw, err := l.layout()
	if err != nil {
		return nil, err
	}
	prog, nInst, err := l.emit(entryTargets, importIdx)
	if err != nil {
		return nil, err
	}
	if err := l.applyDataRelocs(ro, rw); err != nil {
		return nil, err
	}
	l.fillGOT(ro)
	z := (alignUp(uint64(l.rwSize), pageSize)-alignUp(uint64(len(rw)), pageSize))/pageSize + uint64(l.opts.HeapPages)
	sp := &pvm.StandardProgram{RO: ro, RW: rw, HeapPages: uint32(z), StackSize: stack, Code: prog}
	if z >= 1<<16 {
		return nil, errf(ErrLayout, "%d zero pages (bss + heap) do not fit the 16-bit field", z)
	}
	if e := sp.Validate(); e != nil {
		return nil, errf(ErrLayout, "%v", e)
	}
	q := func(x uint64) uint64 { return alignUp(x, zoneSize) }
	if 5*zoneSize+q(uint64(len(ro)))+q(uint64(len(rw))+z*pageSize)+q(uint64(stack))+argSize > 1<<32 {
		return nil, errf(ErrLayout, "program does not fit the 32-bit address space (RO %d, RW %d + %d pages, stack %d)", len(ro), len(rw), z, stack)
	}
	// Self-check (spec §6.8): the blob parses back strictly and decodes under its profile.
	if _, e := pvm.ParseStandardProgram(sp.Marshal()); e != nil {
		return nil, errf(ErrLayout, "internal error: output does not parse: %v", e)
	}
	if _, e := pvm.ParseProgramStrict(prog.Marshal()); e != nil {
		return nil, errf(ErrLayout, "internal error: program blob is not canonical: %v", e)
	}
	if _, e := pvm.Decode(l.opts.Profile, prog); e != nil {
		return nil, errf(ErrLayout, "internal error: output does not decode under %s: %v", l.opts.Profile, e)
	}

	res := &Result{Program: sp, Profile: l.opts.Profile}
	for i, e := range dispatch {
		res.Exports = append(res.Exports, Export{Name: e.name, PC: uint32(5 * i)})
	}
	inDispatch := map[string]bool{}
	for _, e := range dispatch {
		inDispatch[e.name] = true
	}
	for _, e := range exps {
		if !inDispatch[e.name] {
			b := l.blockOf(e.t)
			res.Exports = append(res.Exports, Export{Name: e.name, PC: l.blocks[b].pc(prog)})
		}
	}
	for i, m := range l.imports {
		res.Imports = append(res.Imports, Import{Name: m.name, Index: importIdx[i]})
	}
	stats.CodeBytes = len(prog.Code)
	stats.Instructions = nInst
	stats.JumpTable = len(prog.JumpTable)
	stats.Blocks = len(l.blocks)
	stats.ROSize, stats.RWSize, stats.RWImage, stats.StackSize = l.roSize, l.rwSize, len(rw), stack
	res.Stats = stats
	res.Symbols = l.symbols(l.pcs)
	return res, nil
}

// stackSize is max(8192, MinStack, every .polkavm_min_stack_size value) rounded up to a page.
func (l *linker) stackSize() (uint32, *Error) {
	s := uint64(max(8192, l.opts.MinStack))
	for _, sec := range l.secs {
		if sec.class != secMinStack {
			continue
		}
		if len(sec.data)%4 != 0 {
			return 0, errAt(ErrMalformed, sec, 0, "size %d is not a multiple of 4", len(sec.data))
		}
		for p := 0; p < len(sec.data); p += 4 {
			s = max(s, uint64(binary.LittleEndian.Uint32(sec.data[p:])))
		}
	}
	s = alignUp(s, pageSize)
	if s >= 1<<24 {
		return 0, errf(ErrLayout, "stack size %d exceeds the 24-bit field", s)
	}
	return uint32(s), nil
}
