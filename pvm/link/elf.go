package link

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Input is one ELF file to link.
type Input struct {
	Name string // used in error messages
	Data []byte
}

// secClass is what the linker does with a section (spec §6.2).
type secClass uint8

const (
	secIgnore secClass = iota
	secCode
	secRO
	secRW
	secBSS
	secMetadata // .polkavm_metadata: import/export records, read by the linker only
	secExports  // .polkavm_exports
	secMinStack // .polkavm_min_stack_size
)

// rela is one relocation, its offset made relative to the section it patches.
type rela struct {
	off    uint64
	typ    elf.R_RISCV
	sym    uint32 // symbol index in the object's symbol table (0 = none)
	addend int64
	vaddr  bool // the target is the virtual address addend of this (linked) object: an R_RISCV_RELATIVE
}

type section struct {
	id    int // index in linker.sections
	obj   *object
	idx   int // ELF section index
	name  string
	class secClass
	data  []byte // nil for BSS
	size  uint64
	align uint64
	addr  uint64 // sh_addr (non-zero only in linked inputs)
	relas []rela

	live bool
	base uint32 // data address after layout
	// code sections after translation
	code *codeSection
}

type object struct {
	name  string
	typ   elf.Type
	secs  []*section // by ELF section index; nil for sections without data we care about
	all   []*elf.Section
	syms  []elf.Symbol // ELF symbol index i is syms[i-1]
	comm  map[uint32]*section
	nsyms int
}

// target is a resolved relocation target: a location in a section, or an absolute value.
type target struct {
	sec *section // nil for absolute
	off uint64   // offset in sec, or the absolute value
}

func (t target) String() string {
	if t.sec == nil {
		return fmt.Sprintf("absolute 0x%x", t.off)
	}
	return fmt.Sprintf("%s+0x%x", t.sec.name, t.off)
}

