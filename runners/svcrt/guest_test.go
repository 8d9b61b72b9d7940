package svcrt_test

import (
	"math/rand"
	"strings"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
	interpsvc "github.com/sbpf-pvm/sbpf-pvm/runners/interp-svc"
	"github.com/sbpf-pvm/sbpf-pvm/runners/svcrt"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/asm"
)

// The C side of the wire format, run as the interp-svc service blob on the Go PVM.

const guestGas = 200_000_000

// guestInvoke runs payload through the service's refine entry point.
func guestInvoke(payload []byte) (*svcrt.Invocation, error) {
	b, err := interpsvc.Build(pvm.GP072)
	if err != nil {
		return nil, err
	}
	return svcrt.InvokeRefine(pvm.GP072, b.Decoded, b.Program, payload, guestGas)
}

// log64Case is a program that logs once with sol_log_64_ and returns 0.
func log64Case() *runners.Case {
	GinkgoHelper()
	elf, err := asm.AssembleELF("mov64 r1, 1\nsyscall sol_log_64_\nmov64 r0, 0\nexit", sbpf.V0)
	Expect(err).NotTo(HaveOccurred())
	c := &runners.Case{Name: "log64", ProgramID: "ScVReBC5DRkcxnHGsvEB2nwVJDGJoidZ6V3hTVSEJGR", ComputeBudget: 10_000}
	c.SetProgramBytes(elf)
	Expect(c.Validate()).To(Succeed())
	return c
}

var _ = Describe("the guest's side of the wire format", func() {
	It("rejects every truncation of a request as a bad request, without trapping", func() {
		q := sampleRequest(rand.New(rand.NewSource(3)))
		q.Program = q.Program[:min(len(q.Program), 40)]
		b, err := q.Encode()
		Expect(err).NotTo(HaveOccurred())
		for n := 0; n < len(b); n++ {
			inv, err := guestInvoke(b[:n])
			Expect(err).NotTo(HaveOccurred(), "prefix %d", n)
			Expect(inv.Response).NotTo(BeNil(), "prefix %d: %v", n, inv.PVM.Status)
			Expect(inv.Response.Status).To(Equal(uint8(svcrt.StatusBadRequest)), "prefix %d", n)
		}
		inv, err := guestInvoke(append(b, 0))
		Expect(err).NotTo(HaveOccurred())
		Expect(inv.Response.Status).To(Equal(uint8(svcrt.StatusBadRequest)))
		Expect(inv.Response.ErrorDetail).To(ContainSubstring("trailing"))
	})

	It("starts the log budget from the request's log_bytes", func() {
		c := log64Case()
		p, err := svcrt.FromCase(c)
		Expect(err).NotTo(HaveOccurred())
		line := "Program log: 0x1, 0x0, 0x0, 0x0, 0x0"
		for _, tc := range []struct {
			logBytes int
			want     []string
		}{
			{0, []string{line}},
			{10_000 - len(line) - 1, []string{line}}, // one byte below the limit: still fits
			{10_000 - len(line), []string{"Log truncated"}},
		} {
			p.Request.LogBytes = uint16(tc.logBytes)
			b, err := p.Request.Encode()
			Expect(err).NotTo(HaveOccurred())
			inv, err := guestInvoke(b)
			Expect(err).NotTo(HaveOccurred())
			Expect(inv.Response).NotTo(BeNil())
			Expect(inv.Response.Status).To(Equal(uint8(svcrt.StatusOK)), inv.Response.ErrorDetail)
			Expect(inv.Response.Logs).To(Equal(tc.want), "log_bytes %d", tc.logBytes)
		}
	})

	It("finds each sysvar by the mask and fails a missing one with UnsupportedSysvar", func() {
		elf, err := asm.AssembleELF("mov64 r1, r10\nsub64 r1, 64\nsyscall sol_get_rent_sysvar\nmov64 r0, 0\nexit", sbpf.V0)
		Expect(err).NotTo(HaveOccurred())
		c := &runners.Case{Name: "rent", ProgramID: "ScVReBC5DRkcxnHGsvEB2nwVJDGJoidZ6V3hTVSEJGR", ComputeBudget: 10_000}
		c.SetProgramBytes(elf)
		Expect(c.Validate()).To(Succeed())
		p, err := svcrt.FromCase(c)
		Expect(err).NotTo(HaveOccurred())
		run := func() *svcrt.Response {
			b, err := p.Request.Encode()
			Expect(err).NotTo(HaveOccurred())
			inv, err := guestInvoke(b)
			Expect(err).NotTo(HaveOccurred())
			Expect(inv.Response).NotTo(BeNil())
			return inv.Response
		}
		Expect(run().Status).To(Equal(uint8(svcrt.StatusOK)))
		all := p.Request.Sysvars
		p.Request.Sysvars = []svcrt.Sysvar{all[0], all[2], all[3]} // no rent
		r := run()
		Expect(r.Status).To(Equal(uint8(svcrt.StatusFailure)))
		Expect(r.ErrorKind).To(Equal("UnsupportedSysvar"))
	})

	It("answers with exactly the invocation's result through the host", func() {
		c := log64Case()
		p, err := svcrt.FromCase(c)
		Expect(err).NotTo(HaveOccurred())
		b, err := p.Request.Encode()
		Expect(err).NotTo(HaveOccurred())
		inv, err := guestInvoke(b)
		Expect(err).NotTo(HaveOccurred())
		res, err := p.ResultOf(c, "guest", inv, pvm.GP072)
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Status).To(Equal(runners.StatusSuccess))
		Expect(res.Logs).To(HaveLen(4))
		Expect(res.Logs[0]).To(Equal("Program ScVReBC5DRkcxnHGsvEB2nwVJDGJoidZ6V3hTVSEJGR invoke [1]"))
		Expect(res.Logs[1]).To(Equal("Program log: 0x1, 0x0, 0x0, 0x0, 0x0"))
		Expect(res.Logs[2]).To(HavePrefix("Program ScVReBC5DRkcxnHGsvEB2nwVJDGJoidZ6V3hTVSEJGR consumed "))
		Expect(strings.HasSuffix(res.Logs[3], " success")).To(BeTrue())
		// the phases add up to no more than the whole invocation
		g := res.Gas
		Expect(g.Load + g.Serialize + g.Execute + g.Diff).To(BeNumerically("<", g.Total))
	})
})

// FuzzGuestDecode: the guest's decoder never traps or hangs, answers every payload with a
// response that decodes, and rejects (as a bad request) everything the Go decoder rejects.
func FuzzGuestDecode(f *testing.F) {
	r := rand.New(rand.NewSource(4))
	for i := 0; i < 4; i++ {
		b, _ := sampleRequest(r).Encode()
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		inv, err := guestInvoke(b)
		if err != nil {
			t.Fatalf("guest: %v", err)
		}
		if inv.Response == nil {
			t.Fatalf("the service did not answer: %v", inv.PVM.Status)
		}
		if _, err := svcrt.DecodeRequest(b); err != nil && inv.Response.Status != svcrt.StatusBadRequest {
			t.Fatalf("Go rejects the request (%v), the guest answers status %d", err, inv.Response.Status)
		}
	})
}
