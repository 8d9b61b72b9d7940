package link_test

import (
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/binary"
	"math/bits"
	"os"
	"os/exec"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/pvm/guest"
	"github.com/sbpf-pvm/sbpf-pvm/pvm/link"
)

// relocTypes counts the relocation types of the inputs' allocated sections.
func relocTypes(ins []link.Input) map[elf.R_RISCV]int {
	GinkgoHelper()
	out := map[elf.R_RISCV]int{}
	for _, in := range ins {
		f, err := elf.NewFile(bytes.NewReader(in.Data))
		Expect(err).NotTo(HaveOccurred())
		for _, s := range f.Sections {
			if s.Type != elf.SHT_RELA || f.Sections[s.Info].Flags&elf.SHF_ALLOC == 0 {
				continue
			}
			d, err := s.Data()
			Expect(err).NotTo(HaveOccurred())
			for p := 0; p+24 <= len(d); p += 24 {
				out[elf.R_RISCV(uint32(binary.LittleEndian.Uint64(d[p+8:])))]++
			}
		}
	}
	return out
}

var _ = Describe("relocations", func() {
	It("resolves every code and data relocation type (relocs.S)", func() {
		ins := compile([]string{"relocs.S"})
		types := relocTypes(ins)
		for _, t := range []elf.R_RISCV{elf.R_RISCV_CALL_PLT, elf.R_RISCV_CALL, elf.R_RISCV_JAL, elf.R_RISCV_NONE,
			elf.R_RISCV_PCREL_HI20, elf.R_RISCV_PCREL_LO12_I, elf.R_RISCV_PCREL_LO12_S, elf.R_RISCV_GOT_HI20,
			elf.R_RISCV_HI20, elf.R_RISCV_LO12_I, elf.R_RISCV_LO12_S, elf.R_RISCV_64, elf.R_RISCV_32,
			elf.R_RISCV_ADD8, elf.R_RISCV_ADD16, elf.R_RISCV_ADD32, elf.R_RISCV_ADD64,
			elf.R_RISCV_SUB8, elf.R_RISCV_SUB16, elf.R_RISCV_SUB32, elf.R_RISCV_SUB64,
			elf.R_RISCV_SET6, elf.R_RISCV_SUB6, elf.R_RISCV_SET8, elf.R_RISCV_SET16, elf.R_RISCV_SET32,
			elf.R_RISCV(60), elf.R_RISCV(61)} {
			Expect(types).To(HaveKey(t), "relocs.S should contain %v", t)
		}
		r := linkAll(ins, "t_call", "t_pcrel", "t_got", "t_abs", "t_fields", "t_addrs", "t_fptr")
		for _, p := range profiles {
			res := r[p]
			Expect(call(res, p, "t_call", nil, 1).Regs[7]).To(Equal(uint64(31)))
			Expect(call(res, p, "t_pcrel", nil).Regs[7]).To(Equal(uint64(10)), "5+5 stored and read back, plus a zeroed word")
			Expect(call(res, p, "t_got", nil).Regs[7]).To(Equal(uint64(15)))
			Expect(call(res, p, "t_abs", nil).Regs[7]).To(Equal(uint64(10)))
			Expect(call(res, p, "t_fptr", nil, 1).Regs[7]).To(Equal(uint64(21)))

			regs := call(res, p, "t_addrs", nil).Regs
			dvar, tbl, code := regs[7], regs[8], regs[9]
			Expect(code%2).To(BeZero(), "a code address is 2·(slot+1)")
			Expect(code).To(BeNumerically("<", 2*(len(res.Program.Code.JumpTable)+1)))
			f := callArg(res, p, "t_fields", nil, nil).Output
			Expect(f).To(HaveLen(60))
			d := dvar - tbl
			le := binary.LittleEndian
			Expect(le.Uint64(f[0:])).To(Equal(d))
			Expect(le.Uint32(f[8:])).To(Equal(uint32(d)))
			Expect(le.Uint16(f[12:])).To(Equal(uint16(d)))
			Expect(f[14]).To(Equal(uint8(d)))
			Expect(f[15]).To(Equal(0xC0 | uint8(d)&0x3F))
			Expect(f[16]).To(Equal(uint8(dvar)))
			Expect(le.Uint16(f[18:])).To(Equal(uint16(dvar)))
			Expect(le.Uint32(f[20:])).To(Equal(uint32(dvar)))
			uleb := uint64(f[24]&0x7F) | uint64(f[25]&0x7F)<<7 | uint64(f[26]&0x7F)<<14 | uint64(f[27]&0x7F)<<21
			Expect(f[24:28]).To(HaveEach(BeNumerically(">=", 0)))
			Expect(f[27] & 0x80).To(BeZero())
			Expect(uleb).To(Equal(d))
			Expect(le.Uint64(f[28:])).To(Equal(dvar + 8))
			Expect(le.Uint32(f[36:])).To(Equal(uint32(dvar)))
			Expect(le.Uint32(f[40:])+uint32(tbl)).To(Equal(uint32(code)), "switch-table entry + table base = code address")
			Expect(le.Uint64(f[48:])).To(Equal(code))
			Expect(le.Uint32(f[56:])).To(Equal(uint32(code)))
		}
	})

	It("handles relaxation output: BRANCH, RVC_BRANCH, RVC_JUMP, JAL, RELAX, ALIGN (relax.S)", func() {
		ins := compile([]string{"relax.S"})
		types := relocTypes(ins)
		for _, t := range []elf.R_RISCV{elf.R_RISCV_BRANCH, elf.R_RISCV_RVC_BRANCH, elf.R_RISCV_RVC_JUMP,
			elf.R_RISCV_JAL, elf.R_RISCV_RELAX, elf.R_RISCV_ALIGN, elf.R_RISCV_CALL_PLT} {
			Expect(types).To(HaveKey(t), "relax.S should contain %v", t)
		}
		r := linkAll(ins, "t_relax")
		for _, p := range profiles {
			for _, v := range []uint64{0, 1, 0xFFFF, 0x12345, 0xA5A5} {
				Expect(call(r[p], p, "t_relax", nil, v).Regs[7]).To(Equal(uint64(bits.OnesCount64(v & 0xFFFF))))
			}
		}
	})

	It("links C compiled with linker relaxation enabled", func() {
		ins := compile([]string{"control.c", "sha256.c"}, "-mrelax")
		types := relocTypes(ins)
		Expect(types[elf.R_RISCV_BRANCH]).To(BeNumerically(">", 0))
		Expect(types[elf.R_RISCV_RVC_JUMP]).To(BeNumerically(">", 0))
		Expect(types[elf.R_RISCV_RELAX]).To(BeNumerically(">", 0))
		r := linkAll(ins, "fib", "sort_checksum", "sha256")
		for _, p := range profiles {
			Expect(call(r[p], p, "fib", nil, 15).Regs[7]).To(Equal(uint64(610)))
			Expect(callArg(r[p], p, "sha256", []byte("abc"), nil).Output).To(HaveLen(32))
		}
	})

	It("accepts ld.lld-19 outputs: a partial link (-r), a shared object and an executable with --emit-relocs", func() {
		objs := compile([]string{"sha256.c", "control.c"})
		direct := linkAll(objs, "sha256", "fib")
		inputs := []link.Input{
			lld(objs, "-r"),
			lld(objs, "-shared", "--emit-relocs", "-z", "notext", "--unique", "-Bsymbolic"),
			lld(objs, "--emit-relocs", "-e", "0"),
		}
		for _, in := range inputs {
			r := linkAll([]link.Input{in}, "sha256", "fib")
			for _, p := range profiles {
				want := callArg(direct[p], p, "sha256", []byte("hello"), nil).Output
				Expect(callArg(r[p], p, "sha256", []byte("hello"), nil).Output).To(Equal(want), in.Name)
				Expect(call(r[p], p, "fib", nil, 12).Regs[7]).To(Equal(uint64(144)), in.Name)
			}
		}
	})

	It("emits the dispatch table as 5-byte jumps at pc 0, 5, 10", func() {
		r := build([]string{"control.c"}, []string{"fib", "parity", "sw"})
		for _, p := range profiles {
			prog := r[p].Program.Code
			for i, name := range []string{"fib", "parity", "sw"} {
				Expect(entryPC(r[p], name)).To(Equal(uint32(5 * i)))
				in, n, err := pvm.DecodeInst(p, prog.Code, prog.Bitmask, uint32(5*i))
				Expect(err).NotTo(HaveOccurred())
				Expect(in.Op).To(Equal(pvm.OpJump))
				if i < 2 {
					Expect(n).To(Equal(uint32(5)))
				}
			}
		}
	})
})

