package elf

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sort"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
)

// Offsets of the e_flags field and the immediate inside an instruction slot.
const (
	eFlagsOffset        = 48
	byteOffsetImm       = 4
	byteLengthImm       = 4
	insnSize            = sbpf.InsnSize
	mmRegionSize        = sbpf.MMRegionSize
	mmStackStart        = sbpf.MMStackStart
	opCallImm     uint8 = 0x85
)

// Version reads the SBPF version from e_flags (elf.rs get_sbpf_version).
func Version(data []byte) (sbpf.Version, error) {
	if len(data) < eFlagsOffset+4 {
		return sbpf.Reserved, fromParser(&ParserError{Kind: ParserOutOfBounds})
	}
	switch binary.LittleEndian.Uint32(data[eFlagsOffset:]) {
	case 0:
		return sbpf.V0, nil
	case 1:
		return sbpf.V1, nil
	case 2:
		return sbpf.V2, nil
	case 3:
		return sbpf.V3, nil
	case 4:
		return sbpf.V4, nil
	}
	return sbpf.Reserved, nil
}

// Load parses, validates and relocates an sBPF ELF exactly like anza's Executable::load:
// the version comes from e_flags; v0..v2 use the lenient (relocating) loader and v3+ the
// strict one. Every failure is an *Error whose Kind() is the ElfError variant name.
// The input is never modified. A nil loader is sbpf.ErrNilLoader.
func Load(data []byte, loader *sbpf.Loader) (*sbpf.Executable, error) {
	if loader == nil {
		return nil, sbpf.ErrNilLoader
	}
	v, err := Version(data)
	if err != nil {
		return nil, err
	}
	cfg := loader.Config()
	if !cfg.VersionEnabled(v) {
		return nil, newErr(UnsupportedSBPFVersion)
	}
	var exe *sbpf.Executable
	if v.EnableStricterELFHeaders() {
		exe, err = loadStrict(data, loader)
	} else {
		exe, err = loadLenient(data, loader)
	}
	if err != nil {
		return nil, err
	}
	exe.Version = v
	return exe, nil
}

// funcReg is anza's FunctionRegistry<usize> while loading: key -> (name, pc).
type funcReg map[uint32]funcEntry

type funcEntry struct {
	name string
	pc   uint64
}

// register is FunctionRegistry::register_function.
func (r funcReg) register(key uint32, name string, pc uint64) error {
	if e, ok := r[key]; ok {
		if e.pc != pc {
			return &Error{Variant: SymbolHashCollision, Value: uint64(key)}
		}
		return nil
	}
	r[key] = funcEntry{name, pc}
	return nil
}

// registerHashedLegacy is register_function_hashed_legacy with hash_symbol_name = true:
// the key is the murmur3 hash of "entrypoint" or of the pc's 8 little-endian bytes, and
// must not collide with a syscall.
func (r funcReg) registerHashedLegacy(loader *sbpf.Loader, name string, pc uint64) (uint32, error) {
	var key uint32
	if name == "entrypoint" {
		key = sbpf.HashSymbolName([]byte("entrypoint"))
	} else {
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], pc)
		key = sbpf.HashSymbolName(b[:])
	}
	if _, _, ok := loader.LookupSyscall(key); ok {
		return 0, &Error{Variant: SymbolHashCollision, Value: uint64(key)}
	}
	if !loader.Config().EnableSymbolAndSectionLabels && name != "entrypoint" {
		name = ""
	}
	return key, r.register(key, name, pc)
}

