package link

import "fmt"

// ErrKind classifies a link error.
type ErrKind uint8

const (
	// ErrMalformed: the input is not a well-formed ELF file.
	ErrMalformed ErrKind = iota + 1
	// ErrUnsupportedELF: a well-formed ELF file of a kind we do not accept (class, machine, type, ABI).
	ErrUnsupportedELF
	// ErrUnsupportedInstruction: an instruction (or register) the PVM cannot express.
	ErrUnsupportedInstruction
	// ErrUnsupportedRelocation: a relocation type, or a pairing of relocations, we do not handle.
	ErrUnsupportedRelocation
	// ErrUndefinedSymbol: a referenced symbol is defined by no input.
	ErrUndefinedSymbol
	// ErrDuplicateSymbol: two inputs define the same global symbol.
	ErrDuplicateSymbol
	// ErrUnsupportedSection: an allocated section we cannot classify, or a section in the wrong place.
	ErrUnsupportedSection
	// ErrLayout: the program does not fit the address space or a value does not fit its field.
	ErrLayout
	// ErrImport: bad import/export metadata.
	ErrImport
	// ErrEntry: a requested entry point does not exist or is not code.
	ErrEntry
)

func (k ErrKind) String() string {
	switch k {
	case ErrMalformed:
		return "malformed ELF"
	case ErrUnsupportedELF:
		return "unsupported ELF"
	case ErrUnsupportedInstruction:
		return "unsupported instruction"
	case ErrUnsupportedRelocation:
		return "unsupported relocation"
	case ErrUndefinedSymbol:
		return "undefined symbol"
	case ErrDuplicateSymbol:
		return "duplicate symbol"
	case ErrUnsupportedSection:
		return "unsupported section"
	case ErrLayout:
		return "layout"
	case ErrImport:
		return "import/export"
	case ErrEntry:
		return "entry point"
	}
	return fmt.Sprintf("ErrKind(%d)", uint8(k))
}

// Error is every error the linker returns. File, Section, Symbol and Offset
// locate the problem as precisely as it is known: Symbol is the function or
// object containing the location (or the symbol the problem is about) and
// Offset is the byte offset inside Section.
type Error struct {
	Kind    ErrKind
	File    string
	Section string
	Symbol  string
	Offset  uint64
	HasOff  bool
	Msg     string
}

func (e *Error) Error() string {
	s := "link: " + e.Kind.String()
	if e.File != "" {
		s += ": " + e.File
	}
	if e.Section != "" {
		s += ": section " + e.Section
		if e.HasOff {
			s += fmt.Sprintf(" offset 0x%x", e.Offset)
		}
	}
	if e.Symbol != "" {
		s += ": symbol " + e.Symbol
	}
	return s + ": " + e.Msg
}

func errf(kind ErrKind, format string, args ...any) *Error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}
