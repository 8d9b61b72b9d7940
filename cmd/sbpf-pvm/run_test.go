package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/runners"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/asm"
)

// runcliInvoke runs `sbpf-pvm run` with fresh flag values and returns stdout and the
// exit code.
func runcliInvoke(args ...string) (string, int) {
	runOpts.runner, runOpts.json = "native", false
	for _, c := range []string{"runner", "json"} {
		runCmd.Flags().Lookup(c).Changed = false
	}
	var out bytes.Buffer
	rootCmd.SetOut(&out)
	rootCmd.SetErr(&bytes.Buffer{})
	defer rootCmd.SetOut(nil)
	defer rootCmd.SetErr(nil)
	code := run(append([]string{"run"}, args...))
	return out.String(), code
}

const runcliProgramID = "BPFLoaderUpgradeab1e11111111111111111111111"

// runcliCase writes a program and a case file whose expect block is `expect`.
func runcliCase(dir, src, expect string) string {
	elfBytes, err := asm.AssembleELF(src, sbpf.V0)
	Expect(err).NotTo(HaveOccurred())
	Expect(os.WriteFile(filepath.Join(dir, "p.so"), elfBytes, 0o644)).To(Succeed())
	yaml := `name: cli/case
program: p.so
program_id: ` + runcliProgramID + `
instruction_data: "0x01"
accounts:
  - key: SysvarC1ock11111111111111111111111111111111
    owner: ` + runcliProgramID + `
    lamports: 10
    data: "0x0000"
    writable: true
` + expect
	p := filepath.Join(dir, "case.yaml")
	Expect(os.WriteFile(p, []byte(yaml), 0o644)).To(Succeed())
	return p
}

var _ = Describe("sbpf-pvm run", func() {
	var dir string
	BeforeEach(func() { dir = GinkgoT().TempDir() })
	const writer = "stb [r1+96], 0x7f\nmov64 r0, 0\nexit"

	It("prints the Result as JSON with the diff and exits 0 when the expectation holds", func() {
		c := runcliCase(dir, writer, "expect:\n  status: success\n  compute_units: 3\n")
		out, code := runcliInvoke("--runner", "native", "--json", c)
		Expect(code).To(Equal(exitOK), out)
		var r runners.Result
		Expect(json.Unmarshal([]byte(out), &r)).To(Succeed(), out)
		Expect(r.Case).To(Equal("cli/case"))
		Expect(r.Status).To(Equal(runners.StatusSuccess))
		Expect(r.ComputeUnits).To(Equal(uint64(3)))
		Expect([]byte(r.Diff["SysvarC1ock11111111111111111111111111111111"].Data.New)).To(Equal([]byte{0x7f, 0}))
		Expect(r.Logs[len(r.Logs)-1]).To(Equal("Program " + runcliProgramID + " success"))
	})

	It("prints a readable summary", func() {
		c := runcliCase(dir, writer, "")
		out, code := runcliInvoke(c)
		Expect(code).To(Equal(exitOK))
		Expect(out).To(ContainSubstring("status:        success"))
		Expect(out).To(ContainSubstring("data:       0x0000 -> 0x7f00"))
	})

	It("exits 0 for a failing program that is expected to fail", func() {
		c := runcliCase(dir, "mov64 r0, 7\nexit", "expect:\n  status: failure\n  error: Custom\n  exit_code: 7\n")
		out, code := runcliInvoke(c)
		Expect(code).To(Equal(exitOK), out)
		Expect(out).To(ContainSubstring("custom program error: 0x7"))
	})

	It("exits 1 when the expectation is not met", func() {
		c := runcliCase(dir, writer, "expect:\n  status: success\n  compute_units: 4\n")
		_, code := runcliInvoke(c)
		Expect(code).To(Equal(exitMismatch))
		c = runcliCase(dir, "mov64 r0, 7\nexit", "expect:\n  status: success\n")
		_, code = runcliInvoke(c)
		Expect(code).To(Equal(exitMismatch))
	})

	It("exits 2 for an unreadable case, a missing program or an unknown runner", func() {
		_, code := runcliInvoke(filepath.Join(dir, "missing.yaml"))
		Expect(code).To(Equal(exitUsage))
		c := runcliCase(dir, writer, "")
		Expect(os.Remove(filepath.Join(dir, "p.so"))).To(Succeed())
		_, code = runcliInvoke(c)
		Expect(code).To(Equal(exitUsage))
		c = runcliCase(dir, writer, "")
		_, code = runcliInvoke("--runner", "nope", c)
		Expect(code).To(Equal(exitUsage))
		_, code = runcliInvoke()
		Expect(code).To(Equal(exitUsage))
	})
})

var _ = Describe("runcliCheckExpect", func() {
	It("lists every unmet field", func() {
		kind := "Custom"
		res := &runners.Result{Status: runners.StatusFailure, Error: &kind, ExitCode: 3, ComputeUnits: 10,
			Logs: []string{"a"}, ReturnData: &runners.ReturnData{Data: runners.Hex{1}}}
		cu, ec, rd := uint64(11), uint64(4), runners.Hex{2}
		p := runcliCheckExpect(&runners.Expect{Status: "success", Error: "Abort", ComputeUnits: &cu, ExitCode: &ec,
			ReturnData: &rd, Logs: []string{"b"}}, res)
		Expect(p).To(HaveLen(6))
		cu, ec, rd = 10, 3, runners.Hex{1}
		Expect(runcliCheckExpect(&runners.Expect{Status: "failure", Error: "Custom", ComputeUnits: &cu, ExitCode: &ec,
			ReturnData: &rd, Logs: []string{"a"}}, res)).To(BeEmpty())
		Expect(runcliCheckExpect(nil, res)).To(BeEmpty())
	})
})