// readObject parses and validates one ELF file. It never panics on bad input;
// debug/elf is guarded by recover as a last line of defence.
func readObject(in Input) (obj *object, err error) {
	defer func() {
		if r := recover(); r != nil {
			obj, err = nil, &Error{Kind: ErrMalformed, File: in.Name, Msg: fmt.Sprint("cannot parse: ", r)}
		}
	}()
	fail := func(kind ErrKind, format string, args ...any) error {
		return &Error{Kind: kind, File: in.Name, Msg: fmt.Sprintf(format, args...)}
	}
	f, err := elf.NewFile(bytes.NewReader(in.Data))
	if err != nil {
		return nil, fail(ErrMalformed, "%v", err)
	}
	if f.Class != elf.ELFCLASS64 {
		return nil, fail(ErrUnsupportedELF, "class %v, want ELFCLASS64", f.Class)
	}
	if f.Data != elf.ELFDATA2LSB {
		return nil, fail(ErrUnsupportedELF, "data encoding %v, want little-endian", f.Data)
	}
	if f.Machine != elf.EM_RISCV {
		return nil, fail(ErrUnsupportedELF, "machine %v, want EM_RISCV", f.Machine)
	}
	if f.OSABI != elf.ELFOSABI_NONE && f.OSABI != elf.ELFOSABI_LINUX {
		return nil, fail(ErrUnsupportedELF, "OS ABI %v, want SYSV or GNU", f.OSABI)
	}
	switch f.Type {
	case elf.ET_REL, elf.ET_EXEC, elf.ET_DYN:
	default:
		return nil, fail(ErrUnsupportedELF, "type %v, want ET_REL, ET_EXEC or ET_DYN", f.Type)
	}
	const efFloatABI = 0x6
	if flags := elfFlags(in.Data); flags&efFloatABI != 0 {
		return nil, fail(ErrUnsupportedELF, "hard-float ABI (e_flags 0x%x); compile with -mabi=lp64e", flags)
	}

	obj = &object{name: in.Name, typ: f.Type, all: f.Sections, secs: make([]*section, len(f.Sections))}
	syms, err := f.Symbols()
	if err != nil && !errors.Is(err, elf.ErrNoSymbols) {
		return nil, fail(ErrMalformed, "symbol table: %v", err)
	}
	obj.syms = syms
	obj.nsyms = len(syms)
	for _, s := range syms {
		switch elf.ST_TYPE(s.Info) {
		case elf.STT_NOTYPE, elf.STT_OBJECT, elf.STT_FUNC, elf.STT_SECTION, elf.STT_FILE:
		default:
			return nil, &Error{Kind: ErrUnsupportedELF, File: in.Name, Symbol: s.Name,
				Msg: fmt.Sprintf("symbol type %v is not supported (only NOTYPE, OBJECT, FUNC, SECTION, FILE)", elf.ST_TYPE(s.Info))}
		}
	}

	for i, s := range f.Sections {
		if i == 0 {
			continue
		}
		class, err := classify(s)
		if err != nil {
			err.File = in.Name
			return nil, err
		}
		sec := &section{obj: obj, idx: i, name: s.Name, class: class, size: s.Size, align: s.Addralign, addr: s.Addr}
		if class == secIgnore {
			// Kept as a placeholder so that references to it can be reported by name.
			obj.secs[i] = sec
			continue
		}
		if sec.align == 0 {
			sec.align = 1
		}
		if sec.align&(sec.align-1) != 0 || sec.align > 1<<16 {
			return nil, &Error{Kind: ErrMalformed, File: in.Name, Section: s.Name, Msg: fmt.Sprintf("bad alignment %d", s.Addralign)}
		}
		if s.Size >= 1<<32 {
			return nil, &Error{Kind: ErrLayout, File: in.Name, Section: s.Name, Msg: fmt.Sprintf("section size %d does not fit the 32-bit address space", s.Size)}
		}
		if class != secBSS {
			if s.Type == elf.SHT_NOBITS {
				return nil, &Error{Kind: ErrUnsupportedSection, File: in.Name, Section: s.Name, Msg: "NOBITS section in a non-BSS role"}
			}
			d, err := s.Data()
			if err != nil {
				return nil, &Error{Kind: ErrMalformed, File: in.Name, Section: s.Name, Msg: err.Error()}
			}
			sec.data = d
		}
		obj.secs[i] = sec
	}

	// Relocations: SHT_RELA sections that patch a section we keep.
	for _, s := range f.Sections {
		if s.Type != elf.SHT_RELA && s.Type != elf.SHT_REL {
			continue
		}
		if s.Info == 0 && f.Type != elf.ET_REL {
			// .rela.dyn of a shared object: the static relocations of absolute pointers were
			// turned into R_RISCV_RELATIVE here (and into R_RISCV_NONE in --emit-relocs).
			if err := obj.dynamicRelocs(s); err != nil {
				err.File = in.Name
				return nil, err
			}
			continue
		}
		if int(s.Info) <= 0 || int(s.Info) >= len(f.Sections) {
			return nil, &Error{Kind: ErrMalformed, File: in.Name, Section: s.Name, Msg: fmt.Sprintf("relocation section applies to bad section index %d", s.Info)}
		}
		tgt := obj.secs[s.Info]
		if tgt == nil || tgt.class == secIgnore {
			continue // relocations of debug info, .eh_frame, …
		}
		if s.Type == elf.SHT_REL {
			return nil, &Error{Kind: ErrUnsupportedRelocation, File: in.Name, Section: s.Name, Msg: "SHT_REL (implicit addend) relocations are not supported; RISC-V uses SHT_RELA"}
		}
		if s.Flags&elf.SHF_ALLOC != 0 && f.Type == elf.ET_REL {
			return nil, &Error{Kind: ErrMalformed, File: in.Name, Section: s.Name, Msg: "allocated relocation section in a relocatable object"}
		}
		d, err := s.Data()
		if err != nil {
			return nil, &Error{Kind: ErrMalformed, File: in.Name, Section: s.Name, Msg: err.Error()}
		}
		if len(d)%24 != 0 {
			return nil, &Error{Kind: ErrMalformed, File: in.Name, Section: s.Name, Msg: fmt.Sprintf("size %d is not a multiple of 24", len(d))}
		}
		for p := 0; p < len(d); p += 24 {
			off := binary.LittleEndian.Uint64(d[p:])
			info := binary.LittleEndian.Uint64(d[p+8:])
			add := int64(binary.LittleEndian.Uint64(d[p+16:]))
			symi := uint32(info >> 32)
			typ := elf.R_RISCV(uint32(info))
			if typ == elf.R_RISCV_NONE {
				continue
			}
			if int(symi) > len(syms) {
				return nil, &Error{Kind: ErrMalformed, File: in.Name, Section: tgt.name, Offset: off, HasOff: true, Msg: fmt.Sprintf("relocation %v refers to symbol index %d of %d", typ, symi, len(syms))}
			}
			if f.Type != elf.ET_REL {
				if off < tgt.addr {
					return nil, &Error{Kind: ErrMalformed, File: in.Name, Section: tgt.name, Msg: fmt.Sprintf("relocation offset 0x%x below the section address 0x%x", off, tgt.addr)}
				}
				off -= tgt.addr
			}
			if off > tgt.size {
				return nil, &Error{Kind: ErrMalformed, File: in.Name, Section: tgt.name, Offset: off, HasOff: true, Msg: fmt.Sprintf("relocation %v beyond the section end (size 0x%x)", typ, tgt.size)}
			}
			tgt.relas = append(tgt.relas, rela{off: off, typ: typ, sym: symi, addend: add})
		}
	}
	for _, sec := range obj.secs {
		if sec != nil {
			// Keep relocations in offset order; the stable sort preserves the ADD/SUB order at one offset.
			sort.SliceStable(sec.relas, func(i, j int) bool { return sec.relas[i].off < sec.relas[j].off })
		}
	}
	return obj, nil
}

