// Package link links BPF relocatable objects (as produced by `clang-19 -target bpfel
// -mcpu=v2 -O2 -c`) into an sBPF v0 ("legacy") shared object of the shape Agave's
// loader accepts for deployed programs.
//
// Upstream LLVM has no BPF linker, so this package does the job of the Solana
// toolchain's lld for the subset of the object format that C programs produce:
//
//   - every executable section is concatenated into one .text, every read-only data
//     section (.rodata*, .data.rel.ro*) into one .rodata, each file offset equal to
//     its virtual address (Agave rejects anything else for deployments);
//   - calls to functions of the program (R_BPF_64_32 against a defined symbol) are
//     resolved to PC-relative call immediates, which the v0 loader registers itself;
//   - calls to undefined symbols that name a syscall become `call -1` plus a dynamic
//     R_BPF_64_32 relocation against an undefined dynamic symbol of that name: the
//     loader writes murmur3(name) into the immediate;
//   - address loads (R_BPF_64_64 on lddw) and pointers in read-only data
//     (R_BPF_64_ABS64) become dynamic R_BPF_64_RELATIVE relocations that the loader
//     rebases into the program region (anza-xyz/sbpf doc/relocations.md);
//   - `callx` is rewritten to the v0 encoding (target register in the immediate);
//   - sections the entrypoint cannot reach are dropped (like lld --gc-sections).
//
// The output is written by package sbpf/elf (WriteLegacy for v0; Options.Version V3
// gives a strict v3 ELF from the same objects instead).
//
// It refuses, with a typed *Error, what a v0 program cannot contain: writable
// globals, instructions v0 lacks or runs differently (JMP32, atomics, signed division,
// sign-extending moves and loads, byte swap, 32-bit add/sub/mul), stack frames over the
// frame size, unknown symbols.
package link

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"sort"
	"strings"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	sbelf "github.com/sbpf-pvm/sbpf-pvm/sbpf/elf"
)

// Object is one relocatable input: a name for messages and the ELF bytes.
type Object struct {
	Name string
	Data []byte
}

// Options tune a link. The zero value links for Agave's mainnet configuration.
type Options struct {
	// Entry is the entrypoint symbol; "entrypoint" when empty.
	Entry string
	// StackFrameSize is the per-call stack frame in bytes; 4096 when zero.
	StackFrameSize int
	// Syscalls are the names an undefined call may resolve to; Syscalls() when nil.
	Syscalls []string
	// Version is the SBPF version to emit: V0 (the default, what Agave deploys today)
	// or V3 (strict ELF, static syscalls, rodata at 0). The instructions are the same
	// -mcpu=v2 subset for both; v1 and v2 change instruction semantics and are refused.
	Version sbpf.Version
}

// MaxObjectBytes bounds one input object.
const MaxObjectBytes = 64 << 20

// maxProgramBytes bounds the linked .text + .rodata: everything must fit below the
// stack region and in 32-bit relocation addends.
const maxProgramBytes = 1 << 30

// ELF constants for BPF that debug/elf does not define.
const (
	emBPF = 247

	rBPFNone      = 0
	rBPF64_64     = 1
	rBPF64Abs64   = 2
	rBPF64Abs32   = 3
	rBPF64Nodyld  = 4
	rBPF64_32     = 10
	defaultEntry  = "entrypoint"
	defaultFrame  = 4096
	insnSize      = 8
	opLDDW        = 0x18
	opCall        = 0x85
	opCallx       = 0x8d
	opExit        = 0x95
	regFramePtr   = 10
	maxSymNameLen = 63 // Agave's dynamic symbol name limit (64 with the NUL)
)

