package asm_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/asm"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/elf"
)

func labelLoader() *sbpf.Loader {
	cfg := sbpf.DefaultConfig()
	cfg.EnableSymbolAndSectionLabels = true
	l := sbpf.NewLoader(cfg)
	Expect(l.RegisterSyscall("sol_log_", nil)).To(Succeed())
	return l
}

func disasm(src string, v sbpf.Version) string {
	exe, err := asm.Assemble(src, v, labelLoader())
	Expect(err).NotTo(HaveOccurred())
	return asm.Disassemble(exe)
}

var _ = Describe("Disassemble", func() {
	DescribeTable("prints what it was assembled from",
		func(v sbpf.Version, src string) { Expect(disasm(src, v)).To(Equal(src)) },
		Entry("empty", sbpf.V4, ""),
		Entry("exit", sbpf.V0, "entrypoint:\n    exit\n"),
		Entry("static syscall by number", sbpf.V3, "entrypoint:\n    syscall 5\n"),
		Entry("static syscall by name", sbpf.V3, "entrypoint:\n    syscall sol_log_\n"),
		Entry("alu", sbpf.V4, "entrypoint:\n    add64 r1, r3\n    add64 r1, 5\n    mul32 r2, -1\n    arsh32 r1, r2\n    hor64 r1, 7\n"),
		Entry("memory", sbpf.V4, "entrypoint:\n    ldxw r1, [r2+0x5]\n    ldxdw r1, [r2-0x8000]\n    stw [r2+0x5], 7\n    stxb [r2-0x5], r8\n"),
		Entry("moved memory classes", sbpf.V2, "entrypoint:\n    ldxb r1, [r2+0x3]\n    stdw [r1+0x2], 3\n    stxh [r1+0x2], r3\n"),
		Entry("pqr", sbpf.V2, "entrypoint:\n    lmul64 r1, r2\n    lmul32 r1, 2\n    uhmul64 r1, r2\n    shmul64 r1, 2\n    udiv32 r1, r2\n    urem64 r1, 2\n    sdiv64 r1, r2\n    srem32 r1, 2\n"),
		Entry("ja", sbpf.V4, "entrypoint:\n    ja lbb_1\nlbb_1:\n    exit\n"),
		Entry("call", sbpf.V4, "entrypoint:\n    call function_1\n\nfunction_1:\n    exit\n"),
		Entry("named functions", sbpf.V3, "entrypoint:\n    call function_add\n    exit\n\nfunction_add:\n    add64 r0, 1\n    exit\n"),
		Entry("lddw", sbpf.V4, "entrypoint:\n    lddw r1, 0x1234abcd5678eeff\n    lddw r1, 0xff11ee22dd33cc44\n"),
		Entry("endian", sbpf.V4, "entrypoint:\n    be16 r1\n    be32 r1\n    be64 r1\n    le16 r1\n    le32 r1\n    le64 r1\n"),
		Entry("a loop", sbpf.V0, "entrypoint:\n    mov64 r0, 0\nlbb_1:\n    add64 r0, 1\n    jne r0, 10, lbb_1\n    exit\n"),
		Entry("jumps", sbpf.V4, "entrypoint:\n    jeq r1, r2, lbb_3\n    jsgt r1, -2, lbb_3\n    exit\nlbb_3:\n    exit\n"),
		Entry("jmp32", sbpf.V3, "entrypoint:\n    jeq32 r1, 2, lbb_2\n    exit\nlbb_2:\n    jset32 r1, r2, lbb_2\n    exit\n"),
		Entry("callx v0", sbpf.V0, "entrypoint:\n    callx r3\n"),
		Entry("callx v2", sbpf.V2, "entrypoint:\n    callx r3\n"),
		Entry("callx v3", sbpf.V3, "entrypoint:\n    callx r3\n"),
		Entry("neg", sbpf.V0, "entrypoint:\n    neg64 r1\n    neg32 r2\n"),
	)

	It("prints opcodes that the version does not have as unknown", func() {
		Expect(disasm(".fill 1, 0x24\nexit", sbpf.V2)).To(ContainSubstring("unknown opcode=0x24"))
		Expect(disasm(".fill 1, 0x84\nexit", sbpf.V2)).To(ContainSubstring("unknown opcode=0x84"))
		Expect(disasm(".fill 1, 0x87\nexit", sbpf.V2)).To(ContainSubstring("stw [r0+0x0], 0"))
		Expect(disasm(".fill 1, 0x16\nexit", sbpf.V0)).To(ContainSubstring("unknown opcode=0x16"))
	})

	It("prints [invalid] for a jump into nowhere", func() {
		Expect(disasm("ja +5\nexit", sbpf.V0)).To(ContainSubstring("ja [invalid]"))
	})

	programs := []string{
		"entrypoint:\n mov64 r1, 5\n call function_double\n add64 r0, 1\n exit\nfunction_double:\n mov64 r0, r1\n add64 r0, r1\n exit",
		"mov64 r0, 0\nmov64 r1, 10\nloop:\nadd64 r0, r1\nsub64 r1, 1\njne r1, 0, loop\nexit",
		"lddw r1, 0x400000000\nldxb r0, [r1+1]\nsyscall sol_log_\ncall 1\nexit\nexit",
		"stdw [r10-8], 0x1234\nldxdw r0, [r10-8]\njslt r0, r1, +1\nbe32 r0\nexit",
	}

	It("round-trips through text for every version: assemble, disassemble, assemble", func() {
		for _, v := range []sbpf.Version{sbpf.V0, sbpf.V1, sbpf.V2, sbpf.V3, sbpf.V4} {
			for _, src := range programs {
				first, err := asm.Compile(src, v)
				Expect(err).NotTo(HaveOccurred())
				again, err := asm.Compile(disasm(src, v), v)
				Expect(err).NotTo(HaveOccurred(), "%s\n%s", v, disasm(src, v))
				Expect(again.Text).To(Equal(first.Text), "%s: %s", v, src)
			}
		}
	})

	It("round-trips through an ELF: assemble, write, load, disassemble, assemble", func() {
		for _, v := range []sbpf.Version{sbpf.V0, sbpf.V1, sbpf.V3, sbpf.V4} {
			for _, src := range programs {
				so, err := asm.AssembleELF(src, v)
				Expect(err).NotTo(HaveOccurred())
				exe, err := elf.Load(so, labelLoader())
				Expect(err).NotTo(HaveOccurred(), "%s: %s", v, src)
				text := asm.Disassemble(exe)
				re, err := asm.AssembleELF(text, v)
				Expect(err).NotTo(HaveOccurred(), "%s:\n%s", v, text)
				exe2, err := elf.Load(re, labelLoader())
				Expect(err).NotTo(HaveOccurred())
				Expect(exe2.Text).To(Equal(exe.Text), "%s:\n%s", v, text)
				Expect(exe2.EntryPC).To(Equal(exe.EntryPC))
			}
		}
	})
})

