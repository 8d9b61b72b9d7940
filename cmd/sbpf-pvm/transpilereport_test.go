package main

import (
	"bytes"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/spf13/pflag"

	"github.com/sbpf-pvm/sbpf-pvm/runners/transpiled"
)

// trrepInvoke runs `sbpf-pvm transpile-report ...` with fresh flag values.
func trrepInvoke(args ...string) (string, string, int) {
	trrepCmd.Flags().VisitAll(func(f *pflag.Flag) { _ = f.Value.Set(f.DefValue); f.Changed = false })
	var out, errb bytes.Buffer
	rootCmd.SetOut(&out)
	rootCmd.SetErr(&errb)
	defer rootCmd.SetOut(nil)
	defer rootCmd.SetErr(nil)
	code := run(append([]string{"transpile-report"}, args...))
	return out.String(), errb.String(), code
}

var _ = Describe("sbpf-pvm transpile-report", func() {
	It("compiles the corpus and a synthetic program, runs the cases and prints the figures", func() {
		dir := GinkgoT().TempDir()
		corpus := cfCorpus(dir, 999, 0, 3, 10)
		syn := filepath.Join(dir, "syn.so")
		real := filepath.Join(dir, "real.so")
		md := filepath.Join(dir, "report.md")
		// the realistic program's sources: programs/ and sdk/ next to the cases
		for _, f := range []string{"programs/hello/hello.c", "sdk/sbpf.h"} {
			b, err := os.ReadFile(filepath.Join("..", "..", "corpus", f))
			Expect(err).NotTo(HaveOccurred())
			Expect(os.MkdirAll(filepath.Join(filepath.Dir(corpus), filepath.Dir(f)), 0o755)).To(Succeed())
			Expect(os.WriteFile(filepath.Join(filepath.Dir(corpus), f), b, 0o644)).To(Succeed())
		}
		stdout, stderr, code := trrepInvoke("--cases", corpus, "-O", "0,2", "--profiles", "gp072", "--synthetic-kb", "4",
			"--write-synthetic", syn, "--realistic-kb", "6", "--write-realistic", real, "-o", md)
		Expect(code).To(Equal(exitOK), stderr)
		Expect(stdout).To(ContainSubstring("| -O0 | gp072 |"))
		Expect(stdout).To(ContainSubstring("| -O2 | gp072 |"))
		Expect(stdout).To(ContainSubstring("## Compile time and size, corpus (1 programs"))
		Expect(stdout).To(ContainSubstring("## Compile time and size, synthetic program"))
		Expect(stdout).To(ContainSubstring("agree with native"))
		Expect(stdout).To(ContainSubstring(transpiled.Pipeline(2)))
		written, err := os.ReadFile(md)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(written)).To(Equal(stdout))
		elfBytes, err := os.ReadFile(syn)
		Expect(err).NotTo(HaveOccurred())
		_, err = transpiled.Executable(elfBytes)
		Expect(err).NotTo(HaveOccurred(), "the synthetic program loads and verifies")
		Expect(len(elfBytes)).To(BeNumerically(">", 4*1024))
		Expect(stdout).To(ContainSubstring("## Compile time and size, realistic program"))
		elfBytes, err = os.ReadFile(real)
		Expect(err).NotTo(HaveOccurred())
		_, err = transpiled.Executable(elfBytes)
		Expect(err).NotTo(HaveOccurred(), "the realistic program loads and verifies")
		Expect(len(elfBytes)).To(BeNumerically(">=", 6*1024))
		mod, err := transpiled.ModuleFor(elfBytes)
		Expect(err).NotTo(HaveOccurred())
		Expect(mod.Functions).To(BeNumerically(">", 2), "the dispatcher and the instances are separate functions")
	})

	DescribeTable("rejects bad flags with exit 2",
		func(args ...string) {
			_, _, code := trrepInvoke(args...)
			Expect(code).To(Equal(exitUsage))
		},
		Entry("level out of range", "-O", "5", "--no-corpus"),
		Entry("level not a number", "-O", "x", "--no-corpus"),
		Entry("unknown profile", "--profiles", "gp999", "--no-corpus"),
		Entry("repeat below one", "--repeat", "0", "--no-corpus"),
		Entry("missing corpus", "--cases", "/nonexistent/cases"),
		Entry("realistic size out of range", "--realistic-kb", "-1", "--no-corpus"),
	)
})