// Syscalls returns the names of the syscalls Agave registers for deployed programs
// (programs/bpf_loader/src/syscalls/mod.rs, create_program_runtime_environment_v1).
func Syscalls() []string {
	return []string{
		"abort", "sol_panic_", "sol_log_", "sol_log_64_", "sol_log_compute_units_",
		"sol_log_pubkey", "sol_create_program_address", "sol_try_find_program_address",
		"sol_sha256", "sol_keccak256", "sol_secp256k1_recover", "sol_blake3",
		"sol_curve_validate_point", "sol_curve_group_op", "sol_curve_multiscalar_mul",
		"sol_get_clock_sysvar", "sol_get_epoch_schedule_sysvar", "sol_get_fees_sysvar",
		"sol_get_rent_sysvar", "sol_get_last_restart_slot", "sol_get_epoch_rewards_sysvar",
		"sol_memcpy_", "sol_memmove_", "sol_memcmp_", "sol_memset_",
		"sol_get_processed_sibling_instruction", "sol_get_stack_height",
		"sol_set_return_data", "sol_get_return_data", "sol_invoke_signed_c",
		"sol_invoke_signed_rust", "sol_alloc_free_", "sol_alt_bn128_group_op",
		"sol_big_mod_exp", "sol_poseidon", "sol_remaining_compute_units",
		"sol_alt_bn128_compression", "sol_get_sysvar", "sol_get_epoch_stake", "sol_log_data",
	}
}

type secKind uint8

const (
	kindNone secKind = iota
	kindText
	kindRO
)

// inSection is a loaded section of one object and where it lands in the output.
type inSection struct {
	kind  secKind
	name  string
	data  []byte // private copy, relocated in place
	align uint64
	off   uint64 // offset within the output .text or .rodata
	live  bool   // reachable from the entrypoint (see markLive)
}

// symRef is a symbol of one object, resolved to a definition when it has one.
type symRef struct {
	name    string
	bind    elf.SymBind
	typ     elf.SymType
	shndx   elf.SectionIndex
	value   uint64
	size    uint64
	sec     *inSection // nil when undefined, absolute or in an ignored section
	ignored string     // name of the ignored section that holds the definition
}

type inObject struct {
	name     string
	file     *elf.File
	sections map[int]*inSection // by ELF section index
	syms     []symRef           // index i = ELF symbol i+1
}

type linker struct {
	opts     Options
	syscalls map[string]bool
	objs     []*inObject
	text     []*inSection
	ro       []*inSection
	textBuf  []byte
	roBuf    []byte
	roAlign  uint64
	globals  map[string]*symRef
	relocs   []sbelf.Reloc
}

// Link links objs into an sBPF v0 shared object.
func Link(objs []Object, opts Options) ([]byte, error) {
	if opts.Entry == "" {
		opts.Entry = defaultEntry
	}
	if opts.StackFrameSize <= 0 {
		opts.StackFrameSize = defaultFrame
	}
	if opts.Syscalls == nil {
		opts.Syscalls = Syscalls()
	}
	if opts.Version != sbpf.V0 && opts.Version != sbpf.V3 {
		return nil, &Error{Kind: UnsupportedVersion, Detail: fmt.Sprintf("cannot emit SBPF %v (v0 and v3 are supported)", opts.Version)}
	}
	l := &linker{opts: opts, syscalls: map[string]bool{}, globals: map[string]*symRef{}, roAlign: 8}
	for _, s := range opts.Syscalls {
		l.syscalls[s] = true
	}
	if len(objs) == 0 {
		return nil, &Error{Kind: MalformedObject, Detail: "no input objects"}
	}
	for _, o := range objs {
		obj, err := readObject(o)
		if err != nil {
			return nil, err
		}
		l.objs = append(l.objs, obj)
	}
	if err := l.collectGlobals(); err != nil {
		return nil, err
	}
	entry, ok := l.globals[opts.Entry]
	if !ok || entry.sec == nil || entry.sec.kind != kindText {
		return nil, &Error{Kind: NoEntrypoint, Symbol: opts.Entry, Detail: "no object defines it as a function in .text"}
	}
	if err := l.markLive(entry); err != nil {
		return nil, err
	}
	if err := l.layout(); err != nil {
		return nil, err
	}
	for _, obj := range l.objs {
		if err := l.relocate(obj); err != nil {
			return nil, err
		}
	}
	l.concat()
	if err := l.checkText(); err != nil {
		return nil, err
	}
	return l.write(entry)
}

