package link

import (
	"encoding/binary"
	"sort"
)

// Sizes of the ELF64 structures.
const (
	ehdrSize = 64
	phdrSize = 56
	shdrSize = 64
	symSize  = 24
	relSize  = 16
	dynSize  = 16
)

// ELF constants used by the writer.
const (
	shtProgbits = 1
	shtSymtab   = 2
	shtStrtab   = 3
	shtDynamic  = 6
	shtRel      = 9
	shtDynsym   = 11

	shfWrite = 1
	shfAlloc = 2
	shfExec  = 4

	ptLoad    = 1
	ptDynamic = 2
	pfX       = 1
	pfW       = 2
	pfR       = 4

	dtNull     = 0
	dtStrtab   = 5
	dtSymtab   = 6
	dtStrsz    = 10
	dtSyment   = 11
	dtRel      = 17
	dtRelsz    = 18
	dtRelent   = 19
	dtTextrel  = 22
	dtFlags    = 30
	dtRelcount = 0x6ffffffa
	dfTextrel  = 4
)

// strtab builds an ELF string table, deduplicating names.
type strtab struct {
	buf []byte
	idx map[string]uint32
}

func newStrtab() *strtab { return &strtab{buf: []byte{0}, idx: map[string]uint32{"": 0}} }

func (s *strtab) add(name string) uint32 {
	if i, ok := s.idx[name]; ok {
		return i
	}
	i := uint32(len(s.buf))
	s.buf = append(s.buf, name...)
	s.buf = append(s.buf, 0)
	s.idx[name] = i
	return i
}

type section struct {
	name      string
	typ       uint32
	flags     uint64
	addr      uint64 // 0 for non-alloc sections
	off       uint64
	data      []byte
	link      uint32
	info      uint32
	align     uint64
	entsize   uint64
	nameIndex uint32
}

