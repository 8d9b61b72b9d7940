package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/elf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/syscalls"
)

// sbpfccInvoke runs `sbpf-pvm sbpf cc ...` with fresh flag values; returns the exit code
// and what went to stderr.
func sbpfccInvoke(args ...string) (int, string) {
	sbpfccOpts.out, sbpfccOpts.opt, sbpfccOpts.clang, sbpfccOpts.entry, sbpfccOpts.version = "", "2", "", "entrypoint", "v0"
	sbpfccOpts.include, sbpfccOpts.defines = nil, nil
	for _, c := range []string{"output", "opt", "include", "define", "clang", "entry", "sbpf-version"} {
		sbpfccCCCmd.Flags().Lookup(c).Changed = false
	}
	// run() prints the error to os.Stderr; execute the command tree directly to see it.
	rootCmd.SetArgs(append([]string{"sbpf", "cc"}, args...))
	rootCmd.SetErr(&bytes.Buffer{})
	defer rootCmd.SetErr(nil)
	err := rootCmd.Execute()
	var ue usageError
	switch {
	case err == nil:
		return exitOK, ""
	case errors.As(err, &ue):
		return exitUsage, err.Error()
	default:
		return -1, err.Error() // not classified as the caller's fault
	}
}

var _ = Describe("sbpf-pvm sbpf cc", func() {
	var dir, sdk string
	BeforeEach(func() {
		dir = GinkgoT().TempDir()
		abs, err := filepath.Abs("../../corpus/sdk")
		Expect(err).NotTo(HaveOccurred())
		sdk = abs
	})
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		Expect(os.WriteFile(p, []byte(src), 0o644)).To(Succeed())
		return p
	}

	for _, version := range []string{"v0", "v3"} {
		It("compiles and links C with the SDK into a program the loader accepts ("+version+")", func() {
			main := write("main.c", `#include <sbpf.h>
				uint64_t helper(uint64_t);
				uint64_t entrypoint(const uint8_t *input) { sol_log("hi"); return helper(*(const uint64_t *)input); }`)
			other := write("other.c", `#include <sbpf.h>
				uint64_t helper(uint64_t n) { return n == 0 ? SUCCESS : ERROR_INVALID_ARGUMENT; }`)
			out := filepath.Join(dir, "prog.so")
			code, stderr := sbpfccInvoke("-I", sdk, "--sbpf-version", version, main, other, "-o", out)
			Expect(code).To(Equal(exitOK), stderr)
			so, err := os.ReadFile(out)
			Expect(err).NotTo(HaveOccurred())
			loader, err := syscalls.NewLoader()
			Expect(err).NotTo(HaveOccurred())
			exe, err := elf.Load(so, loader)
			Expect(err).NotTo(HaveOccurred())
			Expect(exe.Verify()).To(Succeed())
			want, _ := sbpf.ParseVersion(version)
			Expect(exe.Version).To(Equal(want))
		})
	}

	DescribeTable("refuses bad input with exit 2 and a one-line reason",
		func(args func() []string, reason string) {
			code, stderr := sbpfccInvoke(args()...)
			Expect(code).To(Equal(exitUsage))
			Expect(stderr).To(ContainSubstring(reason))
		},
		Entry("stack frame over 4 KiB", func() []string {
			return []string{"-I", sdk, write("big.c", `#include <sbpf.h>
				uint64_t entrypoint(const uint8_t *in) { volatile uint8_t b[5000]; b[in[0]] = 1; return b[2]; }`), "-o", filepath.Join(dir, "x.so")}
		}, "StackFrameTooLarge"),
		Entry("unknown symbol", func() []string {
			return []string{write("u.c", `void nowhere(void); long entrypoint(void){ nowhere(); return 0; }`), "-o", filepath.Join(dir, "x.so")}
		}, "UnknownSymbol"),
		Entry("mutable global", func() []string {
			return []string{write("g.c", `long n; long entrypoint(void){ return ++n; }`), "-o", filepath.Join(dir, "x.so")}
		}, "WritableData"),
		Entry("C that does not compile", func() []string {
			return []string{write("e.c", `long entrypoint(void){ return undeclared; }`), "-o", filepath.Join(dir, "x.so")}
		}, "compiling"),
		Entry("missing -o", func() []string { return []string{write("n.c", `long entrypoint(void){ return 0; }`)} }, "-o OUTPUT is required"),
		Entry("unsupported version", func() []string {
			return []string{"--sbpf-version", "v2", write("n.c", `long entrypoint(void){ return 0; }`), "-o", filepath.Join(dir, "x.so")}
		}, "want v0 or v3"),
		Entry("not a C or object file", func() []string { return []string{write("x.txt", "hello"), "-o", filepath.Join(dir, "x.so")} }, "want a .c or .o file"),
	)
})
