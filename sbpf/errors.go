package sbpf

import "fmt"

// EbpfErrorKind enumerates error.rs EbpfError variants.
type EbpfErrorKind uint8

// EbpfError variants, in error.rs order.
const (
	ErrElfError EbpfErrorKind = iota
	ErrFunctionAlreadyRegistered
	ErrCallDepthExceeded
	ErrExitRootCallFrame
	ErrDivideByZero
	ErrDivideOverflow
	ErrExecutionOverrun
	ErrCallOutsideTextSegment
	ErrExceededMaxInstructions
	ErrJitNotCompiled
	ErrInvalidMemoryRegion
	ErrAccessViolation
	ErrStackAccessViolation
	ErrInvalidInstruction
	ErrUnsupportedInstruction
	ErrExhaustedTextSegment
	ErrLibcInvocationFailed
	ErrVerifierError
	ErrSyscallError
)

var ebpfKindNames = [...]string{
	"ElfError", "FunctionAlreadyRegistered", "CallDepthExceeded", "ExitRootCallFrame",
	"DivideByZero", "DivideOverflow", "ExecutionOverrun", "CallOutsideTextSegment",
	"ExceededMaxInstructions", "JitNotCompiled", "InvalidMemoryRegion", "AccessViolation",
	"StackAccessViolation", "InvalidInstruction", "UnsupportedInstruction",
	"ExhaustedTextSegment", "LibcInvocationFailed", "VerifierError", "SyscallError",
}

// String is the Rust variant name, e.g. "AccessViolation".
func (k EbpfErrorKind) String() string { return VariantName(k, ebpfKindNames[:], "EbpfErrorKind") }

// VariantName is the String method of the small enums that mirror a Rust enum (here and
// in sbpf/elf): names[k], or typ(k) for a value outside the enum.
func VariantName[K ~uint8](k K, names []string, typ string) string {
	if int(k) < len(names) {
		return names[k]
	}
	return fmt.Sprintf("%s(%d)", typ, uint8(k))
}

// EbpfError is error.rs EbpfError. Which fields are set depends on Kind:
// AccessViolation/StackAccessViolation: Access, Addr, Len, Region or Frame;
// InvalidMemoryRegion/FunctionAlreadyRegistered/ExhaustedTextSegment: Index;
// ElfError/VerifierError/SyscallError: Err. PC is the instruction slot at which
// the interpreter raised the error (anza's registers[11]).
type EbpfError struct {
	Kind   EbpfErrorKind
	Addr   uint64
	Len    uint64
	Region string // "program", "stack", "heap", "input", "allocated" or "unallocated"
	Access AccessType
	Frame  int64 // stack frame of a StackAccessViolation
	Index  uint64
	PC     uint64
	Detail string
	Err    error
}

// Name is the canonical variant name (same as Kind.String()).
func (e *EbpfError) Name() string { return e.Kind.String() }

// Error renders error.rs' Display messages.
func (e *EbpfError) Error() string {
	switch e.Kind {
	case ErrElfError:
		return fmt.Sprintf("ELF error: %v", e.Err)
	case ErrFunctionAlreadyRegistered:
		return fmt.Sprintf("function #%d was already registered", e.Index)
	case ErrCallDepthExceeded:
		return "exceeded max BPF to BPF call depth"
	case ErrExitRootCallFrame:
		return "attempted to exit root call frame"
	case ErrDivideByZero:
		return "divide by zero at BPF instruction"
	case ErrDivideOverflow:
		return "division overflow at BPF instruction"
	case ErrExecutionOverrun:
		return "attempted to execute past the end of the text segment at BPF instruction"
	case ErrCallOutsideTextSegment:
		return "callx attempted to call outside of the text segment"
	case ErrExceededMaxInstructions:
		return "exceeded CUs meter at BPF instruction"
	case ErrJitNotCompiled:
		return "program has not been JIT-compiled"
	case ErrInvalidMemoryRegion:
		return fmt.Sprintf("Invalid memory region at index %d", e.Index)
	case ErrAccessViolation:
		return fmt.Sprintf("Access violation %s %d bytes at address %#x (in %s region)", e.Access, e.Len, e.Addr, e.Region)
	case ErrStackAccessViolation:
		return fmt.Sprintf("Access violation in stack frame %d at address %#x of size %d", e.Frame, e.Addr, e.Len)
	case ErrInvalidInstruction:
		return "invalid BPF instruction"
	case ErrUnsupportedInstruction:
		return "unsupported BPF instruction"
	case ErrExhaustedTextSegment:
		return fmt.Sprintf("Compilation exhausted text segment at BPF instruction %d", e.Index)
	case ErrLibcInvocationFailed:
		return "Libc calling " + e.Detail
	case ErrVerifierError:
		return fmt.Sprintf("Verifier error: %v", e.Err)
	case ErrSyscallError:
		return fmt.Sprintf("Syscall error: %v", e.Err)
	}
	return e.Kind.String()
}

