package sbpf

import "errors"

// Meter is the compute meter shared by instructions and syscalls (anza's
// ContextObject consume/get_remaining). Consume must saturate at zero.
type Meter interface {
	Consume(units uint64)
	Remaining() uint64
}

// callFrame is vm.rs CallFrame.
type callFrame struct {
	saved  [ScratchRegs]uint64
	fp     uint64
	target uint64
}

// VM runs one Executable (vm.rs EbpfVm + interpreter.rs Interpreter).
type VM struct {
	// Regs are r0..r10 and [11] = pc. Execute reads them as the initial state
	// and writes the final state back; syscalls see them up to date.
	Regs      [12]uint64
	Memory    *MemoryMapping
	Context   any // embedder data for syscalls
	CallDepth uint64

	exe    *Executable
	meter  Meter
	frames []callFrame

	// previousInstructionMeter and dueInsnCount as in vm.rs (valid during syscalls).
	previousInstructionMeter uint64
	dueInsnCount             uint64

	r    [16]uint64 // working registers of the interpreter (index masked by 15)
	bump uint64     // r10 increment per call (0 with manual stack frame bumps)
}

// NewVM prepares a VM (EbpfVm::new plus create_vm's r1 = MMInputStart): r10 is
// the top of the first frame, or the top of the stack region when the version
// bumps the stack manually. The stack length is that of the region mapped at
// MMStackStart, else Config.StackSize().
func NewVM(exe *Executable, meter Meter, mem *MemoryMapping, ctx any) *VM {
	cfg := exe.Config()
	depth := cfg.MaxCallDepth
	if depth < 1 {
		depth = 1
	}
	vm := &VM{Memory: mem, Context: ctx, exe: exe, meter: meter, frames: make([]callFrame, depth)}
	stackLen := uint64(cfg.StackSize())
	if mem != nil {
		if i, ok := mem.FindRegion(MMStackStart); ok && mem.regions[i].VMAddr == MMStackStart {
			stackLen = uint64(len(mem.regions[i].Host))
		}
	}
	top := uint64(cfg.StackFrameSize)
	if exe.Version.ManualStackFrameBump() {
		top = stackLen
	}
	vm.Regs[FramePtrReg] = satAddU64(MMStackStart, top)
	if !exe.Version.ManualStackFrameBump() {
		vm.bump = frameBump(exe)
	}
	vm.Regs[1] = MMInputStart
	return vm
}

// Meter returns the compute meter, for syscalls.
func (vm *VM) Meter() Meter { return vm.meter }

// Executable returns the program being run.
func (vm *VM) Executable() *Executable { return vm.exe }

// StackHeight is the BPF-to-BPF call depth plus one. Note that agave's
// sol_get_stack_height reports the invoke (CPI) stack height instead, which
// belongs to the embedder's context.
func (vm *VM) StackHeight() uint64 { return vm.CallDepth + 1 }

// Execute runs from the entrypoint (execute_program) and returns the
// instruction count (initial meter minus remaining, 0 without metering), r0
// on success, or an *EbpfError. An unverified executable is verified first;
// a verifier rejection is an EbpfError of kind VerifierError.
func (vm *VM) Execute() (instructionCount uint64, r0 uint64, err error) {
	exe := vm.exe
	if vm.meter == nil {
		return 0, 0, errors.New("sbpf: VM has no Meter")
	}
	if exe.prog == nil {
		if verr := exe.Verify(); verr != nil {
			return 0, 0, &EbpfError{Kind: ErrVerifierError, Err: verr}
		}
	}
	if vm.Memory == nil {
		m, merr := NewMemoryMapping(nil, exe.Config(), exe.Version)
		if merr != nil {
			return 0, 0, merr
		}
		vm.Memory = m
	}
	cfg := exe.Config()
	vm.Regs[11] = exe.EntryPC
	// anza keeps call_depth across runs; a fresh run always starts at the root
	// (a stale depth could only come from a previous failed run).
	vm.CallDepth = 0
	initial := vm.meter.Remaining()
	vm.previousInstructionMeter = initial
	vm.dueInsnCount = 0

	r0, ebErr := vm.run(cfg.EnableInstructionMeter)

	if cfg.EnableInstructionMeter {
		vm.meter.Consume(vm.dueInsnCount)
		instructionCount = satSubU64(initial, vm.meter.Remaining())
	}
	if ebErr != nil {
		return instructionCount, 0, ebErr
	}
	return instructionCount, r0, nil
}

// frameBump is how far r10 moves per call with fixed frames.
func frameBump(exe *Executable) uint64 {
	cfg := exe.Config()
	n := uint64(1)
	if exe.Version.StackFrameGaps() && cfg.EnableStackFrameGaps {
		n = 2
	}
	return uint64(cfg.StackFrameSize) * n
}
