package link

import "fmt"

// ErrorKind classifies why a link failed.
type ErrorKind string

// Error kinds. Every failure of Link carries one of these.
const (
	// MalformedObject: the input is not a BPF relocatable ELF object we can read.
	MalformedObject ErrorKind = "MalformedObject"
	// UnknownSymbol: a referenced symbol is defined nowhere and is not a syscall.
	UnknownSymbol ErrorKind = "UnknownSymbol"
	// DuplicateSymbol: two objects define the same global (non-weak) symbol.
	DuplicateSymbol ErrorKind = "DuplicateSymbol"
	// NoEntrypoint: no object defines the entry symbol as a function.
	NoEntrypoint ErrorKind = "NoEntrypoint"
	// UnsupportedRelocation: a relocation type or placement sBPF v0 cannot express.
	UnsupportedRelocation ErrorKind = "UnsupportedRelocation"
	// UnsupportedInstruction: an instruction sBPF v0 does not have (JMP32, atomics,
	// signed division, sign-extending moves and loads, byte swap).
	UnsupportedInstruction ErrorKind = "UnsupportedInstruction"
	// WritableData: a non-empty .data or .bss section; deployed sBPF programs have no
	// writable globals (Agave rejects them with WritableSectionNotSupported).
	WritableData ErrorKind = "WritableData"
	// StackFrameTooLarge: a function addresses its stack below the frame size.
	StackFrameTooLarge ErrorKind = "StackFrameTooLarge"
	// TooLarge: the linked program exceeds what the layout can address.
	TooLarge ErrorKind = "TooLarge"
	// UnsupportedVersion: an SBPF version the linker cannot emit.
	UnsupportedVersion ErrorKind = "UnsupportedVersion"
	// WriterError: package sbpf/elf refused to write the linked program.
	WriterError ErrorKind = "WriterError"
)

// Error is a link failure. Object, Section, Symbol and Offset locate it when known.
type Error struct {
	Kind    ErrorKind
	Object  string
	Section string
	Symbol  string
	Offset  uint64
	Detail  string
}

func (e *Error) Error() string {
	s := "link: " + string(e.Kind)
	if e.Object != "" {
		s += ": " + e.Object
		if e.Section != "" {
			s += fmt.Sprintf("(%s+0x%x)", e.Section, e.Offset)
		}
	}
	if e.Symbol != "" {
		s += fmt.Sprintf(": symbol %q", e.Symbol)
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}
