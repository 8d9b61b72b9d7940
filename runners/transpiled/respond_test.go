package transpiled_test

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/runners"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
)

// withData gives c's first account n bytes of data (a pattern).
func withData(c *runners.Case, n int) *runners.Case {
	GinkgoHelper()
	data := make(runners.Hex, n)
	for i := range data {
		data[i] = byte(i*7 + i>>8)
	}
	c.Accounts[0].Data = data
	Expect(c.Validate()).To(Succeed())
	return c
}

// The response of a change larger than svc_resp's room (svcrt.h SVC_RESP_CAP, 24,652
// bytes) is moved to the arena by svc_service.c's respond; the transpiled engine shares
// the arena with it (runners/svcrt's specs cover the guest side and its exhaustion).
var _ = Describe("a response larger than svc_resp", func() {
	const logReturn = `
		mov64 r7, 0
	loop:
		mov64 r1, r7
		syscall sol_log_64_
		add64 r7, 1
		jne r7, 40, loop
		stdw [r10-1024], 0x1234
		stdw [r10-8], 0x5678
		mov64 r1, r10
		sub64 r1, 1024
		mov64 r2, 1024
		syscall sol_set_return_data
		mov64 r0, 0
		exit`

	It("agrees with native for a large changed account, with logs and return data", func() {
		src := fmt.Sprintf("mov64 r6, r1\nstb [r6+%d], 0x5a\nstb [r6+%d], 0xa5\n%s", inData, inData+29_999, logReturn)
		want := expectAgreement(withData(newCase("tr-big-change", src, sbpf.V0, 200_000), 30_000))
		Expect(want.Diff).NotTo(BeEmpty())
		Expect(want.ReturnData).NotTo(BeNil())
	})

	It("agrees with native for an account grown by realloc past svc_resp's room", func() {
		const pre, post = 20_000, 20_000 + 10_240
		src := fmt.Sprintf("mov64 r6, r1\nstdw [r6+%d], %d\nstb [r6+%d], 0x77\n%s", inDataLen, post, inData+post-1, logReturn)
		want := expectAgreement(withData(newCase("tr-big-realloc", src, sbpf.V0, 200_000), pre))
		Expect(want.Diff).NotTo(BeEmpty())
	})
})
