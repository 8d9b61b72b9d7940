package elf

import (
	"encoding/binary"
	"math/bits"
)

// This file is the dependency-less ELF64 parser of anza-xyz/sbpf src/elf_parser: the same
// checks in the same order, so that a malformed file fails with the same error.
// All offsets are treated as if the file started at a 16-byte aligned address (anza copies
// the input into AlignedMemory first), so "alignment" means offset % 8 for the 8-byte
// aligned ELF structures.

// ELF constants used by the loader and the writer (elf_parser/consts.rs).
const (
	elfClass64   = 2
	elfData2LSB  = 1
	elfOSABINone = 0
	evCurrent    = 1

	EMBPF  = 247 // e_machine of Linux BPF
	EMSBPF = 263 // e_machine of Solana SBPF (accepted by the legacy loader)

	etRel = 1
	etDyn = 3

	ptNull    = 0
	ptLoad    = 1
	ptDynamic = 2

	pfX = 0x1
	pfW = 0x2
	pfR = 0x4

	shtNull     = 0
	shtProgbits = 1
	shtSymtab   = 2
	shtStrtab   = 3
	shtDynamic  = 6
	shtNobits   = 8
	shtRel      = 9
	shtDynsym   = 11

	shfWrite     = 0x1
	shfAlloc     = 0x2
	shfExecinstr = 0x4

	dtNull    = 0
	dtStrtab  = 5
	dtSymtab  = 6
	dtStrsz   = 10
	dtSyment  = 11
	dtRel     = 17
	dtRelsz   = 18
	dtRelent  = 19
	dtTextrel = 22
	dtFlags   = 30
	dtNum     = 35
	dfTextrel = 0x4

	sttNotype = 0
	sttObject = 1
	sttFunc   = 2
	sttFile   = 4
	stbLocal  = 0
	stbGlobal = 1

	// Relocation types as anza reads them (x86-64 numbering, same values as BPF's).
	RBPFNone       = 0
	RBPF64_64      = 1
	RBPF64Relative = 8
	RBPF64_32      = 10

	ehdrSize = 64
	phdrSize = 56
	shdrSize = 64
	symSize  = 24
	relSize  = 16
	dynSize  = 16

	// sectionNameLengthMaximum bounds section names (SECTION_NAME_LENGTH_MAXIMUM).
	sectionNameLengthMaximum = 16
	// symbolNameLengthMaximum bounds dynamic symbol names resolved by relocation
	// (consensus relevant).
	symbolNameLengthMaximum = 64
	// debugSymbolNameLengthMaximum bounds static symbol names read for labels.
	debugSymbolNameLengthMaximum = 255
)

var elfMagic = [4]byte{0x7f, 'E', 'L', 'F'}

// fileHeader is Elf64Ehdr.
type fileHeader struct {
	ident                                             [16]byte
	typ, machine                                      uint16
	version                                           uint32
	entry, phoff, shoff                               uint64
	flags                                             uint32
	ehsize, phentsize, phnum, shentsize, shnum, shstr uint16
}

type programHeader struct {
	typ, flags                                 uint32
	offset, vaddr, paddr, filesz, memsz, align uint64
}

type sectionHeader struct {
	name, typ                 uint32
	flags, addr, offset, size uint64
	link, info                uint32
	addralign, entsize        uint64
}

type symbol struct {
	name  uint32
	info  uint8
	other uint8
	shndx uint16
	value uint64
	size  uint64
}

type rel struct{ offset, info uint64 }

func (r rel) typ() uint32 { return uint32(r.info) }
func (r rel) sym() uint32 { return uint32(r.info >> 32) }

func (s *symbol) isFunction() bool { return s.info&0xf == sttFunc }

func (s *sectionHeader) isWritable() bool {
	return s.flags&(shfAlloc|shfWrite) == shfAlloc|shfWrite
}

// fileRange is sh.file_range(): empty (0..0) for NOBITS; saturating end.
func (s *sectionHeader) fileRange() (uint64, uint64) {
	if s.typ == shtNobits {
		return 0, 0
	}
	return s.offset, satAdd(s.offset, s.size)
}

// vmContains reports whether addr is in sh_addr..sh_addr+sh_size (saturating).
func (s *sectionHeader) vmContains(addr uint64) bool {
	return addr >= s.addr && addr < satAdd(s.addr, s.size)
}