// Unwrap exposes the wrapped ELF, verifier or syscall error.
func (e *EbpfError) Unwrap() error { return e.Err }

// VerifierError is verifier.rs VerifierError. Kind is the variant name; PC the
// offending instruction slot; Target the jump destination (JumpOutOfCode,
// JumpToMiddleOfLDDW); Opcode (UnknownOpCode); Shift and Bits (ShiftWithOverflow);
// Syscall (InvalidSyscall).
type VerifierError struct {
	Kind    string
	PC      uint64
	Target  uint64
	Opcode  uint8
	Shift   uint64
	Bits    uint64
	Syscall uint32
}

// Verifier error kinds (verifier.rs variant names).
const (
	VerrProgramLengthNotMultiple   = "ProgramLengthNotMultiple"
	VerrProgramTooLarge            = "ProgramTooLarge"
	VerrNoProgram                  = "NoProgram"
	VerrDivisionByZero             = "DivisionByZero"
	VerrUnsupportedLEBEArgument    = "UnsupportedLEBEArgument"
	VerrLDDWCannotBeLast           = "LDDWCannotBeLast"
	VerrIncompleteLDDW             = "IncompleteLDDW"
	VerrInfiniteLoop               = "InfiniteLoop"
	VerrJumpOutOfCode              = "JumpOutOfCode"
	VerrJumpToMiddleOfLDDW         = "JumpToMiddleOfLDDW"
	VerrInvalidSourceRegister      = "InvalidSourceRegister"
	VerrCannotWriteR10             = "CannotWriteR10"
	VerrInvalidDestinationRegister = "InvalidDestinationRegister"
	VerrUnknownOpCode              = "UnknownOpCode"
	VerrShiftWithOverflow          = "ShiftWithOverflow"
	VerrInvalidRegister            = "InvalidRegister"
	VerrInvalidFunction            = "InvalidFunction"
	VerrInvalidSyscall             = "InvalidSyscall"
	VerrUnalignedImmediate         = "UnalignedImmediate"
)

// Name is the variant name.
func (e *VerifierError) Name() string { return e.Kind }

// Error renders verifier.rs' Display messages.
func (e *VerifierError) Error() string {
	switch e.Kind {
	case VerrProgramLengthNotMultiple:
		return fmt.Sprintf("program length must be a multiple of %d octets", InsnSize)
	case VerrProgramTooLarge:
		return "Deprecated"
	case VerrNoProgram:
		return "no program set, call prog_set() to load one"
	case VerrDivisionByZero:
		return fmt.Sprintf("division by 0 (insn #%d)", e.PC)
	case VerrUnsupportedLEBEArgument:
		return fmt.Sprintf("unsupported argument for LE/BE (insn #%d)", e.PC)
	case VerrLDDWCannotBeLast:
		return "LD_DW instruction cannot be last in program"
	case VerrIncompleteLDDW:
		return fmt.Sprintf("incomplete LD_DW instruction (insn #%d)", e.PC)
	case VerrInfiniteLoop:
		return fmt.Sprintf("infinite loop (insn #%d)", e.PC)
	case VerrJumpOutOfCode:
		return fmt.Sprintf("jump out of code to #%d (insn #%d)", e.Target, e.PC)
	case VerrJumpToMiddleOfLDDW:
		return fmt.Sprintf("jump to middle of LD_DW at #%d (insn #%d)", e.Target, e.PC)
	case VerrInvalidSourceRegister:
		return fmt.Sprintf("invalid source register (insn #%d)", e.PC)
	case VerrCannotWriteR10:
		return fmt.Sprintf("cannot write into register r10 (insn #%d)", e.PC)
	case VerrInvalidDestinationRegister:
		return fmt.Sprintf("invalid destination register (insn #%d)", e.PC)
	case VerrUnknownOpCode:
		return fmt.Sprintf("unknown eBPF opcode %#x (insn #%d)", e.Opcode, e.PC)
	case VerrShiftWithOverflow:
		return fmt.Sprintf("Shift with overflow of %d-bit value by %d (insn #%d)", e.Shift, e.Bits, e.PC)
	case VerrInvalidRegister:
		return fmt.Sprintf("Invalid register specified at instruction %d", e.PC)
	case VerrInvalidFunction:
		return fmt.Sprintf("Invalid function at instruction %d", e.PC)
	case VerrInvalidSyscall:
		return fmt.Sprintf("Invalid syscall code %d", e.Syscall)
	case VerrUnalignedImmediate:
		return fmt.Sprintf("Unaligned immediate (insn #%d)", e.PC)
	}
	return "verifier error " + e.Kind
}

// RegistryError is the ElfError a FunctionRegistry or Loader registration can
// return (program.rs): Kind is "SymbolHashCollision".
type RegistryError struct {
	Kind string
	Key  uint32
}

// Name is the ElfError variant name.
func (e *RegistryError) Name() string { return e.Kind }

func (e *RegistryError) Error() string { return fmt.Sprintf("Symbol hash collision %#x", e.Key) }