// readObject parses one relocatable object and copies the sections we load.
func readObject(o Object) (obj *inObject, err error) {
	bad := func(format string, args ...any) error {
		return &Error{Kind: MalformedObject, Object: o.Name, Detail: fmt.Sprintf(format, args...)}
	}
	if len(o.Data) > MaxObjectBytes {
		return nil, bad("larger than %d bytes", MaxObjectBytes)
	}
	// debug/elf is defensive but not guaranteed panic-free on hostile input; a panic in
	// the parser is reported as a malformed object rather than crashing the caller.
	defer func() {
		if r := recover(); r != nil {
			obj, err = nil, bad("ELF parser: %v", r)
		}
	}()
	f, perr := elf.NewFile(bytes.NewReader(o.Data))
	if perr != nil {
		return nil, bad("%v", perr)
	}
	if f.Class != elf.ELFCLASS64 || f.Data != elf.ELFDATA2LSB {
		return nil, bad("not a 64-bit little-endian ELF (compile with -target bpfel)")
	}
	if f.Type != elf.ET_REL {
		return nil, bad("ELF type %v, want a relocatable object (ET_REL)", f.Type)
	}
	if f.Machine != emBPF {
		return nil, bad("machine %v, want BPF (%d)", f.Machine, emBPF)
	}
	obj = &inObject{name: o.Name, file: f, sections: map[int]*inSection{}}
	for i, s := range f.Sections {
		kind := classify(s)
		if kind == kindNone {
			if isWritable(s) && s.Size > 0 {
				return nil, &Error{Kind: WritableData, Object: o.Name, Section: s.Name,
					Detail: fmt.Sprintf("%d bytes of writable globals; sBPF programs cannot have mutable global or static variables (make them const or keep them on the stack)", s.Size)}
			}
			continue
		}
		if s.Flags&elf.SHF_COMPRESSED != 0 {
			return nil, bad("section %s: compressed sections are not supported", s.Name)
		}
		data, derr := s.Data()
		if derr != nil {
			return nil, bad("section %s: %v", s.Name, derr)
		}
		if kind == kindText && len(data)%insnSize != 0 {
			return nil, bad("section %s: size %d is not a multiple of 8", s.Name, len(data))
		}
		align := s.Addralign
		if align == 0 {
			align = 1
		}
		if align&(align-1) != 0 || align > 4096 {
			return nil, bad("section %s: alignment %d", s.Name, align)
		}
		obj.sections[i] = &inSection{kind: kind, name: s.Name, data: bytes.Clone(data), align: align}
	}
	syms, serr := f.Symbols()
	if serr != nil && serr != elf.ErrNoSymbols {
		return nil, bad("symbol table: %v", serr)
	}
	obj.syms = make([]symRef, len(syms))
	for i, s := range syms {
		r := symRef{name: s.Name, bind: elf.ST_BIND(s.Info), typ: elf.ST_TYPE(s.Info), shndx: s.Section, value: s.Value, size: s.Size}
		switch {
		case s.Section == elf.SHN_UNDEF, s.Section == elf.SHN_ABS:
		case s.Section == elf.SHN_COMMON:
			return nil, &Error{Kind: WritableData, Object: o.Name, Symbol: s.Name, Detail: "common (uninitialized mutable) global; sBPF programs cannot have mutable globals"}
		case s.Section >= elf.SHN_LORESERVE:
			return nil, bad("symbol %q: unsupported section index %#x", s.Name, uint16(s.Section))
		default:
			if int(s.Section) >= len(f.Sections) {
				return nil, bad("symbol %q: section index %d out of range", s.Name, s.Section)
			}
			if sec := obj.sections[int(s.Section)]; sec != nil {
				if s.Value > uint64(len(sec.data)) {
					return nil, bad("symbol %q: value %#x beyond section %s", s.Name, s.Value, sec.name)
				}
				r.sec = sec
			} else {
				r.ignored = f.Sections[s.Section].Name
			}
		}
		obj.syms[i] = r
	}
	return obj, nil
}

