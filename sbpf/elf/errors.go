package elf

import (
	"fmt"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
)

// ParserErrorKind names an anza elf_parser::ElfParserError variant.
type ParserErrorKind uint8

// ElfParserError variants, in anza's order.
const (
	ParserInvalidFileHeader ParserErrorKind = iota
	ParserInvalidProgramHeader
	ParserInvalidSectionHeader
	ParserInvalidString
	ParserStringTooLong
	ParserOutOfBounds
	ParserInvalidSize
	ParserOverlap
	ParserSectionNotInOrder
	ParserNoSectionNameStringTable
	ParserInvalidDynamicSectionTable
	ParserInvalidRelocationTable
	ParserInvalidAlignment
	ParserNoStringTable
	ParserNoDynamicStringTable
)

var parserKindNames = [...]string{
	"InvalidFileHeader", "InvalidProgramHeader", "InvalidSectionHeader", "InvalidString",
	"StringTooLong", "OutOfBounds", "InvalidSize", "Overlap", "SectionNotInOrder",
	"NoSectionNameStringTable", "InvalidDynamicSectionTable", "InvalidRelocationTable",
	"InvalidAlignment", "NoStringTable", "NoDynamicStringTable",
}

func (k ParserErrorKind) String() string {
	return sbpf.VariantName(k, parserKindNames[:], "ParserErrorKind")
}

// ParserError is anza's ElfParserError: what the ELF64 parser rejected.
type ParserError struct {
	Kind ParserErrorKind
	Str  string // StringTooLong: the unterminated bytes
	Max  uint64 // StringTooLong: the limit
}

// parserMessages are the messages of anza's thiserror attributes (StringTooLong, which
// has arguments, is formatted in Error).
var parserMessages = [...]string{
	ParserInvalidFileHeader:          "invalid file header",
	ParserInvalidProgramHeader:       "invalid program header",
	ParserInvalidSectionHeader:       "invalid section header",
	ParserInvalidString:              "invalid string",
	ParserOutOfBounds:                "value out of bounds",
	ParserInvalidSize:                "invalid size",
	ParserOverlap:                    "values overlap",
	ParserSectionNotInOrder:          "sections not in ascending order",
	ParserNoSectionNameStringTable:   "no section name string table found",
	ParserInvalidDynamicSectionTable: "invalid dynamic section table",
	ParserInvalidRelocationTable:     "invalid relocation table",
	ParserInvalidAlignment:           "invalid alignment",
	ParserNoStringTable:              "no string table",
	ParserNoDynamicStringTable:       "no dynamic string table",
}

// Error renders the message of anza's thiserror attribute.
func (e *ParserError) Error() string {
	if e.Kind == ParserStringTooLong {
		return fmt.Sprintf("Section or symbol name `%s` is longer than `%d` bytes", e.Str, e.Max)
	}
	if int(e.Kind) < len(parserMessages) {
		return parserMessages[e.Kind]
	}
	return e.Kind.String()
}

// ErrorKind names an anza elf::ElfError variant.
type ErrorKind uint8

// ElfError variants, in anza's order (the discriminant).
const (
	FailedToParse ErrorKind = iota
	EntrypointOutOfBounds
	InvalidEntrypoint
	FailedToGetSection
	UnresolvedSymbol
	SectionNotFound
	RelativeJumpOutOfBounds
	SymbolHashCollision
	WrongEndianess
	WrongAbi
	WrongMachine
	WrongClass
	NotOneTextSection
	WritableSectionNotSupported
	AddressOutsideLoadableSection
	InvalidVirtualAddress
	UnknownRelocation
	FailedToReadRelocationInfo
	WrongType
	UnknownSymbol
	ValueOutOfBounds
	UnsupportedSBPFVersion
	InvalidProgramHeader
)

var kindNames = [...]string{
	"FailedToParse", "EntrypointOutOfBounds", "InvalidEntrypoint", "FailedToGetSection",
	"UnresolvedSymbol", "SectionNotFound", "RelativeJumpOutOfBounds", "SymbolHashCollision",
	"WrongEndianess", "WrongAbi", "WrongMachine", "WrongClass", "NotOneTextSection",
	"WritableSectionNotSupported", "AddressOutsideLoadableSection", "InvalidVirtualAddress",
	"UnknownRelocation", "FailedToReadRelocationInfo", "WrongType", "UnknownSymbol",
	"ValueOutOfBounds", "UnsupportedSBPFVersion", "InvalidProgramHeader",
}

