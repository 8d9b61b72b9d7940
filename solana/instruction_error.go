package solana

import "fmt"

// Canonical names of Agave's InstructionError variants (solana-instruction-error). They are
// error kinds of the shared taxonomy: a run that fails with an InstructionError reports its
// variant name.
const (
	GenericError                           = "GenericError"
	InvalidArgument                        = "InvalidArgument"
	InvalidInstructionData                 = "InvalidInstructionData"
	InvalidAccountData                     = "InvalidAccountData"
	AccountDataTooSmall                    = "AccountDataTooSmall"
	InsufficientFunds                      = "InsufficientFunds"
	IncorrectProgramID                     = "IncorrectProgramId"
	MissingRequiredSignature               = "MissingRequiredSignature"
	AccountAlreadyInitialized              = "AccountAlreadyInitialized"
	UninitializedAccount                   = "UninitializedAccount"
	UnbalancedInstruction                  = "UnbalancedInstruction"
	ModifiedProgramID                      = "ModifiedProgramId"
	ExternalAccountLamportSpend            = "ExternalAccountLamportSpend"
	ExternalAccountDataModified            = "ExternalAccountDataModified"
	ReadonlyLamportChange                  = "ReadonlyLamportChange"
	ReadonlyDataModified                   = "ReadonlyDataModified"
	DuplicateAccountIndex                  = "DuplicateAccountIndex"
	ExecutableModified                     = "ExecutableModified"
	RentEpochModified                      = "RentEpochModified"
	NotEnoughAccountKeys                   = "NotEnoughAccountKeys"
	AccountDataSizeChanged                 = "AccountDataSizeChanged"
	AccountNotExecutable                   = "AccountNotExecutable"
	AccountBorrowFailed                    = "AccountBorrowFailed"
	AccountBorrowOutstanding               = "AccountBorrowOutstanding"
	DuplicateAccountOutOfSync              = "DuplicateAccountOutOfSync"
	Custom                                 = "Custom"
	InvalidError                           = "InvalidError"
	ExecutableDataModified                 = "ExecutableDataModified"
	ExecutableLamportChange                = "ExecutableLamportChange"
	ExecutableAccountNotRentExempt         = "ExecutableAccountNotRentExempt"
	UnsupportedProgramID                   = "UnsupportedProgramId"
	CallDepth                              = "CallDepth"
	MissingAccount                         = "MissingAccount"
	ReentrancyNotAllowed                   = "ReentrancyNotAllowed"
	MaxSeedLengthExceeded                  = "MaxSeedLengthExceeded"
	InvalidSeeds                           = "InvalidSeeds"
	InvalidRealloc                         = "InvalidRealloc"
	ComputationalBudgetExceeded            = "ComputationalBudgetExceeded"
	PrivilegeEscalation                    = "PrivilegeEscalation"
	ProgramEnvironmentSetupFailure         = "ProgramEnvironmentSetupFailure"
	ProgramFailedToComplete                = "ProgramFailedToComplete"
	ProgramFailedToCompile                 = "ProgramFailedToCompile"
	Immutable                              = "Immutable"
	IncorrectAuthority                     = "IncorrectAuthority"
	BorshIoError                           = "BorshIoError"
	AccountNotRentExempt                   = "AccountNotRentExempt"
	InvalidAccountOwner                    = "InvalidAccountOwner"
	ArithmeticOverflow                     = "ArithmeticOverflow"
	UnsupportedSysvar                      = "UnsupportedSysvar"
	IllegalOwner                           = "IllegalOwner"
	MaxAccountsDataAllocationsExceeded     = "MaxAccountsDataAllocationsExceeded"
	MaxAccountsExceeded                    = "MaxAccountsExceeded"
	MaxInstructionTraceLengthExceeded      = "MaxInstructionTraceLengthExceeded"
	BuiltinProgramsMustConsumeComputeUnits = "BuiltinProgramsMustConsumeComputeUnits"
)

