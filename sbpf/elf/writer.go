package elf

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
)

// Section names the part of a Program a Location points into.
type Section uint8

// Sections of a Program.
const (
	SecText   Section = iota // the instructions
	SecRodata                // read-only data (may hold relocated pointers)
)

func (s Section) String() string {
	if s == SecText {
		return ".text"
	}
	return ".rodata"
}

// Location is a byte offset inside a Program section.
type Location struct {
	Section Section
	Offset  uint64
}

// Symbol is a function defined in Text at instruction index PC.
type Symbol struct {
	Name string
	PC   uint64
}

// RelocKind says what a Reloc site needs.
type RelocKind uint8

// Relocation kinds. See the package documentation for what each becomes in each format.
const (
	// RelocAddress: the site refers to the address of Target. In Text the site is a lddw
	// (both immediates are written); in Rodata it is a 64-bit pointer slot.
	RelocAddress RelocKind = iota
	// RelocSyscall: the site is a `call` of the external function (syscall) Symbol.
	RelocSyscall
	// RelocCall: the site is a `call` of the function Symbol, which must be in Functions.
	RelocCall
)

// Reloc is one relocation site of a Program.
type Reloc struct {
	Kind   RelocKind
	Site   Location // SecText sites must be 8-byte aligned instruction slots
	Target Location // RelocAddress only
	Symbol string   // RelocSyscall, RelocCall
}

// Program is the linker-neutral description of an sBPF program that Write turns into an ELF.
type Program struct {
	Version   sbpf.Version
	Text      []byte   // instructions; len must be a non-zero multiple of 8
	Rodata    []byte   // read-only data; may be empty
	EntryPC   uint64   // instruction index of the entrypoint
	Functions []Symbol // exported functions ("entrypoint" is added at EntryPC when absent)
	Relocs    []Reloc
	// Machine overrides e_machine for the legacy format (0 means EM_BPF; EMSBPF is accepted too).
	Machine uint16
}

// ErrInvalidProgram is wrapped by every error Write returns for an inconsistent Program.
var ErrInvalidProgram = errors.New("elf: invalid program")

func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidProgram, fmt.Sprintf(format, args...))
}

// Write produces the ELF for p.Version: WriteStrict for v3+, WriteLegacy otherwise.
func Write(p *Program) ([]byte, error) {
	if p.Version.EnableStricterELFHeaders() {
		return WriteStrict(p)
	}
	return WriteLegacy(p)
}

func (p *Program) check() (map[string]uint64, error) {
	if len(p.Text) == 0 || len(p.Text)%insnSize != 0 {
		return nil, invalidf("text length %d is not a non-zero multiple of 8", len(p.Text))
	}
	n := uint64(len(p.Text)) / insnSize
	if p.EntryPC >= n {
		return nil, invalidf("entrypoint pc %d outside %d instructions", p.EntryPC, n)
	}
	funcs := map[string]uint64{}
	for _, f := range p.Functions {
		if f.Name == "" || len(f.Name) >= symbolNameLengthMaximum {
			return nil, invalidf("function name %q must be 1..%d bytes", f.Name, symbolNameLengthMaximum-1)
		}
		if f.PC >= n {
			return nil, invalidf("function %s at pc %d outside %d instructions", f.Name, f.PC, n)
		}
		if old, ok := funcs[f.Name]; ok && old != f.PC {
			return nil, invalidf("function %s defined twice", f.Name)
		}
		funcs[f.Name] = f.PC
	}
	if _, ok := funcs["entrypoint"]; !ok {
		funcs["entrypoint"] = p.EntryPC
	} else if funcs["entrypoint"] != p.EntryPC {
		return nil, invalidf("function entrypoint at pc %d but EntryPC is %d", funcs["entrypoint"], p.EntryPC)
	}
	for i, r := range p.Relocs {
		if err := p.checkLoc(r.Site, 8); err != nil {
			return nil, invalidf("reloc %d site: %v", i, err)
		}
		if r.Site.Section == SecText && r.Site.Offset%insnSize != 0 {
			return nil, invalidf("reloc %d site %#x is not an instruction slot", i, r.Site.Offset)
		}
		switch r.Kind {
		case RelocAddress:
			if r.Site.Section == SecText && (r.Site.Offset+16 > uint64(len(p.Text))) {
				return nil, invalidf("reloc %d: lddw at %#x needs two slots", i, r.Site.Offset)
			}
			if err := p.checkLoc(r.Target, 0); err != nil {
				return nil, invalidf("reloc %d target: %v", i, err)
			}
		case RelocSyscall, RelocCall:
			if r.Site.Section != SecText {
				return nil, invalidf("reloc %d: a call site must be in .text", i)
			}
			if r.Symbol == "" || len(r.Symbol) >= symbolNameLengthMaximum {
				return nil, invalidf("reloc %d: symbol name %q must be 1..%d bytes", i, r.Symbol, symbolNameLengthMaximum-1)
			}
			if _, ok := funcs[r.Symbol]; r.Kind == RelocCall && !ok {
				return nil, invalidf("reloc %d: call of undefined function %s", i, r.Symbol)
			}
		default:
			return nil, invalidf("reloc %d: unknown kind %d", i, r.Kind)
		}
	}
	return funcs, nil
}

