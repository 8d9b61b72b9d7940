package elf_test

import (
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf/elf"
)

var _ = Describe("errors", func() {
	It("names the ElfParserError variants and renders anza's messages", func() {
		cases := []struct {
			k          elf.ParserErrorKind
			name, text string
		}{
			{elf.ParserInvalidFileHeader, "InvalidFileHeader", "invalid file header"},
			{elf.ParserInvalidProgramHeader, "InvalidProgramHeader", "invalid program header"},
			{elf.ParserInvalidSectionHeader, "InvalidSectionHeader", "invalid section header"},
			{elf.ParserInvalidString, "InvalidString", "invalid string"},
			{elf.ParserOutOfBounds, "OutOfBounds", "value out of bounds"},
			{elf.ParserInvalidSize, "InvalidSize", "invalid size"},
			{elf.ParserOverlap, "Overlap", "values overlap"},
			{elf.ParserSectionNotInOrder, "SectionNotInOrder", "sections not in ascending order"},
			{elf.ParserNoSectionNameStringTable, "NoSectionNameStringTable", "no section name string table found"},
			{elf.ParserInvalidDynamicSectionTable, "InvalidDynamicSectionTable", "invalid dynamic section table"},
			{elf.ParserInvalidRelocationTable, "InvalidRelocationTable", "invalid relocation table"},
			{elf.ParserInvalidAlignment, "InvalidAlignment", "invalid alignment"},
			{elf.ParserNoStringTable, "NoStringTable", "no string table"},
			{elf.ParserNoDynamicStringTable, "NoDynamicStringTable", "no dynamic string table"},
		}
		for _, c := range cases {
			Expect(c.k.String()).To(Equal(c.name))
			Expect((&elf.ParserError{Kind: c.k}).Error()).To(Equal(c.text))
		}
		long := &elf.ParserError{Kind: elf.ParserStringTooLong, Str: "abc", Max: 2}
		Expect(long.Kind.String()).To(Equal("StringTooLong"))
		Expect(long.Error()).To(Equal("Section or symbol name `abc` is longer than `2` bytes"))
		Expect(elf.ParserErrorKind(99).String()).To(Equal("ParserErrorKind(99)"))
		Expect((&elf.ParserError{Kind: 99}).Error()).To(Equal("ParserErrorKind(99)"))
	})

	It("names the ElfError variants and wraps parser errors like From<ElfParserError>", func() {
		Expect(elf.InvalidProgramHeader.String()).To(Equal("InvalidProgramHeader"))
		Expect(elf.ErrorKind(99).String()).To(Equal("ErrorKind(99)"))
		e := &elf.Error{Variant: elf.UnresolvedSymbol, Name: "foo", Index: 3, Value: 0x120}
		Expect(e.Kind()).To(Equal("UnresolvedSymbol"))
		Expect(e.Error()).To(Equal("Unresolved symbol (foo) at instruction #3 (ELF file offset 0x120)"))
		Expect(errors.Unwrap(e)).To(BeNil())
	})
})
