package solana

import (
	"errors"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
)

// The error-kind taxonomy shared by every runner. A failed run reports the most specific
// canonical name of what went wrong:
//
//   - an sBPF machine fault: the EbpfError variant (AccessViolation, StackAccessViolation,
//     DivideByZero, DivideOverflow, ExceededMaxInstructions, CallDepthExceeded,
//     ExecutionOverrun, CallOutsideTextSegment, InvalidInstruction,
//     UnsupportedInstruction, ...). EbpfError::SyscallError is never reported itself:
//     the error the syscall returned is;
//   - a syscall failure: the SyscallError variant (Abort, Panic, CopyOverlapping,
//     UnalignedPointer, InvalidLength, TooManySlices, ReturnDataTooLarge, BadSeeds,
//     InvalidString, UnsupportedCPI, ...) or the EbpfError the syscall's memory access
//     raised (AccessViolation ...) or ComputationalBudgetExceeded;
//   - an error of the instruction: the InstructionError variant (Custom for a program
//     returning a non-zero value below 2^32, with the code in the exit code, InvalidError,
//     the builtin codes, the deserialization rules: InvalidRealloc,
//     AccountDataSizeChanged, ReadonlyDataModified, ExternalAccountDataModified,
//     ExternalAccountLamportSpend, ReadonlyLamportChange, ModifiedProgramId,
//     UnbalancedInstruction, MaxAccountsExceeded ...);
//   - a program that cannot be loaded: the ElfError or VerifierError variant.
//
// The EbpfError variant names are exported by package sbpf (EbpfErrorKind.String); the
// constants below repeat the ones runners compare most often.
const (
	KindAccessViolation         = "AccessViolation"
	KindStackAccessViolation    = "StackAccessViolation"
	KindDivideByZero            = "DivideByZero"
	KindDivideOverflow          = "DivideOverflow"
	KindExceededMaxInstructions = "ExceededMaxInstructions"
	KindCallDepthExceeded       = "CallDepthExceeded"
	KindExecutionOverrun        = "ExecutionOverrun"
	KindCallOutsideTextSegment  = "CallOutsideTextSegment"
	KindInvalidInstruction      = "InvalidInstruction"
	KindUnsupportedInstruction  = "UnsupportedInstruction"
	KindExitRootCallFrame       = "ExitRootCallFrame"
	KindInvalidMemoryRegion     = "InvalidMemoryRegion"
	// The remaining EbpfError variants: load-time or JIT-only, or wrappers (ElfError,
	// VerifierError, SyscallError are reported through what they wrap when it is known).
	KindElfError                  = "ElfError"
	KindFunctionAlreadyRegistered = "FunctionAlreadyRegistered"
	KindJitNotCompiled            = "JitNotCompiled"
	KindExhaustedTextSegment      = "ExhaustedTextSegment"
	KindLibcInvocationFailed      = "LibcInvocationFailed"
	KindVerifierError             = "VerifierError"
	KindSyscallError              = "SyscallError"
)

type kinder interface{ Kind() string }

// ErrorKind maps an error from the VM, a syscall, the loader or the runtime to its kind
// in the taxonomy. It returns "" for nil.
func ErrorKind(err error) string {
	for err != nil {
		var ie *InstructionError
		var se *SyscallError
		var ee *sbpf.EbpfError
		var ve *sbpf.VerifierError
		var k kinder
		switch {
		case errors.As(err, &ee):
			if ee.Err != nil && (ee.Kind == sbpf.ErrSyscallError || ee.Kind == sbpf.ErrElfError || ee.Kind == sbpf.ErrVerifierError) {
				err = ee.Err
				continue
			}
			return ee.Name()
		case errors.As(err, &ie):
			return ie.Kind
		case errors.As(err, &se):
			return se.Kind
		case errors.As(err, &ve):
			return ve.Kind
		case errors.As(err, &k):
			return k.Kind()
		default:
			return GenericError
		}
	}
	return ""
}

// FinalInstructionError is the InstructionError Agave's invoke context returns for a
// failed program execution: an InstructionError surfaces as itself (also when a syscall
// returned it); every other VM or syscall error becomes ProgramFailedToComplete.
func FinalInstructionError(err error) *InstructionError {
	var ie *InstructionError
	if errors.As(err, &ie) {
		return ie
	}
	return NewInstructionError(ProgramFailedToComplete)
}

// FailureText is the text Agave prints in "Program <id> failed: <text>" for err: the
// Display of the innermost error a syscall returned (an EbpfError::SyscallError is
// unwrapped once), or the EbpfError / InstructionError itself.
func FailureText(err error) string {
	var ee *sbpf.EbpfError
	if errors.As(err, &ee) && ee.Kind == sbpf.ErrSyscallError && ee.Err != nil {
		return ee.Err.Error()
	}
	return err.Error()
}