func (p *Program) checkLoc(l Location, size uint64) error {
	var n uint64
	switch l.Section {
	case SecText:
		n = uint64(len(p.Text))
	case SecRodata:
		n = uint64(len(p.Rodata))
	default:
		return fmt.Errorf("unknown section %d", l.Section)
	}
	if l.Offset > n || n-l.Offset < size {
		return fmt.Errorf("offset %#x outside %s (%d bytes)", l.Offset, l.Section, n)
	}
	return nil
}

func align8(x uint64) uint64 { return (x + 7) &^ 7 }

// strtab accumulates a string table (offset 0 is the empty string).
type strtab struct{ b []byte }

func newStrtab() *strtab { return &strtab{b: []byte{0}} }

func (s *strtab) add(name string) uint32 {
	off := uint32(len(s.b))
	s.b = append(s.b, name...)
	s.b = append(s.b, 0)
	return off
}

type outSection struct {
	name      string
	typ       uint32
	flags     uint64
	addr      uint64 // 0 for non-alloc sections; otherwise equals the offset
	data      []byte
	link      uint32
	info      uint32
	align     uint64
	entsize   uint64
	offset    uint64
	nameIndex uint32
	alloc     bool
}

type outSegment struct {
	typ, flags uint32
	first, end int // section indices [first, end) covered
}

// image lays out sections one after the other after the headers and serializes them.
type image struct {
	entry    uint64
	flags    uint32
	machine  uint16
	sections []*outSection // without the null section
	segments []outSegment
}

func (im *image) layout(phnum int) {
	off := uint64(ehdrSize + phdrSize*phnum)
	for _, s := range im.sections {
		if s.align > 1 {
			off = align8(off)
		}
		s.offset = off
		if s.alloc {
			s.addr = off
		}
		off += uint64(len(s.data))
	}
}