func elfFlags(b []byte) uint32 {
	if len(b) < 0x34 {
		return 0
	}
	return binary.LittleEndian.Uint32(b[0x30:])
}

func hasPrefixDot(name, p string) bool { return name == p || strings.HasPrefix(name, p+".") }

// classify applies spec §6.2 in order.
func classify(s *elf.Section) (secClass, *Error) {
	n := s.Name
	alloc := s.Flags&elf.SHF_ALLOC != 0
	write := s.Flags&elf.SHF_WRITE != 0
	exec := s.Flags&elf.SHF_EXECINSTR != 0
	bad := func(msg string) (secClass, *Error) {
		return secIgnore, &Error{Kind: ErrUnsupportedSection, Section: n, Msg: msg}
	}
	if s.Type == elf.SHT_RELA || s.Type == elf.SHT_REL || s.Type == elf.SHT_SYMTAB || s.Type == elf.SHT_STRTAB || s.Type == elf.SHT_GROUP {
		return secIgnore, nil
	}
	if alloc && s.Flags&elf.SHF_TLS != 0 {
		return bad("thread-local storage is not supported")
	}
	switch {
	case hasPrefixDot(n, ".rodata") || strings.HasPrefix(n, ".srodata") || hasPrefixDot(n, ".data.rel.ro") || n == ".got.plt" || n == ".relro_padding":
		if !alloc {
			return secIgnore, nil
		}
		if n == ".rodata" && write {
			return bad("read-only data section is writable")
		}
		if s.Type == elf.SHT_NOBITS {
			return secBSS, nil
		}
		return secRO, nil
	case n == ".got":
		return secIgnore, nil // re-synthesised
	case hasPrefixDot(n, ".data") || hasPrefixDot(n, ".sdata"):
		if !alloc {
			return secIgnore, nil
		}
		if !write {
			return bad("data section is not writable")
		}
		return secRW, nil
	case hasPrefixDot(n, ".bss") || hasPrefixDot(n, ".sbss"):
		if !alloc {
			return secIgnore, nil
		}
		if !write {
			return bad("bss section is not writable")
		}
		return secBSS, nil
	case hasPrefixDot(n, ".text") || (alloc && exec):
		if !alloc {
			return secIgnore, nil
		}
		if write {
			return bad("code section is writable")
		}
		return secCode, nil
	case n == ".polkavm_metadata" || (n == ".metadata" && !alloc): // older polkavm toolchains name it .metadata
		return secMetadata, nil
	case n == ".polkavm_exports":
		return secExports, nil
	case n == ".polkavm_min_stack_size":
		return secMinStack, nil
	case n == ".eh_frame" || n == ".dynsym" || n == ".dynstr" || n == ".dynamic" || n == ".eh_frame_hdr":
		return secIgnore, nil
	}
	if !alloc {
		return secIgnore, nil
	}
	switch s.Type {
	case elf.SHT_HASH, elf.SHT_GNU_HASH, elf.SHT_DYNSYM, elf.SHT_STRTAB, elf.SHT_RELA, elf.SHT_NOTE:
		return secIgnore, nil
	case elf.SHT_PROGBITS:
		switch {
		case exec:
			return secCode, nil
		case write:
			return secRW, nil
		default:
			return secRO, nil
		}
	case elf.SHT_NOBITS:
		if write {
			return secBSS, nil
		}
	}
	return bad(fmt.Sprintf("allocated section of type %v with flags %v is not supported", s.Type, s.Flags))
}

