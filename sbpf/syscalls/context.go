// Package syscalls implements the Solana syscalls of Agave's program runtime
// (programs/bpf_loader/src/syscalls) for the Go sBPF VM: logging, memory operations,
// hashing, return data, the bump allocator, program-derived addresses, sysvars, stack
// height and compute-unit queries, with Agave's compute costs, argument translation
// (alignment, length and overlap checks) and errors.
//
// An InvokeContext carries what the syscalls need (compute meter, log collector, return
// data, sysvars, heap allocator); it is both the VM's Meter and its Context.
package syscalls

import (
	"github.com/sbpf-pvm/sbpf-pvm/solana"
)

// LogMessagesBytesLimit is the log collector's byte budget (LOG_MESSAGES_BYTES_LIMIT).
const LogMessagesBytesLimit = solana.LogMessagesBytesLimit

// ReturnData is what the program set with sol_set_return_data.
type ReturnData struct {
	ProgramID solana.PublicKey
	Data      []byte
}

// InvokeContext is the state of one top-level instruction as the syscalls see it (Agave's
// InvokeContext reduced to one program, no CPI). It implements sbpf.Meter.
type InvokeContext struct {
	// ProgramID is the program being executed (the current instruction's program).
	ProgramID solana.PublicKey
	// Cost is the compute cost table.
	Cost solana.ExecutionCost
	// Sysvars is the sysvar cache.
	Sysvars solana.Sysvars
	// CheckAligned is get_check_aligned(): true unless the program is owned by the
	// deprecated loader (bpf_loader_deprecated).
	CheckAligned bool
	// StackHeight is the instruction stack height sol_get_stack_height reports (1 for a
	// top-level instruction).
	StackHeight uint64
	// LogCollector holds the logs (Logs) under Agave's byte budget; Log appends to it.
	solana.LogCollector
	// ReturnData is the transaction's return data.
	ReturnData ReturnData
	// HeapSize is the heap length the bump allocator hands out (32 KiB by default).
	HeapSize uint64

	remaining    uint64
	syscallUnits uint64
	allocPos     uint64
}

// NewInvokeContext returns a context for programID with budget compute units and Agave's
// defaults (cost table, sysvars, aligned checks, stack height 1, 32 KiB heap).
func NewInvokeContext(programID solana.PublicKey, budget uint64) *InvokeContext {
	return &InvokeContext{
		ProgramID:    programID,
		Cost:         solana.DefaultExecutionCost(),
		Sysvars:      solana.DefaultSysvars(),
		CheckAligned: true,
		StackHeight:  1,
		HeapSize:     solana.DefaultHeapSize,
		remaining:    budget,
	}
}

// Consume implements sbpf.Meter: it saturates at zero (ContextObject::consume).
func (c *InvokeContext) Consume(units uint64) {
	if units > c.remaining {
		c.remaining = 0
		return
	}
	c.remaining -= units
}

// Remaining implements sbpf.Meter.
func (c *InvokeContext) Remaining() uint64 { return c.remaining }

// SyscallUnits is how many compute units syscalls (ConsumeChecked) have taken; the rest
// of the consumption is the VM's one unit per instruction.
func (c *InvokeContext) SyscallUnits() uint64 { return c.syscallUnits }

// SetRemaining overwrites the meter (mock_set_remaining).
func (c *InvokeContext) SetRemaining(units uint64) { c.remaining = units }

// ConsumeChecked is consume_checked: it takes units from the meter (saturating) and fails
// with ComputationalBudgetExceeded when fewer were left.
func (c *InvokeContext) ConsumeChecked(units uint64) error {
	exceeded := c.remaining < units
	c.syscallUnits += min(units, c.remaining)
	c.Consume(units)
	if exceeded {
		return solana.NewInstructionError(solana.ComputationalBudgetExceeded)
	}
	return nil
}

// ProgramLog is stable_log::program_log: "Program log: <msg>".
func (c *InvokeContext) ProgramLog(msg string) { c.Log("Program log: " + msg) }

// alloc is BpfAllocator::alloc: a bump allocator over the heap region that never frees.
func (c *InvokeContext) alloc(size, align uint64) (uint64, bool) {
	pad := (align - c.allocPos%align) % align
	end := satAdd(satAdd(c.allocPos, pad), size)
	if end > c.HeapSize {
		return 0, false
	}
	c.allocPos += pad
	addr := satAdd(mmHeapStart, c.allocPos)
	c.allocPos = satAdd(c.allocPos, size)
	return addr, true
}

func satAdd(a, b uint64) uint64 {
	if s := a + b; s >= a {
		return s
	}
	return ^uint64(0)
}

func satMul(a, b uint64) uint64 {
	if a == 0 || b == 0 {
		return 0
	}
	if p := a * b; p/b == a {
		return p
	}
	return ^uint64(0)
}
