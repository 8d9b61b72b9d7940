package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/asm"
)

var _ = Describe("sbpf-pvm pvm profile", Ordered, func() {
	var bin, casePath string

	BeforeAll(func() {
		var err error
		bin, err = gexec.Build("github.com/sbpf-pvm/sbpf-pvm/cmd/sbpf-pvm")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(gexec.CleanupBuildArtifacts)
		dir := GinkgoT().TempDir()
		elf, err := asm.AssembleELF("mov64 r1, 7\nsyscall sol_log_64_\nmov64 r0, 0\nexit", sbpf.V0)
		Expect(err).NotTo(HaveOccurred())
		Expect(os.WriteFile(filepath.Join(dir, "p.so"), elf, 0o644)).To(Succeed())
		casePath = filepath.Join(dir, "c.yaml")
		Expect(os.WriteFile(casePath, []byte(`name: prof/log
program: p.so
program_id: ScVReBC5DRkcxnHGsvEB2nwVJDGJoidZ6V3hTVSEJGR
instruction_data: "0x00"
accounts:
  - key: BQt2P8JQkFe6yyadBziMq17AWryzNprS2XuZn6J8joyK
    owner: ScVReBC5DRkcxnHGsvEB2nwVJDGJoidZ6V3hTVSEJGR
    lamports: 1000
    data: "0x0102"
    writable: true
`), 0o644)).To(Succeed())
	})

	It("splits the whole invocation's gas into the runtime's phases, by function", func() {
		cmd := exec.Command(bin, "pvm", "profile", casePath, "--runner", "interp-svc", "--profile", "gp072", "--root", "../..", "--annotate", "decode_request")
		s, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(s).WithTimeout(5 * 60e9).Should(gexec.Exit())
		Expect(s.ExitCode()).To(Equal(0), string(s.Err.Contents()))
		out := string(s.Out.Contents())
		Expect(out).To(ContainSubstring("response: status 0 origin 0"))
		total := regexp.MustCompile(`halt, \d+ instructions, (\d+) gas`).FindStringSubmatch(out)
		Expect(total).To(HaveLen(2))
		var sum int64
		phases := regexp.MustCompile(`(?m)^== (entry|load|serialize|execute|diff|encode\+exit): \d+ instructions, (\d+) gas$`).FindAllStringSubmatch(out, -1)
		Expect(phases).To(HaveLen(6))
		for _, p := range phases {
			g, _ := strconv.ParseInt(p[2], 10, 64)
			sum += g
		}
		Expect(strconv.FormatInt(sum, 10)).To(Equal(total[1]))
		// the phases' own functions are named, and the annotation lists executed instructions
		Expect(out).To(MatchRegexp(`(?m)^\s+\d+ gas\s+\d+ insns  decode_request$`))
		Expect(out).To(MatchRegexp(`(?m)^\s+\d+ gas\s+\d+ insns  sys_log_64$`))
		Expect(out).To(MatchRegexp(`(?m)^== decode_request \[\d+, \d+\)$`))
	})

	It("rejects an unknown runner as bad usage", func() {
		s, err := gexec.Start(exec.Command(bin, "pvm", "profile", casePath, "--runner", "nope", "--root", "../.."), GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Eventually(s).WithTimeout(60e9).Should(gexec.Exit())
		Expect(s.ExitCode()).To(Equal(2))
	})
})
