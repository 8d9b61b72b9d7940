package guest_test

import (
	"bytes"
	"debug/elf"
	"errors"
	"os"
	"path/filepath"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/pvm/guest"
)

func TestGuest(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "pvm/guest suite")
}

var _ = Describe("guest toolchain", func() {
	BeforeEach(func() {
		_, err := guest.FindClang("")
		Expect(err).NotTo(HaveOccurred(), "the pvm/guest specs need clang-19: run `make deps`")
	})

	It("compiles C with pvm.h into RV64E objects and adds the libc subset", func() {
		dir := GinkgoT().TempDir()
		src := filepath.Join(dir, "a.c")
		Expect(os.WriteFile(src, []byte(`#include "pvm.h"
PVM_IMPORT(100, void, pvm_log, uint64_t, const void *, uint64_t, const void *, uint64_t)
uint64_t f(uint8_t *d, const uint8_t *s, uint64_t n) { memcpy(d, s, n); pvm_log(0, 0, 0, s, n); return n; }
PVM_EXPORT(uint64_t, f, uint8_t *, const uint8_t *, uint64_t)
`), 0o644)).To(Succeed())
		ins, err := guest.Compile([]string{src}, guest.Options{})
		Expect(err).NotTo(HaveOccurred())
		Expect(ins).To(HaveLen(2))
		Expect(ins[1].Name).To(Equal("libc.c"))
		for _, in := range ins {
			f, err := elf.NewFile(bytes.NewReader(in.Data))
			Expect(err).NotTo(HaveOccurred())
			Expect(f.Machine).To(Equal(elf.EM_RISCV))
			Expect(f.Class).To(Equal(elf.ELFCLASS64))
			const efRVE = 0x8
			Expect(f.FileHeader.Entry).To(BeZero())
			flags := uint32(in.Data[0x30]) | uint32(in.Data[0x31])<<8
			Expect(flags&efRVE).NotTo(BeZero(), "lp64e sets EF_RISCV_RVE")
		}
		f, _ := elf.NewFile(bytes.NewReader(ins[0].Data))
		Expect(f.Section(".polkavm_exports")).NotTo(BeNil())
		Expect(f.Section(".polkavm_metadata")).NotTo(BeNil())
		syms, _ := f.Symbols()
		var undef []string
		for _, s := range syms {
			if s.Section == elf.SHN_UNDEF {
				undef = append(undef, s.Name)
			}
		}
		Expect(undef).To(ContainElement("memcpy"), "a variable-size memcpy stays a call, resolved by libc.c")
		lf, _ := elf.NewFile(bytes.NewReader(ins[1].Data))
		lsyms, _ := lf.Symbols()
		var defined []string
		for _, s := range lsyms {
			if s.Section != elf.SHN_UNDEF && elf.ST_TYPE(s.Info) == elf.STT_FUNC {
				defined = append(defined, s.Name)
			}
		}
		Expect(defined).To(ContainElements("memcpy", "memmove", "memset", "memcmp"))
	})

	It("reports compiler errors with clang's message", func() {
		src := filepath.Join(GinkgoT().TempDir(), "bad.c")
		Expect(os.WriteFile(src, []byte("int f( { return 0; }"), 0o644)).To(Succeed())
		_, err := guest.Compile([]string{src}, guest.Options{NoLibC: true})
		Expect(err).To(MatchError(ContainSubstring("bad.c")))
		Expect(err).To(MatchError(ContainSubstring("error")))
	})

	It("says how to install a missing compiler", func() {
		_, err := guest.Compile([]string{"x.c"}, guest.Options{Clang: "clang-does-not-exist-19"})
		Expect(errors.Is(err, guest.ErrNoClang)).To(BeTrue())
		Expect(err).To(MatchError(ContainSubstring("make deps")))
	})

	It("writes the SDK files", func() {
		dir := GinkgoT().TempDir()
		Expect(guest.WriteSDK(dir)).To(Succeed())
		h, err := os.ReadFile(filepath.Join(dir, "pvm.h"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(h)).To(ContainSubstring("PVM_IMPORT"))
		Expect(filepath.Join(dir, "libc.c")).To(BeAnExistingFile())
	})
})
