package solana_test

import (
	"errors"
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/solana"
)

type variantErr struct{ kind string }

func (v variantErr) Error() string { return "variant " + v.kind }
func (v variantErr) Kind() string  { return v.kind }

var _ = Describe("error kinds", func() {
	av := &sbpf.EbpfError{Kind: sbpf.ErrAccessViolation, Access: sbpf.Store, Addr: 0x10, Len: 8, Region: "program"}

	It("names VM faults by their EbpfError variant and fails them with ProgramFailedToComplete", func() {
		Expect(solana.ErrorKind(av)).To(Equal(solana.KindAccessViolation))
		Expect(solana.FinalInstructionError(av).Kind).To(Equal(solana.ProgramFailedToComplete))
		Expect(solana.FailureText(av)).To(Equal(av.Error()))
		dz := &sbpf.EbpfError{Kind: sbpf.ErrDivideByZero}
		Expect(solana.ErrorKind(dz)).To(Equal(solana.KindDivideByZero))
	})

	It("looks through EbpfError::SyscallError to what the syscall returned", func() {
		budget := &sbpf.EbpfError{Kind: sbpf.ErrSyscallError, Err: solana.NewInstructionError(solana.ComputationalBudgetExceeded)}
		Expect(solana.ErrorKind(budget)).To(Equal(solana.ComputationalBudgetExceeded))
		Expect(solana.FinalInstructionError(budget).Kind).To(Equal(solana.ComputationalBudgetExceeded))
		Expect(solana.FailureText(budget)).To(Equal("Computational budget exceeded"))

		abort := &sbpf.EbpfError{Kind: sbpf.ErrSyscallError, Err: solana.NewSyscallError(solana.Abort)}
		Expect(solana.ErrorKind(abort)).To(Equal(solana.Abort))
		Expect(solana.FinalInstructionError(abort).Kind).To(Equal(solana.ProgramFailedToComplete))
		Expect(solana.FailureText(abort)).To(Equal("SBF program panicked"))

		inner := &sbpf.EbpfError{Kind: sbpf.ErrSyscallError, Err: av}
		Expect(solana.ErrorKind(inner)).To(Equal(solana.KindAccessViolation))
		Expect(solana.FailureText(inner)).To(Equal(av.Error()))
	})

	It("uses loader and verifier variant names", func() {
		Expect(solana.ErrorKind(variantErr{"SectionNotFound"})).To(Equal("SectionNotFound"))
		Expect(solana.ErrorKind(&sbpf.VerifierError{Kind: sbpf.VerrJumpOutOfCode})).To(Equal("JumpOutOfCode"))
		wrapped := &sbpf.EbpfError{Kind: sbpf.ErrVerifierError, Err: &sbpf.VerifierError{Kind: sbpf.VerrInvalidFunction}}
		Expect(solana.ErrorKind(wrapped)).To(Equal("InvalidFunction"))
	})

	It("handles wrapping, nil and unknown errors", func() {
		Expect(solana.ErrorKind(nil)).To(Equal(""))
		Expect(solana.ErrorKind(fmt.Errorf("ctx: %w", solana.NewInstructionError(solana.InvalidRealloc)))).To(Equal(solana.InvalidRealloc))
		Expect(solana.ErrorKind(errors.New("boom"))).To(Equal(solana.GenericError))
	})
})
