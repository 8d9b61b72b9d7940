package transpiled

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
const Name = "transpiled"

// MaxRefineGas is G_R, the most gas one work package's refinement may use (GP 0.7.2).
const MaxRefineGas = 5_000_000_000

// Error kinds of failures that are the PVM's, not the program's.
const (
	KindOutOfGas = "PVMOutOfGas"
	KindPanic    = "PVMPanic"
)

// Runner runs cases as transpiled service blobs.
type Runner struct {
	Profile pvm.Profile
	Opt     OptLevel
	Gas     int64 // refine gas limit (default MaxRefineGas)
}

// New returns a runner for profile p at -O2.
func New(p pvm.Profile) *Runner { return &Runner{Profile: p, Opt: DefaultOpt, Gas: MaxRefineGas} }

// Name implements runners.Runner.
func (r *Runner) Name() string { return Name }

// Available implements runners.Availability: compiling needs clang-19.
func (r *Runner) Available() error {
	_, err := guest.FindClang("")
	return err
}

// Outcome is one invocation's raw result.
type Outcome struct {
	Response *svcrt.Response
	PVM      *pvm.RunResult
	Blob     *Blob
	Logs     []host.LogEntry
}

// Invoke runs one encoded request on blob b as a refine invocation.
func (r *Runner) Invoke(b *Blob, payload []byte) (*Outcome, error) {
	gas := r.Gas
	if gas <= 0 {
		gas = MaxRefineGas
	}
	inv, err := svcrt.InvokeRefine(r.Profile, b.Decoded, b.Program, payload, gas)
	out := &Outcome{PVM: inv.PVM, Blob: b, Logs: inv.Logs, Response: inv.Response}
	if err != nil {
		return out, fmt.Errorf("transpiled: %w", err)
	}
	return out, nil
}

// Run implements runners.Runner. The program is compiled (or taken from the cache) first;
// the compile time is reported in CompileNS, not in the wall time.
func (r *Runner) Run(ctx context.Context, c *runners.Case) (*runners.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	prep, err := svcrt.FromCase(c)
	if err != nil {
		return nil, err
	}
	b, err := Build(prep.Request.Program, Options{Profile: r.Profile, Opt: r.Opt})
	if err != nil {
		return nil, err
	}
	// The program is compiled into the blob: the request carries no ELF.
	prep.Request.Program = nil
	payload, err := prep.Request.Encode()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	out, err := r.Invoke(b, payload)
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
	if !b.Cached {
		ns := b.Times.Total().Nanoseconds()
		res.CompileNS = &ns
	}
	return res, nil
}

func pvmFailure(c *runners.Case, kind, detail string) *runners.Result {
	k := kind
	return &runners.Result{Case: c.Name, Runner: Name, Status: runners.StatusFailure, Error: &k, ErrorDetail: detail,
		Logs: []string{}, Diff: runners.StateDiff{}}
}
