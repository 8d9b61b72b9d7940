package pvm

import (
	"errors"
	"fmt"
)

// Status is why a run stopped.
type Status uint8

// Exit statuses (spec §1.3).
const (
	StatusHalt Status = iota
	StatusPanic
	StatusOutOfGas
	StatusPageFault
	StatusHostCall
)

var statusNames = [...]string{"halt", "panic", "out-of-gas", "page-fault", "host-call"}

func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("status(%d)", uint8(s))
}

// HaltAddress is the djump address that halts the machine (ra's initial value).
const HaltAddress = 0xFFFF0000

// Exit describes how a run ended.
type Exit struct {
	Status    Status
	FaultAddr uint32 // page base of the fault (StatusPageFault)
	HostID    uint64 // host-call id (StatusHostCall, or the call that ended the run)
	GasLeft   int64
	PC        uint32 // the instruction that ended the run (len(code) after running off it)
	Err       error  // the host's error when a host call ended the run
}

// HostCaller is implemented by embedders. HostCall handles host call id with the machine
// stopped on the ecalli (m.Regs, m.Gas and m.Mem may be changed). cont = true resumes
// after the ecalli. Otherwise the run ends: with err == nil as a halt; with ErrOutOfGas
// as out-of-gas; with ErrHostPanic (or any other error) as a panic, err kept in Exit.Err.
type HostCaller interface {
	HostCall(id uint64, m *Machine) (cont bool, err error)
}

// HostFunc adapts a function to HostCaller.
type HostFunc func(id uint64, m *Machine) (bool, error)

// HostCall calls f.
func (f HostFunc) HostCall(id uint64, m *Machine) (bool, error) { return f(id, m) }

// Errors a HostCaller returns to end a run with a given status.
var (
	ErrOutOfGas  = errors.New("pvm: out of gas")
	ErrHostPanic = errors.New("pvm: host call panicked")
)

// Machine is one PVM instance: registers, pc, gas, memory and the program it runs.
type Machine struct {
	Regs [NumRegs]uint64
	// PC is where the next Run starts: the initial pc, or after an exit the resume point
	// (the instruction after an ecalli, the faulting instruction, the unpaid block start).
	PC  uint32
	Gas int64
	Mem *Memory
	// Host receives host calls; nil makes Run return at every ecalli.
	Host HostCaller
	// Instructions counts executed instructions (including the one that ended a run).
	Instructions uint64
	// Heap state for sbrk (gp072/latest64): the heap starts at HeapBase, has grown by
	// HeapSize bytes and may grow to MaxHeapSize bytes.
	HeapBase, HeapSize, MaxHeapSize uint32
	// Layout is the standard layout when the machine was made by InitStandard.
	Layout Layout

	prog      *Decoded
	charged   bool   // the block containing chargedPC has been paid (resume point)
	chargedPC uint32 //
}

// NewMachine returns a machine at pc 0 with the given memory (nil: empty) and gas.
func NewMachine(prog *Decoded, mem *Memory, gas int64) *Machine {
	if mem == nil {
		mem = NewMemory()
	}
	return &Machine{prog: prog, Mem: mem, Gas: gas}
}

// Program returns the decoded program the machine runs.
func (m *Machine) Program() *Decoded { return m.prog }

// ReadMemory copies guest memory into buf; inaccessible bytes are an error.
func (m *Machine) ReadMemory(addr uint32, buf []byte) error { return m.Mem.Read(addr, buf) }

// WriteMemory copies data into writable guest memory.
func (m *Machine) WriteMemory(addr uint32, data []byte) error { return m.Mem.Write(addr, data) }

// ChargeGas takes g gas for a host call; if not enough is left it returns ErrOutOfGas
// (and leaves the gas unchanged), which a HostCaller returns to end the run.
func (m *Machine) ChargeGas(g int64) error {
	if m.Gas < g {
		return ErrOutOfGas
	}
	m.Gas -= g
	return nil
}

// Run executes until halt, panic, out-of-gas or a page fault, or a host call that Host
// does not continue (or any host call when Host is nil). It can be called again after a
// host call (resumes after the ecalli), a page fault (re-executes the faulting
// instruction) or out-of-gas (retries the block); a resumed block is not charged again.
func (m *Machine) Run() Exit {
	for {
		var ex Exit
		if m.prog.Opts.PerInstructionGas {
			ex = m.execPerInstruction()
		} else {
			ex = m.exec()
		}
		if ex.Status != StatusHostCall || m.Host == nil {
			return ex
		}
		if ex, stop := m.HandleHostCall(ex); stop {
			return ex
		}
	}
}

// HandleHostCall passes a host-call exit to m.Host. It returns stop = false when the
// host continues the run, else the exit that ends it (halt, out-of-gas or panic with the
// host's error). Run uses it; callers that Step use it too.
func (m *Machine) HandleHostCall(ex Exit) (Exit, bool) {
	if m.Host == nil {
		return ex, true
	}
	cont, err := m.Host.HostCall(ex.HostID, m)
	if cont && err == nil {
		return ex, false
	}
	ex.GasLeft = m.Gas
	ex.Err = err
	switch {
	case err == nil:
		ex.Status = StatusHalt
	case errors.Is(err, ErrOutOfGas):
		ex.Status = StatusOutOfGas
	default:
		ex.Status = StatusPanic
	}
	// A host-ended run is final; do not resume past it.
	m.PC = ex.PC
	m.charged = false
	return ex, true
}

// statusStepped is execStep's internal "one instruction done" result.
const statusStepped Status = 0xFF

// Step executes exactly one instruction (charging its block on entry like Run) and
// reports whether the machine stopped: done is false after an ordinary instruction, true
// with the exit otherwise. Host calls are returned, not dispatched. Step is for tracing
// and debugging; Run is the fast path.
func (m *Machine) Step() (ex Exit, done bool) {
	ex = m.execStep()
	if ex.Status == statusStepped {
		return Exit{}, false
	}
	return ex, true
}
