package harness

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Report file names inside an output directory.
const (
	SummaryFile  = "summary.json"
	MarkdownFile = "report.md"
	HTMLFile     = "report.html"
	JUnitFile    = "junit.xml"
)

// WriteReports writes summary.json, report.md, report.html, junit.xml and plots/ into
// dir, creating it.
func WriteReports(s *Summary, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := s.WriteJSON(filepath.Join(dir, SummaryFile)); err != nil {
		return err
	}
	return RenderReports(s, dir)
}

// RenderReports writes everything but summary.json (used to re-render an old run).
func RenderReports(s *Summary, dir string) error {
	plots, err := RenderPlots(s, dir)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, MarkdownFile), []byte(Markdown(s, plots)), 0o644); err != nil {
		return err
	}
	h, err := HTML(s, plots)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, HTMLFile), h, 0o644); err != nil {
		return err
	}
	j, err := JUnit(s)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, JUnitFile), j, 0o644)
}

// Headline is the one-line result of a run.
func Headline(s *Summary) string {
	t := s.Totals
	word := "PASS"
	if t.Failed() {
		word = "FAIL"
	}
	h := fmt.Sprintf("%s: %d cases, %d agree, %d disagree, %d miss their expectation, %d harness errors; %s ran",
		word, t.Cases, t.Agreed, t.Disagreed, t.ExpectFailed, t.Errors, plural(t.RunnersAvailable, "runner"))
	if t.RunnersUnavailable > 0 {
		h += fmt.Sprintf(", %d unavailable", t.RunnersUnavailable)
	}
	return h
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func mdEscape(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

func fmtNS(ns float64) string {
	return time.Duration(int64(ns)).Round(time.Microsecond / 10).String()
}

// cell is the short form of one result in the case table.
func cell(cr *CaseResult) string {
	if cr == nil {
		return ""
	}
	if cr.Result == nil {
		return "ERROR"
	}
	r := cr.Result
	var b strings.Builder
	if r.Status == "success" {
		b.WriteString("ok")
	} else {
		b.WriteString("fail")
		if r.Error != nil {
			b.WriteString(" " + *r.Error)
		}
	}
	if cr.NodeRejected != "" {
		b.WriteString(" (node)")
	}
	fmt.Fprintf(&b, " %dCU", r.ComputeUnits)
	if r.Gas != nil {
		fmt.Fprintf(&b, " %dgas", r.Gas.Total)
	}
	return b.String()
}

// Markdown renders report.md.
func Markdown(s *Summary, plots []PlotFile) string {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p("# sbpf-pvm %s report\n\n", s.Command)
	p("**%s**\n\n", Headline(s))
	p("Started %s, took %s. Corpus `%s`, filter `%s`, shard %s, profile %s, %d timed runs after %d warm-up, %d jobs. Go %s %s/%s, %d CPUs, commit `%s`.\n\n",
		s.StartedAt, fmtNS(float64(s.DurationNS)), s.Config.Corpus, strings.Join(s.Config.Filter, ","), s.Config.Shard, ProfilesText(s),
		s.Config.Repeat, s.Config.Warmup, s.Config.Jobs, s.Environment.GoVersion, s.Environment.GOOS, s.Environment.GOARCH, s.Environment.NumCPU, s.Environment.Commit)

	p("## Runners\n\n| runner | available | results | harness errors | reason |\n|---|---|---|---|---|\n")
	for _, r := range s.Runners {
		res, errs := 0, 0
		for _, m := range s.Metrics {
			if m.Runner == r.Name {
				res, errs = m.Results, m.Errors
			}
		}
		avail := "yes"
		if !r.Available {
			avail = "**no**"
		}
		p("| %s | %s | %d | %d | %s |\n", r.Name, avail, res, errs, mdEscape(r.Reason))
	}
	if s.Config.Reference != "" {
		p("\nReference runner: `%s` (every other runner is compared with it).\n", s.Config.Reference)
	}

	p("\n## Verdict\n\n")
	for _, l := range s.Verdict.Lines {
		p("### %s\n\n- formula: `%s`\n- answer: %s\n\n", l.Question, l.Formula, l.Answer)
	}

	if rows := GasByProfile(s); len(rows) > 0 {
		p("### Gas per CU by profile\n\n| profile | approach | runner | cases | median gas/CU | worst gas/CU | marginal median | marginal worst | median gas | max gas |\n|---|---|---|---|---|---|---|---|---|---|\n")
		for _, r := range rows {
			p("| %s | %s | %s | %d | %s | %s | %s | %s | %s | %s |\n", r.Profile, r.Approach, r.Runner, r.Cases,
				fmtOpt(r.MedianGasPerCU, "%.2f"), fmtOpt(r.WorstGasPerCU, "%.2f"), fmtOpt(r.MedianExecGasPerCU, "%.2f"),
				fmtOpt(r.WorstExecGasPerCU, "%.2f"), fmtOpt(r.MedianGas, "%.0f"), fmtOptI(r.MaxGas))
		}
		p("\n")
	}

	p("## Disagreements and failed expectations\n\n")
	bad := 0
	for i := range s.Cases {
		c := &s.Cases[i]
		if c.OK() {
			continue
		}
		bad++
		p("### %s — %s\n\n", c.Name, c.Outcome)
		if len(c.Results) == 0 {
			p("- no runner could run it (see the unavailable runners)\n")
		}
		for _, r := range c.Results {
			if r.HarnessError != "" {
				p("- %s could not run it: %s\n", r.Runner, mdEscape(r.HarnessError))
			}
		}
		for _, m := range c.Mismatches {
			p("- `%s`: %s = %s, %s = %s", m.Field, m.A, mdEscape(m.AValue), m.B, mdEscape(m.BValue))
			if m.Offset != nil {
				p(" (first difference at byte %d)", *m.Offset)
			}
			p("\n")
			if m.Window != "" {
				p("\n```\n%s\n```\n\n", m.Window)
			}
		}
		if c.Repro != "" {
			p("\nReproduce: `%s`\n\n", c.Repro)
		}
	}
	if bad == 0 {
		p("None.\n\n")
	}

	p("## Cases\n\n| case | outcome |")
	for _, r := range s.Metrics {
		p(" %s |", r.Runner)
	}
	p("\n|---|---|")
	for range s.Metrics {
		p("---|")
	}
	p("\n")
	for i := range s.Cases {
		c := &s.Cases[i]
		p("| %s | %s |", mdEscape(c.Name), c.Outcome)
		for _, r := range s.Metrics {
			p(" %s |", mdEscape(cell(c.Result(r.Runner))))
		}
		p("\n")
	}

	p("\n## Metrics by runner\n\n| runner | results | median wall | total CU | median gas/CU | worst gas/CU | median gas | max gas | median ELF-load gas | max blob bytes | max compile |\n|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, m := range s.Metrics {
		p("| %s | %d | %s | %d | %s | %s | %s | %s | %s | %s | %s |\n", m.Runner, m.Results, fmtNS(float64(m.MedianWallNS)), m.TotalCU,
			fmtOpt(m.MedianGasPerCU, "%.2f"), fmtOpt(m.WorstGasPerCU, "%.2f"), fmtOpt(m.MedianGas, "%.0f"), fmtOptI(m.MaxGas),
			fmtOpt(m.MedianLoadGas, "%.0f"), fmtOptI(m.MaxBlobBytes), fmtOptNS(m.MaxCompileNS))
	}

	p("\n### PVM gas by phase (medians over the cases that report the phase)\n\n| runner | ELF load | serialize | execute | diff |\n|---|---|---|---|---|\n")
	for _, m := range s.Metrics {
		if m.MedianGas != nil {
			p("| %s | %s | %s | %s | %s |\n", m.Runner, fmtOpt(m.MedianLoadGas, "%.0f"), fmtOpt(m.MedianSerializeGas, "%.0f"),
				fmtOpt(m.MedianExecuteGas, "%.0f"), fmtOpt(m.MedianDiffGas, "%.0f"))
		}
	}

	p("\n## Programs\n\n| program | text bytes | cases | runner | median gas/CU | median gas | median wall | blob bytes | compile | break-even (wall) | break-even (gas) |\n|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, pm := range s.Programs {
		for _, r := range pm.Runners {
			p("| %s | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", pm.Program, pm.TextBytes, pm.Cases, r.Runner,
				fmtOpt(r.MedianGasPerCU, "%.2f"), fmtOpt(r.MedianGas, "%.0f"), fmtOptDur(r.MedianWallNS), fmtOptI(r.BlobBytes), fmtOptNS(r.CompileNS),
				fmtOpt(pm.BreakEvenWall, "%.1f"), fmtOpt(pm.BreakEvenGas, "%.1f"))
		}
	}

	p("\n## Plots\n\n")
	for _, pl := range plots {
		p("### %s\n\n![%s](%s) ([PNG](%s))\n\n", pl.Title, pl.Title, pl.SVG, pl.PNG)
	}
	return b.String()
}

// ProfilesText is the run's gas profiles for a report header: "gp080 (primary), gp072".
func ProfilesText(s *Summary) string {
	if len(s.Config.Profiles) < 2 {
		return s.Config.Profile
	}
	parts := make([]string, len(s.Config.Profiles))
	for i, p := range s.Config.Profiles {
		parts[i] = p
		if p == s.Config.Profile {
			parts[i] += " (primary)"
		}
	}
	return strings.Join(parts, ", ")
}

// GasProfileRow is one approach under one gas profile in the verdict's gas table.
type GasProfileRow struct {
	Profile, Approach, Runner string
	Cases                     int
	MedianGasPerCU            *float64
	WorstGasPerCU             *float64
	MedianExecGasPerCU        *float64
	WorstExecGasPerCU         *float64
	MedianGas                 *float64
	MaxGas                    *int64
}

// GasByProfile lists the gas figures of every PVM approach under every profile, the
// primary profile first (nil when no runner reported a profile).
func GasByProfile(s *Summary) []GasProfileRow {
	var rows []GasProfileRow
	for _, a := range s.Verdict.Approaches {
		if a.Profile == "" {
			continue
		}
		base, _ := SplitProfileRunnerName(a.Runner)
		r := GasProfileRow{Profile: a.Profile, Approach: base, Runner: a.Runner, Cases: a.Cases,
			MedianGasPerCU: a.MedianGasPerCU, WorstGasPerCU: a.WorstGasPerCU,
			MedianExecGasPerCU: a.MedianExecGasPerCU, WorstExecGasPerCU: a.WorstExecGasPerCU}
		for _, m := range s.Metrics {
			if m.Runner == a.Runner {
				r.MedianGas, r.MaxGas = m.MedianGas, m.MaxGas
			}
		}
		rows = append(rows, r)
	}
	return rows
}

func fmtOptNS(x *int64) string {
	if x == nil {
		return "n/a"
	}
	return fmtNS(float64(*x))
}

func fmtOptDur(x *float64) string {
	if x == nil {
		return "n/a"
	}
	return fmtNS(*x)
}
