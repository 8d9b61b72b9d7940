package solana

// ExecutionCost is Agave's SVMTransactionExecutionCost (program-runtime/src/
// execution_budget.rs): the compute units each syscall charges. Only the fields the
// implemented syscalls use are kept.
type ExecutionCost struct {
	Log64Units                   uint64
	CreateProgramAddressUnits    uint64
	InvokeUnits                  uint64
	Sha256BaseCost               uint64
	Sha256ByteCost               uint64
	LogPubkeyUnits               uint64
	CPIBytesPerUnit              uint64
	SysvarBaseCost               uint64
	SyscallBaseCost              uint64
	HeapCost                     uint64
	MemOpBaseCost                uint64
	GetRemainingComputeUnitsCost uint64
}

// DefaultExecutionCost is SVMTransactionExecutionCost::default().
func DefaultExecutionCost() ExecutionCost {
	return ExecutionCost{
		Log64Units:                   100,
		CreateProgramAddressUnits:    1500,
		InvokeUnits:                  1000,
		Sha256BaseCost:               85,
		Sha256ByteCost:               1,
		LogPubkeyUnits:               100,
		CPIBytesPerUnit:              250,
		SysvarBaseCost:               100,
		SyscallBaseCost:              100,
		HeapCost:                     8,
		MemOpBaseCost:                10,
		GetRemainingComputeUnitsCost: 100,
	}
}

// Execution budget limits (execution_budget.rs, solana-program-entrypoint, solana-cpi).
const (
	// Sha256MaxSlices is SVMTransactionExecutionBudget::sha256_max_slices, the most slices
	// one hashing syscall accepts (sha256, keccak256 and blake3 share it).
	Sha256MaxSlices = 20_000
	// DefaultHeapSize is HEAP_LENGTH, the heap every program gets without a
	// RequestHeapFrame instruction.
	DefaultHeapSize = 32 * 1024
	// MaxReturnData is MAX_RETURN_DATA.
	MaxReturnData = 1024
	// MaxCallDepth and StackFrameSize are the VM limits Agave configures.
	MaxCallDepth   = 64
	StackFrameSize = 4096
	// MaxComputeUnitLimit is the largest per-transaction budget.
	MaxComputeUnitLimit = 1_400_000
)

// HeapCost is calculate_heap_cost: heap_cost CUs per 32 KiB page beyond the first,
// charged before the VM starts. It is 0 for the default 32 KiB heap.
func HeapCost(heapSize uint64, perPage uint64) uint64 {
	const page = 32 * 1024
	pages := (heapSize + page - 1) / page
	if pages == 0 {
		return 0
	}
	return (pages - 1) * perPage
}