// String is the Rust variant name.
func (k ErrorKind) String() string { return sbpf.VariantName(k, kindNames[:], "ErrorKind") }

// Error is anza's ElfError. Variant is the variant; the other fields carry its payload.
type Error struct {
	Variant ErrorKind
	Name    string       // FailedToParse message, section/symbol name
	Index   uint64       // instruction index (UnresolvedSymbol, RelativeJumpOutOfBounds), symbol index (UnknownSymbol)
	Value   uint64       // file offset (UnresolvedSymbol), hash (SymbolHashCollision), address, relocation type
	Parser  *ParserError // the cause of FailedToParse / InvalidProgramHeader / ValueOutOfBounds when it came from the parser
}

// Kind returns the canonical variant name, e.g. "ValueOutOfBounds".
func (e *Error) Kind() string { return e.Variant.String() }

// Unwrap exposes the parser error, if any.
func (e *Error) Unwrap() error {
	if e.Parser == nil {
		return nil
	}
	return e.Parser
}

// Error renders the message of anza's thiserror attribute.
func (e *Error) Error() string {
	switch e.Variant {
	case FailedToParse:
		return "Failed to parse ELF file: " + e.Name
	case EntrypointOutOfBounds:
		return "Entrypoint out of bounds"
	case InvalidEntrypoint:
		return "Invalid entrypoint"
	case FailedToGetSection:
		return "Failed to get section " + e.Name
	case UnresolvedSymbol:
		return fmt.Sprintf("Unresolved symbol (%s) at instruction #%d (ELF file offset %#x)", e.Name, e.Index, e.Value)
	case SectionNotFound:
		return "Section not found: " + e.Name
	case RelativeJumpOutOfBounds:
		return fmt.Sprintf("Relative jump out of bounds at instruction #%d", e.Index)
	case SymbolHashCollision:
		return fmt.Sprintf("Symbol hash collision %#x", e.Value)
	case WrongEndianess:
		return "Incompatible ELF: wrong endianess"
	case WrongAbi:
		return "Incompatible ELF: wrong ABI"
	case WrongMachine:
		return "Incompatible ELF: wrong machine"
	case WrongClass:
		return "Incompatible ELF: wrong class"
	case NotOneTextSection:
		return "Multiple or no text sections, consider removing llc option: -function-sections"
	case WritableSectionNotSupported:
		return fmt.Sprintf("Found writable section (%s) in ELF, read-write data not supported", e.Name)
	case AddressOutsideLoadableSection:
		return fmt.Sprintf("Relocation failed, no loadable section contains virtual address %#x", e.Value)
	case InvalidVirtualAddress:
		return fmt.Sprintf("Relocation failed, invalid referenced virtual address %#x", e.Value)
	case UnknownRelocation:
		return fmt.Sprintf("Relocation failed, unknown type %d", e.Value)
	case FailedToReadRelocationInfo:
		return "Failed to read relocation info"
	case WrongType:
		return "Incompatible ELF: wrong type"
	case UnknownSymbol:
		return fmt.Sprintf("Unknown symbol with index %d", e.Index)
	case ValueOutOfBounds:
		return "Offset or value is out of bounds"
	case UnsupportedSBPFVersion:
		return "Detected sbpf_version required by the executable which are not enabled"
	case InvalidProgramHeader:
		return "Invalid ELF program header"
	}
	return e.Variant.String()
}

func newErr(k ErrorKind) *Error { return &Error{Variant: k} }

// fromParser is anza's From<ElfParserError> for ElfError.
func fromParser(err error) *Error {
	pe, ok := err.(*ParserError)
	if !ok {
		if e, ok := err.(*Error); ok {
			return e
		}
		return &Error{Variant: FailedToParse, Name: err.Error()}
	}
	switch pe.Kind {
	case ParserInvalidProgramHeader:
		return &Error{Variant: InvalidProgramHeader, Parser: pe}
	case ParserOutOfBounds:
		return &Error{Variant: ValueOutOfBounds, Parser: pe}
	}
	return &Error{Variant: FailedToParse, Name: pe.Error(), Parser: pe}
}