func (p *programHeader) fileRange() (uint64, uint64) {
	if p.typ != ptLoad {
		return 0, 0
	}
	return p.offset, satAdd(p.offset, p.filesz)
}

func (p *programHeader) vmContains(addr uint64) bool {
	return addr >= p.vaddr && addr < satAdd(p.vaddr, p.memsz)
}

func satAdd(a, b uint64) uint64 {
	s, c := bits.Add64(a, b, 0)
	if c != 0 {
		return ^uint64(0)
	}
	return s
}

func satSub(a, b uint64) uint64 {
	if b > a {
		return 0
	}
	return a - b
}

// checkedAdd is err_checked_add: overflow is OutOfBounds.
func checkedAdd(a, b uint64) (uint64, error) {
	s, c := bits.Add64(a, b, 0)
	if c != 0 {
		return 0, &ParserError{Kind: ParserOutOfBounds}
	}
	return s, nil
}

func checkedMul(a, b uint64) (uint64, error) {
	hi, lo := bits.Mul64(a, b)
	if hi != 0 {
		return 0, &ParserError{Kind: ParserOutOfBounds}
	}
	return lo, nil
}

type byteRange struct{ start, end uint64 }

func (r byteRange) len() uint64 {
	if r.end < r.start {
		return 0
	}
	return r.end - r.start
}

// noOverlap is check_that_there_is_no_overlap (note: empty ranges can "overlap").
func noOverlap(a, b byteRange) error {
	if a.end <= b.start || b.end <= a.start {
		return nil
	}
	return &ParserError{Kind: ParserOverlap}
}

// sliceRange is slice_from_bytes: size multiple, bounds, then alignment (align 8).
func sliceRange(data []byte, r byteRange, elemSize uint64) error {
	if r.len()%elemSize != 0 {
		return &ParserError{Kind: ParserInvalidSize}
	}
	if r.start > r.end || r.end > uint64(len(data)) {
		return &ParserError{Kind: ParserOutOfBounds}
	}
	if r.start%8 != 0 {
		return &ParserError{Kind: ParserInvalidAlignment}
	}
	return nil
}

func readFileHeader(b []byte) fileHeader {
	le := binary.LittleEndian
	var h fileHeader
	copy(h.ident[:], b[:16])
	h.typ = le.Uint16(b[16:])
	h.machine = le.Uint16(b[18:])
	h.version = le.Uint32(b[20:])
	h.entry = le.Uint64(b[24:])
	h.phoff = le.Uint64(b[32:])
	h.shoff = le.Uint64(b[40:])
	h.flags = le.Uint32(b[48:])
	h.ehsize = le.Uint16(b[52:])
	h.phentsize = le.Uint16(b[54:])
	h.phnum = le.Uint16(b[56:])
	h.shentsize = le.Uint16(b[58:])
	h.shnum = le.Uint16(b[60:])
	h.shstr = le.Uint16(b[62:])
	return h
}

func readProgramHeaders(b []byte, r byteRange) []programHeader {
	le := binary.LittleEndian
	n := r.len() / phdrSize
	out := make([]programHeader, n)
	for i := range out {
		p := b[r.start+uint64(i)*phdrSize:]
		out[i] = programHeader{
			typ: le.Uint32(p), flags: le.Uint32(p[4:]), offset: le.Uint64(p[8:]),
			vaddr: le.Uint64(p[16:]), paddr: le.Uint64(p[24:]), filesz: le.Uint64(p[32:]),
			memsz: le.Uint64(p[40:]), align: le.Uint64(p[48:]),
		}
	}
	return out
}

func readSectionHeaders(b []byte, r byteRange) []sectionHeader {
	le := binary.LittleEndian
	n := r.len() / shdrSize
	out := make([]sectionHeader, n)
	for i := range out {
		s := b[r.start+uint64(i)*shdrSize:]
		out[i] = sectionHeader{
			name: le.Uint32(s), typ: le.Uint32(s[4:]), flags: le.Uint64(s[8:]),
			addr: le.Uint64(s[16:]), offset: le.Uint64(s[24:]), size: le.Uint64(s[32:]),
			link: le.Uint32(s[40:]), info: le.Uint32(s[44:]), addralign: le.Uint64(s[48:]),
			entsize: le.Uint64(s[56:]),
		}
	}
	return out
}

