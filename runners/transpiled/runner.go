package transpiled

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
const Name = "transpiled"

// MaxRefineGas is G_R, the default gas limit of an invocation (GP 0.7.2).
const MaxRefineGas = svcrt.MaxRefineGas

// Error kinds of failures that are the PVM's, not the program's.
const (
	KindOutOfGas = svcrt.KindOutOfGas
	KindPanic    = svcrt.KindPanic
)

// Runner runs cases as transpiled service blobs.
type Runner struct {
	Profile pvm.Profile
	Opt     OptLevel
	Gas     int64 // refine gas limit (default MaxRefineGas)
	Units   int   // codegen units (0: by the program's size; see Options.Units)
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
	svcrt.Invocation
	Blob *Blob
}

// Invoke runs one encoded request on blob b as a refine invocation.
func (r *Runner) Invoke(b *Blob, payload []byte) (*Outcome, error) {
	inv, err := svcrt.InvokeRefine(r.Profile, b.Decoded, b.Program, payload, r.Gas)
	out := &Outcome{Invocation: *inv, Blob: b}
	if err != nil {
		return out, fmt.Errorf("transpiled: %w", err)
	}
	return out, nil
}

// Run implements runners.Runner. The program is compiled (or taken from the cache) first;
// the compile time is reported in CompileNS (also for a cached blob: the time its compile
// took), not in the wall time.
func (r *Runner) Run(ctx context.Context, c *runners.Case) (*runners.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	prep, err := svcrt.FromCase(c)
	if err != nil {
		return nil, err
	}
	b, err := Build(prep.Request.Program, Options{Profile: r.Profile, Opt: r.Opt, Units: r.Units})
	if err != nil {
		return nil, err
	}
	return r.runPrepared(c, prep, b)
}

// RunBlob runs case c on blob b, which must be c's program compiled for r.Profile (tools
// that compile themselves, e.g. cold for timing, run the cases on their blob with it).
func (r *Runner) RunBlob(ctx context.Context, c *runners.Case, b *Blob) (*runners.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if b.Profile != r.Profile {
		return nil, fmt.Errorf("transpiled: blob built for %s, runner is %s", b.Profile, r.Profile)
	}
	prep, err := svcrt.FromCase(c)
	if err != nil {
		return nil, err
	}
	return r.runPrepared(c, prep, b)
}

func (r *Runner) runPrepared(c *runners.Case, prep *svcrt.Prepared, b *Blob) (*runners.Result, error) {
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
	res, err := prep.ResultOf(c, Name, &out.Invocation, r.Profile)
	if err != nil {
		return nil, err
	}
	size := int64(len(b.Bytes))
	res.WallNS = wall
	res.BlobBytes = &size
	// A cached blob reports what its compile measured (the cache keeps the timings).
	if ns := b.Times.Total().Nanoseconds(); ns > 0 {
		res.CompileNS = &ns
	}
	return res, nil
}
