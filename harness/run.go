package harness

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/sbpf-pvm/sbpf-pvm/runners"
)

// DiffValidator is the node layer as the harness sees it: it checks a successful
// result's state diff (writable accounts, owner rules, lamports conserved, sizes). A
// rejection is an error implementing ErrorKind: the diff is rolled back, i.e. the
// harness turns the result into a failure whose error kind is Kind() and whose diff is
// empty, which is what a node would commit. Any other error means the node could not
// check the diff and is a harness fault. NodeValidator is the real node layer.
type DiffValidator interface {
	Validate(c *runners.Case, r *runners.Result) error
}

// ErrorKind is implemented by validation errors that carry a normalized error kind
// (for example "ExternalAccountDataModified").
type ErrorKind interface {
	Kind() string
}

// RejectedKind is the error kind of a rejection whose Kind is empty.
const RejectedKind = "NodeRejected"

// Config drives Run.
type Config struct {
	Slots []RunnerSlot
	// Repeat is the number of timed runs per case and runner (≥ 1); Warmup untimed runs
	// come first. The reported wall time is the median of the timed runs.
	Repeat, Warmup int
	// Jobs bounds the runs in flight; 0 means GOMAXPROCS.
	Jobs int
	// Timeout bounds one run; 0 means no limit.
	Timeout time.Duration
	// Validator is the node layer; nil accepts every diff.
	Validator DiffValidator
	// Progress is called after each (case, runner) pair finishes, from one goroutine
	// at a time.
	Progress func(done, total int, kase, runner string)
	// Repro builds the command that reproduces one case on the given runners.
	Repro func(kase string, runners []string) string
	// RunConfig is copied into the summary.
	RunConfig RunConfig
	Command   string
}

// Run executes every case on every available runner and returns the summary with
// outcomes, mismatches, metrics and verdict filled in. Cases are reported in the order
// given; a harness fault on one case does not stop the others. Run returns an error
// only when ctx is cancelled.
func Run(ctx context.Context, cfg Config, cases []*runners.Case) (*Summary, error) {
	start := time.Now()
	if cfg.Repeat < 1 {
		cfg.Repeat = 1
	}
	if cfg.Warmup < 0 {
		cfg.Warmup = 0
	}
	jobs := cfg.Jobs
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	s := &Summary{
		Schema: SchemaVersion, Command: cfg.Command,
		StartedAt:   start.UTC().Format(time.RFC3339),
		Environment: CurrentEnvironment(), Config: cfg.RunConfig,
	}
	s.Config.Repeat, s.Config.Warmup, s.Config.Jobs = cfg.Repeat, cfg.Warmup, jobs
	s.Config.TimeoutNS = int64(cfg.Timeout)
	var avail []RunnerSlot
	for _, sl := range cfg.Slots {
		s.Runners = append(s.Runners, RunnerInfo{Name: sl.Name, Available: sl.Runner != nil, Reason: sl.Unavailable, Profile: sl.Profile})
		s.Config.Runners = append(s.Config.Runners, sl.Name)
		if sl.Runner != nil {
			avail = append(avail, sl)
		}
	}
	if len(avail) > 0 {
		s.Config.Reference = avail[0].Name
	}

	// Read programs up front, one goroutine: Case caches them lazily and is shared.
	progErr := make([]error, len(cases))
	s.Cases = make([]CaseReport, len(cases))
	for i, c := range cases {
		cr := &s.Cases[i]
		cr.Name, cr.File, cr.Program = c.Name, c.File, ProgramName(c)
		prog, err := c.ProgramBytes()
		if err != nil {
			progErr[i] = err
		} else {
			cr.ProgramBytes, cr.TextBytes = int64(len(prog)), ProgramSize(prog)
		}
		cr.Results = make([]CaseResult, len(avail))
		for j, sl := range avail {
			cr.Results[j].Runner = sl.Name
		}
		if cfg.Repro != nil {
			names := make([]string, len(avail))
			for j, sl := range avail {
				names[j] = sl.Name
			}
			cr.Repro = cfg.Repro(c.Name, names)
		}
	}

	type job struct{ ci, ri int }
	work := make(chan job)
	var mu sync.Mutex
	done, total := 0, len(cases)*len(avail)
	nondet := make([][]Mismatch, len(cases)*max(len(avail), 1))
	var wg sync.WaitGroup
	for w := 0; w < min(jobs, max(total, 1)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range work {
				c, sl := cases[j.ci], avail[j.ri]
				out := &s.Cases[j.ci].Results[j.ri]
				if progErr[j.ci] != nil {
					out.HarnessError = progErr[j.ci].Error()
				} else {
					nondet[j.ci*len(avail)+j.ri] = runRepeated(ctx, cfg, sl, c, out)
				}
				mu.Lock()
				done++
				if cfg.Progress != nil {
					cfg.Progress(done, total, c.Name, sl.Name)
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for ci := range cases {
		for ri := range avail {
			select {
			case work <- job{ci, ri}:
			case <-ctx.Done():
				break feed
			}
		}
	}
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	for ci, c := range cases {
		var extra []Mismatch
		for ri := range avail {
			extra = append(extra, nondet[ci*len(avail)+ri]...)
		}
		judge(&s.Cases[ci], c, extra)
	}
	s.Totals = countTotals(s)
	s.Metrics, s.Programs = ComputeMetrics(s)
	s.Verdict = ComputeVerdict(s)
	s.DurationNS = int64(time.Since(start))
	return s, nil
}

// runRepeated runs one case on one runner Warmup+Repeat times, keeps the last result
// with the median wall time, passes it through the node layer and returns the
// mismatches between repetitions (a runner must be deterministic).
func runRepeated(ctx context.Context, cfg Config, sl RunnerSlot, c *runners.Case, out *CaseResult) []Mismatch {
	var first, last *runners.Result
	var nondet []Mismatch
	for i := 0; i < cfg.Warmup+cfg.Repeat; i++ {
		res, wall, err := runOnce(ctx, sl.Runner, c, cfg.Timeout)
		if err != nil {
			out.HarnessError = err.Error()
			out.Result, out.WallSamplesNS = nil, nil
			return nil
		}
		res.Case, res.Runner = c.Name, sl.Name
		if res.WallNS <= 0 {
			res.WallNS = wall
		}
		if first == nil {
			first = res
		} else if nondet == nil {
			a, b := *first, *res
			a.Runner, b.Runner = sl.Name+"#1", fmt.Sprintf("%s#%d", sl.Name, i+1)
			nondet = Compare(&a, &b)
		}
		if i >= cfg.Warmup {
			out.WallSamplesNS = append(out.WallSamplesNS, res.WallNS)
		}
		last = res
	}
	last.WallNS = medianInt64(out.WallSamplesNS)
	if cfg.Validator != nil && last.Status == runners.StatusSuccess {
		if err := validate(cfg.Validator, c, last); err != nil {
			var k ErrorKind
			if !errors.As(err, &k) {
				// The node could not check the diff at all: a harness fault, not a verdict.
				out.HarnessError = err.Error()
				out.Result, out.WallSamplesNS = nil, nil
				return nondet
			}
			out.NodeRejected = err.Error()
			kind := k.Kind()
			if kind == "" {
				kind = RejectedKind
			}
			last.Status, last.Error, last.ErrorDetail, last.Diff = runners.StatusFailure, &kind, err.Error(), runners.StateDiff{}
		}
	}
	if last.Gas != nil && last.ComputeUnits > 0 {
		g := float64(last.Gas.Total) / float64(last.ComputeUnits)
		out.GasPerCU = &g
	}
	out.Result = last
	return nondet
}

// validate calls the node layer, turning a panic into a rejection.
func validate(v DiffValidator, c *runners.Case, r *runners.Result) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("node layer panicked: %v", p)
		}
	}()
	return v.Validate(c, r)
}