func (im *image) bytes() []byte {
	shstr := newStrtab()
	for _, s := range im.sections {
		s.nameIndex = shstr.add(s.name)
	}
	shstrSec := &outSection{name: ".shstrtab", typ: shtStrtab, data: nil, align: 1}
	shstrSec.nameIndex = shstr.add(".shstrtab")
	shstrSec.data = shstr.b
	all := append(append([]*outSection{}, im.sections...), shstrSec)
	// The .shstrtab follows the last section; section headers follow it.
	last := im.sections[len(im.sections)-1]
	shstrSec.offset = last.offset + uint64(len(last.data))
	shoff := align8(shstrSec.offset + uint64(len(shstrSec.data)))
	total := shoff + shdrSize*uint64(len(all)+1)
	out := make([]byte, total)
	le := binary.LittleEndian

	copy(out, elfMagic[:])
	out[4], out[5], out[6] = elfClass64, elfData2LSB, evCurrent
	le.PutUint16(out[16:], etDyn)
	le.PutUint16(out[18:], im.machine)
	le.PutUint32(out[20:], evCurrent)
	le.PutUint64(out[24:], im.entry)
	le.PutUint64(out[32:], ehdrSize)
	le.PutUint64(out[40:], shoff)
	le.PutUint32(out[48:], im.flags)
	le.PutUint16(out[52:], ehdrSize)
	le.PutUint16(out[54:], phdrSize)
	le.PutUint16(out[56:], uint16(len(im.segments)))
	le.PutUint16(out[58:], shdrSize)
	le.PutUint16(out[60:], uint16(len(all)+1))
	le.PutUint16(out[62:], uint16(len(all)))

	for i, seg := range im.segments {
		ph := out[ehdrSize+phdrSize*i:]
		first, lastSec := im.sections[seg.first], im.sections[seg.end-1]
		size := lastSec.offset + uint64(len(lastSec.data)) - first.offset
		le.PutUint32(ph, seg.typ)
		le.PutUint32(ph[4:], seg.flags)
		le.PutUint64(ph[8:], first.offset)
		le.PutUint64(ph[16:], first.addr)
		le.PutUint64(ph[24:], first.addr)
		le.PutUint64(ph[32:], size)
		le.PutUint64(ph[40:], size)
		le.PutUint64(ph[48:], 8)
	}
	for i, s := range all {
		copy(out[s.offset:], s.data)
		sh := out[shoff+shdrSize*uint64(i+1):]
		le.PutUint32(sh, s.nameIndex)
		le.PutUint32(sh[4:], s.typ)
		le.PutUint64(sh[8:], s.flags)
		le.PutUint64(sh[16:], s.addr)
		le.PutUint64(sh[24:], s.offset)
		le.PutUint64(sh[32:], uint64(len(s.data)))
		le.PutUint32(sh[40:], s.link)
		le.PutUint32(sh[44:], s.info)
		le.PutUint64(sh[48:], max(s.align, 1))
		le.PutUint64(sh[56:], s.entsize)
	}
	return out
}

func putSym(b []byte, name uint32, info uint8, shndx uint16, value, size uint64) []byte {
	var s [symSize]byte
	le := binary.LittleEndian
	le.PutUint32(s[:], name)
	s[4] = info
	le.PutUint16(s[6:], shndx)
	le.PutUint64(s[8:], value)
	le.PutUint64(s[16:], size)
	return append(b, s[:]...)
}

