package sbpf

import "errors"

var errNilLoader = errors.New("sbpf: executable has no Loader")

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
		return nil, errNilLoader
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
		return errNilLoader
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
