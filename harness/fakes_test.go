package harness_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/sbpf-pvm/sbpf-pvm/harness"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
)

const (
	keyA      = "SysvarRent111111111111111111111111111111111"
	keyB      = "SysvarC1ock11111111111111111111111111111111"
	programID = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"
	ownerKey  = "11111111111111111111111111111111"
)

// baseResult is what every fake produces unless told otherwise: a success with logs,
// return data and a two-account diff.
func baseResult(kase, runner string) *runners.Result {
	lam := [2]uint64{1000, 900}
	lam2 := [2]uint64{0, 100}
	return &runners.Result{
		Case: kase, Runner: runner, Status: runners.StatusSuccess,
		ComputeUnits: 1234,
		Logs:         []string{"Program log: hello", "Program log: counter=7", "Program consumed 1234 of 200000 compute units"},
		ReturnData:   &runners.ReturnData{ProgramID: programID, Data: runners.Hex{1, 2, 3, 4, 5, 6, 7, 8}},
		Diff: runners.StateDiff{
			keyA: {Lamports: &lam, Data: &runners.DataDiff{Old: make(runners.Hex, 40), New: seq(40)}},
			keyB: {Lamports: &lam2},
		},
	}
}

func seq(n int) runners.Hex {
	b := make(runners.Hex, n)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

// fakeRunner builds its result from baseResult and then applies mutate, which may
// also depend on the case. Gas and sizes are set from the fields below.
type fakeRunner struct {
	name      string
	mutate    func(c *runners.Case, r *runners.Result)
	gas       func(c *runners.Case) int64 // nil: no gas
	blob      *int64
	compileNS *int64
	err       error
	panicMsg  string
	block     bool // ignore the context and never return
	calls     atomic.Int64
	available error

	mu    sync.Mutex
	order []string // case names in call order
}

func (f *fakeRunner) Name() string { return f.name }

func (f *fakeRunner) Available() error { return f.available }

func (f *fakeRunner) Run(ctx context.Context, c *runners.Case) (*runners.Result, error) {
	n := f.calls.Add(1)
	f.mu.Lock()
	f.order = append(f.order, c.Name)
	f.mu.Unlock()
	if f.block {
		select {} // a runner that ignores its context
	}
	if f.panicMsg != "" {
		panic(f.panicMsg)
	}
	if f.err != nil {
		return nil, f.err
	}
	r := baseResult(c.Name, f.name)
	r.WallNS = 1000 + n
	if f.gas != nil {
		r.Gas = &runners.GasReport{Profile: "gp080", Total: f.gas(c), Execute: f.gas(c) / 2}
	}
	r.BlobBytes, r.CompileNS = f.blob, f.compileNS
	if f.mutate != nil {
		f.mutate(c, r)
	}
	return r, nil
}

func slot(r runners.Runner) harness.RunnerSlot { return harness.NewSlot(r.Name(), r, nil) }

// writeCorpus writes n cases named prog<i%progs>/case<i> with programs of growing size
// under dir and returns the cases directory.
func writeCorpus(dir string, n, progs int, expect string) string {
	cases := filepath.Join(dir, "cases")
	for p := 0; p < progs; p++ {
		must(os.MkdirAll(filepath.Join(dir, "programs"), 0o755))
		must(os.WriteFile(filepath.Join(dir, "programs", fmt.Sprintf("prog%d.so", p)), make([]byte, 100*(p+1)), 0o644))
	}
	for i := 0; i < n; i++ {
		p := i % progs
		sub := filepath.Join(cases, fmt.Sprintf("prog%d", p))
		must(os.MkdirAll(sub, 0o755))
		y := fmt.Sprintf(`name: prog%d/case%02d
program: ../../programs/prog%d.so
program_id: %s
instruction_data: "0x0%d"
accounts:
  - key: %s
    owner: %s
    lamports: 1000
    data_len: 40
    writable: true
%s`, p, i, p, programID, i%10, keyA, ownerKey, expect)
		must(os.WriteFile(filepath.Join(sub, fmt.Sprintf("case%02d.yaml", i)), []byte(y), 0o644))
	}
	return cases
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

var errToolMissing = errors.New("clang-19 not found in PATH")

func i64(x int64) *int64 { return &x }
