// Package interpsvc is the interp-svc runner: an sBPF interpreter (ELF loader, verifier,
// interpreter, in C under guest/) linked with the shared service runtime (runners/svcrt)
// into one JAM service blob, run on the Go PVM as a refine invocation. The host hands the
// service one request (program ELF, accounts, instruction data, budget, sysvars) as the work
// item's payload; the service loads, verifies, serializes, executes, deserializes and
// answers with the state diff, all paid in PVM gas.
package interpsvc

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/pvm/guest"
	"github.com/sbpf-pvm/sbpf-pvm/pvm/host"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
	"github.com/sbpf-pvm/sbpf-pvm/runners/svcrt"
)

// Name is the runner's identifier.
const Name = "interp-svc"

// MaxRefineGas is G_R, the most gas one work package's refinement may use (GP 0.7.2).
const MaxRefineGas = 5_000_000_000

// MaxServiceCodeSize is W_C, the largest service code blob (GP 0.7.2).
const MaxServiceCodeSize = 4_000_000

// Error kinds of failures that are the PVM's, not the program's.
const (
	KindOutOfGas = "PVMOutOfGas" // the interpretation ran out of PVM gas
	KindPanic    = "PVMPanic"    // the service trapped (a bug in the service)
)

// Runner runs cases on the interpreter service.
type Runner struct {
	Profile pvm.Profile
	// Gas is the refine gas limit (default MaxRefineGas).
	Gas int64
}

var (
	_ runners.Runner       = (*Runner)(nil)
	_ runners.Availability = (*Runner)(nil)
)

// New returns a runner for profile p.
func New(p pvm.Profile) *Runner { return &Runner{Profile: p, Gas: MaxRefineGas} }

// Name implements runners.Runner.
func (r *Runner) Name() string { return Name }

// Available implements runners.Availability: the blob needs clang-19 (unless cached).
func (r *Runner) Available() error {
	if _, err := guest.FindClang(""); err != nil {
		return err
	}
	return nil
}

// Outcome is one invocation's raw result, for tests and measurements.
type Outcome struct {
	Response *svcrt.Response
	PVM      *pvm.RunResult
	Blob     *Blob
	Logs     []host.LogEntry
}

// Invoke runs one encoded request as a refine invocation and decodes the answer. A
// response is nil when the run did not halt (out of gas, panic).
func (r *Runner) Invoke(payload []byte) (*Outcome, error) {
	b, err := Build(r.Profile)
	if err != nil {
		return nil, err
	}
	gas := r.Gas
	if gas <= 0 {
		gas = MaxRefineGas
	}
	inv, err := svcrt.InvokeRefine(r.Profile, b.Decoded, b.Program, payload, gas)
	out := &Outcome{PVM: inv.PVM, Blob: b, Logs: inv.Logs, Response: inv.Response}
	if err != nil {
		return out, fmt.Errorf("interp-svc: %w", err)
	}
	return out, nil
}

// Run implements runners.Runner.
func (r *Runner) Run(ctx context.Context, c *runners.Case) (*runners.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	prep, err := svcrt.FromCase(c)
	if err != nil {
		return nil, err
	}
	payload, err := prep.Request.Encode()
	if err != nil {
		return nil, err
	}
	b, err := Build(r.Profile)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	out, err := r.Invoke(payload)
	wall := time.Since(start).Nanoseconds()
	if err != nil {
		return nil, err
	}
	gas := &runners.GasReport{Profile: r.Profile.String(), Total: out.PVM.GasUsed, Instructions: out.PVM.Instructions}
	size := int64(len(b.Bytes))
	var res *runners.Result
	switch {
	case out.Response != nil:
		res, err = prep.Result(c, Name, out.Response)
		if err != nil {
			return nil, err
		}
		m := out.Response.GasMarks
		gas.Load = int64(m[0] - m[1])
		gas.Serialize = int64(m[1] - m[2])
		gas.Execute = int64(m[2] - m[3])
		gas.Diff = int64(m[3] - m[4])
	case out.PVM.Status == pvm.StatusOutOfGas:
		res = pvmFailure(c, KindOutOfGas, fmt.Sprintf("the service ran out of PVM gas (limit %d)", r.Gas))
	default:
		detail := fmt.Sprintf("the service stopped with %v at pc %d", out.PVM.Status, out.PVM.Exit.PC)
		if out.PVM.Exit.Err != nil && !errors.Is(out.PVM.Exit.Err, pvm.ErrOutOfGas) {
			detail += ": " + out.PVM.Exit.Err.Error()
		}
		res = pvmFailure(c, KindPanic, detail)
	}
	res.Gas = gas
	res.WallNS = wall
	res.BlobBytes = &size
	return res, nil
}

func pvmFailure(c *runners.Case, kind, detail string) *runners.Result {
	k := kind
	return &runners.Result{Case: c.Name, Runner: Name, Status: runners.StatusFailure, Error: &k, ErrorDetail: detail,
		Logs: []string{}, Diff: runners.StateDiff{}}
}