func isWritable(s *elf.Section) bool {
	if s.Flags&elf.SHF_ALLOC == 0 {
		return false
	}
	return s.Flags&elf.SHF_WRITE != 0 || strings.HasPrefix(s.Name, ".data") || strings.HasPrefix(s.Name, ".bss")
}

// classify decides whether a section is loaded as code, as read-only data, or not at all.
func classify(s *elf.Section) secKind {
	if s.Flags&elf.SHF_ALLOC == 0 || (s.Type != elf.SHT_PROGBITS && s.Type != elf.SHT_NOBITS) {
		return kindNone
	}
	if s.Flags&elf.SHF_EXECINSTR != 0 {
		return kindText
	}
	if strings.HasPrefix(s.Name, ".data.rel.ro") || strings.HasPrefix(s.Name, ".rodata") {
		if s.Type == elf.SHT_NOBITS {
			return kindNone
		}
		return kindRO
	}
	if s.Flags&elf.SHF_WRITE == 0 && s.Type == elf.SHT_PROGBITS && !strings.HasPrefix(s.Name, ".data") {
		return kindRO
	}
	return kindNone
}

// collectGlobals builds the global symbol table: a strong definition beats weak ones,
// two strong definitions are an error.
func (l *linker) collectGlobals() error {
	for _, obj := range l.objs {
		for i := range obj.syms {
			s := &obj.syms[i]
			if s.bind != elf.STB_GLOBAL && s.bind != elf.STB_WEAK {
				continue
			}
			if s.shndx == elf.SHN_UNDEF {
				continue
			}
			prev, ok := l.globals[s.name]
			switch {
			case !ok:
				l.globals[s.name] = s
			case prev.bind == elf.STB_WEAK && s.bind == elf.STB_GLOBAL:
				l.globals[s.name] = s
			case prev.bind == elf.STB_GLOBAL && s.bind == elf.STB_GLOBAL:
				return &Error{Kind: DuplicateSymbol, Object: obj.name, Symbol: s.name, Detail: "defined in more than one object"}
			}
		}
	}
	return nil
}

// layout places every loaded section in the output and fixes the two base addresses.
func (l *linker) layout() error {
	var textSize, roSize uint64
	for _, obj := range l.objs {
		idx := make([]int, 0, len(obj.sections))
		for i := range obj.sections {
			idx = append(idx, i)
		}
		sort.Ints(idx)
		for _, i := range idx {
			s := obj.sections[i]
			if !s.live {
				continue
			}
			if s.kind == kindText {
				textSize = alignUp(textSize, insnSize)
				s.off = textSize
				textSize += uint64(len(s.data))
				l.text = append(l.text, s)
			} else {
				roSize = alignUp(roSize, s.align)
				s.off = roSize
				roSize += uint64(len(s.data))
				if s.align > l.roAlign {
					l.roAlign = s.align
				}
				l.ro = append(l.ro, s)
			}
		}
	}
	if textSize == 0 {
		return &Error{Kind: NoEntrypoint, Detail: "no code"}
	}
	if textSize+roSize > maxProgramBytes {
		return &Error{Kind: TooLarge, Detail: fmt.Sprintf("%d bytes of code and data", textSize+roSize)}
	}
	l.textBuf = make([]byte, textSize)
	l.roBuf = make([]byte, roSize)
	return nil
}

// offset is where a symbol's definition lands in its output section (.text or .rodata).
func (l *linker) offset(s *symRef) uint64 { return s.sec.off + s.value }

// location is the output location of offset off in the loaded section s.
func location(s *inSection, off uint64) sbelf.Location {
	if s.kind == kindText {
		return sbelf.Location{Section: sbelf.SecText, Offset: s.off + off}
	}
	return sbelf.Location{Section: sbelf.SecRodata, Offset: s.off + off}
}

