// Package runners defines what every execution engine of sbpf-pvm has in common: the
// Case it runs (a corpus entry: program ELF, accounts, instruction data, budget), the
// Result it produces, and the Runner interface the harness drives.
//
// The engines live in sub-packages: native (the Go sBPF VM), interp-svc (an sBPF
// interpreter running as a PVM service) and transpiled (sBPF translated to a PVM blob).
package runners

import (
	"context"
)

// Runner executes one case. The error return is reserved for harness faults (the
// runner cannot start, a tool is missing, the case cannot be read); a program that
// fails is a Result with Status "failure".
//
// Run must be safe for concurrent use on one Runner value: the harness runs up to
// --jobs cases at once on the same runner, and Cases are shared read-only between
// runners.
type Runner interface {
	// Name is the runner's stable identifier: "native", "interp-svc", "transpiled".
	Name() string
	Run(ctx context.Context, c *Case) (*Result, error)
}

// Availability is implemented by runners that may not be able to run on this machine
// (for example because clang-19 is missing). The harness reports the reason instead of
// silently skipping the runner.
type Availability interface {
	// Available returns nil when the runner can run here, or the reason it cannot.
	Available() error
}

// Status values of a Result.
const (
	StatusSuccess = "success"
	StatusFailure = "failure"
)

// Result is what one runner produced for one case. Its JSON form is the contract of
// DESIGN.md; field order and names are stable.
//
// Agreement between two runners is decided on Status, Error, ExitCode, ComputeUnits,
// Logs, ReturnData and Diff. Gas, wall time and sizes are measurements only.
type Result struct {
	Case   string `json:"case"`
	Runner string `json:"runner"`
	Status string `json:"status"`
	// Error is the normalized error kind (see package solana's taxonomy) or nil on success.
	Error *string `json:"error"`
	// ErrorDetail is human-readable context (address, syscall name); never compared.
	ErrorDetail string `json:"error_detail,omitempty"`
	// ExitCode is the program's r0 on success (0 = success for Solana programs), or the
	// custom error code of a failing program.
	ExitCode     uint64      `json:"exit_code"`
	ComputeUnits uint64      `json:"compute_units"`
	Gas          *GasReport  `json:"gas"`
	WallNS       int64       `json:"wall_ns"`
	Logs         []string    `json:"logs"`
	ReturnData   *ReturnData `json:"return_data"`
	Diff         StateDiff   `json:"diff"`
	BlobBytes    *int64      `json:"blob_bytes"`
	CompileNS    *int64      `json:"compile_ns"`
	// InstructionCount is the number of sBPF instructions executed (equal to the CU the
	// VM consumed itself, excluding syscall costs); reported, compared as part of CU.
	InstructionCount uint64 `json:"instruction_count,omitempty"`
}

// GasReport is the PVM gas a PVM runner spent, in total and split by phase. Phases a
// runner does not have are zero. Profile names the gas profile (gp072 or gp080).
type GasReport struct {
	Profile string `json:"profile"`
	Total   int64  `json:"total"`
	// Load is ELF load + verification (interp-svc only).
	Load int64 `json:"load,omitempty"`
	// Serialize is input serialization inside the service.
	Serialize int64 `json:"serialize,omitempty"`
	// Execute is the program itself.
	Execute int64 `json:"execute,omitempty"`
	// Diff is deserialization and state-diff computation.
	Diff int64 `json:"diff,omitempty"`
	// Instructions is the number of PVM instructions executed.
	Instructions uint64 `json:"instructions,omitempty"`
}

// ReturnData is what the program set with sol_set_return_data.
type ReturnData struct {
	ProgramID string `json:"program_id"` // base58
	Data      Hex    `json:"data"`
}

// StateDiff maps an account key (base58) to what changed in it. Accounts that did not
// change are absent; an empty diff marshals as {}.
type StateDiff map[string]AccountDiff

// AccountDiff holds the old and new value of every field that changed. Nil fields did
// not change.
type AccountDiff struct {
	Lamports   *[2]uint64 `json:"lamports,omitempty"`
	Data       *DataDiff  `json:"data,omitempty"`
	Owner      *[2]string `json:"owner,omitempty"`
	Executable *[2]bool   `json:"executable,omitempty"`
	RentEpoch  *[2]uint64 `json:"rent_epoch,omitempty"`
}

// DataDiff is the account data before and after.
type DataDiff struct {
	Old Hex `json:"old"`
	New Hex `json:"new"`
}