func readSymbols(b []byte, r byteRange) []symbol {
	le := binary.LittleEndian
	n := r.len() / symSize
	out := make([]symbol, n)
	for i := range out {
		s := b[r.start+uint64(i)*symSize:]
		out[i] = symbol{
			name: le.Uint32(s), info: s[4], other: s[5], shndx: le.Uint16(s[6:]),
			value: le.Uint64(s[8:]), size: le.Uint64(s[16:]),
		}
	}
	return out
}

func readRels(b []byte, r byteRange) []rel {
	le := binary.LittleEndian
	n := r.len() / relSize
	out := make([]rel, n)
	for i := range out {
		s := b[r.start+uint64(i)*relSize:]
		out[i] = rel{offset: le.Uint64(s), info: le.Uint64(s[8:])}
	}
	return out
}

// parsedELF is anza's Elf64: the validated tables of a file.
type parsedELF struct {
	data           []byte
	header         fileHeader
	programHeaders []programHeader
	sectionHeaders []sectionHeader
	shstrtab       *sectionHeader
	symtab         *sectionHeader
	strtab         *sectionHeader
	dynstr         *sectionHeader
	dynamic        [dtNum]uint64
	dynRels        []rel
	hasDynRels     bool
	dynSyms        []symbol
	hasDynSyms     bool
}

// parseFileHeader is Elf64::parse_file_header.
func parseFileHeader(data []byte) (fileHeader, byteRange, error) {
	if len(data) < ehdrSize {
		return fileHeader{}, byteRange{}, &ParserError{Kind: ParserOutOfBounds}
	}
	return readFileHeader(data), byteRange{0, ehdrSize}, nil
}

func parseProgramHeaderTable(data []byte, fhr byteRange, h *fileHeader) (byteRange, []programHeader, error) {
	size, err := checkedMul(phdrSize, uint64(h.phnum))
	if err != nil {
		return byteRange{}, nil, err
	}
	end, err := checkedAdd(size, h.phoff)
	if err != nil {
		return byteRange{}, nil, err
	}
	r := byteRange{h.phoff, end}
	if err := noOverlap(fhr, r); err != nil {
		return r, nil, err
	}
	if err := sliceRange(data, r, phdrSize); err != nil {
		return r, nil, err
	}
	return r, readProgramHeaders(data, r), nil
}

func parseSectionHeaderTable(data []byte, fhr byteRange, h *fileHeader, phr byteRange) (byteRange, []sectionHeader, error) {
	size, err := checkedMul(shdrSize, uint64(h.shnum))
	if err != nil {
		return byteRange{}, nil, err
	}
	end, err := checkedAdd(size, h.shoff)
	if err != nil {
		return byteRange{}, nil, err
	}
	r := byteRange{h.shoff, end}
	if err := noOverlap(fhr, r); err != nil {
		return r, nil, err
	}
	if err := noOverlap(phr, r); err != nil {
		return r, nil, err
	}
	if err := sliceRange(data, r, shdrSize); err != nil {
		return r, nil, err
	}
	return r, readSectionHeaders(data, r), nil
}

// parse is Elf64::parse.
func parse(data []byte) (*parsedELF, error) {
	h, fhr, err := parseFileHeader(data)
	if err != nil {
		return nil, err
	}
	if [4]byte(h.ident[:4]) != elfMagic || h.ident[4] != elfClass64 || h.ident[5] != elfData2LSB ||
		h.ident[6] != evCurrent || h.version != evCurrent || h.ehsize != ehdrSize ||
		h.phentsize != phdrSize || h.shentsize != shdrSize || h.shstr >= h.shnum {
		return nil, &ParserError{Kind: ParserInvalidFileHeader}
	}
	phr, phs, err := parseProgramHeaderTable(data, fhr, &h)
	if err != nil {
		return nil, err
	}
	shr, shs, err := parseSectionHeaderTable(data, fhr, &h, phr)
	if err != nil {
		return nil, err
	}
	if len(shs) == 0 || shs[0].typ != shtNull {
		return nil, &ParserError{Kind: ParserInvalidSectionHeader}
	}
	var vaddr uint64
	for i := range phs {
		p := &phs[i]
		if p.typ != ptLoad {
			continue
		}
		if p.vaddr < vaddr {
			return nil, &ParserError{Kind: ParserInvalidProgramHeader}
		}
		end, err := checkedAdd(p.offset, p.filesz)
		if err != nil {
			return nil, err
		}
		if end > uint64(len(data)) {
			return nil, &ParserError{Kind: ParserOutOfBounds}
		}
		vaddr = p.vaddr
	}
	var offset uint64
	for i := range shs {
		s := &shs[i]
		if s.typ == shtNobits {
			continue
		}
		end, err := checkedAdd(s.offset, s.size)
		if err != nil {
			return nil, err
		}
		sr := byteRange{s.offset, end}
		for _, other := range []byteRange{fhr, phr, shr} {
			if err := noOverlap(sr, other); err != nil {
				return nil, err
			}
		}
		if sr.start < offset {
			return nil, &ParserError{Kind: ParserSectionNotInOrder}
		}
		offset = sr.end
		if offset > uint64(len(data)) {
			return nil, &ParserError{Kind: ParserOutOfBounds}
		}
	}
	e := &parsedELF{data: data, header: h, programHeaders: phs, sectionHeaders: shs}
	if h.shstr != 0 {
		e.shstrtab = &shs[h.shstr]
	}
	if err := e.parseSections(); err != nil {
		return nil, err
	}
	if err := e.parseDynamic(); err != nil {
		return nil, err
	}
	return e, nil
}