// resolve maps an object's symbol to its definition, following globals for undefined ones.
func (l *linker) resolve(obj *inObject, s *symRef) *symRef {
	if s.shndx != elf.SHN_UNDEF {
		return s
	}
	if g, ok := l.globals[s.name]; ok {
		return g
	}
	return s
}

func (l *linker) relocate(obj *inObject) error {
	return forEachReloc(obj, func(target *inSection, r rawReloc) error {
		if !target.live {
			return nil
		}
		return l.apply(obj, target, r)
	})
}

// forEachReloc calls fn for every relocation of every loaded section of obj.
func forEachReloc(obj *inObject, fn func(target *inSection, r rawReloc) error) error {
	for _, rs := range obj.file.Sections {
		if rs.Type != elf.SHT_REL && rs.Type != elf.SHT_RELA {
			continue
		}
		target := obj.sections[int(rs.Info)]
		if target == nil {
			continue // relocations of a section we do not load (debug info, BTF)
		}
		data, err := rs.Data()
		if err != nil {
			return &Error{Kind: MalformedObject, Object: obj.name, Section: rs.Name, Detail: err.Error()}
		}
		entSize := 16
		if rs.Type == elf.SHT_RELA {
			entSize = 24
		}
		if len(data)%entSize != 0 {
			return &Error{Kind: MalformedObject, Object: obj.name, Section: rs.Name, Detail: "truncated relocation table"}
		}
		for p := 0; p < len(data); p += entSize {
			r := rawReloc{
				offset: binary.LittleEndian.Uint64(data[p:]),
				sym:    uint32(binary.LittleEndian.Uint64(data[p+8:]) >> 32),
				typ:    uint32(binary.LittleEndian.Uint64(data[p+8:])),
			}
			if entSize == 24 {
				r.addend = int64(binary.LittleEndian.Uint64(data[p+16:]))
				r.rela = true
			}
			if err := fn(target, r); err != nil {
				return err
			}
		}
	}
	return nil
}