// runOnce runs the case with a timeout, measuring wall time around the call. A runner
// that panics, returns nothing, or overruns the timeout is a harness fault.
func runOnce(ctx context.Context, r runners.Runner, c *runners.Case, timeout time.Duration) (*runners.Result, int64, error) {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	type outcome struct {
		res  *runners.Result
		wall int64
		err  error
	}
	ch := make(chan outcome, 1)
	go func() {
		var o outcome
		defer func() {
			if p := recover(); p != nil {
				o = outcome{err: fmt.Errorf("runner panicked: %v", p)}
			}
			ch <- o
		}()
		t0 := time.Now()
		o.res, o.err = r.Run(ctx, c)
		o.wall = int64(time.Since(t0))
	}()
	select {
	case o := <-ch:
		if o.err != nil {
			return nil, 0, o.err
		}
		if o.res == nil {
			return nil, 0, errors.New("runner returned neither a result nor an error")
		}
		return o.res, o.wall, nil
	case <-ctx.Done():
		// The runner ignores its context; its goroutine is abandoned.
		return nil, 0, fmt.Errorf("run did not finish: %w", ctx.Err())
	}
}

// judge compares a case's results with the reference (the first runner that produced
// a result) and with the case's expectation, and sets the outcome.
func judge(cr *CaseReport, c *runners.Case, nondet []Mismatch) {
	var ref *runners.Result
	hasErr := false
	for _, r := range cr.Results {
		if r.Result == nil {
			hasErr = true
			continue
		}
		if ref == nil {
			ref = r.Result
		} else {
			cr.Mismatches = append(cr.Mismatches, Compare(ref, r.Result)...)
		}
	}
	cr.Mismatches = append(cr.Mismatches, nondet...)
	disagree := len(cr.Mismatches) > 0
	expectFailed := false
	for _, r := range cr.Results {
		if r.Result != nil {
			if ms := CheckExpect(c, r.Result); len(ms) > 0 {
				expectFailed = true
				cr.Mismatches = append(cr.Mismatches, ms...)
			}
		}
	}
	switch {
	case hasErr || len(cr.Results) == 0: // nothing ran it: no runner was available
		cr.Outcome = OutcomeError
	case disagree:
		cr.Outcome = OutcomeDisagree
	case expectFailed:
		cr.Outcome = OutcomeExpectFailed
	default:
		cr.Outcome = OutcomeAgree
	}
	if cr.Mismatches == nil {
		cr.Mismatches = []Mismatch{}
	}
}

func countTotals(s *Summary) Totals {
	var t Totals
	for i := range s.Cases {
		c := &s.Cases[i]
		t.Cases++
		t.Mismatches += len(c.Mismatches)
		switch c.Outcome {
		case OutcomeAgree:
			t.Agreed++
		case OutcomeDisagree:
			t.Disagreed++
		case OutcomeExpectFailed:
			t.ExpectFailed++
		case OutcomeError:
			t.Errors++
		}
	}
	for _, r := range s.Runners {
		if r.Available {
			t.RunnersAvailable++
		} else {
			t.RunnersUnavailable++
		}
	}
	return t
}

// ShellQuote quotes s for a POSIX shell when it needs quoting.
func ShellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=,@+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
