package asm_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf/asm"
)

func reg(n int64) asm.Operand       { return asm.Operand{Kind: asm.OpRegister, Reg: n} }
func imm(v int64) asm.Operand       { return asm.Operand{Kind: asm.OpInteger, Value: v} }
func mem(r, off int64) asm.Operand  { return asm.Operand{Kind: asm.OpMemory, Reg: r, Value: off} }
func label(name string) asm.Operand { return asm.Operand{Kind: asm.OpLabel, Label: name} }
func ins(name string, ops ...asm.Operand) asm.Statement {
	if len(ops) == 0 {
		ops = nil
	}
	return asm.Statement{Kind: asm.StmtInstruction, Name: name, Operands: ops, Line: 1}
}

var _ = Describe("Parse", func() {
	DescribeTable("one statement",
		func(src string, want asm.Statement) {
			got, err := asm.Parse(src)
			Expect(err).NotTo(HaveOccurred())
			Expect(got).To(Equal([]asm.Statement{want}))
		},
		Entry("no operands", "exit", ins("exit")),
		Entry("integer", "call 2", ins("call", imm(2))),
		Entry("register and integer", "lsh r3, 0x8", ins("lsh", reg(3), imm(8))),
		Entry("memory with offset", "ldxb r2, [r1+12]", ins("ldxb", reg(2), mem(1, 12))),
		Entry("memory without offset", "ldxb r2, [r1]", ins("ldxb", reg(2), mem(1, 0))),
		Entry("memory with spaces", "ldxb r2, [r5 + 3]", ins("ldxb", reg(2), mem(5, 3))),
		Entry("negative hex offset", "stxw [r11 - 0x30], r1", ins("stxw", mem(11, -48), reg(1))),
		Entry("signed jump offset", "jne r3, 0x8, +37", ins("jne", reg(3), imm(8), imm(37))),
		Entry("no space after commas", "jne r3,0x8,-37", ins("jne", reg(3), imm(8), imm(-37))),
		Entry("big hex", "lddw r0, 0x123456789abcdef0", ins("lddw", reg(0), imm(0x123456789abcdef0))),
		Entry("hex wraps to negative", "lddw r0, 0xffffffffffffffff", ins("lddw", reg(0), imm(-1))),
		Entry("negative hex", "add r1, -0x1f", ins("add", reg(1), imm(-31))),
		Entry("label operand", "ja lbb_1", ins("ja", label("lbb_1"))),
		Entry("label starting with r", "call return_x", ins("call", label("return_x"))),
		Entry("leading whitespace", "\n\n      exit", asm.Statement{Kind: asm.StmtInstruction, Name: "exit", Line: 3}),
		Entry("label", "entrypoint:", asm.Statement{Kind: asm.StmtLabel, Name: "entrypoint", Line: 1}),
		Entry("directive", ".fill 3, 0x95", asm.Statement{Kind: asm.StmtDirective, Name: "fill", Operands: []asm.Operand{imm(3), imm(0x95)}, Line: 1}),
	)

	It("parses a program with labels, comments and blank lines", func() {
		got, err := asm.Parse("entrypoint: # start\n  mov r0, 1 // one\n\nlbb_2:\n  exit\n")
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(HaveLen(4))
		Expect(got[1].Line).To(Equal(2))
		Expect(got[2]).To(Equal(asm.Statement{Kind: asm.StmtLabel, Name: "lbb_2", Line: 4}))
	})

	It("parses nothing", func() {
		got, err := asm.Parse("  \n\t ")
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(BeEmpty())
	})

	DescribeTable("reports the position of a parse error",
		func(src string, line, col int) {
			_, err := asm.Parse(src)
			Expect(err).To(HaveOccurred())
			e, ok := err.(*asm.Error)
			Expect(ok).To(BeTrue())
			Expect([]int{e.Line, e.Column}).To(Equal([]int{line, col}), e.Error())
			Expect(e.Error()).To(HavePrefix("Parse error at line"))
		},
		Entry("unexpected character", "exit\n^", 2, 1),
		Entry("unterminated memory operand", "ldxb r1, [r2+1", 1, 15),
		Entry("sign without digits", "add r1, -", 1, 10),
		Entry("memory without register", "ldxb r1, [12]", 1, 11),
	)
})