// markLive keeps the sections reachable from the entrypoint through relocations and
// drops the rest (like lld's --gc-sections): with -ffunction-sections -fdata-sections
// unused functions, such as the SDK's weak memcpy fallbacks, cost nothing.
func (l *linker) markLive(entry *symRef) error {
	owner := map[*inSection]*inObject{}
	for _, obj := range l.objs {
		for _, s := range obj.sections {
			owner[s] = obj
		}
	}
	// Relocation targets per section, gathered once.
	refs := map[*inSection][]*inSection{}
	for _, obj := range l.objs {
		err := forEachReloc(obj, func(target *inSection, r rawReloc) error {
			if r.sym == 0 || int(r.sym) > len(obj.syms) {
				return nil // reported by apply if the section is live
			}
			if d := l.resolve(obj, &obj.syms[r.sym-1]); d.sec != nil {
				refs[target] = append(refs[target], d.sec)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	work := []*inSection{entry.sec}
	entry.sec.live = true
	for len(work) > 0 {
		s := work[len(work)-1]
		work = work[:len(work)-1]
		for _, t := range refs[s] {
			if !t.live {
				t.live = true
				work = append(work, t)
			}
		}
	}
	return nil
}

type rawReloc struct {
	offset uint64
	sym    uint32
	typ    uint32
	addend int64
	rela   bool
}

func relocName(t uint32) string {
	switch t {
	case rBPFNone:
		return "R_BPF_NONE"
	case rBPF64_64:
		return "R_BPF_64_64"
	case rBPF64Abs64:
		return "R_BPF_64_ABS64"
	case rBPF64Abs32:
		return "R_BPF_64_ABS32"
	case rBPF64Nodyld:
		return "R_BPF_64_NODYLD32"
	case rBPF64_32:
		return "R_BPF_64_32"
	}
	return fmt.Sprintf("relocation type %d", t)
}

func (l *linker) apply(obj *inObject, sec *inSection, r rawReloc) error {
	fail := func(kind ErrorKind, sym, format string, args ...any) error {
		return &Error{Kind: kind, Object: obj.name, Section: sec.name, Offset: r.offset, Symbol: sym, Detail: fmt.Sprintf(format, args...)}
	}
	if r.typ == rBPFNone {
		return nil
	}
	if r.sym == 0 || int(r.sym) > len(obj.syms) {
		return fail(MalformedObject, "", "%s: symbol index %d out of range", relocName(r.typ), r.sym)
	}
	sym := l.resolve(obj, &obj.syms[r.sym-1])
	data := sec.data
	switch {
	case sec.kind == kindText && r.typ == rBPF64_64:
		if r.offset%insnSize != 0 || r.offset+16 > uint64(len(data)) || data[r.offset] != opLDDW {
			return fail(UnsupportedRelocation, sym.name, "R_BPF_64_64 not on an lddw instruction")
		}
		addend := int64(binary.LittleEndian.Uint32(data[r.offset+4:]))
		if r.rela {
			addend = r.addend
		}
		v, target, err := l.symbolValue(sym, addend)
		if err != nil {
			return fail(err.Kind, sym.name, "%s", err.Detail)
		}
		if target != nil {
			// The writer fills in the address and emits R_BPF_64_RELATIVE.
			l.relocs = append(l.relocs, sbelf.Reloc{Kind: sbelf.RelocAddress, Site: location(sec, r.offset), Target: *target})
			v = 0
		}
		binary.LittleEndian.PutUint32(data[r.offset+4:], uint32(v))
		binary.LittleEndian.PutUint32(data[r.offset+12:], uint32(v>>32))
	case sec.kind == kindText && r.typ == rBPF64_32:
		if r.offset%insnSize != 0 || r.offset+8 > uint64(len(data)) || data[r.offset] != opCall {
			return fail(UnsupportedRelocation, sym.name, "R_BPF_64_32 not on a call instruction")
		}
		pc := int64((sec.off + r.offset) / insnSize)
		if sym.sec == nil {
			if sym.shndx != elf.SHN_UNDEF {
				return fail(UnsupportedRelocation, sym.name, "call to a symbol that is not code")
			}
			if !l.syscalls[sym.name] {
				return fail(UnknownSymbol, sym.name, "called but defined in no object and not a syscall%s", runtimeHint(sym.name))
			}
			if len(sym.name) > maxSymNameLen {
				return fail(UnsupportedRelocation, sym.name, "syscall name longer than %d bytes", maxSymNameLen)
			}
			binary.LittleEndian.PutUint32(data[r.offset+4:], 0xffffffff)
			l.relocs = append(l.relocs, sbelf.Reloc{Kind: sbelf.RelocSyscall, Site: location(sec, r.offset), Symbol: sym.name})
			return nil
		}
		if sym.sec.kind != kindText {
			return fail(UnsupportedRelocation, sym.name, "call target is data, not code")
		}
		// Target instruction: the symbol plus the implicit addend (imm + 1 slots), the
		// convention LLVM and libbpf use for calls against section symbols.
		target := int64(l.offset(sym))
		if target%insnSize != 0 {
			return fail(UnsupportedRelocation, sym.name, "call target not instruction-aligned")
		}
		tpc := target / insnSize
		if r.rela {
			tpc += r.addend / insnSize
		} else {
			tpc += int64(int32(binary.LittleEndian.Uint32(data[r.offset+4:]))) + 1
		}
		if tpc < 0 || tpc >= int64(len(l.textBuf)/insnSize) {
			return fail(UnsupportedRelocation, sym.name, "call target outside .text")
		}
		rel := tpc - (pc + 1)
		if rel == -1 {
			// The v0 loader reads imm -1 as an unresolved symbol, not a relative call.
			return fail(UnsupportedRelocation, sym.name, "a call to its own instruction cannot be encoded in sBPF v0")
		}
		binary.LittleEndian.PutUint32(data[r.offset+4:], uint32(int32(rel)))
	case sec.kind == kindRO && r.typ == rBPF64Abs64:
		if r.offset+8 > uint64(len(data)) {
			return fail(MalformedObject, sym.name, "relocation beyond section end")
		}
		addend := int64(binary.LittleEndian.Uint64(data[r.offset:]))
		if r.rela {
			addend = r.addend
		}
		v, target, err := l.symbolValue(sym, addend)
		if err != nil {
			return fail(err.Kind, sym.name, "%s", err.Detail)
		}
		if target == nil {
			binary.LittleEndian.PutUint64(data[r.offset:], v)
			return nil
		}
		// The writer stores the address the way Agave's loader reads a RELATIVE
		// relocation outside .text (upper four bytes of the slot, elf.rs relocate()).
		binary.LittleEndian.PutUint64(data[r.offset:], 0)
		l.relocs = append(l.relocs, sbelf.Reloc{Kind: sbelf.RelocAddress, Site: location(sec, r.offset), Target: *target})
	case sec.kind == kindRO && r.typ == rBPF64Abs32 && sym.shndx == elf.SHN_ABS:
		if r.offset+4 > uint64(len(data)) {
			return fail(MalformedObject, sym.name, "relocation beyond section end")
		}
		v := int64(sym.value) + int64(int32(binary.LittleEndian.Uint32(data[r.offset:])))
		binary.LittleEndian.PutUint32(data[r.offset:], uint32(v))
	default:
		where := "code"
		if sec.kind == kindRO {
			where = "read-only data"
		}
		return fail(UnsupportedRelocation, sym.name, "%s in %s cannot be expressed in an sBPF v0 program", relocName(r.typ), where)
	}
	return nil
}

// symbolValue is S + A for a data reference: a constant for an absolute symbol, else
// the output location of the address, which needs a R_BPF_64_RELATIVE relocation.
func (l *linker) symbolValue(sym *symRef, addend int64) (uint64, *sbelf.Location, *Error) {
	switch {
	case sym.shndx == elf.SHN_ABS:
		return uint64(int64(sym.value) + addend), nil, nil
	case sym.sec != nil:
		off := int64(l.offset(sym)) + addend
		size := int64(len(l.textBuf))
		if sym.sec.kind == kindRO {
			size = int64(len(l.roBuf))
		}
		if off < 0 || off > size {
			return 0, nil, &Error{Kind: UnsupportedRelocation, Detail: fmt.Sprintf("address %+d bytes outside its section", off)}
		}
		loc := location(sym.sec, 0)
		loc.Offset = uint64(off)
		return 0, &loc, nil
	case sym.ignored != "":
		kind := UnsupportedRelocation
		if strings.HasPrefix(sym.ignored, ".data") || strings.HasPrefix(sym.ignored, ".bss") {
			kind = WritableData
		}
		return 0, nil, &Error{Kind: kind, Detail: fmt.Sprintf("refers to section %s, which an sBPF program cannot load", sym.ignored)}
	default:
		return 0, nil, &Error{Kind: UnknownSymbol, Detail: "referenced but defined in no object"}
	}
}

// concat copies the relocated sections into the output buffers.
func (l *linker) concat() {
	for _, s := range l.text {
		copy(l.textBuf[s.off:], s.data)
	}
	for _, s := range l.ro {
		copy(l.roBuf[s.off:], s.data)
	}
}

// runtimeHint explains the undefined names clang emits calls to on its own.
func runtimeHint(name string) string {
	switch name {
	case "memcpy", "memset", "memmove", "memcmp":
		return " (clang emits it for struct copies and large initializers; corpus/sdk/sbpf.h defines it)"
	}
	if strings.HasPrefix(name, "__") {
		return " (a compiler runtime routine, e.g. for 128-bit arithmetic; there is no compiler-rt for sBPF)"
	}
	return ""
}

func alignUp(v, a uint64) uint64 {
	if a <= 1 {
		return v
	}
	return (v + a - 1) &^ (a - 1)
}