func (e *parsedELF) parseSections() error {
	if e.shstrtab == nil {
		return &ParserError{Kind: ParserNoSectionNameStringTable}
	}
	for i := range e.sectionHeaders {
		s := &e.sectionHeaders[i]
		name, err := stringInSection(e.data, e.shstrtab, s.name, sectionNameLengthMaximum)
		if err != nil {
			return err
		}
		var slot **sectionHeader
		switch string(name) {
		case ".symtab":
			slot = &e.symtab
		case ".strtab":
			slot = &e.strtab
		case ".dynstr":
			slot = &e.dynstr
		default:
			continue
		}
		if *slot != nil {
			return &ParserError{Kind: ParserInvalidSectionHeader}
		}
		*slot = s
	}
	return nil
}

func (e *parsedELF) parseDynamic() error {
	var table []byte
	found := false
	for i := range e.programHeaders {
		p := &e.programHeaders[i]
		if p.typ != ptDynamic {
			continue
		}
		if end, err := checkedAdd(p.offset, p.filesz); err == nil {
			r := byteRange{p.offset, end}
			if sliceRange(e.data, r, dynSize) == nil {
				table, found = e.data[r.start:r.end], true
			}
		}
		break
	}
	if !found {
		for i := range e.sectionHeaders {
			s := &e.sectionHeaders[i]
			if s.typ != shtDynamic {
				continue
			}
			end, err := checkedAdd(s.offset, s.size)
			if err != nil {
				return &ParserError{Kind: ParserInvalidDynamicSectionTable}
			}
			r := byteRange{s.offset, end}
			if sliceRange(e.data, r, dynSize) != nil {
				return &ParserError{Kind: ParserInvalidDynamicSectionTable}
			}
			table, found = e.data[r.start:r.end], true
			break
		}
	}
	if !found {
		return nil
	}
	le := binary.LittleEndian
	for i := 0; i+dynSize <= len(table); i += dynSize {
		tag, val := le.Uint64(table[i:]), le.Uint64(table[i+8:])
		if tag == dtNull {
			break
		}
		if tag >= dtNum {
			continue
		}
		e.dynamic[tag] = val
	}
	if err := e.parseDynamicRelocations(); err != nil {
		return err
	}
	return e.parseDynamicSymbolTable()
}

func (e *parsedELF) programHeaderForVaddr(vaddr uint64) (*programHeader, error) {
	for i := range e.programHeaders {
		p := &e.programHeaders[i]
		end, err := checkedAdd(p.vaddr, p.memsz)
		if err != nil {
			return nil, err
		}
		if vaddr >= p.vaddr && vaddr < end {
			return p, nil
		}
	}
	return nil, nil
}

