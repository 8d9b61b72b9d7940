package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/spf13/pflag"

	"github.com/sbpf-pvm/sbpf-pvm/harness"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/asm"
)

// cfInvoke runs the CLI with every conformance/bench/report flag back at its default
// and returns stdout, stderr and the exit code.
func cfInvoke(args ...string) (string, string, int) {
	cfConformanceFlags = cfFlags{corpus: "corpus/cases", repeat: 1, profile: harness.DefaultProfile, timeout: 5 * time.Minute}
	cfBenchFlags = cfFlags{corpus: "corpus/cases", repeat: 5, warmup: 1, jobs: 1, profile: harness.DefaultProfile, timeout: 5 * time.Minute}
	cfBenchOut, cfBenchStatFile, cfReportOut, cfCompareMD = "", "", "", ""
	cfCompareThreshold = harness.DefaultGasThreshold
	for _, c := range []*pflag.FlagSet{conformanceCmd.Flags(), benchCmd.Flags(), reportCmd.PersistentFlags(), reportCompareCmd.Flags()} {
		c.VisitAll(func(f *pflag.Flag) { f.Changed = false })
	}
	var out, errb bytes.Buffer
	rootCmd.SetOut(&out)
	rootCmd.SetErr(&errb)
	defer rootCmd.SetOut(nil)
	defer rootCmd.SetErr(nil)
	code := run(args)
	return out.String(), errb.String(), code
}

// cfSum computes r0 = 1 + … + N (N = first 8 bytes of the instruction data); a
// non-zero r0 is a Custom error. CU = 3N + 4 (N > 0), 4 for N = 0.
const cfSum = `
entrypoint:
    ldxdw r2, [r1+16]
    mov64 r0, 0
    jeq r2, 0, done
loop:
    add64 r0, r2
    sub64 r2, 1
    jne r2, 0, loop
done:
    exit
`

// cfCorpus writes the sum program and a case per n; wrongCU adds one to the expected
// compute units of the case with that n, so that it fails.
func cfCorpus(dir string, wrongCU uint64, ns ...uint64) string {
	elfBytes, err := asm.AssembleELF(cfSum, sbpf.V0)
	Expect(err).NotTo(HaveOccurred())
	Expect(os.WriteFile(filepath.Join(dir, "sum.so"), elfBytes, 0o644)).To(Succeed())
	cases := filepath.Join(dir, "cases", "sum")
	Expect(os.MkdirAll(cases, 0o755)).To(Succeed())
	for _, n := range ns {
		cu := uint64(4)
		if n > 0 {
			cu = 3*n + 4
		}
		if n == wrongCU {
			cu++
		}
		status := "success"
		if n > 0 {
			status = "failure"
		}
		y := fmt.Sprintf("name: sum/n%d\nprogram: ../../sum.so\nprogram_id: BPFLoaderUpgradeab1e11111111111111111111111\ninstruction_data: \"0x%02x00000000000000\"\naccounts: []\nexpect:\n  status: %s\n  compute_units: %d\n",
			n, n, status, cu)
		Expect(os.WriteFile(filepath.Join(cases, fmt.Sprintf("n%d.yaml", n)), []byte(y), 0o644)).To(Succeed())
	}
	return filepath.Join(dir, "cases")
}

