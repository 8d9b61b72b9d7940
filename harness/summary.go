package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/sbpf-pvm/sbpf-pvm/runners"
)

// SchemaVersion identifies the layout of summary.json. Every field change shows in the
// golden field list of the tests. Adding a field keeps the version (readers of older
// files see it empty); renaming or removing one, or changing its meaning, bumps it.
const SchemaVersion = "sbpf-pvm/summary/v1"

// Runner names the verdict knows about.
const (
	RunnerNative     = "native"
	RunnerInterpSvc  = "interp-svc"
	RunnerTranspiled = "transpiled"
)

// Summary is everything a run produced; summary.json is its JSON form and every other
// report is rendered from it (so `sbpf-pvm report` can re-render an old run).
type Summary struct {
	Schema      string           `json:"schema"`
	Command     string           `json:"command"`
	StartedAt   string           `json:"started_at"`
	DurationNS  int64            `json:"duration_ns"`
	Environment Environment      `json:"environment"`
	Config      RunConfig        `json:"config"`
	Runners     []RunnerInfo     `json:"runners"`
	Cases       []CaseReport     `json:"cases"`
	Totals      Totals           `json:"totals"`
	Metrics     []RunnerMetrics  `json:"metrics"`
	Programs    []ProgramMetrics `json:"programs"`
	Verdict     Verdict          `json:"verdict"`
}

// Environment describes the machine and build that produced a run.
type Environment struct {
	GoVersion  string `json:"go_version"`
	GOOS       string `json:"goos"`
	GOARCH     string `json:"goarch"`
	NumCPU     int    `json:"num_cpu"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	Commit     string `json:"commit"`
	Modified   bool   `json:"modified"`
}

// CurrentEnvironment reads the environment of this process.
func CurrentEnvironment() Environment {
	e := Environment{
		GoVersion: runtime.Version(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH,
		NumCPU: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0),
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				e.Commit = s.Value
			case "vcs.modified":
				e.Modified = s.Value == "true"
			}
		}
	}
	if e.Commit == "" {
		// Built with -buildvcs=false (or by go run): ask git about the working directory.
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if out, err := exec.CommandContext(ctx, "git", "rev-parse", "HEAD").Output(); err == nil {
			e.Commit = strings.TrimSpace(string(out))
			if st, err := exec.CommandContext(ctx, "git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil {
				e.Modified = len(bytes.TrimSpace(st)) > 0
			}
		}
	}
	return e
}

// RunConfig is how the run was asked for.
type RunConfig struct {
	Corpus    string   `json:"corpus"`
	Filter    []string `json:"filter"`
	Shard     string   `json:"shard"`
	Runners   []string `json:"runners"`
	Reference string   `json:"reference"`
	Repeat    int      `json:"repeat"`
	Warmup    int      `json:"warmup"`
	Jobs      int      `json:"jobs"`
	// Profile is the primary gas profile: runners under it keep their plain names and
	// the verdict's main answers use it. Profiles lists every profile run, primary
	// first; the others' runners are named ProfileRunnerName(runner, profile).
	Profile   string   `json:"profile"`
	Profiles  []string `json:"profiles"`
	TimeoutNS int64    `json:"timeout_ns"`
}

// RunnerInfo says whether a selected runner could run here, and if not, why.
type RunnerInfo struct {
	Name      string `json:"name"`
	Available bool   `json:"available"`
	Reason    string `json:"reason"`
	// Profile is the PVM gas profile it ran under ("" for runners without a PVM).
	Profile string `json:"profile"`
}

// Case outcomes, worst first.
const (
	OutcomeError        = "error"         // a runner could not run the case (harness fault)
	OutcomeDisagree     = "disagree"      // two runners produced different results
	OutcomeExpectFailed = "expect-failed" // the runners agree but miss the case's expect:
	OutcomeAgree        = "agree"
)

// CaseReport is one case across every runner.
type CaseReport struct {
	Name         string `json:"name"`
	File         string `json:"file"`
	Program      string `json:"program"`
	ProgramBytes int64  `json:"program_bytes"`
	// TextBytes is the size of the program's executable sections (its "program size").
	TextBytes  int64        `json:"text_bytes"`
	Outcome    string       `json:"outcome"`
	Results    []CaseResult `json:"results"`
	Mismatches []Mismatch   `json:"mismatches"`
	Repro      string       `json:"repro"`
}

// OK reports whether the case passed.
func (c *CaseReport) OK() bool { return c.Outcome == OutcomeAgree }

// Result returns the named runner's result entry, or nil.
func (c *CaseReport) Result(runner string) *CaseResult {
	for i := range c.Results {
		if c.Results[i].Runner == runner {
			return &c.Results[i]
		}
	}
	return nil
}

// CaseResult is one runner's result for one case, after the node layer, with the
// measurements of every timed repetition.
type CaseResult struct {
	Runner string          `json:"runner"`
	Result *runners.Result `json:"result"`
	// HarnessError is why the runner produced no result ("" when it did).
	HarnessError string `json:"harness_error"`
	// NodeRejected is the node layer's reason for rolling the diff back ("" when it
	// accepted it or there was nothing to validate).
	NodeRejected string `json:"node_rejected"`
	// WallSamplesNS are the wall times of the timed runs; Result.WallNS is their median.
	WallSamplesNS []int64 `json:"wall_samples_ns"`
	// GasPerCU is Result.Gas.Total / Result.ComputeUnits when both are known.
	GasPerCU *float64 `json:"gas_per_cu"`
}

// Totals counts outcomes.
type Totals struct {
	Cases              int `json:"cases"`
	Agreed             int `json:"agreed"`
	Disagreed          int `json:"disagreed"`
	ExpectFailed       int `json:"expect_failed"`
	Errors             int `json:"errors"`
	Mismatches         int `json:"mismatches"`
	RunnersAvailable   int `json:"runners_available"`
	RunnersUnavailable int `json:"runners_unavailable"`
}

// Failed reports whether the run must exit 1.
func (t Totals) Failed() bool { return t.Disagreed+t.ExpectFailed+t.Errors > 0 }

// WriteJSON writes the summary, indented, to path.
func (s *Summary) WriteJSON(path string) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// ReadSummary loads a summary.json, refusing other schemas.
func ReadSummary(path string) (*Summary, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s Summary
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: not a summary.json: %w", path, err)
	}
	if s.Schema != SchemaVersion {
		return nil, fmt.Errorf("%s: schema %q, want %q", path, s.Schema, SchemaVersion)
	}
	return &s, nil
}
