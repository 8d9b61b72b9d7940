package asm_test

import (
	"encoding/binary"
	"encoding/hex"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/asm"
)

func text(src string, v sbpf.Version) string {
	p, err := asm.Compile(src, v)
	Expect(err).NotTo(HaveOccurred())
	return hex.EncodeToString(p.Text)
}

func hashHex(name string) string {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], sbpf.HashSymbolName([]byte(name)))
	return hex.EncodeToString(b[:])
}

var _ = Describe("Compile", func() {
	DescribeTable("encodes instructions",
		func(src string, v sbpf.Version, want string) {
			Expect(text(src, v)).To(Equal(strings.ReplaceAll(want, " ", "")))
		},
		Entry("add64 imm", "add64 r1, 0x605", sbpf.V0, "07010000 05060000"),
		Entry("mov64 imm", "mov64 r2, 0x32", sbpf.V0, "b7020000 32000000"),
		Entry("mov reg", "mov r1, r0", sbpf.V0, "bf010000 00000000"),
		Entry("mov32 reg", "mov32 r1, r0", sbpf.V0, "bc010000 00000000"),
		Entry("be16", "be16 r0", sbpf.V0, "dc000000 10000000"),
		Entry("le64", "le64 r3", sbpf.V0, "d4030000 40000000"),
		Entry("neg64", "neg64 r2", sbpf.V0, "87020000 00000000"),
		Entry("neg32", "neg32 r2", sbpf.V0, "84020000 00000000"),
		Entry("exit", "exit", sbpf.V0, "95000000 00000000"),
		Entry("lddw splits the immediate", "lddw r1, 0x1122334455667788", sbpf.V0,
			"18010000 88776655 00000000 44332211"),
		Entry("lddw negative", "lddw r1, -2", sbpf.V0, "18010000 feffffff 00000000 ffffffff"),
		Entry("ldxb v0", "ldxb r2, [r1+12]", sbpf.V0, "71120c00 00000000"),
		Entry("ldxb v2 (moved class)", "ldxb r2, [r1+12]", sbpf.V2, "2c120c00 00000000"),
		Entry("stxdw v0", "stxdw [r10-8], r1", sbpf.V0, "7b1af8ff 00000000"),
		Entry("stxdw v2", "stxdw [r10-8], r1", sbpf.V2, "9f1af8ff 00000000"),
		Entry("stw imm v0", "stw [r1+2], 3", sbpf.V0, "62010200 03000000"),
		Entry("stw imm v2", "stw [r1+2], 3", sbpf.V2, "87010200 03000000"),
		Entry("callx v0 (register in imm)", "callx r3", sbpf.V0, "8d000000 03000000"),
		Entry("callx v2 (src)", "callx r3", sbpf.V2, "8d300000 00000000"),
		Entry("callx v3 (dst)", "callx r3", sbpf.V3, "8d030000 00000000"),
		Entry("add64 r10 is a no-op without manual frames", "add64 r10, 64", sbpf.V0, "47000000 00000000"),
		Entry("add64 r10 bumps the frame on v1", "add64 r10, 64", sbpf.V1, "070a0000 40000000"),
		Entry("jeq imm", "jeq r1, 5, +3", sbpf.V0, "15010300 05000000"),
		Entry("jne32 reg", "jne32 r1, r2, -1", sbpf.V3, "5e21ffff 00000000"),
		Entry("ja label", "ja lbb_1\nlbb_1:\nexit", sbpf.V0, "05000000 00000000 95000000 00000000"),
		Entry("lmul64 v2", "lmul64 r1, r2", sbpf.V2, "9e210000 00000000"),
		Entry("udiv32 imm", "udiv32 r1, 7", sbpf.V2, "46010000 07000000"),
		Entry("hor64", "hor64 r1, 9", sbpf.V2, "f7010000 09000000"),
		Entry("call label v0: absolute pc", "call function_2\nexit\nfunction_2:\nexit", sbpf.V0,
			"85000000 02000000 95000000 00000000 95000000 00000000"),
		Entry("call label v3: relative, src 1", "call function_2\nexit\nfunction_2:\nexit", sbpf.V3,
			"85100000 01000000 95000000 00000000 95000000 00000000"),
		Entry("call integer v0: relative operand, absolute imm", "exit\ncall -2", sbpf.V0,
			"95000000 00000000 85000000 00000000"),
		Entry("syscall by name", "syscall sol_log_", sbpf.V0, "85000000"+hashHex("sol_log_")),
		Entry("syscall by number", "syscall 5", sbpf.V3, "85000000 05000000"),
		Entry(".fill", ".fill 2, 0x95", sbpf.V0, "95000000 00000000 95000000 00000000"),
	)

	It("registers function_ and entrypoint labels and call targets under their pc", func() {
		p, err := asm.Compile("entrypoint:\ncall 1\nexit\nfunction_2:\nexit\nlbb_4:\nexit", sbpf.V0)
		Expect(err).NotTo(HaveOccurred())
		names := map[string]uint64{}
		for _, f := range p.Functions {
			names[f.Name] = f.PC
		}
		Expect(names).To(Equal(map[string]uint64{"entrypoint": 0, "function_2": 2}))
	})

	DescribeTable("rejects",
		func(src, msg string) {
			_, err := asm.Compile(src, sbpf.V0)
			Expect(err).To(HaveOccurred())
			Expect(err.Error()).To(ContainSubstring(msg))
		},
		Entry("an unknown mnemonic", "frob r1", `Invalid instruction "frob"`),
		Entry("a missing label", "ja nowhere", "Label not found nowhere"),
		Entry("wrong operands", "exit r1", "Unexpected operands: [Register(1)]"),
		Entry("a register out of range", "mov64 r16, 1", "Invalid destination register 16"),
		Entry("a source register out of range", "ldxb r1, [r99]", "Invalid source register 99"),
		Entry("an immediate out of range", "mov64 r1, 0x100000000", "Invalid immediate 4294967296"),
		Entry("an offset out of range", "ja +40000", "Invalid offset 40000"),
		Entry("an unknown directive", ".section text", `Invalid directive "section"`),
		Entry("a huge .fill", ".fill 100000000, 0", "Invalid .fill repeat count"),
		Entry("a v2 mnemonic on v0? no: memory syntax mismatch", "stxw r1, [r2]", "Unexpected operands"),
		Entry("a call target whose u32 key is taken", "exit\nexit\nfunction_2:\ncall 4294967295", "Label hash collision call"),
	)

	It("tells the line of a semantic error", func() {
		_, err := asm.Compile("exit\n\nfrob", sbpf.V0)
		Expect(err.Error()).To(HavePrefix("line 3:"))
	})
})

var _ = Describe("Assemble", func() {
	It("builds an executable from text like new_from_text_bytes", func() {
		l := sbpf.NewLoader(sbpf.DefaultConfig())
		exe, err := asm.Assemble("mov64 r0, 1\nexit\nentrypoint:\nexit", sbpf.V0, l)
		Expect(err).NotTo(HaveOccurred())
		Expect(exe.EntryPC).To(Equal(uint64(2)))
		Expect(exe.TextVaddr).To(Equal(sbpf.MMBytecodeStart))
		Expect(exe.RodataVaddr).To(Equal(sbpf.MMBytecodeStart))
		Expect(exe.Text).To(HaveLen(24))
		exe, err = asm.Assemble("exit", sbpf.V3, l)
		Expect(err).NotTo(HaveOccurred())
		Expect(exe.RodataVaddr).To(Equal(sbpf.MMRodataStart))
		_, pc, ok := exe.Functions.LookupByName("entrypoint")
		Expect(ok).To(BeTrue())
		Expect(pc).To(Equal(uint64(0)))
	})
})
