package svcrt_test

import (
	"context"
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
	"github.com/sbpf-pvm/sbpf-pvm/runners/native"
	"github.com/sbpf-pvm/sbpf-pvm/runners/svcrt"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/asm"
)

// svc_service.c's respond builds the response in svc_resp (SVC_RESP_CAP bytes: the 76-byte
// header, 16 KiB of logs and 8 KiB for the rest) and moves it to an arena copy when what
// follows the logs does not fit; when not even the arena has room, it answers with the
// verdict alone (ServiceArenaExhausted, no logs, no state). The common answer (no changes)
// always fits, so these cases change a large account.

// respCap is svcrt.h's SVC_RESP_CAP.
const respCap = 76 + 16384 + 8192

const bigProgID = "ScVReBC5DRkcxnHGsvEB2nwVJDGJoidZ6V3hTVSEJGR"

// bigCase is a case whose first account (writable, owned by the program) has n data
// bytes (a pattern), followed by a small read-only foreign account.
func bigCase(name, src string, n int) *runners.Case {
	GinkgoHelper()
	elf, err := asm.AssembleELF(src, sbpf.V0)
	Expect(err).NotTo(HaveOccurred())
	data := make(runners.Hex, n)
	for i := range data {
		data[i] = byte(i*7 + i>>8)
	}
	c := &runners.Case{
		Name: name, ProgramID: bigProgID, ComputeBudget: 200_000, InstructionData: runners.Hex{9},
		Accounts: []runners.CaseAccount{
			{Key: "Ak5EeHcnE8Eo7kx1Uu8eF5U8Y1xpUSM2GTxUwb3Lw7xy", Owner: bigProgID, Lamports: 1_000_000, Data: data, Writable: true},
			{Key: "GT5aoPGAc4eKs2MF9UJvNmEqHEVsqh8mgs9Lg1xA1ZKb", Owner: "11111111111111111111111111111111", Lamports: 5, Data: runners.Hex{1}},
		},
	}
	c.SetProgramBytes(elf)
	Expect(c.Validate()).To(Succeed())
	return c
}

// guestResult runs c (its request edited by edit) on the interp-svc blob: the response
// decoded by the host, and the result runners/svcrt makes of it (nil when it is a fault).
func guestResult(c *runners.Case, edit func(q *svcrt.Request)) (*svcrt.Response, *runners.Result) {
	GinkgoHelper()
	p, err := svcrt.FromCase(c)
	Expect(err).NotTo(HaveOccurred())
	edit(p.Request)
	b, err := p.Request.Encode()
	Expect(err).NotTo(HaveOccurred())
	inv, err := guestInvoke(b)
	Expect(err).NotTo(HaveOccurred())
	Expect(inv.Response).NotTo(BeNil(), "the service stopped with %v", inv.PVM.Status)
	if inv.Response.Status == svcrt.StatusFault {
		return inv.Response, nil
	}
	res, err := p.ResultOf(c, "guest", inv, pvm.GP072)
	Expect(err).NotTo(HaveOccurred())
	return inv.Response, res
}

// verdict is what the runners compare (DESIGN.md), without gas and timings.
type verdict struct {
	Status, Error string
	ExitCode, CU  uint64
	Logs          []string
	ReturnData    *runners.ReturnData
	Diff          runners.StateDiff
}

func verdictOf(r *runners.Result) verdict {
	v := verdict{Status: r.Status, ExitCode: r.ExitCode, CU: r.ComputeUnits, Logs: r.Logs, ReturnData: r.ReturnData, Diff: r.Diff}
	if r.Error != nil {
		v.Error = *r.Error
	}
	return v
}

// expectNative asserts that the guest's result for c is native's, and returns the raw
// response.
func expectNative(c *runners.Case) *svcrt.Response {
	GinkgoHelper()
	want, err := native.New().Run(context.Background(), c)
	Expect(err).NotTo(HaveOccurred())
	Expect(want.Status).To(Equal(runners.StatusSuccess), "native: %v", want.ErrorDetail)
	resp, got := guestResult(c, func(*svcrt.Request) {})
	Expect(got).NotTo(BeNil(), "fault %s: %s", resp.ErrorKind, resp.ErrorDetail)
	Expect(verdictOf(got)).To(Equal(verdictOf(want)))
	// the gas marks (in the header part an arena copy takes from svc_resp): the gas left
	// at each phase's end, so positive and never rising
	m := resp.GasMarks
	Expect(m[4]).To(BeNumerically(">", 0))
	for i := 1; i < len(m); i++ {
		Expect(m[i]).To(BeNumerically("<=", m[i-1]), "gas mark %d", i)
	}
	Expect(m[0]).To(BeNumerically(">", m[4]))
	return resp
}

