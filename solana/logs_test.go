package solana_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/solana"
)

var _ = Describe("LogCollector", func() {
	It("keeps messages under the byte budget, then writes one truncation line", func() {
		var c solana.LogCollector
		big := strings.Repeat("x", solana.LogMessagesBytesLimit-10)
		c.Log(big)
		c.Log("123456789") // reaches 9,999 bytes: kept
		c.Log("a")         // would reach the limit: truncated
		c.Log("b")
		Expect(c.Logs).To(Equal([]string{big, "123456789", solana.LogTruncated}))
	})
	It("resumes with the budget another collector already spent", func() {
		big := strings.Repeat("y", solana.LogMessagesBytesLimit-5)
		c := solana.ResumeLogCollector([]string{big})
		c.Log("1234") // 9,999 bytes
		c.Log("z")
		Expect(c.Logs).To(Equal([]string{big, "1234", solana.LogTruncated}))
		d := solana.ResumeLogCollector([]string{"a", solana.LogTruncated})
		// Like Agave's LogCollector: a message that still fits is kept after the marker,
		// and the marker is never written twice.
		d.Log("b")
		d.Log(strings.Repeat("w", solana.LogMessagesBytesLimit))
		Expect(d.Logs).To(Equal([]string{"a", solana.LogTruncated, "b"}))
	})
	It("returns an empty, non-nil log for nothing collected", func() {
		Expect(solana.ResumeLogCollector(nil).Logs).To(BeEmpty())
		Expect(solana.ResumeLogCollector(nil).Logs).NotTo(BeNil())
	})
})
