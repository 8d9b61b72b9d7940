package elf_test

import (
	"encoding/binary"
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/elf"
)

var _ = Describe("Load, legacy (v0..v2) ELF from the writer", func() {
	var so []byte
	var textAddr, roAddr uint64

	BeforeEach(func() {
		so = mustWrite(legacyProgram())
		textAddr = section(so, ".text").Addr
		roAddr = section(so, ".rodata").Addr
	})

	It("places every allocated section at an address equal to its offset", func() {
		for _, name := range []string{".text", ".rodata", ".dynamic", ".dynsym", ".dynstr", ".rel.dyn"} {
			s := section(so, name)
			Expect(s.Addr).To(Equal(s.Offset), name)
		}
	})

	It("applies R_BPF_64_RELATIVE to a lddw and to a rodata pointer", func() {
		exe, err := elf.Load(so, newLoader(nil, "sol_log_"))
		Expect(err).NotTo(HaveOccurred())
		target := sbpf.MMRegionSize + roAddr + 8
		Expect(le32(exe.Text, 4)).To(Equal(uint32(target)))
		Expect(le32(exe.Text, 12)).To(Equal(uint32(target >> 32)))
		// The rodata pointer slot, read through the merged read-only region.
		off := roAddr - textAddr
		Expect(le64(exe.Rodata, off)).To(Equal(sbpf.MMRegionSize + textAddr + 0x38))
		Expect(le64(exe.Rodata, off+8)).To(Equal(uint64(0x1122334455667788)))
	})

	It("hashes syscalls and bpf-to-bpf calls (R_BPF_64_32 and pc-relative calls)", func() {
		exe, err := elf.Load(so, newLoader(nil, "sol_log_"))
		Expect(err).NotTo(HaveOccurred())
		Expect(le32(exe.Text, 3*8+4)).To(Equal(sbpf.HashSymbolName([]byte("sol_log_"))))
		key := hashPC(7)
		Expect(le32(exe.Text, 4*8+4)).To(Equal(key))
		Expect(le32(exe.Text, 5*8+4)).To(Equal(key))
		_, pc, ok := exe.Functions.Lookup(key)
		Expect(ok).To(BeTrue())
		Expect(pc).To(Equal(uint64(7)))
		name, pc, ok := exe.Functions.Lookup(sbpf.HashSymbolName([]byte("entrypoint")))
		Expect(ok).To(BeTrue())
		Expect(name).To(Equal("entrypoint"))
		Expect(pc).To(Equal(uint64(0)))
		Expect(exe.Functions.Len()).To(Equal(2))
	})

	It("reports the layout of the executable", func() {
		exe, err := elf.Load(so, newLoader(nil))
		Expect(err).NotTo(HaveOccurred())
		Expect(exe.Version).To(Equal(sbpf.V0))
		Expect(exe.EntryPC).To(Equal(uint64(0)))
		Expect(exe.TextVaddr).To(Equal(sbpf.MMRegionSize + textAddr))
		Expect(exe.Text).To(HaveLen(9 * 8))
		// Borrowed: text and rodata are contiguous sections.
		Expect(exe.RodataVaddr).To(Equal(sbpf.MMRegionSize + textAddr))
		Expect(uint64(len(exe.Rodata))).To(Equal(roAddr + 16 - textAddr))
	})

	It("copies the read-only sections from address 0 without OptimizeRodata", func() {
		exe, err := elf.Load(so, newLoader(func(c *sbpf.Config) { c.OptimizeRodata = false }))
		Expect(err).NotTo(HaveOccurred())
		Expect(exe.RodataVaddr).To(Equal(sbpf.MMRegionSize))
		Expect(uint64(len(exe.Rodata))).To(Equal(roAddr + 16))
		Expect(exe.Rodata[:textAddr]).To(Equal(make([]byte, textAddr)))
		Expect(exe.Text).To(Equal(exe.Rodata[textAddr : textAddr+9*8]))
	})

	It("keeps symbol names as labels when enabled", func() {
		exe, err := elf.Load(so, newLoader(func(c *sbpf.Config) { c.EnableSymbolAndSectionLabels = true }))
		Expect(err).NotTo(HaveOccurred())
		name, _, ok := exe.Functions.Lookup(hashPC(7))
		Expect(ok).To(BeTrue())
		Expect(name).To(Equal("function_7")) // the pc-relative fixup registers it first
	})

	It("passes the deployment checks (RejectBrokenELFs) with Agave's rodata handling", func() {
		exe, err := elf.Load(so, newLoader(func(c *sbpf.Config) {
			c.RejectBrokenELFs = true
			c.OptimizeRodata = false
			c.EnabledVersions = [2]sbpf.Version{sbpf.V0, sbpf.V3}
		}, "sol_log_"))
		Expect(err).NotTo(HaveOccurred())
		Expect(exe.RodataVaddr).To(Equal(sbpf.MMRegionSize))
		Expect(exe.Verify()).To(Succeed())
	})

	It("does not modify its input", func() {
		orig := append([]byte(nil), so...)
		_, err := elf.Load(so, newLoader(nil))
		Expect(err).NotTo(HaveOccurred())
		Expect(so).To(Equal(orig))
	})

	It("loads v1 and v2 shared objects with the lenient loader", func() {
		for _, v := range []sbpf.Version{sbpf.V1, sbpf.V2} {
			p := legacyProgram()
			p.Version = v
			exe, err := elf.Load(mustWrite(p), newLoader(nil))
			Expect(err).NotTo(HaveOccurred())
			Expect(exe.Version).To(Equal(v))
			Expect(le32(exe.Text, 4*8+4)).To(Equal(hashPC(7)))
		}
	})

	It("accepts EM_SBPF", func() {
		p := legacyProgram()
		p.Machine = elf.EMSBPF
		_, err := elf.Load(mustWrite(p), newLoader(nil))
		Expect(err).NotTo(HaveOccurred())
	})

	Describe("rejects", func() {
		mutate := func(f func(b []byte)) []byte {
			b := append([]byte(nil), so...)
			f(b)
			return b
		}
		put16 := func(b []byte, off uint64, v uint16) { binary.LittleEndian.PutUint16(b[off:], v) }
		put32 := func(b []byte, off uint64, v uint32) { binary.LittleEndian.PutUint32(b[off:], v) }
		put64 := func(b []byte, off uint64, v uint64) { binary.LittleEndian.PutUint64(b[off:], v) }
		relOff := func() uint64 { return section(so, ".rel.dyn").Offset }
		shstrOff := func() uint64 { return section(so, ".shstrtab").Offset }

		DescribeTable("malformed files with the canonical ElfError",
			func(kind string, f func(b []byte), mod func(*sbpf.Config)) {
				_, err := elf.Load(mutate(f), newLoader(mod, "sol_log_"))
				Expect(err).To(HaveOccurred())
				Expect(kindOf(err)).To(Equal(kind), err.Error())
			},
			Entry("bad magic", "FailedToParse", func(b []byte) { b[1] = 'X' }, nil),
			Entry("wrong OS ABI", "WrongAbi", func(b []byte) { b[7] = 1 }, nil),
			Entry("wrong machine", "WrongMachine", func(b []byte) { put16(b, 18, 42) }, nil),
			Entry("relocatable type", "WrongType", func(b []byte) { put16(b, 16, 1) }, nil),
			Entry("reserved version", "UnsupportedSBPFVersion", func(b []byte) { put32(b, 48, 9) }, nil),
			Entry("disabled version", "UnsupportedSBPFVersion", func(b []byte) {},
				func(c *sbpf.Config) { c.EnabledVersions = [2]sbpf.Version{sbpf.V1, sbpf.V4} }),
			Entry("entrypoint outside .text", "EntrypointOutOfBounds", func(b []byte) { put64(b, 24, 1) }, nil),
			Entry("entrypoint far away", "EntrypointOutOfBounds", func(b []byte) { put64(b, 24, ^uint64(0)) }, nil),
			Entry("misaligned entrypoint", "InvalidEntrypoint", func(b []byte) { put64(b, 24, le64(b, 24)+9) }, nil),
			Entry("two .text sections", "NotOneTextSection", func(b []byte) {
				// Point the .rodata header's name at ".text".
				put32(b, sectionHeaderOffset(so, ".rodata"), le32(b, sectionHeaderOffset(so, ".text")))
			}, nil),
			Entry("a .bss section", "WritableSectionNotSupported", func(b []byte) {
				name := le32(b, sectionHeaderOffset(so, ".rodata"))
				copy(b[shstrOff()+uint64(name):], ".bss\x00")
			}, nil),
			Entry("a writable .data section", "WritableSectionNotSupported", func(b []byte) {
				name := le32(b, sectionHeaderOffset(so, ".rodata"))
				copy(b[shstrOff()+uint64(name):], ".data\x00")
				put64(b, sectionHeaderOffset(so, ".rodata")+8, 3) // SHF_WRITE|SHF_ALLOC
			}, nil),
			Entry("a relative call out of bounds", "RelativeJumpOutOfBounds", func(b []byte) {
				put32(b, section(so, ".text").Offset+5*8+4, 100)
			}, nil),
			Entry("an unknown relocation type", "UnknownRelocation", func(b []byte) { put32(b, relOff()+8, 3) }, nil),
			Entry("R_BPF_NONE", "UnknownRelocation", func(b []byte) { put32(b, relOff()+8, 0) }, nil),
			Entry("an unknown symbol", "UnknownSymbol", func(b []byte) {
				put32(b, relOff()+2*16+12, 99) // the syscall relocation's r_sym
			}, nil),
			Entry("a zero lddw address", "InvalidVirtualAddress", func(b []byte) {
				t := section(so, ".text").Offset
				put32(b, t+4, 0)
				put32(b, t+12, 0)
			}, nil),
			Entry("a function symbol outside .text", "ValueOutOfBounds", func(b []byte) {
				// dynsym 2 is "helper" (entrypoint sorts first at pc 0).
				put64(b, section(so, ".dynsym").Offset+2*24+8, 0x10)
			}, nil),
			Entry("a relocation past the end of the file", "ValueOutOfBounds", func(b []byte) {
				put64(b, relOff(), uint64(len(so))+100)
			}, nil),
			Entry("an unresolved syscall with RejectBrokenELFs", "UnresolvedSymbol", func(b []byte) {
				name := le32(b, section(so, ".dynsym").Offset+3*24)
				copy(b[section(so, ".dynstr").Offset+uint64(name):], "sol_lox_")
			}, func(c *sbpf.Config) { c.RejectBrokenELFs = true }),
			Entry(".text address not its offset with RejectBrokenELFs", "ValueOutOfBounds", func(b []byte) {
				h := sectionHeaderOffset(so, ".text")
				put64(b, h+16, le64(b, h+16)+8)
				put64(b, 24, le64(b, 24)+8)
			}, func(c *sbpf.Config) { c.RejectBrokenELFs = true }),
			Entry(".text at the stack region", "ValueOutOfBounds", func(b []byte) {
				h := sectionHeaderOffset(so, ".text")
				put64(b, h+16, sbpf.MMRegionSize)
				put64(b, 24, sbpf.MMRegionSize)
			}, nil),
		)

		It("truncated files", func() {
			for _, n := range []int{0, 10, 51, 52, 63, 64, 200, len(so) - 1} {
				_, err := elf.Load(so[:n], newLoader(nil))
				Expect(err).To(HaveOccurred(), "length %d", n)
				Expect(kindOf(err)).NotTo(Equal("not an *elf.Error"))
			}
			_, err := elf.Load(so[:40], newLoader(nil))
			Expect(kindOf(err)).To(Equal("ValueOutOfBounds"))
		})

		It("a nil loader, with a typed error instead of a panic", func() {
			v3 := legacyProgram()
			v3.Version = sbpf.V3
			for _, data := range [][]byte{so, mustWrite(v3), nil, []byte("junk")} {
				exe, err := elf.Load(data, nil)
				Expect(exe).To(BeNil())
				Expect(err).To(MatchError(sbpf.ErrNilLoader))
			}
		})

		It("a syscall whose hash collides with a function key", func() {
			// A syscall named by the 8 bytes of pc 7 hashes like the function at pc 7.
			var name [8]byte
			binary.LittleEndian.PutUint64(name[:], 7)
			l := newLoader(nil, string(name[:]))
			_, err := elf.Load(so, l)
			Expect(kindOf(err)).To(Equal("SymbolHashCollision"))
			var e *elf.Error
			Expect(errors.As(err, &e)).To(BeTrue())
			Expect(e.Value).To(Equal(uint64(hashPC(7))))
		})

		It("reports UnresolvedSymbol with the instruction index and file offset", func() {
			_, err := elf.Load(so, newLoader(func(c *sbpf.Config) { c.RejectBrokenELFs = true }))
			var e *elf.Error
			Expect(errors.As(err, &e)).To(BeTrue())
			Expect(e.Variant).To(Equal(elf.UnresolvedSymbol))
			site := textAddr + 3*8
			Expect(e.Name).To(Equal("sol_log_"))
			Expect(e.Index).To(Equal(site / 8))
			Expect(e.Value).To(Equal(site))
			Expect(e.Error()).To(ContainSubstring("Unresolved symbol (sol_log_)"))
		})

		DescribeTable("parser failures keep the ElfParserError",
			func(want elf.ParserErrorKind, f func(b []byte)) {
				_, err := elf.Load(mutate(f), newLoader(nil))
				var pe *elf.ParserError
				Expect(errors.As(err, &pe)).To(BeTrue(), "%v", err)
				Expect(pe.Kind).To(Equal(want))
			},
			Entry("no section name table", elf.ParserNoSectionNameStringTable, func(b []byte) { put16(b, 62, 0) }),
			Entry("shstrndx out of range", elf.ParserInvalidFileHeader, func(b []byte) { put16(b, 62, 200) }),
			Entry("misaligned section headers", elf.ParserInvalidAlignment, func(b []byte) {
				put64(b, 40, le64(b, 40)-4)
			}),
			Entry("sections out of order", elf.ParserSectionNotInOrder, func(b []byte) {
				h := sectionHeaderOffset(so, ".rodata")
				put64(b, h+24, section(so, ".text").Offset) // starts inside .text
			}),
			Entry("a section overlapping the headers", elf.ParserOverlap, func(b []byte) {
				h := sectionHeaderOffset(so, ".text")
				put64(b, h+24, 8)
			}),
			Entry("a long section name", elf.ParserStringTooLong, func(b []byte) {
				name := le32(b, sectionHeaderOffset(so, ".rodata"))
				copy(b[shstrOff()+uint64(name):], ".rodata_longer_than_16")
			}),
			Entry("a bad DT_RELENT", elf.ParserInvalidDynamicSectionTable, func(b []byte) {
				d := section(so, ".dynamic").Offset
				for i := uint64(0); i < 12; i++ {
					if le64(b, d+16*i) == 19 { // DT_RELENT
						put64(b, d+16*i+8, 24)
					}
				}
			}),
			Entry("a first section that is not SHT_NULL", elf.ParserInvalidSectionHeader, func(b []byte) {
				put32(b, le64(b, 40)+4, 1)
			}),
			Entry("a program header past the file", elf.ParserOutOfBounds, func(b []byte) {
				put64(b, 64+32, uint64(len(so))) // p_filesz of the first program header
			}),
		)
	})
})

