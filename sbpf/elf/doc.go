// Package elf loads and writes sBPF ELF files.
//
// # Loading
//
// Load(data, loader) is anza-xyz/sbpf Executable::load: the SBPF version comes from
// e_flags (0..4, anything else is Reserved) and must be enabled by the loader's Config.
// v0..v2 go through the lenient loader (load_with_lenient_parser): the ELF64 parser of
// src/elf_parser (same checks, same order), validate, pc-relative call fixups, the
// R_BPF_64_64 / R_BPF_64_RELATIVE / R_BPF_64_32 dynamic relocations with murmur3-hashed
// function and syscall keys, and the read-only sections (.text, .rodata, .data.rel.ro,
// .eh_frame) merged into one region, borrowed or owned exactly as parse_ro_sections
// decides. v3+ go through the strict loader (load_with_strict_parser): fixed program
// headers, rodata at 0, text at 1<<32, no relocations. Every failure is an *Error whose
// Kind() is the anza ElfError variant name ("ValueOutOfBounds", "UnresolvedSymbol", ...);
// parser failures keep the *ParserError (anza ElfParserError) as their cause.
//
// # Writing
//
// A Program describes what a linker or the assembler produced, independent of the format:
//
//	p := &elf.Program{
//		Version:   sbpf.V0,
//		Text:      text,   // instruction slots
//		Rodata:    rodata, // read-only data, may be empty
//		EntryPC:   0,
//		Functions: []elf.Symbol{{Name: "entrypoint", PC: 0}, {Name: "helper", PC: 7}},
//		Relocs: []elf.Reloc{
//			// lddw r1, <address of rodata+16>   (site: the lddw's first slot)
//			{Kind: elf.RelocAddress, Site: elf.Location{elf.SecText, 8}, Target: elf.Location{elf.SecRodata, 16}},
//			// a pointer in rodata to text+0x40
//			{Kind: elf.RelocAddress, Site: elf.Location{elf.SecRodata, 0}, Target: elf.Location{elf.SecText, 0x40}},
//			// call sol_log_   (site: the call slot)
//			{Kind: elf.RelocSyscall, Site: elf.Location{elf.SecText, 24}, Symbol: "sol_log_"},
//			// call helper
//			{Kind: elf.RelocCall, Site: elf.Location{elf.SecText, 32}, Symbol: "helper"},
//		},
//	}
//	so, err := elf.Write(p) // WriteLegacy for v0..v2, WriteStrict for v3+
//
// The writer patches the sites itself; callers never compute addresses. A linker of
// clang-19 `-target bpfel` objects maps: R_BPF_64_64 against a data/rodata symbol ->
// RelocAddress (Target = the symbol's section and value+addend); R_BPF_64_ABS64 in
// rodata -> RelocAddress with a SecRodata site; R_BPF_64_32 on a call of a defined
// function -> RelocCall (or write the pc-relative immediate, imm = target-pc-1, and no
// Reloc: the loader hashes it); a call of an undefined symbol -> RelocSyscall.
//
// There is no writable data in sBPF v0..v3: the loader rejects writable .data and any
// .bss (WritableSectionNotSupported), so a linker must refuse writable globals or place
// their initial values in Rodata (where stores then fault, as on Agave). Program.Machine
// selects EM_SBPF (263) instead of EM_BPF for the legacy format.
//
// WriteLegacy emits the shape Agave deploys (lld with the sbpf v0 linker script): ELF
// header, program headers (text R+X, rodata R, dynamic tables R, PT_DYNAMIC), then
// .text, .rodata, .dynamic, .dynsym, .dynstr, .rel.dyn, .symtab, .strtab, .shstrtab
// and the section headers, every allocated section at an address equal to its file
// offset (so RejectBrokenELFs accepts it). RelocAddress becomes R_BPF_64_RELATIVE (a
// lddw gets the address in its immediates; a rodata slot gets it in its upper 32 bits,
// the encoding the loader expects); RelocCall and RelocSyscall become R_BPF_64_32
// against a FUNC resp. undefined dynamic symbol, with imm = -1 at the site.
//
// WriteStrict emits the v3+ layout: header, program headers (PF_R rodata at vaddr 0 when
// there is rodata, PF_X text at 1<<32), rodata (padded to 8), text, and a .symtab of the
// functions for labels. Relocations are resolved in place: absolute addresses,
// static syscalls (src=0, imm=murmur3(name)), internal calls (src=1, pc-relative imm).
package elf