var _ = Describe("special forms", func() {
	It("translates unrelocated auipc+addi (a code address) and auipc+jalr (a call) inside a section", func() {
		ins := asmObject(`.option norvc
.text
.globl t_auipc
t_auipc:
    mv a5, ra
    auipc a1, 0          # at 4: a1 = 4 + 28 = label 1
    addi a1, a1, 28
    jalr ra, 0(a1)       # calls 1:
    auipc ra, 0          # at 16
    jalr ra, 24(ra)      # auipc+jalr: calls 2: at 40
    mv ra, a5
    ret
1:  addi a0, a0, 100
    ret
2:  addi a0, a0, 1000
    ret
`)
		r := linkAll(ins, "t_auipc")
		for _, p := range profiles {
			Expect(call(r[p], p, "t_auipc", nil, 1).Regs[7]).To(Equal(uint64(1101)))
		}
	})

	It("loads the heap base with polkavm's custom heap_base instruction", func() {
		ins := asmObject(`.text
.globl t_heap
t_heap:
    .word 0x0000350b     # heap_base a0
    lla a1, d
    lla a2, b            # keeps .bss alive
    ret
.data
d: .quad 1
.bss
.p2align 3
b: .zero 100
`)
		r := linkAll(ins, "t_heap")
		for _, p := range profiles {
			regs := call(r[p], p, "t_heap", nil).Regs
			Expect(regs[7]).To(Equal(regs[8]+108), "heap base = RW start + data + bss")
		}
	})

	It("accepts polkavm's sbrk instruction only in the gp072 profile, and never its memset", func() {
		sbrk := asmObject(".text\n.globl t\nt:\n .word 0x0005150b\n ret\n") // sbrk a0, a0
		_, err := link.Link(sbrk, link.Options{Profile: pvm.GP072, Entries: []string{"t"}})
		Expect(err).NotTo(HaveOccurred())
		Expect(linkErr(sbrk, "t").Msg).To(ContainSubstring("sbrk"))
		memset := asmObject(".text\n.globl t\nt:\n .word 0x0000200b\n ret\n")
		Expect(linkErr(memset, "t").Kind).To(Equal(link.ErrUnsupportedInstruction))
	})
})