var _ = Describe("Load, strict (v3+) ELF from the writer", func() {
	strictProgram := func(v sbpf.Version) *elf.Program {
		p := legacyProgram()
		p.Version = v
		p.Rodata = p.Rodata[:12] // padded to 16 by the writer
		return p
	}

	It("maps rodata at 0 and text at 1<<32 and resolves relocations in place", func() {
		for _, v := range []sbpf.Version{sbpf.V3, sbpf.V4} {
			so := mustWrite(strictProgram(v))
			exe, err := elf.Load(so, newLoader(nil))
			Expect(err).NotTo(HaveOccurred())
			Expect(exe.Version).To(Equal(v))
			Expect(exe.TextVaddr).To(Equal(sbpf.MMBytecodeStart))
			Expect(exe.RodataVaddr).To(Equal(sbpf.MMRodataStart))
			Expect(exe.Rodata).To(HaveLen(16))
			Expect(exe.Text).To(HaveLen(9 * 8))
			Expect(le64(exe.Rodata, 0)).To(Equal(sbpf.MMBytecodeStart + 0x38))
			Expect(le32(exe.Text, 4)).To(Equal(uint32(8)))   // lddw of rodata+8
			Expect(le32(exe.Text, 12)).To(Equal(uint32(0)))  // upper half
			Expect(exe.Text[3*8+1] >> 4).To(Equal(uint8(0))) // static syscall: src 0
			Expect(le32(exe.Text, 3*8+4)).To(Equal(sbpf.HashSymbolName([]byte("sol_log_"))))
			Expect(exe.Text[4*8+1] >> 4).To(Equal(uint8(1))) // internal call: src 1
			Expect(int32(le32(exe.Text, 4*8+4))).To(Equal(int32(7 - 4 - 1)))
			Expect(exe.Functions.Len()).To(Equal(0)) // labels are off
		}
	})

	It("omits the rodata program header when there is no rodata", func() {
		p := strictProgram(sbpf.V3)
		p.Rodata = nil
		p.Relocs = p.Relocs[2:]
		so := mustWrite(p)
		Expect(binary.LittleEndian.Uint16(so[56:])).To(Equal(uint16(1)))
		exe, err := elf.Load(so, newLoader(nil))
		Expect(err).NotTo(HaveOccurred())
		Expect(exe.Rodata).To(BeEmpty())
	})

	It("collects labels from .symtab when enabled", func() {
		exe, err := elf.Load(mustWrite(strictProgram(sbpf.V3)), newLoader(func(c *sbpf.Config) { c.EnableSymbolAndSectionLabels = true }))
		Expect(err).NotTo(HaveOccurred())
		name, pc, ok := exe.Functions.Lookup(7)
		Expect(ok).To(BeTrue())
		Expect(name).To(Equal("helper"))
		Expect(pc).To(Equal(uint64(7)))
		name, _, _ = exe.Functions.Lookup(0)
		Expect(name).To(Equal("entrypoint"))
	})

	It("sets the entrypoint", func() {
		p := strictProgram(sbpf.V3)
		p.EntryPC = 7
		p.Functions = []elf.Symbol{{Name: "entrypoint", PC: 7}}
		p.Relocs = p.Relocs[:3]
		exe, err := elf.Load(mustWrite(p), newLoader(nil))
		Expect(err).NotTo(HaveOccurred())
		Expect(exe.EntryPC).To(Equal(uint64(7)))
	})

	DescribeTable("rejects",
		func(kind string, f func(b []byte)) {
			so := mustWrite(strictProgram(sbpf.V3))
			f(so)
			_, err := elf.Load(so, newLoader(nil))
			Expect(kindOf(err)).To(Equal(kind))
		},
		Entry("EM_SBPF", "FailedToParse", func(b []byte) { binary.LittleEndian.PutUint16(b[18:], elf.EMSBPF) }),
		Entry("a non-zero ABI version", "FailedToParse", func(b []byte) { b[8] = 1 }),
		Entry("a misaligned entrypoint", "FailedToParse", func(b []byte) { b[24] |= 4 }),
		Entry("an entrypoint past the text", "FailedToParse", func(b []byte) {
			binary.LittleEndian.PutUint64(b[24:], sbpf.MMBytecodeStart+9*8)
		}),
		Entry("a writable text header", "InvalidProgramHeader", func(b []byte) {
			binary.LittleEndian.PutUint32(b[64+56+4:], 2)
		}),
		Entry("a wrong text address", "InvalidProgramHeader", func(b []byte) {
			binary.LittleEndian.PutUint64(b[64+56+16:], 0x1000)
		}),
		Entry("memsz different from filesz", "InvalidProgramHeader", func(b []byte) {
			binary.LittleEndian.PutUint64(b[64+40:], 17)
		}),
		Entry("a single program header that is the rodata one", "FailedToParse", func(b []byte) {
			binary.LittleEndian.PutUint16(b[56:], 1)
		}),
		Entry("program headers past the end of the file", "FailedToParse", func(b []byte) {
			binary.LittleEndian.PutUint16(b[56:], 1000)
		}),
	)

	It("is not fooled by the e_shoff, e_type and section fields (unchecked by the strict loader)", func() {
		so := mustWrite(strictProgram(sbpf.V3))
		for _, off := range []int{16, 17, 40, 41, 58, 59, 60, 61, 62, 63} {
			b := append([]byte(nil), so...)
			b[off] = 0xAF
			_, err := elf.Load(b, newLoader(nil))
			Expect(err).NotTo(HaveOccurred(), "offset %d", off)
		}
	})
})