// symName returns the name of symbol index i, or "" for none.
func (o *object) symName(i uint32) string {
	if i == 0 || int(i) > len(o.syms) {
		return ""
	}
	s := o.syms[i-1]
	if s.Name == "" && elf.ST_TYPE(s.Info) == elf.STT_SECTION && int(s.Section) < len(o.all) {
		return o.all[s.Section].Name
	}
	return s.Name
}

// symbolAt names the location (section, off) by the nearest preceding function
// or object symbol, for error messages ("memcpy+0x1a").
func (o *object) symbolAt(sec *section, off uint64) string {
	best, bestVal := "", uint64(0)
	found := false
	for _, s := range o.syms {
		if int(s.Section) != sec.idx || s.Name == "" || strings.HasPrefix(s.Name, "$") || strings.HasPrefix(s.Name, ".L") {
			continue
		}
		t := elf.ST_TYPE(s.Info)
		if t != elf.STT_FUNC && t != elf.STT_OBJECT && t != elf.STT_NOTYPE {
			continue
		}
		v := s.Value
		if o.typ != elf.ET_REL {
			v -= sec.addr
		}
		if v <= off && (!found || v > bestVal || (v == bestVal && t == elf.STT_FUNC)) {
			best, bestVal, found = s.Name, v, true
		}
	}
	if !found {
		return ""
	}
	if off == bestVal {
		return best
	}
	return fmt.Sprintf("%s+0x%x", best, off-bestVal)
}

// errAt builds an error located at (sec, off).
func errAt(kind ErrKind, sec *section, off uint64, format string, args ...any) *Error {
	e := &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
	if sec != nil {
		e.File = sec.obj.name
		e.Section = sec.name
		e.Offset, e.HasOff = off, true
		e.Symbol = sec.obj.symbolAt(sec, off)
	}
	return e
}

// dynamicRelocs adds the R_RISCV_RELATIVE entries of a dynamic relocation table to the
// sections they patch.
func (o *object) dynamicRelocs(s *elf.Section) *Error {
	d, err := s.Data()
	if err != nil {
		return &Error{Kind: ErrMalformed, Section: s.Name, Msg: err.Error()}
	}
	for p := 0; p+24 <= len(d); p += 24 {
		off := binary.LittleEndian.Uint64(d[p:])
		typ := elf.R_RISCV(uint32(binary.LittleEndian.Uint64(d[p+8:])))
		add := int64(binary.LittleEndian.Uint64(d[p+16:]))
		if typ == elf.R_RISCV_NONE {
			continue
		}
		if typ != elf.R_RISCV_RELATIVE {
			return &Error{Kind: ErrUnsupportedRelocation, Section: s.Name, Offset: off, HasOff: true,
				Msg: fmt.Sprintf("dynamic relocation %v; link the shared object with -Bsymbolic so that only R_RISCV_RELATIVE remain", typ)}
		}
		var tgt *section
		for _, c := range o.secs {
			if c != nil && c.class != secIgnore && c.class != secBSS && off >= c.addr && off+8 <= c.addr+c.size {
				tgt = c
				break
			}
		}
		if tgt == nil {
			return &Error{Kind: ErrUnsupportedRelocation, Section: s.Name, Offset: off, HasOff: true, Msg: "R_RISCV_RELATIVE patches no loaded section"}
		}
		tgt.relas = append(tgt.relas, rela{off: off - tgt.addr, typ: elf.R_RISCV_64, addend: add, vaddr: true})
	}
	return nil
}