var _ = Describe("sbpf-pvm conformance, bench and report", func() {
	var dir string
	BeforeEach(func() { dir = GinkgoT().TempDir() })

	It("exits 0 when every case meets its expectation and writes the reports, linking latest", func() {
		corpus := cfCorpus(dir, 999, 0, 1, 5)
		out := filepath.Join(dir, "reports", "runs", "r1")
		junit := filepath.Join(dir, "ci", "junit.xml")
		stdout, stderr, code := cfInvoke("conformance", "--corpus", corpus, "--runners", "native", "--out", out, "--junit", junit)
		Expect(code).To(Equal(exitOK), stderr)
		Expect(stdout).To(ContainSubstring("sum/n5"))
		Expect(stderr).To(ContainSubstring("PASS: 3 cases, 3 agree"))
		Expect(stderr).To(ContainSubstring("[3/3] "), "plain progress lines when not on a terminal")
		for _, f := range []string{"summary.json", "report.md", "report.html", "junit.xml", "plots/gas_per_cu.svg", "plots/jam_gas.png"} {
			Expect(filepath.Join(out, f)).To(BeAnExistingFile())
		}
		Expect(junit).To(BeAnExistingFile())
		target, err := os.Readlink(filepath.Join(dir, "reports", "latest"))
		Expect(err).NotTo(HaveOccurred())
		Expect(target).To(Equal(filepath.Join("runs", "r1")))
	})

	It("exits 1 on a failed expectation and prints the field, the values and the reproduction", func() {
		corpus := cfCorpus(dir, 5, 0, 5)
		_, stderr, code := cfInvoke("conformance", "--corpus", corpus, "--runners", "native", "--out", filepath.Join(dir, "out"))
		Expect(code).To(Equal(exitMismatch))
		Expect(stderr).To(ContainSubstring("sum/n5: expect-failed"))
		Expect(stderr).To(ContainSubstring("compute_units: expect=20 native=19"))
		Expect(stderr).To(ContainSubstring("reproduce: "))
		Expect(stderr).To(ContainSubstring("--filter sum/n5 --runners native"))
	})

	DescribeTable("exits 2 on bad usage or unreadable input",
		func(args func(corpus string) []string, reason string) {
			corpus := cfCorpus(dir, 999, 0)
			_, _, code := cfInvoke(args(corpus)...)
			Expect(code).To(Equal(exitUsage), reason)
		},
		Entry("bad shard", func(c string) []string { return []string{"conformance", "--corpus", c, "--shard", "3/2"} }, "shard"),
		Entry("unknown runner", func(c string) []string { return []string{"conformance", "--corpus", c, "--runners", "bogus"} }, "runner"),
		Entry("missing corpus", func(c string) []string { return []string{"conformance", "--corpus", c + "/nowhere"} }, "corpus"),
		Entry("nothing selected", func(c string) []string { return []string{"conformance", "--corpus", c, "--filter", "zzz/*"} }, "filter"),
		Entry("bad profile", func(c string) []string { return []string{"conformance", "--corpus", c, "--profile", "gp999"} }, "profile"),
		Entry("zero repeats", func(c string) []string { return []string{"conformance", "--corpus", c, "--repeat", "0"} }, "repeat"),
		Entry("a stray argument", func(c string) []string { return []string{"conformance", "--corpus", c, "extra"} }, "args"),
		Entry("an unreadable summary", func(c string) []string { return []string{"report", c + "/none.json"} }, "report"),
		Entry("compare without a baseline", func(c string) []string { return []string{"report", "compare", c + "/a.json", c + "/b.json"} }, "compare"),
	)

	It("prints benchstat lines from bench", func() {
		corpus := cfCorpus(dir, 999, 0, 2)
		stdout, stderr, code := cfInvoke("bench", "--corpus", corpus, "--runners", "native", "--repeat", "2", "--out", filepath.Join(dir, "b"))
		Expect(code).To(Equal(exitOK), stderr)
		lines := strings.Split(strings.TrimSpace(stdout), "\n")
		Expect(lines).To(HaveLen(3 + 2*2))
		Expect(lines[3]).To(MatchRegexp(`^BenchmarkCorpus/case=sum:n0/runner=native-\d+\t1\t\d+ ns/op\t4 CU/op$`))
	})

	It("re-renders a report and compares runs with a baseline", func() {
		corpus := cfCorpus(dir, 999, 0, 1)
		a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
		_, _, code := cfInvoke("conformance", "--corpus", corpus, "--runners", "native", "--out", a)
		Expect(code).To(Equal(exitOK))
		Expect(os.Remove(filepath.Join(a, "report.md"))).To(Succeed())
		stdout, _, code := cfInvoke("report", filepath.Join(a, "summary.json"))
		Expect(code).To(Equal(exitOK))
		Expect(stdout).To(ContainSubstring("PASS"))
		Expect(filepath.Join(a, "report.md")).To(BeAnExistingFile())

		base := filepath.Join(dir, "baseline", "summary.json")
		_, _, code = cfInvoke("report", "baseline", filepath.Join(a, "summary.json"), base)
		Expect(code).To(Equal(exitOK))
		stdout, _, code = cfInvoke("report", "compare", base, filepath.Join(a, "summary.json"))
		Expect(code).To(Equal(exitOK))
		Expect(stdout).To(HavePrefix("# Baseline comparison: PASS"))

		// A run in which a case now misses its expectation is a regression.
		Expect(os.MkdirAll(filepath.Join(dir, "x"), 0o755)).To(Succeed())
		bad := cfCorpus(filepath.Join(dir, "x"), 1, 0, 1)
		_, _, code = cfInvoke("conformance", "--corpus", bad, "--runners", "native", "--out", b)
		Expect(code).To(Equal(exitMismatch))
		md := filepath.Join(dir, "cmp.md")
		stdout, _, code = cfInvoke("report", "compare", "--md", md, base, filepath.Join(b, "summary.json"))
		Expect(code).To(Equal(exitMismatch))
		Expect(stdout).To(ContainSubstring("case sum/n1 passed in the baseline and now fails"))
		Expect(md).To(BeAnExistingFile())
	})
})