// registry converts to the machine's FunctionRegistry (in key order, deterministic).
func (r funcReg) registry() (*sbpf.FunctionRegistry, error) {
	keys := make([]uint32, 0, len(r))
	for k := range r {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	out := sbpf.NewFunctionRegistry()
	for _, k := range keys {
		e := r[k]
		if err := out.Register(k, e.name, e.pc); err != nil {
			return nil, &Error{Variant: SymbolHashCollision, Value: uint64(k)}
		}
	}
	return out, nil
}

// getSection is elf.rs get_section: the first section with that name.
func (e *parsedELF) getSection(name string) (*sectionHeader, error) {
	for i := range e.sectionHeaders {
		s := &e.sectionHeaders[i]
		n, err := e.sectionName(s.name)
		if err != nil {
			return nil, fromParser(err)
		}
		if string(n) == name {
			return s, nil
		}
	}
	return nil, &Error{Variant: SectionNotFound, Name: name}
}

// validate is Executable::validate.
func (e *parsedELF) validate() error {
	h := &e.header
	switch {
	case h.ident[4] != elfClass64:
		return newErr(WrongClass)
	case h.ident[5] != elfData2LSB:
		return newErr(WrongEndianess)
	case h.ident[7] != elfOSABINone:
		return newErr(WrongAbi)
	case h.machine != EMBPF && h.machine != EMSBPF:
		return newErr(WrongMachine)
	case h.typ != etDyn:
		return newErr(WrongType)
	}
	texts := 0
	for i := range e.sectionHeaders {
		if n, err := e.sectionName(e.sectionHeaders[i].name); err == nil && string(n) == ".text" {
			texts++
		}
	}
	if texts != 1 {
		return newErr(NotOneTextSection)
	}
	for i := range e.sectionHeaders {
		s := &e.sectionHeaders[i]
		n, err := e.sectionName(s.name)
		if err != nil {
			continue
		}
		if bytes.HasPrefix(n, []byte(".bss")) ||
			(s.isWritable() && bytes.HasPrefix(n, []byte(".data")) && !bytes.HasPrefix(n, []byte(".data.rel"))) {
			return &Error{Variant: WritableSectionNotSupported, Name: string(bytes.ToValidUTF8(n, []byte("\uFFFD")))}
		}
	}
	for i := range e.sectionHeaders {
		s := &e.sectionHeaders[i]
		end, err := checkedAdd(s.offset, s.size)
		if err != nil || end > uint64(len(e.data)) {
			return newErr(ValueOutOfBounds)
		}
	}
	text, err := e.getSection(".text")
	if err != nil {
		return err
	}
	if !text.vmContains(h.entry) {
		return newErr(EntrypointOutOfBounds)
	}
	return nil
}

// loadLenient is load_with_lenient_parser (v0..v2).
func loadLenient(data []byte, loader *sbpf.Loader) (*sbpf.Executable, error) {
	e, err := parse(data)
	if err != nil {
		return nil, fromParser(err)
	}
	cfg := loader.Config()
	if err := e.validate(); err != nil {
		return nil, err
	}
	text, err := e.getSection(".text")
	if err != nil {
		return nil, err
	}
	textVaddr := satAdd(text.addr, mmRegionSize)
	if (cfg.RejectBrokenELFs && text.addr != text.offset) || textVaddr >= mmStackStart {
		return nil, newErr(ValueOutOfBounds)
	}

	// Relocations are applied to a private copy; the parsed tables keep reading the input.
	buf := bytes.Clone(data)
	funcs := funcReg{}
	if err := e.relocate(funcs, loader, buf); err != nil {
		return nil, err
	}

	offset := satSub(e.header.entry, text.addr)
	if offset%insnSize != 0 {
		return nil, newErr(InvalidEntrypoint)
	}
	entryPC := offset / insnSize
	delete(funcs, sbpf.HashSymbolName([]byte("entrypoint")))
	if _, err := funcs.registerHashedLegacy(loader, "entrypoint", entryPC); err != nil {
		return nil, err
	}

	ro, err := e.parseRoSections(cfg, buf)
	if err != nil {
		return nil, err
	}
	if cfg.OptimizeRodata && ro.vaddr>>sbpf.VirtualAddressBits != 1 {
		return nil, newErr(ValueOutOfBounds)
	}

	// get_text_bytes: owned ro sections hold the text too (they may overlap it).
	ts, te := text.fileRange()
	textLen := te - ts
	var textBytes []byte
	if ro.owned {
		off := textVaddr - ro.vaddr
		if textVaddr < ro.vaddr || off > uint64(len(ro.data)) || textLen > uint64(len(ro.data))-off {
			return nil, newErr(ValueOutOfBounds)
		}
		textBytes = ro.data[off : off+textLen]
	} else {
		textBytes = buf[ts:te]
	}
	reg, err := funcs.registry()
	if err != nil {
		return nil, err
	}
	return &sbpf.Executable{
		Loader:      loader,
		Text:        textBytes,
		TextVaddr:   textVaddr,
		Rodata:      ro.data,
		RodataVaddr: ro.vaddr,
		EntryPC:     entryPC,
		Functions:   reg,
	}, nil
}

// roSection is elf.rs Section: Owned(vaddr, data) or Borrowed(vaddr, range of the ELF).
type roSection struct {
	owned bool
	vaddr uint64
	data  []byte
}

// namedSection is a section header with its name, nil when the name cannot be read.
type namedSection struct {
	name []byte
	sh   *sectionHeader
}

// parseRoSections collects the sections' names for parseRoSections.
func (e *parsedELF) parseRoSections(cfg *sbpf.Config, buf []byte) (roSection, error) {
	secs := make([]namedSection, len(e.sectionHeaders))
	for i := range e.sectionHeaders {
		secs[i].sh = &e.sectionHeaders[i]
		if n, err := e.sectionName(secs[i].sh.name); err == nil {
			secs[i].name = n
		}
	}
	return parseRoSections(cfg, secs, buf)
}

// parseRoSections is Executable::parse_ro_sections; buf is the relocated copy.
func parseRoSections(cfg *sbpf.Config, secs []namedSection, buf []byte) (roSection, error) {
	lowest, highest, fill := ^uint64(0), uint64(0), uint64(0)
	invalidOffsets := false
	first, last, n := 0, 0, 0
	type slice struct {
		addr uint64
		data []byte
	}
	var slices []slice
	for i, ns := range secs {
		s := ns.sh
		if ns.name == nil {
			continue
		}
		switch string(ns.name) {
		case ".text", ".rodata", ".data.rel.ro", ".eh_frame":
		default:
			continue
		}
		if n == 0 {
			first = i
		}
		last = i
		n++
		if !invalidOffsets && s.addr != s.offset {
			invalidOffsets = true
		}
		if (cfg.RejectBrokenELFs && invalidOffsets) || satAdd(s.addr, mmRegionSize) > mmStackStart {
			return roSection{}, newErr(ValueOutOfBounds)
		}
		fs, fe := s.fileRange()
		if fe > uint64(len(buf)) || fs > fe {
			return roSection{}, newErr(ValueOutOfBounds)
		}
		d := buf[fs:fe]
		lowest = min(lowest, s.addr)
		highest = max(highest, satAdd(s.addr, uint64(len(d))))
		fill = satAdd(fill, uint64(len(d)))
		if len(d) != 0 {
			slices = append(slices, slice{s.addr, d})
		}
	}
	if cfg.RejectBrokenELFs && satAdd(lowest, fill) > highest {
		return roSection{}, newErr(ValueOutOfBounds)
	}
	canBorrow := !invalidOffsets && last+1-first == n
	if cfg.OptimizeRodata && canBorrow {
		vaddr := lowest
		if lowest < mmRegionSize {
			vaddr = lowest + mmRegionSize
		}
		if lowest > highest || highest > uint64(len(buf)) {
			return roSection{}, newErr(ValueOutOfBounds)
		}
		return roSection{vaddr: vaddr, data: buf[lowest:highest]}, nil
	}
	if cfg.OptimizeRodata {
		// [MM_REGION_SIZE, MM_REGION_SIZE + lowest) stays unmapped: allocate only the span.
		highest = satSub(highest, lowest)
	} else {
		// Backwards compatibility: the whole range from MM_REGION_SIZE is mappable.
		lowest = 0
	}
	bufLen := highest
	if bufLen > uint64(len(buf)) {
		return roSection{}, newErr(ValueOutOfBounds)
	}
	// build_owned_ro_section: later sections overwrite earlier bytes where they overlap.
	out := make([]byte, bufLen)
	for _, sl := range slices {
		start := satSub(sl.addr, lowest)
		if start >= bufLen {
			continue
		}
		copy(out[start:], sl.data)
	}
	vaddr := lowest
	if lowest < mmRegionSize {
		vaddr = lowest + mmRegionSize
	}
	return roSection{owned: true, vaddr: vaddr, data: out}, nil
}

func getU32(buf []byte, off uint64) (uint32, error) {
	if off > uint64(len(buf)) || uint64(len(buf))-off < 4 {
		return 0, newErr(ValueOutOfBounds)
	}
	return binary.LittleEndian.Uint32(buf[off:]), nil
}

func putU32(buf []byte, off uint64, v uint32) error {
	if off > uint64(len(buf)) || uint64(len(buf))-off < 4 {
		return newErr(ValueOutOfBounds)
	}
	binary.LittleEndian.PutUint32(buf[off:], v)
	return nil
}

// relocate is Executable::relocate: pc-relative calls become hashed keys, then every
// dynamic relocation is applied to buf.
func (e *parsedELF) relocate(funcs funcReg, loader *sbpf.Loader, buf []byte) error {
	cfg := loader.Config()
	text, err := e.getSection(".text")
	if err != nil {
		return err
	}
	ts, te := text.fileRange()
	if te > uint64(len(buf)) || ts > te {
		return newErr(ValueOutOfBounds)
	}
	textBytes := buf[ts:te]
	count := uint64(len(textBytes)) / insnSize
	for i := uint64(0); i < count; i++ {
		slot := textBytes[i*insnSize:]
		imm := int64(int32(binary.LittleEndian.Uint32(slot[byteOffsetImm:])))
		if slot[0] != opCallImm || imm == -1 {
			continue
		}
		target := int64(i) + 1 + imm
		if target < 0 || target >= int64(count) {
			return &Error{Variant: RelativeJumpOutOfBounds, Index: i}
		}
		name := ""
		if cfg.EnableSymbolAndSectionLabels {
			name = fmt.Sprintf("function_%d", target)
		}
		key, err := funcs.registerHashedLegacy(loader, name, uint64(target))
		if err != nil {
			return err
		}
		binary.LittleEndian.PutUint32(slot[byteOffsetImm:], key)
	}

	for _, r := range e.dynRels {
		off := r.offset
		immOff := satAdd(off, byteOffsetImm)
		switch r.typ() {
		case RBPF64_64:
			refd, err := getU32(buf, immOff)
			if err != nil {
				return err
			}
			if !e.hasDynSyms || uint64(r.sym()) >= uint64(len(e.dynSyms)) {
				return &Error{Variant: UnknownSymbol, Index: uint64(r.sym())}
			}
			sym := e.dynSyms[r.sym()]
			addr := satAdd(sym.value, uint64(refd))
			if addr < mmRegionSize {
				addr += mmRegionSize
			}
			if err := putU32(buf, immOff, uint32(addr)); err != nil {
				return err
			}
			if err := putU32(buf, satAdd(immOff, insnSize), uint32(addr>>32)); err != nil {
				return err
			}
		case RBPF64Relative:
			if off >= ts && off < te {
				// A lddw: the address is split over the two immediates.
				hiOff := satAdd(satAdd(off, insnSize), byteOffsetImm)
				lo, err := getU32(buf, immOff)
				if err != nil {
					return err
				}
				hi, err := getU32(buf, hiOff)
				if err != nil {
					return err
				}
				refd := uint64(hi)<<32 | uint64(lo)
				if refd == 0 {
					return &Error{Variant: InvalidVirtualAddress, Value: 0}
				}
				if refd < mmRegionSize {
					refd += mmRegionSize
				}
				if err := putU32(buf, immOff, uint32(refd)); err != nil {
					return err
				}
				if err := putU32(buf, hiOff, uint32(refd>>32)); err != nil {
					return err
				}
			} else {
				// Old toolchains stored only the low 32 bits, shifted left by 32: the
				// address is read from the upper half and written back as 64 bits.
				lo, err := getU32(buf, immOff)
				if err != nil {
					return err
				}
				refd := mmRegionSize + uint64(lo)
				if off > uint64(len(buf)) || uint64(len(buf))-off < 8 {
					return newErr(ValueOutOfBounds)
				}
				binary.LittleEndian.PutUint64(buf[off:], refd)
			}
		case RBPF64_32:
			if !e.hasDynSyms || uint64(r.sym()) >= uint64(len(e.dynSyms)) {
				return &Error{Variant: UnknownSymbol, Index: uint64(r.sym())}
			}
			sym := e.dynSyms[r.sym()]
			nameB, err := e.dynamicSymbolName(sym.name)
			if err != nil {
				return &Error{Variant: UnknownSymbol, Index: uint64(sym.name)}
			}
			name := string(nameB)
			var key uint32
			if sym.isFunction() && sym.value != 0 {
				// A defined function: a bpf-to-bpf call.
				if !text.vmContains(sym.value) {
					return newErr(ValueOutOfBounds)
				}
				target := (sym.value - text.addr) / insnSize
				if key, err = funcs.registerHashedLegacy(loader, name, target); err != nil {
					return err
				}
			} else {
				// Otherwise a syscall.
				key = sbpf.HashSymbolName(nameB)
				if cfg.RejectBrokenELFs {
					if _, _, ok := loader.LookupSyscall(key); !ok {
						return &Error{Variant: UnresolvedSymbol, Name: string(bytes.ToValidUTF8(nameB, []byte("\uFFFD"))), Index: off / insnSize, Value: off}
					}
				}
			}
			if err := putU32(buf, immOff, key); err != nil {
				return err
			}
		default:
			return &Error{Variant: UnknownRelocation, Value: uint64(r.typ())}
		}
	}

	if cfg.EnableSymbolAndSectionLabels {
		syms, _ := e.symbolTable()
		for i := range syms {
			sym := &syms[i]
			if sym.info&0xef != 0x02 {
				continue
			}
			if !text.vmContains(sym.value) {
				return newErr(ValueOutOfBounds)
			}
			target := (sym.value - text.addr) / insnSize
			name, err := e.symbolName(sym.name)
			if err != nil {
				continue // a label we cannot read only costs this label
			}
			if _, err := funcs.registerHashedLegacy(loader, string(name), target); err != nil {
				return err
			}
		}
	}
	return nil
}

// loadStrict is load_with_strict_parser (v3+): fixed program headers, no relocations.
func loadStrict(data []byte, loader *sbpf.Loader) (*sbpf.Executable, error) {
	exe, err := loadStrictParser(data, loader)
	if err != nil {
		return nil, fromParser(err)
	}
	return exe, nil
}

func loadStrictParser(data []byte, loader *sbpf.Loader) (*sbpf.Executable, error) {
	h, fhr, err := parseFileHeader(data)
	if err != nil {
		return nil, err
	}
	phEnd := satAdd(satMul(phdrSize, uint64(h.phnum)), ehdrSize)
	phr := byteRange{ehdrSize, phEnd}
	var pad [7]byte
	if [4]byte(h.ident[:4]) != elfMagic || h.ident[4] != elfClass64 || h.ident[5] != elfData2LSB ||
		h.ident[6] != evCurrent || h.ident[7] != elfOSABINone || h.ident[8] != 0 ||
		[7]byte(h.ident[9:16]) != pad || h.machine != EMBPF || h.version != evCurrent ||
		h.phoff != ehdrSize || h.ehsize != ehdrSize || h.phentsize != phdrSize || h.phnum == 0 ||
		phr.end > uint64(len(data)) {
		return nil, &ParserError{Kind: ParserInvalidFileHeader}
	}
	if err := sliceRange(data, phr, phdrSize); err != nil {
		return nil, err
	}
	phs := readProgramHeaders(data, phr)
	type expected struct {
		flags uint32
		vaddr uint64
	}
	want := []expected{{pfR, sbpf.MMRodataStart}, {pfX, sbpf.MMBytecodeStart}}
	skipRodata := phs[0].flags != want[0].flags
	if skipRodata {
		want = want[1:]
	} else if h.phnum < 2 {
		return nil, &ParserError{Kind: ParserInvalidFileHeader}
	}
	expectedOffset := phr.end
	for i := 0; i < len(phs) && i < len(want); i++ {
		p := &phs[i]
		if p.typ != ptLoad || p.flags != want[i].flags || p.offset != expectedOffset ||
			p.offset >= uint64(len(data)) || p.offset%insnSize != 0 ||
			p.vaddr != want[i].vaddr || p.paddr != want[i].vaddr || p.filesz != p.memsz ||
			p.filesz > satSub(uint64(len(data)), p.offset) || p.filesz%insnSize != 0 ||
			p.memsz >= mmRegionSize {
			return nil, &ParserError{Kind: ParserInvalidProgramHeader}
		}
		expectedOffset = satAdd(expectedOffset, p.filesz)
	}
	roStart, roEnd := phr.end, phr.end
	var code *programHeader
	if skipRodata {
		code = &phs[0]
	} else {
		roStart, roEnd = phs[0].fileRange()
		code = &phs[1]
	}
	ts, te := code.fileRange()
	if !code.vmContains(satAdd(h.entry, insnSize-1)) || h.entry%insnSize != 0 {
		return nil, &ParserError{Kind: ParserInvalidFileHeader}
	}
	entryPC := satSub(h.entry, code.vaddr) / insnSize

	funcs := funcReg{}
	if loader.Config().EnableSymbolAndSectionLabels {
		// Labels are debug information: any failure leaves the executable without labels.
		if l, err := parseDebugLabels(data, &h, fhr, phr, code); err == nil {
			funcs = l
		}
	}
	reg, err := funcs.registry()
	if err != nil {
		return nil, err
	}
	buf := bytes.Clone(data)
	return &sbpf.Executable{
		Loader:      loader,
		Text:        buf[ts:te],
		TextVaddr:   code.vaddr,
		Rodata:      buf[roStart:roEnd],
		RodataVaddr: sbpf.MMRodataStart,
		EntryPC:     entryPC,
		Functions:   reg,
	}, nil
}

func satMul(a, b uint64) uint64 {
	p, err := checkedMul(a, b)
	if err != nil {
		return ^uint64(0)
	}
	return p
}

// parseDebugLabels collects the function labels of a strictly parsed ELF from .symtab.
func parseDebugLabels(data []byte, h *fileHeader, fhr, phr byteRange, code *programHeader) (funcReg, error) {
	funcs := funcReg{}
	_, shs, err := parseSectionHeaderTable(data, fhr, h, phr)
	if err != nil {
		return nil, err
	}
	if h.shstr == 0 {
		return funcs, nil
	}
	if int(h.shstr) >= len(shs) {
		return nil, &ParserError{Kind: ParserOutOfBounds}
	}
	names := &shs[h.shstr]
	var strtab, symtab *sectionHeader
	for i := range shs {
		n, err := stringInSection(data, names, shs[i].name, sectionNameLengthMaximum)
		if err != nil {
			continue
		}
		switch string(n) {
		case ".strtab":
			strtab = &shs[i]
		case ".symtab":
			symtab = &shs[i]
		}
	}
	if strtab == nil || symtab == nil {
		return funcs, nil
	}
	syms, err := symbolsOfSection(data, symtab)
	if err != nil {
		return nil, err
	}
	for i := range syms {
		sym := &syms[i]
		if sym.info&sttFunc == 0 {
			continue
		}
		target := satSub(sym.value, code.vaddr) / insnSize
		name, err := stringInSection(data, strtab, sym.name, debugSymbolNameLengthMaximum)
		if err != nil {
			continue
		}
		_ = funcs.register(uint32(target), string(name), target)
	}
	return funcs, nil
}
