package elf_test

import (
	"bytes"
	stdelf "debug/elf"
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/elf"
)

var _ = Describe("Write", func() {
	It("produces a legacy shared object that Go's debug/elf reads back", func() {
		so := mustWrite(legacyProgram())
		f, err := stdelf.NewFile(bytes.NewReader(so))
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Type).To(Equal(stdelf.ET_DYN))
		Expect(f.Machine).To(Equal(stdelf.EM_BPF))
		Expect(f.Entry).To(Equal(f.Section(".text").Addr))
		syms, err := f.DynamicSymbols()
		Expect(err).NotTo(HaveOccurred())
		var names []string
		for _, s := range syms {
			names = append(names, s.Name)
		}
		Expect(names).To(Equal([]string{"entrypoint", "helper", "sol_log_"}))
		Expect(stdelf.ST_TYPE(syms[1].Info)).To(Equal(stdelf.STT_FUNC))
		Expect(syms[1].Value).To(Equal(f.Section(".text").Addr + 7*8))
		Expect(syms[2].Section).To(Equal(stdelf.SHN_UNDEF))
		rel, err := f.Section(".rel.dyn").Data()
		Expect(err).NotTo(HaveOccurred())
		Expect(rel).To(HaveLen(4 * 16))
		types := []uint32{}
		for i := 0; i < 4; i++ {
			types = append(types, le32(rel, uint64(16*i+8)))
		}
		Expect(types).To(Equal([]uint32{8, 8, 10, 10})) // RELATIVE, RELATIVE, 64_32, 64_32
		var dyn []stdelf.ProgType
		for _, p := range f.Progs {
			dyn = append(dyn, p.Type)
		}
		Expect(dyn).To(Equal([]stdelf.ProgType{stdelf.PT_LOAD, stdelf.PT_LOAD, stdelf.PT_LOAD, stdelf.PT_DYNAMIC}))
	})

	It("stores a rodata pointer in the upper half of its slot (the legacy encoding)", func() {
		so := mustWrite(legacyProgram())
		ro := section(so, ".rodata")
		b, _ := ro.Data()
		Expect(le32(b, 0)).To(Equal(uint32(0)))
		Expect(le32(b, 4)).To(Equal(uint32(section(so, ".text").Addr + 0x38)))
	})

	It("writes call sites with imm -1 for R_BPF_64_32", func() {
		so := mustWrite(legacyProgram())
		t, _ := section(so, ".text").Data()
		Expect(le32(t, 3*8+4)).To(Equal(uint32(0xffffffff)))
		Expect(le32(t, 4*8+4)).To(Equal(uint32(0xffffffff)))
	})

	It("is deterministic", func() {
		Expect(mustWrite(legacyProgram())).To(Equal(mustWrite(legacyProgram())))
		p := legacyProgram()
		p.Version = sbpf.V3
		Expect(mustWrite(p)).To(Equal(mustWrite(p)))
	})

	It("writes a strict file whose program headers debug/elf reads", func() {
		p := legacyProgram()
		p.Version = sbpf.V3
		so := mustWrite(p)
		f, err := stdelf.NewFile(bytes.NewReader(so))
		Expect(err).NotTo(HaveOccurred())
		Expect(f.Progs).To(HaveLen(2))
		Expect(f.Progs[0].Vaddr).To(Equal(uint64(0)))
		Expect(f.Progs[0].Flags).To(Equal(stdelf.PF_R))
		Expect(f.Progs[1].Vaddr).To(Equal(sbpf.MMBytecodeStart))
		Expect(f.Progs[1].Flags).To(Equal(stdelf.PF_X))
		Expect(f.Entry).To(Equal(sbpf.MMBytecodeStart))
		Expect(uint32(f.FileHeader.Entry >> 32)).To(Equal(uint32(1)))
	})

	DescribeTable("rejects inconsistent programs",
		func(mod func(p *elf.Program)) {
			p := legacyProgram()
			mod(p)
			_, err := elf.Write(p)
			Expect(errors.Is(err, elf.ErrInvalidProgram)).To(BeTrue(), "%v", err)
		},
		Entry("empty text", func(p *elf.Program) { p.Text = nil; p.Relocs = nil }),
		Entry("text not a multiple of 8", func(p *elf.Program) { p.Text = p.Text[:13] }),
		Entry("entrypoint outside the text", func(p *elf.Program) { p.EntryPC = 9 }),
		Entry("entrypoint symbol elsewhere", func(p *elf.Program) { p.EntryPC = 7 }),
		Entry("function outside the text", func(p *elf.Program) { p.Functions[1].PC = 100 }),
		Entry("function defined twice", func(p *elf.Program) {
			p.Functions = append(p.Functions, elf.Symbol{Name: "helper", PC: 2})
		}),
		Entry("symbol name too long", func(p *elf.Program) {
			p.Relocs[2].Symbol = string(bytes.Repeat([]byte("x"), 64))
		}),
		Entry("call of an undefined function", func(p *elf.Program) { p.Relocs[3].Symbol = "nope" }),
		Entry("reloc site outside the section", func(p *elf.Program) { p.Relocs[1].Site.Offset = 12 }),
		Entry("misaligned text site", func(p *elf.Program) { p.Relocs[2].Site.Offset = 25 }),
		Entry("lddw in the last slot", func(p *elf.Program) { p.Relocs[0].Site.Offset = 64 }),
		Entry("call site in rodata", func(p *elf.Program) { p.Relocs[2].Site = elf.Location{Section: elf.SecRodata} }),
		Entry("syscall named like a function", func(p *elf.Program) { p.Relocs[2].Symbol = "helper" }),
		Entry("unknown machine", func(p *elf.Program) { p.Machine = 3 }),
		Entry("reserved version", func(p *elf.Program) { p.Version = sbpf.Reserved }),
		Entry("target outside the section", func(p *elf.Program) { p.Relocs[0].Target.Offset = 17 }),
	)

	It("refuses the wrong format for a version", func() {
		p := legacyProgram()
		_, err := elf.WriteStrict(p)
		Expect(errors.Is(err, elf.ErrInvalidProgram)).To(BeTrue())
		p.Version = sbpf.V3
		_, err = elf.WriteLegacy(p)
		Expect(errors.Is(err, elf.ErrInvalidProgram)).To(BeTrue())
	})
})