var _ = Describe("heap", func() {
	It("gives C code a zeroed heap above the data with pvm_heap_base and HeapPages", func() {
		ins := compileSource("heap.c", `#include "pvm.h"
static uint64_t data_word = 3;
static uint8_t bss_bytes[5000];
uint64_t heap(uint64_t n) {
    uint64_t *h = pvm_heap_base();
    bss_bytes[4999] = 1;
    for (uint64_t i = 0; i < n; i++) h[i] = i * data_word;   /* writes the whole heap */
    uint64_t s = 0;
    for (uint64_t i = 0; i < n; i++) s += h[i];
    return s + bss_bytes[4999] + (uint64_t)h % 8;
}
`)
		for _, p := range profiles {
			res, err := link.Link(ins, link.Options{Profile: p, Entries: []string{"heap"}, HeapPages: 4})
			Expect(err).NotTo(HaveOccurred())
			// The heap holds at least 4 pages above the data; fill 4 pages' worth of words.
			n := uint64(4 * 4096 / 8)
			Expect(call(res, p, "heap", nil, n).Regs[7]).To(Equal(3*n*(n-1)/2 + 1))
			m, err := pvm.InitStandard(decode(p, res.Program.Code), res.Program, 0, nil, testGas)
			Expect(err).NotTo(HaveOccurred())
			m.Regs[7] = n + 1024 // past the mapped heap: a fault, ending the invocation as a panic
			Expect(m.RunInvocation(nil).Status).To(Equal(pvm.StatusPanic))
		}
	})
})