func (e *parsedELF) parseDynamicRelocations() error {
	vaddr := e.dynamic[dtRel]
	if vaddr == 0 {
		return nil
	}
	if e.dynamic[dtRelent] != relSize {
		return &ParserError{Kind: ParserInvalidDynamicSectionTable}
	}
	size := e.dynamic[dtRelsz]
	if size == 0 {
		return &ParserError{Kind: ParserInvalidDynamicSectionTable}
	}
	p, err := e.programHeaderForVaddr(vaddr)
	if err != nil {
		return err
	}
	var offset uint64
	if p != nil {
		if vaddr < p.vaddr {
			return &ParserError{Kind: ParserOutOfBounds}
		}
		if offset, err = checkedAdd(vaddr-p.vaddr, p.offset); err != nil {
			return err
		}
	} else {
		// Old toolchains put DT_REL outside every segment: fall back to section headers.
		found := false
		for i := range e.sectionHeaders {
			if e.sectionHeaders[i].addr == vaddr {
				offset, found = e.sectionHeaders[i].offset, true
				break
			}
		}
		if !found {
			return &ParserError{Kind: ParserInvalidDynamicSectionTable}
		}
	}
	end, err := checkedAdd(offset, size)
	if err != nil {
		return err
	}
	r := byteRange{offset, end}
	if sliceRange(e.data, r, relSize) != nil {
		return &ParserError{Kind: ParserInvalidDynamicSectionTable}
	}
	e.dynRels, e.hasDynRels = readRels(e.data, r), true
	return nil
}

func (e *parsedELF) parseDynamicSymbolTable() error {
	vaddr := e.dynamic[dtSymtab]
	if vaddr == 0 {
		return nil
	}
	for i := range e.sectionHeaders {
		s := &e.sectionHeaders[i]
		if s.addr == vaddr {
			syms, err := e.symbolTableOfSection(s)
			if err != nil {
				return err
			}
			e.dynSyms, e.hasDynSyms = syms, true
			return nil
		}
	}
	return &ParserError{Kind: ParserInvalidDynamicSectionTable}
}

func (e *parsedELF) symbolTableOfSection(s *sectionHeader) ([]symbol, error) {
	if s.typ != shtSymtab && s.typ != shtDynsym {
		return nil, &ParserError{Kind: ParserInvalidSectionHeader}
	}
	return symbolsOfSection(e.data, s)
}

func symbolsOfSection(data []byte, s *sectionHeader) ([]symbol, error) {
	end, err := checkedAdd(s.offset, s.size)
	if err != nil {
		return nil, err
	}
	r := byteRange{s.offset, end}
	if err := sliceRange(data, r, symSize); err != nil {
		return nil, err
	}
	return readSymbols(data, r), nil
}

// stringInSection is Elf64::get_string_in_section.
func stringInSection(data []byte, s *sectionHeader, offsetInSection uint32, maximum uint64) ([]byte, error) {
	if s.typ != shtStrtab {
		return nil, &ParserError{Kind: ParserInvalidSectionHeader}
	}
	start, err := checkedAdd(s.offset, uint64(offsetInSection))
	if err != nil {
		return nil, err
	}
	secEnd, err := checkedAdd(s.offset, s.size)
	if err != nil {
		return nil, err
	}
	maxEnd, err := checkedAdd(start, maximum)
	if err != nil {
		return nil, err
	}
	end := min(secEnd, maxEnd)
	if start > end || end > uint64(len(data)) {
		return nil, &ParserError{Kind: ParserOutOfBounds}
	}
	b := data[start:end]
	for i, c := range b {
		if c == 0 {
			return b[:i], nil
		}
	}
	return nil, &ParserError{Kind: ParserStringTooLong, Str: string(b), Max: maximum}
}

func (e *parsedELF) sectionName(nameOff uint32) ([]byte, error) {
	if e.shstrtab == nil {
		return nil, &ParserError{Kind: ParserNoSectionNameStringTable}
	}
	return stringInSection(e.data, e.shstrtab, nameOff, sectionNameLengthMaximum)
}

func (e *parsedELF) symbolName(nameOff uint32) ([]byte, error) {
	if e.strtab == nil {
		return nil, &ParserError{Kind: ParserNoStringTable}
	}
	return stringInSection(e.data, e.strtab, nameOff, debugSymbolNameLengthMaximum)
}

func (e *parsedELF) dynamicSymbolName(nameOff uint32) ([]byte, error) {
	if e.dynstr == nil {
		return nil, &ParserError{Kind: ParserNoDynamicStringTable}
	}
	return stringInSection(e.data, e.dynstr, nameOff, symbolNameLengthMaximum)
}

// symbolTable returns the static symbol table, if any.
func (e *parsedELF) symbolTable() ([]symbol, error) {
	if e.symtab == nil {
		return nil, nil
	}
	return e.symbolTableOfSection(e.symtab)
}
