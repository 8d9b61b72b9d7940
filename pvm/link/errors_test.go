package link_test

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/pvm/guest"
	"github.com/sbpf-pvm/sbpf-pvm/pvm/link"
)

// linkErr links and returns the typed error, failing if there is none.
func linkErr(ins []link.Input, entries ...string) *link.Error {
	GinkgoHelper()
	_, err := link.Link(ins, link.Options{Profile: pvm.GP080, Entries: entries})
	Expect(err).To(HaveOccurred())
	var le *link.Error
	Expect(errors.As(err, &le)).To(BeTrue(), "want a *link.Error, got %T: %v", err, err)
	return le
}

// rawClang compiles src (C or assembly by name) with explicit target flags.
func rawClang(name, src string, flags ...string) []byte {
	GinkgoHelper()
	clang, err := guest.FindClang("")
	Expect(err).NotTo(HaveOccurred())
	dir := GinkgoT().TempDir()
	in := filepath.Join(dir, name)
	Expect(os.WriteFile(in, []byte(src), 0o644)).To(Succeed())
	out := filepath.Join(dir, "out.o")
	b, err := exec.Command(clang, append(flags, "-c", in, "-o", out)...).CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), string(b))
	data, err := os.ReadFile(out)
	Expect(err).NotTo(HaveOccurred())
	return data
}

// asmObject assembles RISC-V assembly with the guest flags.
func asmObject(src string) []link.Input {
	GinkgoHelper()
	return compileSource("t.S", src)[:1]
}

// patchSection rewrites the sh_type of the first section of type from.
func patchSectionType(obj []byte, from, to elf.SectionType) []byte {
	GinkgoHelper()
	out := append([]byte{}, obj...)
	shoff := binary.LittleEndian.Uint64(out[0x28:])
	shnum := int(binary.LittleEndian.Uint16(out[0x3C:]))
	for i := 0; i < shnum; i++ {
		h := out[shoff+uint64(i)*64:]
		if elf.SectionType(binary.LittleEndian.Uint32(h[4:])) == from {
			binary.LittleEndian.PutUint32(h[4:], uint32(to))
			return out
		}
	}
	Fail("no section of that type")
	return nil
}