var _ = Describe("LLVM IR input", func() {
	It("compiles and links .ll files (the transpiler's path) like C", func() {
		clang, err := guest.FindClang("")
		Expect(err).NotTo(HaveOccurred())
		dir := GinkgoT().TempDir()
		ll := filepath.Join(dir, "sha256.ll")
		sdk := filepath.Join(dir, "sdk")
		Expect(os.MkdirAll(sdk, 0o755)).To(Succeed())
		Expect(guest.WriteSDK(sdk)).To(Succeed())
		out, err := exec.Command(clang, "--target=riscv64-unknown-none-elf", "-march=rv64emac", "-mabi=lp64e", "-O2",
			"-ffreestanding", "-I", sdk, "-S", "-emit-llvm", filepath.Join("testdata", "sha256.c"), "-o", ll).CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		r := linkAll(compile([]string{ll}), "sha256")
		for _, p := range profiles {
			want := sha256.Sum256([]byte("abc"))
			Expect(callArg(r[p], p, "sha256", []byte("abc"), nil).Output).To(Equal(want[:]))
		}
	})
})

var _ = Describe("address pairs whose base register changes", func() {
	// clang-19 was not seen to emit these, but they are valid RISC-V: the %lo half is
	// applied to a register that no longer holds exactly the %hi half.
	It("keeps exact semantics for indexed, copied and spilled bases", func() {
		ins := asmObject(`.option norvc
.text
.globl t_pcidx
t_pcidx:                      # arr[a0] through auipc + add + %pcrel_lo
1:  auipc a1, %pcrel_hi(arr)
    slli a0, a0, 2
    add a1, a1, a0
    lw a0, %pcrel_lo(1b)(a1)
    ret
.globl t_pcspill
t_pcspill:                    # the auipc value spilled and reloaded into another register
    addi sp, sp, -16
2:  auipc a1, %pcrel_hi(val)
    sd a1, 0(sp)
    li a1, 0
    ld a2, 0(sp)
    ld a0, %pcrel_lo(2b)(a2)
    sd a0, %pcrel_lo(2b)(a2)
    addi sp, sp, 16
    ret
.globl t_hiidx
t_hiidx:                      # arr[a0] through lui + add + %lo (load, store, addi)
    slli a0, a0, 2
    lui a1, %hi(arr)
    add a1, a1, a0
    lw a2, %lo(arr)(a1)
    addi a2, a2, 1
    sw a2, %lo(arr)(a1)
    lui a3, %hi(arr)
    add a3, a3, a0
    addi a3, a3, %lo(arr)
    lw a0, 0(a3)
    ret
.globl t_gotcopy
t_gotcopy:                    # a GOT slot address copied before the %pcrel_lo load
    .option push
    .option pic
3:  auipc a1, %got_pcrel_hi(garr)
    mv a2, a1
    ld a2, %pcrel_lo(3b)(a2)
    .option pop
    slli a0, a0, 2
    add a2, a2, a0
    lw a0, 0(a2)
    ret
.data
.p2align 3
val: .quad 77
arr: .word 10, 11, 12, 13
.globl garr
garr: .word 20, 21, 22, 23
`)
		r := linkAll(ins, "t_pcidx", "t_pcspill", "t_hiidx", "t_gotcopy")
		for _, p := range profiles {
			for i := uint64(0); i < 4; i++ {
				Expect(call(r[p], p, "t_pcidx", nil, i).Regs[7]).To(Equal(10 + i))
				Expect(call(r[p], p, "t_hiidx", nil, i).Regs[7]).To(Equal(10 + i + 1))
				Expect(call(r[p], p, "t_gotcopy", nil, i).Regs[7]).To(Equal(20 + i))
			}
			Expect(call(r[p], p, "t_pcspill", nil).Regs[7]).To(Equal(uint64(77)))
		}
	})
})
