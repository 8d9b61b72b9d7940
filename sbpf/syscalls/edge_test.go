package syscalls

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/solana"
)

var _ = Describe("argument translation edge cases", func() {
	It("rejects a slice array whose byte size overflows isize with InvalidLength", func() {
		e := newEnv(budget)
		_, err := sysLogData(e.vm, in, 1<<60, 0, 0, 0)
		Expect(kindOf(err)).To(Equal(solana.InvalidLength))
		Expect(e.used(budget)).To(Equal(uint64(100)))
	})

	It("logs an empty string at the base cost", func() {
		e := newEnv(budget)
		_, err := sysLog(e.vm, 0, 0, 0, 0, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(e.ic.Logs).To(Equal([]string{"Program log: "}))
		Expect(e.used(budget)).To(Equal(uint64(100)))
	})

	It("compares zero bytes as equal", func() {
		e := newEnv(budget)
		e.input[16] = 0xff
		_, err := sysMemcmp(e.vm, 0, 0, 0, in+16, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(e.input[16:20]).To(Equal([]byte{0, 0, 0, 0}))
	})

	It("reports a stack gap hit through a syscall as StackAccessViolation", func() {
		e := newEnv(budget)
		// v0 stack frames are 4 KiB with 4 KiB gaps: the second 4 KiB is a gap
		_, err := sysMemset(e.vm, sbpf.MMStackStart+4096, 0, 8, 0, 0)
		Expect(kindOf(err)).To(Equal(solana.KindStackAccessViolation))
		_, err = sysMemset(e.vm, sbpf.MMStackStart, 0, 8, 0, 0)
		Expect(err).NotTo(HaveOccurred())
	})

	It("clears return data with a zero length", func() {
		e := newEnv(budget)
		e.put(0, []byte{1, 2, 3})
		_, err := sysSetReturnData(e.vm, in, 3, 0, 0, 0)
		Expect(err).NotTo(HaveOccurred())
		_, err = sysSetReturnData(e.vm, 0, 0, 0, 0, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(e.ic.ReturnData.Data).To(BeEmpty())
		n, err := sysGetReturnData(e.vm, in, 10, in+64, 0, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(n).To(BeZero())
	})

	It("does not check alignment for the deprecated loader but refuses sysvars there", func() {
		e := newEnv(budget)
		e.ic.CheckAligned = false
		a, _ := sysAllocFree(e.vm, 3, 0, 0, 0, 0)
		b, _ := sysAllocFree(e.vm, 3, 0, 0, 0, 0)
		Expect(b - a).To(Equal(uint64(3)))
		_, err := sysLogData(e.vm, in+4, 0, 0, 0, 0)
		Expect(err).NotTo(HaveOccurred())
		_, err = lookup(e, "sol_get_rent_sysvar")(e.vm, in, 0, 0, 0, 0)
		Expect(kindOf(err)).To(Equal(solana.UnalignedPointer))
	})
})

var _ = Describe("sibling instructions and last restart slot", func() {
	It("finds no processed sibling of a lone top-level instruction", func() {
		e := newEnv(budget)
		r, err := lookup(e, "sol_get_processed_sibling_instruction")(e.vm, 0, in, in+64, in+128, in+256)
		Expect(err).NotTo(HaveOccurred())
		Expect(r).To(BeZero())
		Expect(e.used(budget)).To(Equal(uint64(100)))
		Expect(e.input[:512]).To(Equal(make([]byte, 512)))
	})

	It("writes the LastRestartSlot sysvar for 100 + 8 CU", func() {
		e := newEnv(budget)
		e.ic.Sysvars.LastRestartSlot.Slot = 0x0102
		_, err := lookup(e, "sol_get_last_restart_slot")(e.vm, in+8, 0, 0, 0, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(e.input[8:16]).To(Equal([]byte{2, 1, 0, 0, 0, 0, 0, 0}))
		Expect(e.used(budget)).To(Equal(uint64(108)))
	})
})
