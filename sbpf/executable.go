package sbpf

import "errors"

// ErrNilLoader is returned when an executable is built, loaded or verified without a
// Loader (the caller's mistake, not the program's: it is no anza error variant).
var ErrNilLoader = errors.New("sbpf: no Loader (nil *sbpf.Loader)")

// Executable is a loaded program (elf.rs Executable). The ELF loader, the
// assembler or NewExecutableFromText fill the exported fields; Verify checks
// the text and builds the decoded form that VMs run.
type Executable struct {
	Version     Version
	Loader      *Loader
	Text        []byte // .text bytes, len a multiple of 8
	TextVaddr   uint64 // guest address of Text[0]
	Rodata      []byte // the read-only region (get_ro_region) contents
	RodataVaddr uint64 // its guest address
	EntryPC     uint64 // entrypoint slot, relative to Text
	Functions   *FunctionRegistry

	prog *program // set by Verify
}

// NewExecutableFromText is Executable::new_from_text_bytes: text is both the
// program and the read-only region (at MMRodataStart on v3+, else
// MMBytecodeStart); the entrypoint is the function named "entrypoint" or pc 0,
// which is then registered (hashed on v0..v2).
func NewExecutableFromText(text []byte, loader *Loader, v Version, functions *FunctionRegistry) (*Executable, error) {
	if loader == nil {
		return nil, ErrNilLoader
	}
	if functions == nil {
		functions = NewFunctionRegistry()
	}
	var entry uint64
	if _, pc, ok := functions.LookupByName("entrypoint"); ok {
		entry = pc
	} else if _, err := functions.RegisterHashedLegacy(loader, !v.StaticSyscalls(), []byte("entrypoint"), 0); err != nil {
		return nil, err
	}
	roVaddr := MMBytecodeStart
	if v.EnableLowerRodataVaddr() {
		roVaddr = MMRodataStart
	}
	return &Executable{
		Version:     v,
		Loader:      loader,
		Text:        text,
		TextVaddr:   MMBytecodeStart,
		Rodata:      text,
		RodataVaddr: roVaddr,
		EntryPC:     entry,
		Functions:   functions,
	}, nil
}

// Config is the loader's configuration.
func (e *Executable) Config() *Config { return e.Loader.Config() }

// RodataRegion is get_ro_region: Rodata mapped read-only at RodataVaddr.
func (e *Executable) RodataRegion() MemoryRegion { return NewRegionReadonly(e.Rodata, e.RodataVaddr) }

// Verify runs the RequisiteVerifier over Text and decodes it. It returns a
// *VerifierError for rejected bytecode.
func (e *Executable) Verify() error {
	if e.Loader == nil {
		return ErrNilLoader
	}
	if err := Verify(e.Text, e.Version); err != nil {
		return err
	}
	e.prog = decodeProgram(e)
	return nil
}

// Verified reports whether Verify succeeded.
func (e *Executable) Verified() bool { return e.prog != nil }

// Decoded returns one Insn per text slot (lddw carries its full 64-bit
// immediate; its second slot is returned as is). It does not require Verify.
func (e *Executable) Decoded() []Insn {
	n := uint64(len(e.Text) / InsnSize)
	out := make([]Insn, n)
	for pc := uint64(0); pc < n; pc++ {
		out[pc] = DecodeInsn(e.Text, pc)
	}
	for pc := uint64(0); pc+1 < n; pc++ {
		if out[pc].Opc == OpLdDwImm && !e.Version.DisableLDDW() {
			out[pc].Imm = int64(uint64(uint32(out[pc].Imm)) | uint64(out[pc+1].Imm)<<32)
			pc++
		}
	}
	return out
}

// CallKind is how a call imm instruction resolves (see ResolveCall).
type CallKind uint8

// Call resolutions, as the CALL_IMM arm of interpreter.rs decides them.
const (
	CallUnresolved          CallKind = iota // UnsupportedInstruction at run time
	CallSyscall                             // a syscall of the loader
	CallInternal                            // bpf-to-bpf call to Target
	CallInternalOutside                     // registered function outside the text: CallOutsideTextSegment
	CallSyscallThenInternal                 // v0..v2 key naming both: syscall, then call Target
)

// ResolveCall tells what the call imm at slot pc does (after Verify): the kind,
// the target slot of internal calls and the syscall name.
func (e *Executable) ResolveCall(pc uint64) (kind CallKind, target uint64, syscall string, ok bool) {
	if e.prog == nil || pc >= uint64(len(e.prog.code)-1) {
		return 0, 0, "", false
	}
	d := e.prog.code[pc]
	switch d.op {
	case iCallSyscall:
		return CallSyscall, 0, e.prog.names[d.aux], true
	case iCallLocal:
		return CallInternal, uint64(d.aux), "", true
	case iCallLocalOutside:
		return CallInternalOutside, 0, "", true
	case iSyscallThenCall:
		return CallSyscallThenInternal, uint64(d.imm), e.prog.names[d.aux], true
	}
	if DecodeInsn(e.Text, pc).Opc == OpCallImm {
		return CallUnresolved, 0, "", true
	}
	return 0, 0, "", false
}
