package transpiled_test

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/runners"
	"github.com/sbpf-pvm/sbpf-pvm/runners/transpiled"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/asm"
)

// callxCase assembles a program whose callx target is the instruction slot `slot` of the
// text: the source is written twice, first with a placeholder address to learn where the
// loader puts the text, then with the real one (the layout does not depend on the value).
func callxCase(name, src string, slot uint64, v sbpf.Version, budget uint64) *runners.Case {
	first, err := asm.AssembleELF(fmt.Sprintf(src, uint64(0)), v)
	Expect(err).NotTo(HaveOccurred(), name)
	exe, err := transpiled.Executable(first)
	Expect(err).NotTo(HaveOccurred(), name)
	return newCase(name, fmt.Sprintf(src, exe.TextVaddr+slot*sbpf.InsnSize), v, budget)
}

// A function f (slots 6..) entered by callx in its middle, at slot 8, which is no entry
// point: the native VM continues there with a new frame and returns to the caller.
const callxMiddle = `
	lddw r2, %d
	mov64 r6, 100
	callx r2
	add64 r0, r6
	exit
	mov64 r0, 1
	mov64 r3, 7
	mov64 r0, 40
	stxdw [r10-8], r0
	ldxdw r4, [r10-8]
	add64 r0, r4
	add64 r0, r3
	exit
`

var _ = Describe("callx to any instruction of the text", func() {
	It("continues in the middle of a function as the native VM does", func() {
		want := expectAgreement(callxCase("callx middle", callxMiddle, 8, sbpf.V0, 1000))
		// r0 = 40 + 40 + r3 + r6 with r3 = 0 (slot 7 skipped) and r6 restored: a custom error 180
		Expect(want.ExitCode).To(Equal(uint64(180)), "%v", want.Logs)
	})

	It("agrees when the meter runs out inside the entered code", func() {
		for budget := uint64(3); budget <= 12; budget++ {
			expectAgreement(callxCase(fmt.Sprintf("callx middle budget %d", budget), callxMiddle, 8, sbpf.V0, budget))
		}
	})

	It("agrees with manual frames (v1)", func() {
		expectAgreement(callxCase("callx middle v1", callxMiddle, 9, sbpf.V1, 1000))
	})

	It("agrees on every slot of a small program, lddw second halves included", func() {
		src := `
			lddw r2, %d
			mov64 r0, 3
			callx r2
			exit
			lddw r0, 0x1122334455667788
			rsh64 r0, 8
			call g
			exit
			g:
			mov64 r0, 9
			exit
		`
		for slot := uint64(0); slot < 13; slot++ {
			expectAgreement(callxCase(fmt.Sprintf("callx slot %d", slot), src, slot, sbpf.V0, 200))
		}
	})

	It("keeps the frame depth and r10 across nested calls from the entered code", func() {
		src := `
			lddw r2, %d
			callx r2
			exit
			f:
			mov64 r0, 5
			stxdw [r10-16], r10
			call f2
			ldxdw r1, [r10-16]
			sub64 r1, r10
			add64 r0, r1
			exit
			f2:
			mov64 r0, r10
			exit
		`
		expectAgreement(callxCase("callx nested", src, 5, sbpf.V0, 1000))
	})
})
