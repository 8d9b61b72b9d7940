// Package interpsvc is the interp-svc runner: an sBPF interpreter (ELF loader, verifier,
// interpreter, in C under guest/) linked with the shared service runtime (runners/svcrt)
// into one JAM service blob, run on the Go PVM as a refine invocation. The host hands the
// service one request (program ELF, accounts, instruction data, budget, sysvars) as the work
// item's payload; the service loads, verifies, serializes, executes, deserializes and
// answers with the state diff, all paid in PVM gas.
package interpsvc

import (
	"context"
	"fmt"
	"time"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/pvm/guest"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
	"github.com/sbpf-pvm/sbpf-pvm/runners/svcrt"
)

// Name is the runner's identifier.
const Name = "interp-svc"

// MaxRefineGas is G_R, the default gas limit of an invocation (GP 0.7.2).
const MaxRefineGas = svcrt.MaxRefineGas

// MaxServiceCodeSize is W_C, the largest service code blob (GP 0.7.2).
const MaxServiceCodeSize = 4_000_000

// Error kinds of failures that are the PVM's, not the program's.
const (
	KindOutOfGas = svcrt.KindOutOfGas
	KindPanic    = svcrt.KindPanic
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
	svcrt.Invocation
	Blob *Blob
}

// Invoke runs one encoded request as a refine invocation and decodes the answer. A
// response is nil when the run did not halt (out of gas, panic).
func (r *Runner) Invoke(payload []byte) (*Outcome, error) {
	b, err := Build(r.Profile)
	if err != nil {
		return nil, err
	}
	inv, err := svcrt.InvokeRefine(r.Profile, b.Decoded, b.Program, payload, r.Gas)
	out := &Outcome{Invocation: *inv, Blob: b}
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
	res, err := prep.ResultOf(c, Name, &out.Invocation, r.Profile)
	if err != nil {
		return nil, err
	}
	size := int64(len(b.Bytes))
	res.WallNS = wall
	res.BlobBytes = &size
	return res, nil
}