// write lays out and serializes the shared object, mirroring the section and segment
// order of the Solana toolchain's lld output for v0 programs.
func (l *linker) write(entry *symRef) ([]byte, error) {
	// Dynamic relocations: RELATIVE first (DT_RELCOUNT counts them), then symbol ones.
	sort.SliceStable(l.dyn, func(i, j int) bool {
		a, b := l.dyn[i], l.dyn[j]
		if (a.typ == rBPF64Rel) != (b.typ == rBPF64Rel) {
			return a.typ == rBPF64Rel
		}
		return a.offset < b.offset
	})

	entryVaddr := l.vaddr(entry)
	dynstr := newStrtab()
	var dynsym []byte
	dynsym = append(dynsym, make([]byte, symSize)...)
	// Section indices: 1 .text, then .rodata when present.
	textIdx := uint16(1)
	dynsym = appendSym(dynsym, dynstr.add(entry.name), 0x12, textIdx, entryVaddr, entry.size) // GLOBAL FUNC
	symIndex := map[string]uint32{}
	for _, d := range l.dyn {
		if d.typ != rBPF64_32 {
			continue
		}
		if _, ok := symIndex[d.sym]; !ok {
			symIndex[d.sym] = uint32(len(dynsym) / symSize)
			dynsym = appendSym(dynsym, dynstr.add(d.sym), 0x10, 0, 0, 0) // GLOBAL NOTYPE UND
		}
	}
	var rel []byte
	relCount := 0
	for _, d := range l.dyn {
		var info uint64 = uint64(d.typ)
		if d.typ == rBPF64_32 {
			info |= uint64(symIndex[d.sym]) << 32
		} else {
			relCount++
		}
		rel = binary.LittleEndian.AppendUint64(rel, d.offset)
		rel = binary.LittleEndian.AppendUint64(rel, info)
	}

	// Debug symbol table: every function, so disassemblers and Agave's optional
	// symbol labels have names.
	strtabS := newStrtab()
	symtab := make([]byte, symSize)
	funcs := l.functions()
	for _, f := range funcs {
		if f.name == entry.name || len(f.name) > 254 {
			continue
		}
		symtab = appendSym(symtab, strtabS.add(f.name), 0x02, textIdx, l.textVaddr+f.start, f.size) // LOCAL FUNC
	}
	firstGlobal := uint32(len(symtab) / symSize)
	symtab = appendSym(symtab, strtabS.add(entry.name), 0x12, textIdx, entryVaddr, entry.size)

	secs := []*section{{}}
	text := &section{name: ".text", typ: shtProgbits, flags: shfAlloc | shfExec, data: l.textBuf, align: insnSize}
	secs = append(secs, text)
	var ro *section
	if len(l.roBuf) > 0 {
		ro = &section{name: ".rodata", typ: shtProgbits, flags: shfAlloc, data: l.roBuf, align: l.roAlign}
		secs = append(secs, ro)
	}
	dynamic := &section{name: ".dynamic", typ: shtDynamic, flags: shfAlloc | shfWrite, align: 8, entsize: dynSize}
	dynsymS := &section{name: ".dynsym", typ: shtDynsym, flags: shfAlloc, data: dynsym, align: 8, entsize: symSize, info: 1}
	dynstrS := &section{name: ".dynstr", typ: shtStrtab, flags: shfAlloc, data: dynstr.buf, align: 1}
	secs = append(secs, dynamic, dynsymS, dynstrS)
	var relS *section
	if len(rel) > 0 {
		relS = &section{name: ".rel.dyn", typ: shtRel, flags: shfAlloc, data: rel, align: 8, entsize: relSize}
		secs = append(secs, relS)
	}
	symtabS := &section{name: ".symtab", typ: shtSymtab, data: symtab, align: 8, entsize: symSize, info: firstGlobal}
	strtabSec := &section{name: ".strtab", typ: shtStrtab, data: strtabS.buf, align: 1}
	shstrtab := &section{name: ".shstrtab", typ: shtStrtab, align: 1}
	secs = append(secs, symtabS, strtabSec, shstrtab)
	index := func(s *section) uint32 {
		for i, x := range secs {
			if x == s {
				return uint32(i)
			}
		}
		return 0
	}
	dynamic.link = index(dynstrS)
	dynsymS.link = index(dynstrS)
	symtabS.link = index(strtabSec)
	if relS != nil {
		relS.link = index(dynsymS)
	}
	shnames := newStrtab()
	for _, s := range secs[1:] {
		s.nameIndex = shnames.add(s.name)
	}
	shstrtab.data = shnames.buf

	// .dynamic's size is known before its contents: count the entries.
	nDyn := 5 // SYMTAB SYMENT STRTAB STRSZ NULL
	if relS != nil {
		nDyn += 6 // FLAGS REL RELSZ RELENT RELCOUNT TEXTREL
	}
	dynamic.data = make([]byte, nDyn*dynSize)

	// Addresses: alloc sections get addr == offset, as Agave requires.
	text.off = l.textVaddr
	pos := text.off + uint64(len(text.data))
	if ro != nil {
		ro.off = l.roVaddr
		pos = ro.off + uint64(len(ro.data))
	}
	for _, s := range secs[index(dynamic):] {
		pos = alignUp(pos, s.align)
		s.off = pos
		pos += uint64(len(s.data))
	}
	for _, s := range secs[1:] {
		if s.flags&shfAlloc != 0 {
			s.addr = s.off
		}
	}
	shoff := alignUp(pos, 8)

	var d []byte
	put := func(tag, val uint64) {
		d = binary.LittleEndian.AppendUint64(d, tag)
		d = binary.LittleEndian.AppendUint64(d, val)
	}
	if relS != nil {
		put(dtFlags, dfTextrel)
		put(dtRel, relS.addr)
		put(dtRelsz, uint64(len(rel)))
		put(dtRelent, relSize)
		put(dtRelcount, uint64(relCount))
	}
	put(dtSymtab, dynsymS.addr)
	put(dtSyment, symSize)
	put(dtStrtab, dynstrS.addr)
	put(dtStrsz, uint64(len(dynstrS.data)))
	if relS != nil {
		put(dtTextrel, 0)
	}
	put(dtNull, 0)
	copy(dynamic.data, d)

	out := make([]byte, shoff+uint64(len(secs))*shdrSize)
	// ELF header.
	copy(out, []byte{0x7f, 'E', 'L', 'F', 2, 1, 1, 0})
	le := binary.LittleEndian
	le.PutUint16(out[16:], 3) // ET_DYN
	le.PutUint16(out[18:], emBPF)
	le.PutUint32(out[20:], 1)
	le.PutUint64(out[24:], entryVaddr)
	le.PutUint64(out[32:], ehdrSize)
	le.PutUint64(out[40:], shoff)
	le.PutUint32(out[48:], 0) // e_flags 0: SBPF v0
	le.PutUint16(out[52:], ehdrSize)
	le.PutUint16(out[54:], phdrSize)
	le.PutUint16(out[56:], uint16(l.phnum()))
	le.PutUint16(out[58:], shdrSize)
	le.PutUint16(out[60:], uint16(len(secs)))
	le.PutUint16(out[62:], uint16(index(shstrtab)))

	// Program headers.
	ph := out[ehdrSize:]
	putPhdr := func(typ, flags uint32, off, size, align uint64) {
		le.PutUint32(ph[0:], typ)
		le.PutUint32(ph[4:], flags)
		le.PutUint64(ph[8:], off)
		le.PutUint64(ph[16:], off)
		le.PutUint64(ph[24:], off)
		le.PutUint64(ph[32:], size)
		le.PutUint64(ph[40:], size)
		le.PutUint64(ph[48:], align)
		ph = ph[phdrSize:]
	}
	putPhdr(ptLoad, pfR|pfX, text.off, uint64(len(text.data)), 8)
	if ro != nil {
		putPhdr(ptLoad, pfR, ro.off, uint64(len(ro.data)), 8)
	}
	dynEnd := dynstrS.off + uint64(len(dynstrS.data))
	if relS != nil {
		dynEnd = relS.off + uint64(len(relS.data))
	}
	putPhdr(ptLoad, pfR, dynsymS.off, dynEnd-dynsymS.off, 8)
	putPhdr(ptDynamic, pfR|pfW, dynamic.off, uint64(len(dynamic.data)), 8)

	// Section contents and headers.
	for i, s := range secs {
		copy(out[s.off:], s.data)
		if i == 0 {
			continue
		}
		h := out[shoff+uint64(i)*shdrSize:]
		le.PutUint32(h[0:], s.nameIndex)
		le.PutUint32(h[4:], s.typ)
		le.PutUint64(h[8:], s.flags)
		le.PutUint64(h[16:], s.addr)
		le.PutUint64(h[24:], s.off)
		le.PutUint64(h[32:], uint64(len(s.data)))
		le.PutUint32(h[40:], s.link)
		le.PutUint32(h[44:], s.info)
		le.PutUint64(h[48:], s.align)
		le.PutUint64(h[56:], s.entsize)
	}
	return out, nil
}

func appendSym(b []byte, name uint32, info byte, shndx uint16, value, size uint64) []byte {
	b = binary.LittleEndian.AppendUint32(b, name)
	b = append(b, info, 0)
	b = binary.LittleEndian.AppendUint16(b, shndx)
	b = binary.LittleEndian.AppendUint64(b, value)
	return binary.LittleEndian.AppendUint64(b, size)
}