var _ = Describe("bad input", func() {
	It("rejects non-ELF and truncated files as malformed", func() {
		Expect(linkErr([]link.Input{{Name: "junk", Data: []byte("not an elf file at all")}}).Kind).To(Equal(link.ErrMalformed))
		obj := compile([]string{"sha256.c"})[0]
		e := linkErr([]link.Input{{Name: "half", Data: obj.Data[:len(obj.Data)/2]}}, "sha256")
		Expect(e.Kind).To(Equal(link.ErrMalformed))
		Expect(e.File).To(Equal("half"))
	})

	It("rejects 32-bit, foreign-machine and hard-float objects", func() {
		rv32 := rawClang("a.c", "int f(int x) { return x + 1; }", "--target=riscv32-unknown-none-elf", "-march=rv32emac", "-mabi=ilp32e")
		Expect(linkErr([]link.Input{{Name: "rv32", Data: rv32}}, "f")).To(HaveField("Kind", link.ErrUnsupportedELF))
		x86 := rawClang("a.c", "int f(int x) { return x + 1; }", "--target=x86_64-unknown-linux-gnu")
		e := linkErr([]link.Input{{Name: "x86", Data: x86}}, "f")
		Expect(e.Kind).To(Equal(link.ErrUnsupportedELF))
		Expect(e.Msg).To(ContainSubstring("EM_RISCV"))
		hf := rawClang("a.c", "double f(double x) { return x + 1; }", "--target=riscv64-unknown-none-elf", "-march=rv64gc", "-mabi=lp64d")
		Expect(linkErr([]link.Input{{Name: "hf", Data: hf}}, "f").Msg).To(ContainSubstring("hard-float"))
	})

	It("rejects implicit-addend (SHT_REL) relocations", func() {
		obj := compile([]string{"sha256.c"})[0]
		bad := patchSectionType(obj.Data, elf.SHT_RELA, elf.SHT_REL)
		Expect(linkErr([]link.Input{{Name: "rel", Data: bad}}, "sha256").Kind).To(Equal(link.ErrUnsupportedRelocation))
	})

	It("names the symbol and offset of an undefined reference", func() {
		ins := compileSource("u.c", "extern int missing(int);\nint caller(int x) { return missing(x) * 3; }")
		e := linkErr(ins, "caller")
		Expect(e.Kind).To(Equal(link.ErrUndefinedSymbol))
		Expect(e.Msg).To(ContainSubstring(`"missing"`))
		Expect(e.Symbol).To(HavePrefix("caller"))
		Expect(e.HasOff).To(BeTrue())
		Expect(e.Section).To(Equal(".text.caller"))
	})

	It("names the symbol and offset of an unsupported instruction or register", func() {
		for _, c := range []struct{ insn, msg string }{
			{".word 0x00b50833", "register a6 (x16)"}, // add a6, a0, a1
			{"addi gp, gp, 1", "gp"},
			{"ecall", "ecall"},
			{"ebreak", "ebreak"},
			{"csrr a0, cycle", "unsupported instruction"},
			{"jalr ra, 4(a0)", "non-zero offset"},
			{".word 0x00000053", "unsupported instruction"}, // fadd.s
		} {
			e := linkErr(asmObject(".option norvc\n.text\n.globl bad\nbad:\n addi a0, a0, 1\n "+c.insn+"\n ret\n"), "bad")
			Expect(e.Kind).To(Equal(link.ErrUnsupportedInstruction), c.insn)
			Expect(e.Msg).To(ContainSubstring(c.msg), c.insn)
			Expect(e.Symbol).To(Equal("bad+0x4"), c.insn)
			Expect(e.Offset).To(Equal(uint64(4)), c.insn)
		}
	})

	It("names the symbol and offset of an unsupported relocation", func() {
		e := linkErr(asmObject(".text\n.globl bad\nbad:\n addi a0, a0, 1\n .reloc ., R_RISCV_32_PCREL, bad\n nop\n ret\n"), "bad")
		Expect(e.Kind).To(Equal(link.ErrUnsupportedRelocation))
		Expect(e.Msg).To(ContainSubstring("R_RISCV_32_PCREL"))
		Expect(e.Symbol).To(HavePrefix("bad+0x"))
		Expect(e.HasOff).To(BeTrue())
		e = linkErr(asmObject(".text\n.globl bad\nbad:\n lla a0, d\n ret\n.data\nd: .reloc ., R_RISCV_TPREL_HI20, bad\n .word 0\n"), "bad")
		Expect(e.Kind).To(Equal(link.ErrUnsupportedRelocation))
		Expect(e.Section).To(Equal(".data"))
	})

	It("rejects thread-local storage, duplicate symbols and missing entry points", func() {
		Expect(linkErr(compileSource("tls.c", "__thread int x; int f(void) { return x; }"), "f").Kind).
			To(BeElementOf(link.ErrUnsupportedSection, link.ErrUnsupportedELF))
		a := compileSource("a.c", "int f(void) { return 1; }")[0]
		b := compileSource("b.c", "int f(void) { return 2; }")[0]
		e := linkErr([]link.Input{a, b}, "f")
		Expect(e.Kind).To(Equal(link.ErrDuplicateSymbol))
		Expect(e.Symbol).To(Equal("f"))
		Expect(linkErr([]link.Input{a}, "nope")).To(HaveField("Kind", link.ErrEntry))
		Expect(linkErr([]link.Input{a})).To(HaveField("Kind", link.ErrEntry), "no -e and no PVM_EXPORT")
	})

	It("rejects a relocation whose symbol index is out of range", func() {
		obj := compile([]string{"sha256.c"})[0]
		f, err := elf.NewFile(bytes.NewReader(obj.Data))
		Expect(err).NotTo(HaveOccurred())
		bad := append([]byte{}, obj.Data...)
		for _, s := range f.Sections {
			if s.Type == elf.SHT_RELA && s.Size >= 24 {
				binary.LittleEndian.PutUint32(bad[s.Offset+12:], 0xFFFFFF) // r_info high half: symbol index
				break
			}
		}
		Expect(linkErr([]link.Input{{Name: "badsym", Data: bad}}, "sha256").Kind).To(Equal(link.ErrMalformed))
	})
})
