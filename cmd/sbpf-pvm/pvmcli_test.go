package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"
)

// These specs drive the built binary, as a user would: `pvm cc`, then `pvm run` and
// `pvm disasm` on its output, and `pvm link` on an object compiled by hand.
var _ = Describe("sbpf-pvm pvm cc / link / run / disasm", Ordered, func() {
	var bin, dir string

	BeforeAll(func() {
		var err error
		bin, err = gexec.Build("github.com/sbpf-pvm/sbpf-pvm/cmd/sbpf-pvm")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(gexec.CleanupBuildArtifacts)
		dir = GinkgoT().TempDir()
		Expect(os.WriteFile(filepath.Join(dir, "sum.c"), []byte(`#include <pvm.h>
static uint64_t out;
pvm_result refine(const uint8_t *arg, uint64_t len) {
	uint64_t s = 0;
	for (uint64_t i = 0; i < len; i++) s += arg[i];
	out = s * 3;
	return pvm_output(&out, 8);
}
`), 0o644)).To(Succeed())
	})

	cli := func(args ...string) *gexec.Session {
		s, err := gexec.Start(exec.Command(bin, args...), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(s).WithTimeout(2 * 60e9).Should(gexec.Exit())
		return s
	}
	runJSON := func(blob string, args ...string) map[string]any {
		s := cli(append([]string{"pvm", "run", blob, "--json"}, args...)...)
		Expect(s.ExitCode()).To(Equal(0), string(s.Err.Contents()))
		var m map[string]any
		Expect(json.Unmarshal(s.Out.Contents(), &m)).To(Succeed())
		return m
	}

	for _, profile := range []string{"gp072", "gp080"} {
		It("compiles C into a blob whose run returns the computed output ("+profile+")", func() {
			blob := filepath.Join(dir, "sum-"+profile+".pvm")
			s := cli("pvm", "cc", filepath.Join(dir, "sum.c"), "-e", "refine", "--profile", profile, "-o", blob)
			Expect(s.ExitCode()).To(Equal(0), string(s.Err.Contents()))
			m := runJSON(blob, "--profile", profile, "--arg", "010203ff")
			Expect(m["status"]).To(Equal("halt"))
			Expect(m["output"]).To(Equal("0f03000000000000")) // (1+2+3+255)*3 = 783 = 0x030f, little-endian
			Expect(m["gas_used"]).To(BeNumerically(">", 0))
			Expect(m["profile"]).To(Equal(profile))
		})
	}

	It("links an object compiled separately, identically to cc", func() {
		obj := filepath.Join(dir, "sum.o")
		inc, err := filepath.Abs("../../pvm/guest/sdk")
		Expect(err).NotTo(HaveOccurred())
		cc := exec.Command("clang-19", "--target=riscv64-unknown-none-elf", "-march=rv64emac", "-mabi=lp64e", "-mno-relax",
			"-O2", "-fPIC", "-fvisibility=hidden", "-ffreestanding", "-nostdlib", "-ffunction-sections", "-fdata-sections",
			"-I", inc, "-c", filepath.Join(dir, "sum.c"), "-o", obj)
		out, err := cc.CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), "clang-19 (run `make deps`): %s", out)
		blob := filepath.Join(dir, "linked.pvm")
		s := cli("pvm", "link", obj, "-e", "refine", "-o", blob)
		Expect(s.ExitCode()).To(Equal(0), string(s.Err.Contents()))
		m := runJSON(blob, "--arg", "05")
		Expect(m["output"]).To(Equal("0f00000000000000"))
		d := cli("pvm", "disasm", blob)
		Expect(d.ExitCode()).To(Equal(0))
		Expect(string(d.Out.Contents())).To(ContainSubstring("instructions"))
	})

	It("runs out of gas distinctly and exits 0 (the run completed)", func() {
		m := runJSON(filepath.Join(dir, "sum-gp080.pvm"), "--arg", "0102", "--gas", "3")
		Expect(m["status"]).To(Equal("out-of-gas"))
	})

	DescribeTable("bad input exits 2 with a one-line reason",
		func(args ...string) {
			s := cli(args...)
			Expect(s.ExitCode()).To(Equal(2))
			Expect(string(s.Err.Contents())).To(HavePrefix("sbpf-pvm: "))
		},
		Entry("missing blob", "pvm", "run", "/nonexistent.pvm"),
		Entry("not a blob", "pvm", "run", "go.mod"),
		Entry("bad profile", "pvm", "run", "go.mod", "--profile", "gp999"),
		Entry("C that does not compile", "pvm", "cc", "go.mod", "-o", "/dev/null"),
		Entry("object that is not ELF", "pvm", "link", "go.mod", "-o", "/dev/null"),
	)
})