// sortedFunctions returns the function symbols ordered by pc, then name (deterministic).
func sortedFunctions(funcs map[string]uint64) []Symbol {
	out := make([]Symbol, 0, len(funcs))
	for n, pc := range funcs {
		out = append(out, Symbol{n, pc})
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && (out[j].PC < out[j-1].PC || out[j].PC == out[j-1].PC && out[j].Name < out[j-1].Name); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// WriteLegacy writes a v0..v2 shared object in the shape Agave deploys: .text, .rodata,
// .dynamic, .dynsym, .dynstr, .rel.dyn (R_BPF_64_RELATIVE and R_BPF_64_32), .symtab,
// .strtab, .shstrtab, with every allocated section's address equal to its file offset.
func WriteLegacy(p *Program) ([]byte, error) {
	if p.Version.EnableStricterELFHeaders() || p.Version >= sbpf.Reserved {
		return nil, invalidf("version %s does not use the legacy format", p.Version)
	}
	funcs, err := p.check()
	if err != nil {
		return nil, err
	}
	machine := uint16(EMBPF)
	if p.Machine != 0 {
		if p.Machine != EMBPF && p.Machine != EMSBPF {
			return nil, invalidf("machine %d is neither EM_BPF nor EM_SBPF", p.Machine)
		}
		machine = p.Machine
	}
	text := &outSection{name: ".text", typ: shtProgbits, flags: shfAlloc | shfExecinstr, data: append([]byte(nil), p.Text...), align: 8, alloc: true}
	ro := &outSection{name: ".rodata", typ: shtProgbits, flags: shfAlloc, data: append([]byte(nil), p.Rodata...), align: 8, alloc: true}
	dynamic := &outSection{name: ".dynamic", typ: shtDynamic, flags: shfAlloc | shfWrite, align: 8, entsize: dynSize, alloc: true}
	dynsym := &outSection{name: ".dynsym", typ: shtDynsym, flags: shfAlloc, align: 8, entsize: symSize, info: 1, alloc: true}
	dynstr := &outSection{name: ".dynstr", typ: shtStrtab, flags: shfAlloc, align: 1, alloc: true}
	reldyn := &outSection{name: ".rel.dyn", typ: shtRel, flags: shfAlloc, align: 8, entsize: relSize, alloc: true}
	symtab := &outSection{name: ".symtab", typ: shtSymtab, align: 8, entsize: symSize}
	strtabSec := &outSection{name: ".strtab", typ: shtStrtab, align: 1}

	// Dynamic symbols: exported functions first, then the undefined syscalls in first-use order.
	fnList := sortedFunctions(funcs)
	dstr := newStrtab()
	symIndex := map[string]uint32{}
	var syscalls []string
	for _, r := range p.Relocs {
		if r.Kind == RelocSyscall {
			if _, ok := funcs[r.Symbol]; ok {
				return nil, invalidf("syscall %s has the name of a function", r.Symbol)
			}
			if _, seen := symIndex[r.Symbol]; !seen {
				symIndex[r.Symbol] = 0
				syscalls = append(syscalls, r.Symbol)
			}
		}
	}
	hasRodata := len(p.Rodata) > 0
	hasRels := len(p.Relocs) > 0
	secs := []*outSection{text}
	if hasRodata {
		secs = append(secs, ro)
	}
	secs = append(secs, dynamic, dynsym, dynstr)
	if hasRels {
		secs = append(secs, reldyn)
	}
	secs = append(secs, symtab, strtabSec)
	index := func(s *outSection) uint32 {
		for i, x := range secs {
			if x == s {
				return uint32(i + 1)
			}
		}
		return 0
	}
	dynsym.link, dynamic.link = index(dynstr), index(dynstr)
	symtab.link = index(strtabSec)
	if hasRels {
		reldyn.link = index(dynsym)
	}
	textIdx := uint16(index(text))

	// Sizes are known before addresses: fill data with placeholders of the final size.
	nsyms := 1 + len(fnList) + len(syscalls)
	dynsym.data = make([]byte, symSize*nsyms)
	dynNames := make([]uint32, 0, nsyms)
	for _, f := range fnList {
		dynNames = append(dynNames, dstr.add(f.Name))
	}
	for _, s := range syscalls {
		dynNames = append(dynNames, dstr.add(s))
	}
	dynstr.data = dstr.b
	reldyn.data = make([]byte, relSize*len(p.Relocs))
	ndyn := 4 // SYMTAB SYMENT STRTAB STRSZ
	if hasRels {
		ndyn += 5 // REL RELSZ RELENT TEXTREL FLAGS
	}
	dynamic.data = make([]byte, dynSize*(ndyn+1))
	sstr := newStrtab()
	symtab.data = make([]byte, symSize*(1+len(fnList)))
	sttabNames := make([]uint32, len(fnList))
	for i, f := range fnList {
		sttabNames[i] = sstr.add(f.Name)
	}
	strtabSec.data = sstr.b
	symtab.info = 1

	im := &image{flags: uint32(p.Version), machine: machine, sections: secs}
	im.segments = append(im.segments, outSegment{typ: ptLoad, flags: pfR | pfX, first: 0, end: 1})
	next := 1
	if hasRodata {
		im.segments = append(im.segments, outSegment{typ: ptLoad, flags: pfR, first: 1, end: 2})
		next = 2
	}
	last := next + 3
	if hasRels {
		last++
	}
	// dynamic, dynsym, dynstr[, rel.dyn] form one read-only segment, .dynamic also PT_DYNAMIC.
	im.segments = append(im.segments,
		outSegment{typ: ptLoad, flags: pfR, first: next, end: last},
		outSegment{typ: ptDynamic, flags: pfR | pfW, first: next, end: next + 1})
	im.layout(len(im.segments))

	le := binary.LittleEndian
	addrOf := func(l Location) uint64 {
		if l.Section == SecText {
			return text.addr + l.Offset
		}
		return ro.addr + l.Offset
	}
	siteData := func(l Location) []byte {
		if l.Section == SecText {
			return text.data[l.Offset:]
		}
		return ro.data[l.Offset:]
	}
	// Symbols.
	b := putSym(nil, 0, 0, 0, 0, 0)
	st := putSym(nil, 0, 0, 0, 0, 0)
	for i, f := range fnList {
		b = putSym(b, dynNames[i], stbGlobal<<4|sttFunc, textIdx, text.addr+f.PC*insnSize, 0)
		st = putSym(st, sttabNames[i], stbGlobal<<4|sttFunc, textIdx, text.addr+f.PC*insnSize, 0)
	}
	copy(symtab.data, st)
	for i, s := range syscalls {
		symIndex[s] = uint32(1 + len(fnList) + i)
		b = putSym(b, dynNames[len(fnList)+i], stbGlobal<<4|sttNotype, 0, 0, 0)
	}
	dynsym.data = b
	fnIndex := map[string]uint32{}
	for i, f := range fnList {
		fnIndex[f.Name] = uint32(1 + i)
	}
	// Relocations: patch the sites and emit the entries.
	for i, r := range p.Relocs {
		site := siteData(r.Site)
		var info uint64
		switch r.Kind {
		case RelocAddress:
			addr := addrOf(r.Target)
			if r.Site.Section == SecText {
				putLddwImm(site, addr)
			} else {
				// The loader reads the address from the upper half of the slot.
				le.PutUint64(site, addr<<32)
			}
			info = RBPF64Relative
		case RelocSyscall:
			le.PutUint32(site[4:], 0xffffffff)
			info = uint64(symIndex[r.Symbol])<<32 | RBPF64_32
		case RelocCall:
			le.PutUint32(site[4:], 0xffffffff)
			info = uint64(fnIndex[r.Symbol])<<32 | RBPF64_32
		}
		le.PutUint64(reldyn.data[relSize*i:], addrOf(r.Site))
		le.PutUint64(reldyn.data[relSize*i+8:], info)
	}
	// .dynamic
	d := dynamic.data[:0]
	put := func(tag, val uint64) {
		var e [dynSize]byte
		le.PutUint64(e[:], tag)
		le.PutUint64(e[8:], val)
		d = append(d, e[:]...)
	}
	if hasRels {
		put(dtFlags, dfTextrel)
		put(dtRel, reldyn.addr)
		put(dtRelsz, uint64(len(reldyn.data)))
		put(dtRelent, relSize)
	}
	put(dtSymtab, dynsym.addr)
	put(dtSyment, symSize)
	put(dtStrtab, dynstr.addr)
	put(dtStrsz, uint64(len(dynstr.data)))
	if hasRels {
		put(dtTextrel, 0)
	}
	for len(d) < len(dynamic.data) {
		put(dtNull, 0)
	}
	im.entry = text.addr + p.EntryPC*insnSize
	return im.bytes(), nil
}

// WriteStrict writes a v3+ ELF for the strict loader: program headers (PF_R rodata at
// vaddr 0 when there is rodata, PF_X text at 1<<32), no relocations: every Reloc is
// resolved in place. A .symtab carries the function labels.
func WriteStrict(p *Program) ([]byte, error) {
	if !p.Version.EnableStricterELFHeaders() || p.Version >= sbpf.Reserved {
		return nil, invalidf("version %s does not use the strict format", p.Version)
	}
	funcs, err := p.check()
	if err != nil {
		return nil, err
	}
	if p.Machine != 0 && p.Machine != EMBPF {
		return nil, invalidf("the strict format requires EM_BPF")
	}
	le := binary.LittleEndian
	rodata := make([]byte, align8(uint64(len(p.Rodata))))
	copy(rodata, p.Rodata)
	text := append([]byte(nil), p.Text...)
	addrOf := func(l Location) uint64 {
		if l.Section == SecText {
			return sbpf.MMBytecodeStart + l.Offset
		}
		return sbpf.MMRodataStart + l.Offset
	}
	for _, r := range p.Relocs {
		var site []byte
		if r.Site.Section == SecText {
			site = text[r.Site.Offset:]
		} else {
			site = rodata[r.Site.Offset:]
		}
		switch r.Kind {
		case RelocAddress:
			addr := addrOf(r.Target)
			if r.Site.Section == SecText {
				putLddwImm(site, addr)
			} else {
				le.PutUint64(site, addr)
			}
		case RelocSyscall:
			site[1] &= 0x0f // src = 0: static syscall
			le.PutUint32(site[4:], sbpf.HashSymbolName([]byte(r.Symbol)))
		case RelocCall:
			pc := r.Site.Offset / insnSize
			site[1] = site[1]&0x0f | 1<<4 // src = 1: internal call
			le.PutUint32(site[4:], uint32(int32(int64(funcs[r.Symbol])-int64(pc)-1)))
		}
	}
	fnList := sortedFunctions(funcs)
	sstr := newStrtab()
	sym := putSym(nil, 0, 0, 0, 0, 0)
	textSec := &outSection{name: ".text", typ: shtProgbits, flags: shfAlloc | shfExecinstr, data: text, align: 8}
	roSec := &outSection{name: ".rodata", typ: shtProgbits, flags: shfAlloc, data: rodata, align: 8}
	symtab := &outSection{name: ".symtab", typ: shtSymtab, align: 8, entsize: symSize, info: 1}
	strtabSec := &outSection{name: ".strtab", typ: shtStrtab, align: 1}
	var secs []*outSection
	if len(rodata) > 0 {
		secs = append(secs, roSec)
	}
	secs = append(secs, textSec, symtab, strtabSec)
	textIdx := uint16(len(secs) - 2)
	symtab.link = uint32(len(secs))
	for _, f := range fnList {
		sym = putSym(sym, sstr.add(f.Name), stbGlobal<<4|sttFunc, textIdx, sbpf.MMBytecodeStart+f.PC*insnSize, 0)
	}
	symtab.data, strtabSec.data = sym, sstr.b
	im := &image{flags: uint32(p.Version), machine: EMBPF, sections: secs,
		entry: sbpf.MMBytecodeStart + p.EntryPC*insnSize}
	if len(rodata) > 0 {
		im.segments = []outSegment{{typ: ptLoad, flags: pfR, first: 0, end: 1}, {typ: ptLoad, flags: pfX, first: 1, end: 2}}
	} else {
		im.segments = []outSegment{{typ: ptLoad, flags: pfX, first: 0, end: 1}}
	}
	im.layout(len(im.segments))
	roSec.addr, textSec.addr = sbpf.MMRodataStart, sbpf.MMBytecodeStart
	return im.bytes(), nil
}

// putLddwImm splits addr over the two immediates of the lddw at site[0:16].
func putLddwImm(site []byte, addr uint64) {
	binary.LittleEndian.PutUint32(site[4:], uint32(addr))
	binary.LittleEndian.PutUint32(site[12:], uint32(addr>>32))
}