// respWire is the size of the response's encoding (wire.go's layout), to show that it
// could not have been built in svc_resp.
func respWire(r *svcrt.Response) int {
	n := 76 + 2 + len(r.ErrorKind) + 2 + len(r.ErrorDetail) + 4
	for _, l := range r.Logs {
		n += 4 + len(l)
	}
	if r.ReturnData != nil {
		n += 36 + len(r.ReturnData.Data)
	}
	for _, ch := range r.Changes {
		n += 45
		if ch.Mask&svcrt.ChangedData != 0 {
			n += 4 + len(ch.Data)
		}
	}
	return n
}

// logsAndReturn logs 60 lines and sets 1,024 bytes of return data (r6..r9 are kept).
const logsAndReturn = `
	mov64 r7, 0
loop:
	mov64 r1, r7
	mov64 r2, 2
	mov64 r3, 3
	mov64 r4, 4
	mov64 r5, 5
	syscall sol_log_64_
	add64 r7, 1
	jne r7, 60, loop
	stdw [r10-1024], 0x1234
	stdw [r10-512], 0x7777
	stdw [r10-8], 0x5678
	mov64 r1, r10
	sub64 r1, 1024
	mov64 r2, 1024
	syscall sol_set_return_data
`

var _ = Describe("the response (svc_service.c respond)", func() {
	It("moves a response that does not fit in svc_resp to the arena, logs, return data and change intact", func() {
		// a 30,000-byte account with one byte changed: the change carries all its data
		c := bigCase("big-change", "mov64 r6, r1\nstb [r6+96], 0x5a\nstb [r6+30095], 0xa5\n"+logsAndReturn+"mov64 r0, 0\nexit", 30_000)
		resp := expectNative(c)
		Expect(resp.Logs).To(HaveLen(60))
		Expect(resp.ReturnData.Data).To(HaveLen(1024))
		Expect(resp.Changes).To(HaveLen(1))
		Expect(respWire(resp)).To(BeNumerically(">", respCap))
	})

	It("moves the response of an account grown by realloc to the arena", func() {
		// 20,000 bytes grown by the largest increase (10 KiB) to 30,240, its last byte set
		const pre, post = 20_000, 20_000 + 10_240
		c := bigCase("big-realloc", fmt.Sprintf("mov64 r6, r1\nstdw [r6+88], %d\nstb [r6+%d], 0x77\n%smov64 r0, 0\nexit",
			post, 96+post-1, logsAndReturn), pre)
		resp := expectNative(c)
		Expect(resp.Changes).To(HaveLen(1))
		Expect(resp.Changes[0].Data).To(HaveLen(post))
		Expect(resp.Changes[0].Data[post-1]).To(Equal(byte(0x77)))
		Expect(resp.Changes[0].Data[pre:post-1]).To(Equal(make([]byte, post-1-pre)), "the realloc space is zero")
		Expect(respWire(resp)).To(BeNumerically(">", respCap))
	})

	It("keeps a change that fits (with the logs and return data) in svc_resp", func() {
		c := bigCase("small-change", "mov64 r6, r1\nstb [r6+96], 0x5a\n"+logsAndReturn+"mov64 r0, 0\nexit", 4_000)
		resp := expectNative(c)
		Expect(respWire(resp)).To(BeNumerically("<", respCap))
	})

	It("answers with the verdict alone when not even the arena has room for the response", func() {
		// A 1 MiB account changed, and a request whose stack (38 frames of 1 MiB) leaves
		// the arena (40 MiB) room for the input region but not for a second copy of the data.
		const n = 1 << 20
		src := "mov64 r6, r1\nstb [r6+96], 0x5a\n" + logsAndReturn + "mov64 r0, 0\nexit"
		c := bigCase("arena-exhausted", src, n)
		// the control: with the default stack the same case answers in full, as native does
		resp := expectNative(c)
		Expect(resp.Changes).To(HaveLen(1))
		Expect(resp.Changes[0].Data).To(HaveLen(n))

		resp, res := guestResult(c, func(q *svcrt.Request) { q.FrameSize, q.MaxCallDepth = 1<<20, 38 })
		Expect(res).To(BeNil(), "a fault, not a result")
		Expect(resp.Status).To(Equal(uint8(svcrt.StatusFault)))
		Expect(resp.ErrorKind).To(Equal("ServiceArenaExhausted"))
		Expect(resp.ErrorDetail).To(BeEmpty())
		Expect(resp.Logs).To(BeEmpty())
		Expect(resp.ReturnData).To(BeNil())
		Expect(resp.Changes).To(BeEmpty())
		// the verdict still says how far the program got
		Expect(resp.Origin).To(Equal(uint8(svcrt.OriginNone)))
		Expect(resp.ComputeUnits).To(BeNumerically(">", 0))

		// one frame fewer leaves room: the full answer again
		resp, res = guestResult(c, func(q *svcrt.Request) { q.FrameSize, q.MaxCallDepth = 1<<20, 36 })
		Expect(res).NotTo(BeNil(), "fault %s: %s", resp.ErrorKind, resp.ErrorDetail)
		Expect(res.Status).To(Equal(runners.StatusSuccess))
		Expect(resp.Changes).To(HaveLen(1))
		Expect(resp.Logs).To(HaveLen(60))
	})
})