// instructionErrorText is Agave's Display of every unit InstructionError variant; it is
// what "Program <id> failed: <text>" prints.
var instructionErrorText = map[string]string{
	GenericError:                           "generic instruction error",
	InvalidArgument:                        "invalid program argument",
	InvalidInstructionData:                 "invalid instruction data",
	InvalidAccountData:                     "invalid account data for instruction",
	AccountDataTooSmall:                    "account data too small for instruction",
	InsufficientFunds:                      "insufficient funds for instruction",
	IncorrectProgramID:                     "incorrect program id for instruction",
	MissingRequiredSignature:               "missing required signature for instruction",
	AccountAlreadyInitialized:              "instruction requires an uninitialized account",
	UninitializedAccount:                   "instruction requires an initialized account",
	UnbalancedInstruction:                  "sum of account balances before and after instruction do not match",
	ModifiedProgramID:                      "instruction illegally modified the program id of an account",
	ExternalAccountLamportSpend:            "instruction spent from the balance of an account it does not own",
	ExternalAccountDataModified:            "instruction modified data of an account it does not own",
	ReadonlyLamportChange:                  "instruction changed the balance of a read-only account",
	ReadonlyDataModified:                   "instruction modified data of a read-only account",
	DuplicateAccountIndex:                  "instruction contains duplicate accounts",
	ExecutableModified:                     "instruction changed executable bit of an account",
	RentEpochModified:                      "instruction modified rent epoch of an account",
	NotEnoughAccountKeys:                   "insufficient account keys for instruction",
	AccountDataSizeChanged:                 "program other than the account's owner changed the size of the account data",
	AccountNotExecutable:                   "instruction expected an executable account",
	AccountBorrowFailed:                    "instruction tries to borrow reference for an account which is already borrowed",
	AccountBorrowOutstanding:               "instruction left account with an outstanding borrowed reference",
	DuplicateAccountOutOfSync:              "instruction modifications of multiply-passed account differ",
	InvalidError:                           "program returned invalid error code",
	ExecutableDataModified:                 "instruction changed executable accounts data",
	ExecutableLamportChange:                "instruction changed the balance of an executable account",
	ExecutableAccountNotRentExempt:         "executable accounts must be rent exempt",
	UnsupportedProgramID:                   "Unsupported program id",
	CallDepth:                              "Cross-program invocation call depth too deep",
	MissingAccount:                         "An account required by the instruction is missing",
	ReentrancyNotAllowed:                   "Cross-program invocation reentrancy not allowed for this instruction",
	MaxSeedLengthExceeded:                  "Length of the seed is too long for address generation",
	InvalidSeeds:                           "Provided seeds do not result in a valid address",
	InvalidRealloc:                         "Failed to reallocate account data",
	ComputationalBudgetExceeded:            "Computational budget exceeded",
	PrivilegeEscalation:                    "Cross-program invocation with unauthorized signer or writable account",
	ProgramEnvironmentSetupFailure:         "Failed to create program execution environment",
	ProgramFailedToComplete:                "Program failed to complete",
	ProgramFailedToCompile:                 "Program failed to compile",
	Immutable:                              "Account is immutable",
	IncorrectAuthority:                     "Incorrect authority provided",
	BorshIoError:                           "Failed to serialize or deserialize account data",
	AccountNotRentExempt:                   "An account does not have enough lamports to be rent-exempt",
	InvalidAccountOwner:                    "Invalid account owner",
	ArithmeticOverflow:                     "Program arithmetic overflowed",
	UnsupportedSysvar:                      "Unsupported sysvar",
	IllegalOwner:                           "Provided owner is not allowed",
	MaxAccountsDataAllocationsExceeded:     "Accounts data allocations exceeded the maximum allowed per transaction",
	MaxAccountsExceeded:                    "Max accounts exceeded",
	MaxInstructionTraceLengthExceeded:      "Max instruction trace length exceeded",
	BuiltinProgramsMustConsumeComputeUnits: "Builtin programs must consume compute units",
}

// InstructionError is Agave's InstructionError: Kind is the variant name, Code the value of
// Custom(u32).
type InstructionError struct {
	Kind string
	Code uint32
}

// NewInstructionError returns the unit variant kind (one of the constants above).
func NewInstructionError(kind string) *InstructionError { return &InstructionError{Kind: kind} }

// Error is Agave's Display text.
func (e *InstructionError) Error() string {
	if e.Kind == Custom {
		return fmt.Sprintf("custom program error: %#x", e.Code)
	}
	if s, ok := instructionErrorText[e.Kind]; ok {
		return s
	}
	return e.Kind
}

// Is makes errors.Is match on the variant (and the code for Custom).
func (e *InstructionError) Is(target error) bool {
	t, ok := target.(*InstructionError)
	return ok && t.Kind == e.Kind && t.Code == e.Code
}

// Builtin program error codes: the upper 32 bits of a program's return value
// (solana-program-error). A program returning one of them fails with the named error.
var builtinReturnCodes = [...]string{
	1: Custom, // CUSTOM_ZERO: Custom(0)
	2: InvalidArgument, 3: InvalidInstructionData, 4: InvalidAccountData,
	5: AccountDataTooSmall, 6: InsufficientFunds, 7: IncorrectProgramID,
	8: MissingRequiredSignature, 9: AccountAlreadyInitialized, 10: UninitializedAccount,
	11: NotEnoughAccountKeys, 12: AccountBorrowFailed, 13: MaxSeedLengthExceeded,
	14: InvalidSeeds, 15: BorshIoError, 16: AccountNotRentExempt, 17: UnsupportedSysvar,
	18: IllegalOwner, 19: MaxAccountsDataAllocationsExceeded, 20: InvalidRealloc,
	21: MaxInstructionTraceLengthExceeded, 22: BuiltinProgramsMustConsumeComputeUnits,
	23: InvalidAccountOwner, 24: ArithmeticOverflow, 25: Immutable, 26: IncorrectAuthority,
}

// InstructionErrorFromReturn converts a non-zero program return value (r0) the way
// Agave's From<u64> for InstructionError does: builtin codes (n << 32) name an error, a
// value below 2^32 is Custom(r0), anything else is InvalidError.
func InstructionErrorFromReturn(r0 uint64) *InstructionError {
	if r0&0xffffffff == 0 {
		if hi := r0 >> 32; hi < uint64(len(builtinReturnCodes)) && builtinReturnCodes[hi] != "" {
			return &InstructionError{Kind: builtinReturnCodes[hi]}
		}
	}
	if r0>>32 == 0 {
		return &InstructionError{Kind: Custom, Code: uint32(r0)}
	}
	return &InstructionError{Kind: InvalidError}
}