var _ = Describe("Disassemble labels", func() {
	It("calls a function with two names (entrypoint and its pc hash) by its one label", func() {
		// A v0 program that calls its own entrypoint: the loader registers pc 0 under
		// "entrypoint" and under the hash of the pc with the symbol's name.
		so, err := asm.AssembleELF("entrypoint:\nmov64 r3, 1\ncall entrypoint\nexit", sbpf.V0)
		Expect(err).NotTo(HaveOccurred())
		exe, err := elf.Load(so, labelLoader())
		Expect(err).NotTo(HaveOccurred())
		out := asm.Disassemble(exe)
		Expect(out).To(Equal("entrypoint:\n    mov64 r3, 1\n    call entrypoint\n    exit\n"))
		re, err := asm.AssembleELF(out, sbpf.V0)
		Expect(err).NotTo(HaveOccurred())
		exe2, err := elf.Load(re, labelLoader())
		Expect(err).NotTo(HaveOccurred())
		Expect(exe2.Text).To(Equal(exe.Text))
	})

	It("turns symbol names into labels the assembler reads", func() {
		p := &elf.Program{
			Version: sbpf.V3,
			Text: []byte{
				0x85, 0x10, 0, 0, 0, 0, 0, 0, // call +0 (pc 1)
				0x95, 0, 0, 0, 0, 0, 0, 0,
			},
			Functions: []elf.Symbol{{Name: "add.llvm.42$x", PC: 1}},
		}
		so, err := elf.Write(p)
		Expect(err).NotTo(HaveOccurred())
		exe, err := elf.Load(so, labelLoader())
		Expect(err).NotTo(HaveOccurred())
		out := asm.Disassemble(exe)
		Expect(out).To(Equal("entrypoint:\n    call add_llvm_42_x\n\nadd_llvm_42_x:\n    exit\n"))
		again, err := asm.Compile(out, sbpf.V3)
		Expect(err).NotTo(HaveOccurred())
		Expect(again.Text).To(Equal(exe.Text))
	})
})
