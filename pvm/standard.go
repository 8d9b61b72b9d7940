package pvm

import (
	"errors"
	"fmt"
)

// Standard layout addresses (spec §4.2).
const (
	StackTop      = 0xFEFE0000 // 2^32 - 2·Z_Z - Z_I
	ArgsAddress   = 0xFEFF0000 // 2^32 - Z_Z - Z_I
	ROAddress     = 0x10000
	MaxArgsLength = InputSize
)

func alignPage(x uint64) uint64 { return (x + PageSize - 1) &^ (PageSize - 1) }
func alignZone(x uint64) uint64 { return (x + ZoneSize - 1) &^ (ZoneSize - 1) }

// Layout is where the standard initialization Y puts each region.
type Layout struct {
	RWAddress   uint32 // 0x20000 + Q(|o|)
	RWEnd       uint32 // RW + P(|w|) + z·4096 (end of the mapped read-write area)
	StackBottom uint32 // 0xFEFE0000 - P(s)
	HeapLimit   uint32 // highest heap end: one zone below the stack (grow_heap's bound)
}

// Layout computes the standard memory layout and checks the GP size inequality
// 5·Z_Z + Q(|o|) + Q(|w| + z·Z_P) + Q(s) + Z_I <= 2^32.
func (s *StandardProgram) Layout() (Layout, error) {
	o, w := uint64(len(s.RO)), uint64(len(s.RW))
	heap := w + uint64(s.HeapPages)*PageSize
	if 5*ZoneSize+alignZone(o)+alignZone(heap)+alignZone(uint64(s.StackSize))+InputSize > 1<<32 {
		return Layout{}, formatErr("standard program", -1, ErrBadLayout, "ro %d + rw %d + heap pages %d + stack %d exceed the address space", o, w, s.HeapPages, s.StackSize)
	}
	l := Layout{RWAddress: uint32(2*ZoneSize + alignZone(o))}
	l.RWEnd = l.RWAddress + uint32(alignPage(w)+uint64(s.HeapPages)*PageSize)
	l.StackBottom = StackTop - uint32(alignPage(uint64(s.StackSize)))
	l.HeapLimit = l.StackBottom - ZoneSize
	return l, nil
}

// InitStandard performs the standard program initialization Y(p, a) (spec §4.2) for an
// already decoded code blob: it builds the memory image and the initial registers and
// returns a machine at pc entry with gas. It fails with ErrBadLayout if the program or
// the argument does not fit.
func InitStandard(d *Decoded, sp *StandardProgram, entry uint32, arg []byte, gas int64) (*Machine, error) {
	if len(arg) > MaxArgsLength {
		return nil, formatErr("standard program", -1, ErrBadLayout, "argument of %d bytes exceeds %d", len(arg), MaxArgsLength)
	}
	l, err := sp.Layout()
	if err != nil {
		return nil, err
	}
	mem := NewMemory()
	mem.Map(ROAddress, alignPage(uint64(len(sp.RO))), AccessRead)
	mem.copyIn(ROAddress, sp.RO)
	mem.Map(l.RWAddress, uint64(l.RWEnd-l.RWAddress), AccessWrite)
	mem.copyIn(l.RWAddress, sp.RW)
	mem.Map(l.StackBottom, uint64(StackTop-l.StackBottom), AccessWrite)
	mem.Map(ArgsAddress, alignPage(uint64(len(arg))), AccessRead)
	mem.copyIn(ArgsAddress, arg)
	m := NewMachine(d, mem, gas)
	m.PC = entry
	m.Regs[0] = HaltAddress
	m.Regs[1] = StackTop
	m.Regs[7] = ArgsAddress
	m.Regs[8] = uint64(len(arg))
	// sbrk (gp072) grows the heap from the end of the mapped read-write area.
	m.HeapBase = l.RWEnd
	m.MaxHeapSize = l.HeapLimit - l.RWEnd
	m.Layout = l
	return m, nil
}

// RunResult is the outcome of a standard-program invocation (Ψ_M, spec §4.3).
type RunResult struct {
	// Status is the invocation's result: halt, panic (also for a page fault, an invalid
	// program or a failed initialization) or out-of-gas.
	Status Status
	// Exit is the raw exit of the last run (its Err holds a load or host error).
	Exit Exit
	// Output is μ[a0 .. a0+a1) after a halt, empty if that range is not readable.
	Output       []byte
	GasUsed      int64
	Instructions uint64
	Regs         [NumRegs]uint64
}

// RunStandard decodes sp's code for profile p, initializes the standard layout with arg,
// runs from entry with gas and host-call handler hc (may be nil: every ecalli then ends
// the run as a panic), and maps the end state as Ψ_M does. A program that fails to
// decode or initialize yields a panic with no gas used, as in the Gray Paper; the error
// return is reserved for a nil program.
func RunStandard(p Profile, sp *StandardProgram, entry uint32, arg []byte, gas int64, hc HostCaller) (*RunResult, error) {
	if sp == nil || sp.Code == nil {
		return nil, errors.New("pvm: RunStandard: no program")
	}
	d, err := Decode(p, sp.Code)
	if err != nil {
		return &RunResult{Status: StatusPanic, Exit: Exit{Status: StatusPanic, GasLeft: gas, Err: err}}, nil
	}
	return RunStandardDecoded(d, sp, entry, arg, gas, hc), nil
}

// RunStandardDecoded is RunStandard for a program decoded once and run many times.
func RunStandardDecoded(d *Decoded, sp *StandardProgram, entry uint32, arg []byte, gas int64, hc HostCaller) *RunResult {
	m, err := InitStandard(d, sp, entry, arg, gas)
	if err != nil {
		return &RunResult{Status: StatusPanic, Exit: Exit{Status: StatusPanic, GasLeft: gas, Err: err}}
	}
	return m.RunInvocation(hc)
}

// RunInvocation runs m to completion with host-call handler hc and maps the end state
// as Ψ_M does (spec §4.3). An ecalli without a handler ends the run as a panic.
func (m *Machine) RunInvocation(hc HostCaller) *RunResult {
	start := m.Gas
	m.Host = hc
	return m.InvocationResult(m.Run(), start)
}

// InvocationResult maps the final exit of a run that started with startGas as Ψ_M does.
func (m *Machine) InvocationResult(ex Exit, startGas int64) *RunResult {
	res := &RunResult{Exit: ex, Instructions: m.Instructions, Regs: m.Regs}
	switch ex.Status {
	case StatusHalt:
		res.Status = StatusHalt
		res.Output = []byte{}
		// Check readability before allocating: a1 may be any 64-bit value.
		if n := m.Regs[8]; n <= 1<<32 {
			if _, ok := m.Mem.check(uint32(m.Regs[7]), n, false); ok {
				res.Output = make([]byte, n)
				m.Mem.copyOut(uint32(m.Regs[7]), res.Output)
			}
		}
	case StatusOutOfGas:
		res.Status = StatusOutOfGas
	case StatusHostCall:
		res.Status = StatusPanic
		res.Exit.Err = fmt.Errorf("pvm: host call %d with no handler", ex.HostID)
	default:
		res.Status = StatusPanic
	}
	res.GasUsed = startGas - max(m.Gas, 0)
	return res
}
