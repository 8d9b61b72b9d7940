package transpiled_test

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/runners"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
)

// A program whose blocks mix plain ALU instructions with ones that can fault (loads,
// stores, divisions), syscalls, calls and a loop, so that the budget runs out at every
// position of every kind of segment.
var budgetProgram = fmt.Sprintf(`
	mov64 r6, r1
	mov64 r7, 3
	mov64 r8, 0
loop:
	add64 r8, 1
	ldxdw r2, [r6+%d]
	mov64 r3, 7
	div64 r2, r3
	stxdw [r10-8], r2
	xor64 r2, 0x55
	ldxdw r4, [r10-8]
	call helper
	add64 r4, r0
	lddw r5, 0x1234567890
	sub64 r7, 1
	jne r7, 0, loop
	mov64 r1, r8
	mov64 r2, r4
	syscall sol_log_64_
	stxb [r6+%d], r8
	mov64 r0, 0
	exit
helper:
	mov64 r0, r4
	mul64 r0, 3
	stdw [r10-16], 9
	ldxdw r1, [r10-16]
	add64 r0, r1
	exit`, inLamports, inData)

var _ = Describe("compute budget exhaustion", func() {
	It("stops at exactly the native instruction for every budget up to the program's need", func() {
		full := runNative(newCase("budget", budgetProgram, sbpf.V0, 100000))
		Expect(full.Status).To(Equal(runners.StatusSuccess))
		need := full.ComputeUnits
		Expect(need).To(BeNumerically(">", 100))
		for b := uint64(1); b <= need+1; b++ {
			want := expectAgreement(newCase("budget", budgetProgram, sbpf.V0, b))
			if b < need {
				Expect(want.Status).To(Equal(runners.StatusFailure), "budget %d", b)
			}
		}
	})

	It("agrees with budgets beyond the 2^62 units the generated code meters at once", func() {
		// rt/engine.c keeps the excess aside (tr_clamp) and adds it back after syscalls
		for _, b := range []uint64{1<<62 - 1, 1 << 62, 1<<62 + 5, 1<<63 + 12345, ^uint64(0)} {
			r := expectAgreement(newCase("budget-huge", budgetProgram, sbpf.V0, b))
			Expect(r.Status).To(Equal(runners.StatusSuccess))
		}
	})

	It("agrees at every budget on v3 (static syscalls, fixed frames without gaps)", func() {
		full := runNative(newCase("budget-v3", budgetProgram, sbpf.V3, 100000))
		Expect(full.Status).To(Equal(runners.StatusSuccess))
		for b := uint64(1); b <= full.ComputeUnits; b += 3 {
			expectAgreement(newCase("budget-v3", budgetProgram, sbpf.V3, b))
		}
	})
})

// Blocks run on credit (charged in full at their entry): a fault in the middle of a block
// is real only when the budget paid for every instruction up to it, and stores executed
// on credit must never be seen (logs, return data, the state diff).
var creditPrograms = map[string]string{
	"memory fault mid-block": fmt.Sprintf(`
	mov64 r6, r1
	mov64 r2, 7
	stxb [r6+%d], r2
	add64 r2, 1
	stxdw [r10-8], r2
	lddw r3, 0x700000000
	ldxdw r4, [r3+64]
	add64 r4, 1
	mov64 r0, r4
	exit`, inData),
	"division by zero mid-block": fmt.Sprintf(`
	mov64 r6, r1
	ldxb r2, [r6+%d]
	stxb [r6+%d], r2
	mov64 r3, 0
	add64 r2, 5
	div64 r2, r3
	mov64 r0, r2
	exit`, inData+1, inData),
	"stores then a syscall": fmt.Sprintf(`
	mov64 r6, r1
	mov64 r7, 4
loop:
	stxb [r6+%d], r7
	mov64 r1, r6
	add64 r1, %d
	mov64 r2, 2
	sub64 r7, 1
	jne r7, 0, loop
	syscall sol_log_
	stxb [r6+%d], r7
	mov64 r1, r6
	add64 r1, %d
	mov64 r2, 3
	syscall sol_set_return_data
	mov64 r0, 0
	exit`, inData, inData, inData+2, inData),
	"gapped stack pointer mid-block": `
	mov64 r2, r10
	add64 r2, -16
	mov64 r3, 9
	stxdw [r2+0], r3
	ldxdw r4, [r2+0]
	add64 r2, 4096
	stxdw [r2+0], r4
	mov64 r0, 0
	exit`,
}

var _ = Describe("metering on credit", func() {
	for name, src := range creditPrograms {
		for _, v := range []sbpf.Version{sbpf.V0, sbpf.V3} {
			It(fmt.Sprintf("%s (%s) agrees at every budget", name, v), func() {
				// (a failed run reports the whole budget as consumed: count instructions)
				full := runNative(newCase(name, src, v, 100000))
				need := full.ComputeUnits
				if full.Status != runners.StatusSuccess {
					need = full.InstructionCount
				}
				Expect(need).To(BeNumerically(">", 5))
				for b := uint64(1); b <= need+1; b++ {
					got := expectAgreement(newCase(name, src, v, b))
					if b < need {
						Expect(got.Error).NotTo(BeNil(), "budget %d", b)
					}
				}
			})
		}
	}
})
