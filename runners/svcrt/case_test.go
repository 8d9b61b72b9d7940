package svcrt_test

import (
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/runners"
	"github.com/sbpf-pvm/sbpf-pvm/runners/svcrt"
)

const logCaseYAML = `name: t/log
program: prog.so
program_id: ScVReBC5DRkcxnHGsvEB2nwVJDGJoidZ6V3hTVSEJGR
instruction_data: "0x00"
compute_budget: 1000
accounts: []
`

func logCase() *runners.Case {
	GinkgoHelper()
	dir := GinkgoT().TempDir()
	Expect(os.WriteFile(filepath.Join(dir, "prog.so"), []byte("not an ELF"), 0o644)).To(Succeed())
	c, err := runners.ParseCase([]byte(logCaseYAML), filepath.Join(dir, "case.yaml"))
	Expect(err).NotTo(HaveOccurred())
	return c
}

var _ = Describe("the invoke line", func() {
	const invoke = "Program ScVReBC5DRkcxnHGsvEB2nwVJDGJoidZ6V3hTVSEJGR invoke [1]"

	It("is the host's: the request tells the service how much of the log budget it took", func() {
		p, err := svcrt.FromCase(logCase())
		Expect(err).NotTo(HaveOccurred())
		Expect(int(p.Request.LogBytes)).To(Equal(len(invoke)))
	})

	It("comes first, before the service's lines and the host's closing lines", func() {
		c := logCase()
		p, err := svcrt.FromCase(c)
		Expect(err).NotTo(HaveOccurred())
		res, err := p.Result(c, "t", &svcrt.Response{Status: svcrt.StatusOK, ComputeUnits: 150, Logs: []string{"Program log: hi"}})
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Logs).To(Equal([]string{invoke, "Program log: hi",
			"Program ScVReBC5DRkcxnHGsvEB2nwVJDGJoidZ6V3hTVSEJGR consumed 150 of 1000 compute units",
			"Program ScVReBC5DRkcxnHGsvEB2nwVJDGJoidZ6V3hTVSEJGR success"}))
	})

	It("counts against the one 10,000-byte log budget", func() {
		c := logCase()
		p, err := svcrt.FromCase(c)
		Expect(err).NotTo(HaveOccurred())
		consumed := "Program ScVReBC5DRkcxnHGsvEB2nwVJDGJoidZ6V3hTVSEJGR consumed 0 of 1000 compute units"
		// fits with the consumed line only when the invoke line is not counted
		big := "Program log: " + strings.Repeat("x", 10000-len(invoke)-len(consumed)+1-13)
		res, err := p.Result(c, "t", &svcrt.Response{Status: svcrt.StatusOK, Logs: []string{big}})
		Expect(err).NotTo(HaveOccurred())
		// the consumed line no longer fits; the shorter success line still does (Agave's rule)
		Expect(res.Logs).To(HaveLen(4))
		Expect(res.Logs[0]).To(Equal(invoke))
		Expect(res.Logs[1] == big).To(BeTrue())
		Expect(res.Logs[2:]).To(Equal([]string{"Log truncated", "Program ScVReBC5DRkcxnHGsvEB2nwVJDGJoidZ6V3hTVSEJGR success"}))
	})
})
