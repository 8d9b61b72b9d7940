package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// execcliInvoke runs the CLI with fresh flag values and returns stdout and the exit code.
func execcliInvoke(args ...string) (string, int) {
	execcliOpts.input, execcliOpts.inputFile, execcliOpts.version = "", "", ""
	execcliOpts.budget, execcliOpts.heap, execcliOpts.json = 200_000, 32*1024, false
	asmcliOpts.out, asmcliOpts.version = "", "v0"
	for _, c := range []string{"input", "input-file", "budget", "sbpf-version", "heap", "json"} {
		execcliCmd.Flags().Lookup(c).Changed = false
	}
	var out bytes.Buffer
	rootCmd.SetOut(&out)
	rootCmd.SetErr(&bytes.Buffer{})
	defer rootCmd.SetOut(nil)
	defer rootCmd.SetErr(nil)
	code := run(args)
	return out.String(), code
}

func execcliWrite(dir, name, content string) string {
	p := filepath.Join(dir, name)
	Expect(os.WriteFile(p, []byte(content), 0o644)).To(Succeed())
	return p
}

type execcliWant struct {
	result *uint64
	err    string
	count  uint64
	cu     uint64
}

func u64(v uint64) *uint64 { return &v }

var _ = Describe("sbpf-pvm exec", func() {
	var dir string
	BeforeEach(func() { dir = GinkgoT().TempDir() })

	decode := func(out string) map[string]any {
		var m map[string]any
		Expect(json.Unmarshal([]byte(out), &m)).To(Succeed(), out)
		return m
	}
	check := func(out string, want execcliWant) {
		var r execcliResult
		Expect(json.Unmarshal([]byte(out), &r)).To(Succeed(), out)
		if want.result != nil {
			Expect(r.Result).NotTo(BeNil(), out)
			Expect(*r.Result).To(Equal(*want.result), out)
		} else {
			Expect(r.Result).To(BeNil(), out)
		}
		if want.err == "" {
			Expect(r.Error).To(BeNil(), out)
		} else {
			Expect(r.Error).NotTo(BeNil(), out)
			Expect(*r.Error).To(Equal(want.err), out)
			Expect(r.ErrorDetail).NotTo(BeNil())
		}
		Expect(r.InstructionCount).To(Equal(want.count), out)
		Expect(r.ComputeUnits).To(Equal(want.cu), out)
	}

	// Expected values are worked out by hand from anza's interpreter rules and Agave's
	// syscall costs (sol_log_64_ costs 100 units, abort fails with a SyscallError).
	DescribeTable("runs assembly, and the same program assembled into an ELF",
		func(src string, flags []string, want execcliWant) {
			s := execcliWrite(dir, "p.s", src)
			out, code := execcliInvoke(append([]string{"exec", s, "--json"}, flags...)...)
			Expect(code).To(Equal(0))
			check(out, want)

			so := filepath.Join(dir, "p.so")
			var asmFlags []string
			for i, f := range flags {
				if f == "--sbpf-version" {
					asmFlags = append(asmFlags, f, flags[i+1])
				}
			}
			_, code = execcliInvoke(append([]string{"asm", s, "-o", so}, asmFlags...)...)
			Expect(code).To(Equal(0))
			out, code = execcliInvoke(append([]string{"exec", so, "--json"}, flags...)...)
			Expect(code).To(Equal(0))
			check(out, want)
		},
		Entry("arithmetic", "mov64 r0, 6\nmul64 r0, 7\nexit", nil,
			execcliWant{result: u64(42), count: 3, cu: 3}),
		Entry("the input region", "ldxh r0, [r1+2]\nexit", []string{"--input", "0x00112233"},
			execcliWant{result: u64(0x3322), count: 2, cu: 2}),
		Entry("the input, written with the corpus files' separators", "ldxh r0, [r1+2]\nexit", []string{"--input", "0X00_11 22_33"},
			execcliWant{result: u64(0x3322), count: 2, cu: 2}),
		Entry("a division by zero", "mov64 r1, 0\nmod64 r0, r1\nexit", nil,
			execcliWant{err: "DivideByZero", count: 2, cu: 2}),
		Entry("an access violation past the input", "ldxb r0, [r1+4]\nexit", []string{"--input", "01020304"},
			execcliWant{err: "AccessViolation", count: 1, cu: 1}),
		Entry("the budget", "ja -1", []string{"--budget", "1000"},
			execcliWant{err: "ExceededMaxInstructions", count: 1000, cu: 1000}),
		Entry("a syscall with its cost", "mov64 r1, 1\nsyscall sol_log_64_\nmov64 r0, 0\nexit", nil,
			execcliWant{result: u64(0), count: 104, cu: 104}),
		Entry("abort", "syscall abort\nexit", nil,
			execcliWant{err: "SyscallError", count: 1, cu: 1}),
		Entry("v2 semantics", "mov32 r0, 3\nsub32 r0, 10\nexit", []string{"--sbpf-version", "v2"},
			execcliWant{result: u64(7), count: 3, cu: 3}),
		Entry("v3 calls", "entrypoint:\ncall function_f\nadd64 r0, 1\nexit\nfunction_f:\nmov64 r0, 4\nexit", []string{"--sbpf-version", "v3"},
			execcliWant{result: u64(5), count: 5, cu: 5}),
		Entry("a verifier rejection", "lddw r0, 1\nexit", []string{"--sbpf-version", "v2"},
			execcliWant{err: "VerifierError"}),
	)

	It("prints exactly the five fields", func() {
		out, _ := execcliInvoke("exec", execcliWrite(dir, "p.s", "exit"), "--json")
		Expect(decode(out)).To(HaveLen(5))
		Expect(decode(out)).To(HaveKey("error_detail"))
		Expect(bytes.Count([]byte(out), []byte("\n"))).To(Equal(1))
	})

	It("reads the input from a file", func() {
		in := filepath.Join(dir, "in.bin")
		Expect(os.WriteFile(in, []byte{9, 8, 7}, 0o644)).To(Succeed())
		out, code := execcliInvoke("exec", execcliWrite(dir, "p.s", "ldxb r0, [r1+2]\nexit"), "--input-file", in, "--json")
		Expect(code).To(Equal(0))
		check(out, execcliWant{result: u64(7), count: 2, cu: 2})
	})

	It("reports an ELF the loader rejects as ElfError", func() {
		so := filepath.Join(dir, "p.so")
		_, code := execcliInvoke("asm", execcliWrite(dir, "p.s", "exit"), "-o", so)
		Expect(code).To(Equal(0))
		b, err := os.ReadFile(so)
		Expect(err).NotTo(HaveOccurred())
		b[18] = 42 // e_machine
		Expect(os.WriteFile(so, b, 0o644)).To(Succeed())
		out, code := execcliInvoke("exec", so, "--json")
		Expect(code).To(Equal(0))
		check(out, execcliWant{err: "ElfError"})
		Expect(out).To(ContainSubstring("WrongMachine"))
	})

	It("enforces --sbpf-version on an ELF", func() {
		so := filepath.Join(dir, "p.so")
		_, code := execcliInvoke("asm", execcliWrite(dir, "p.s", "exit"), "-o", so, "--sbpf-version", "v3")
		Expect(code).To(Equal(0))
		out, code := execcliInvoke("exec", so, "--json", "--sbpf-version", "v0")
		Expect(code).To(Equal(0))
		Expect(out).To(ContainSubstring("UnsupportedSBPFVersion"))
	})

	It("prints a human-readable result without --json", func() {
		out, code := execcliInvoke("exec", execcliWrite(dir, "p.s", "mov64 r0, 3\nexit"))
		Expect(code).To(Equal(0))
		Expect(out).To(Equal("r0: 3 (0x3)\ninstruction count: 2\ncompute units: 2\n"))
	})

	DescribeTable("exits 2 for unusable input",
		func(args func(dir string) []string) {
			_, code := execcliInvoke(args(dir)...)
			Expect(code).To(Equal(2))
		},
		Entry("a missing file", func(d string) []string { return []string{"exec", filepath.Join(d, "none.s")} }),
		Entry("bad hex", func(d string) []string {
			return []string{"exec", execcliWrite(d, "p.s", "exit"), "--input", "xyz"}
		}),
		Entry("both inputs", func(d string) []string {
			return []string{"exec", execcliWrite(d, "p.s", "exit"), "--input", "00", "--input-file", "x"}
		}),
		Entry("a negative heap", func(d string) []string {
			return []string{"exec", execcliWrite(d, "p.s", "exit"), "--heap", "-1"}
		}),
		Entry("a heap too large to allocate", func(d string) []string {
			return []string{"exec", execcliWrite(d, "p.s", "exit"), "--heap", "1099511627776"}
		}),
		Entry("a bad version", func(d string) []string {
			return []string{"exec", execcliWrite(d, "p.s", "exit"), "--sbpf-version", "v9"}
		}),
		Entry("assembly that does not parse", func(d string) []string {
			return []string{"exec", execcliWrite(d, "p.s", "frob r1")}
		}),
		Entry("a file that is not an ELF", func(d string) []string {
			return []string{"exec", execcliWrite(d, "p.so", "hello")}
		}),
		Entry("asm of bad assembly", func(d string) []string {
			return []string{"asm", execcliWrite(d, "p.s", "ja nowhere")}
		}),
		Entry("disasm of a broken ELF", func(d string) []string {
			return []string{"disasm", execcliWrite(d, "p.so", "\x7fELF but not really")}
		}),
	)
})

var _ = Describe("sbpf-pvm asm and disasm", func() {
	It("assemble to IN.so by default and disassemble back", func() {
		dir := GinkgoT().TempDir()
		src := "entrypoint:\n    mov64 r1, 1\n    call function_3\n    exit\n\nfunction_3:\n    mov64 r0, r1\n    exit\n"
		s := execcliWrite(dir, "prog.s", src)
		_, code := execcliInvoke("asm", s)
		Expect(code).To(Equal(0))
		Expect(filepath.Join(dir, "prog.so")).To(BeAnExistingFile())
		out, code := execcliInvoke("disasm", filepath.Join(dir, "prog.so"))
		Expect(code).To(Equal(0))
		Expect(out).To(Equal(src))
	})
})
