package harness

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

// WriteTable prints the concise per-case table: one row per case, one column per
// runner that ran, then the unavailable runners with their reasons.
func WriteTable(w io.Writer, s *Summary) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprint(tw, "CASE\tOUTCOME")
	for _, m := range s.Metrics {
		fmt.Fprintf(tw, "\t%s", strings.ToUpper(m.Runner))
	}
	fmt.Fprintln(tw)
	for i := range s.Cases {
		c := &s.Cases[i]
		fmt.Fprintf(tw, "%s\t%s", c.Name, c.Outcome)
		for _, m := range s.Metrics {
			fmt.Fprintf(tw, "\t%s", cell(c.Result(m.Runner)))
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	for _, r := range s.Runners {
		if !r.Available {
			fmt.Fprintf(w, "runner %s unavailable: %s\n", r.Name, r.Reason)
		}
	}
}

// WriteFailures prints every failing case with its mismatches, hex windows and the
// command that reproduces it.
func WriteFailures(w io.Writer, s *Summary) {
	for i := range s.Cases {
		c := &s.Cases[i]
		if c.OK() {
			continue
		}
		fmt.Fprintf(w, "\n%s: %s\n", c.Name, c.Outcome)
		if len(c.Results) == 0 {
			fmt.Fprintln(w, "  no runner could run it (see the unavailable runners)")
		}
		for _, r := range c.Results {
			if r.HarnessError != "" {
				fmt.Fprintf(w, "  %s could not run it: %s\n", r.Runner, r.HarnessError)
			}
		}
		for _, m := range c.Mismatches {
			fmt.Fprintf(w, "  %s: %s=%s %s=%s", m.Field, m.A, m.AValue, m.B, m.BValue)
			if m.Offset != nil {
				fmt.Fprintf(w, " (first difference at byte %d)", *m.Offset)
			}
			fmt.Fprintln(w)
			if m.Window != "" {
				for _, l := range strings.Split(m.Window, "\n") {
					fmt.Fprintf(w, "    %s\n", l)
				}
			}
		}
		if c.Repro != "" {
			fmt.Fprintf(w, "  reproduce: %s\n", c.Repro)
		}
	}
}

// Progress reports (case, runner) completions: a redrawn bar on a terminal, one plain
// line per completion otherwise (CI logs).
type Progress struct {
	w     io.Writer
	tty   bool
	mu    sync.Mutex
	start time.Time
	last  time.Time
}

// NewProgress writes to w; tty selects the redrawn bar.
func NewProgress(w io.Writer, tty bool) *Progress {
	return &Progress{w: w, tty: tty, start: time.Now()}
}

// Update is a Config.Progress callback.
func (p *Progress) Update(done, total int, kase, runner string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.tty {
		fmt.Fprintf(p.w, "[%d/%d] %s on %s\n", done, total, kase, runner)
		return
	}
	now := time.Now()
	if done < total && now.Sub(p.last) < 50*time.Millisecond {
		return
	}
	p.last = now
	const width = 30
	filled := width
	if total > 0 {
		filled = width * done / total
	}
	name := kase + " on " + runner
	if len(name) > 40 {
		name = "…" + name[len(name)-39:]
	}
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d %s %-40s", strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, total,
		time.Since(p.start).Round(time.Second), name)
	if done == total {
		fmt.Fprintln(p.w)
	}
}

// WriteBenchstat prints one line per timed run of every (case, runner) pair in the Go
// benchmark format that benchstat reads: wall time, compute units, PVM gas and gas per
// CU as custom units. Case names have "/" replaced by ":" so that benchstat's
// name/key=value parsing stays intact.
func WriteBenchstat(w io.Writer, s *Summary) {
	fmt.Fprintf(w, "goos: %s\ngoarch: %s\npkg: github.com/sbpf-pvm/sbpf-pvm/corpus\n", s.Environment.GOOS, s.Environment.GOARCH)
	for i := range s.Cases {
		c := &s.Cases[i]
		for _, r := range c.Results {
			if r.Result == nil {
				continue
			}
			name := fmt.Sprintf("BenchmarkCorpus/case=%s/runner=%s-%d", strings.ReplaceAll(c.Name, "/", ":"), r.Runner, s.Environment.GOMAXPROCS)
			name = strings.Map(func(r rune) rune {
				if r == ' ' || r == '\t' {
					return '_'
				}
				return r
			}, name)
			for _, ns := range r.WallSamplesNS {
				fmt.Fprintf(w, "%s\t1\t%d ns/op\t%d CU/op", name, ns, r.Result.ComputeUnits)
				if g := r.Result.Gas; g != nil {
					fmt.Fprintf(w, "\t%d gas/op", g.Total)
				}
				if r.GasPerCU != nil {
					fmt.Fprintf(w, "\t%.4f gas/CU", *r.GasPerCU)
				}
				fmt.Fprintln(w)
			}
		}
	}
}
