package harness

import (
	"fmt"
	"sort"
	"strings"
)

// DefaultGasThreshold is the relative gas increase counted as a regression.
const DefaultGasThreshold = 0.10

// Comparison is the difference between a baseline run and a new one.
type Comparison struct {
	// Regressions fail the comparison: a case that passed (or is new) and now fails, a
	// runner that was available and no longer is, gas up by more than the threshold.
	Regressions []string `json:"regressions"`
	// Notes are changes worth reading that do not fail it: improvements, removed
	// cases, failures that were already there, compute-unit changes.
	Notes []string `json:"notes"`
}

// Failed reports whether there is any regression.
func (c *Comparison) Failed() bool { return len(c.Regressions) > 0 }

// CompareSummaries compares new against the baseline old. threshold is the relative
// gas increase that counts as a regression (0.10 = 10%).
func CompareSummaries(old, cur *Summary, threshold float64) *Comparison {
	cmp := &Comparison{Regressions: []string{}, Notes: []string{}}
	reg := func(f string, a ...any) { cmp.Regressions = append(cmp.Regressions, fmt.Sprintf(f, a...)) }
	note := func(f string, a ...any) { cmp.Notes = append(cmp.Notes, fmt.Sprintf(f, a...)) }

	curRunners := map[string]RunnerInfo{}
	for _, r := range cur.Runners {
		curRunners[r.Name] = r
	}
	for _, r := range old.Runners {
		n, ok := curRunners[r.Name]
		switch {
		case r.Available && !ok:
			reg("runner %s ran in the baseline but was not selected", r.Name)
		case r.Available && !n.Available:
			reg("runner %s ran in the baseline but is unavailable now: %s", r.Name, n.Reason)
		case !r.Available && ok && n.Available:
			note("runner %s is available now (it was not in the baseline)", r.Name)
		}
	}

	oldCases := map[string]*CaseReport{}
	for i := range old.Cases {
		oldCases[old.Cases[i].Name] = &old.Cases[i]
	}
	seen := map[string]bool{}
	for i := range cur.Cases {
		c := &cur.Cases[i]
		seen[c.Name] = true
		o := oldCases[c.Name]
		switch {
		case !c.OK() && (o == nil || o.OK()):
			why := c.Outcome
			if len(c.Mismatches) > 0 {
				why += " on " + c.Mismatches[0].Field
			}
			if o == nil {
				reg("new case %s fails: %s", c.Name, why)
			} else {
				reg("case %s passed in the baseline and now fails: %s", c.Name, why)
			}
		case !c.OK():
			note("case %s still fails (%s; baseline: %s)", c.Name, c.Outcome, o.Outcome)
		case o != nil && !o.OK():
			note("case %s is fixed (baseline: %s)", c.Name, o.Outcome)
		}
		if o == nil {
			continue
		}
		for _, r := range c.Results {
			or := o.Result(r.Runner)
			if r.Result == nil || or == nil || or.Result == nil {
				continue
			}
			if r.Result.ComputeUnits != or.Result.ComputeUnits {
				note("case %s on %s: compute units %d → %d", c.Name, r.Runner, or.Result.ComputeUnits, r.Result.ComputeUnits)
			}
			og, ng := or.Result.Gas, r.Result.Gas
			if og == nil || ng == nil || og.Total <= 0 {
				continue
			}
			rel := float64(ng.Total-og.Total) / float64(og.Total)
			switch {
			case rel > threshold:
				reg("case %s on %s: gas %d → %d (+%.1f%%, over the %.0f%% threshold)", c.Name, r.Runner, og.Total, ng.Total, 100*rel, 100*threshold)
			case rel < -threshold:
				note("case %s on %s: gas %d → %d (%.1f%%)", c.Name, r.Runner, og.Total, ng.Total, 100*rel)
			}
		}
	}
	var removed []string
	for n := range oldCases {
		if !seen[n] {
			removed = append(removed, n)
		}
	}
	sort.Strings(removed)
	if len(removed) > 0 {
		note("%d baseline cases are not in this run: %s", len(removed), strings.Join(removed, ", "))
	}

	// Per-runner median gas/CU, the headline number.
	oldM := map[string]RunnerMetrics{}
	for _, m := range old.Metrics {
		oldM[m.Runner] = m
	}
	for _, m := range cur.Metrics {
		om, ok := oldM[m.Runner]
		if !ok || om.MedianGasPerCU == nil || m.MedianGasPerCU == nil || *om.MedianGasPerCU <= 0 {
			continue
		}
		rel := (*m.MedianGasPerCU - *om.MedianGasPerCU) / *om.MedianGasPerCU
		if rel > threshold {
			reg("runner %s: median gas/CU %.3f → %.3f (+%.1f%%)", m.Runner, *om.MedianGasPerCU, *m.MedianGasPerCU, 100*rel)
		} else if rel != 0 {
			note("runner %s: median gas/CU %.3f → %.3f (%+.1f%%)", m.Runner, *om.MedianGasPerCU, *m.MedianGasPerCU, 100*rel)
		}
	}
	return cmp
}

// Markdown renders the comparison.
func (c *Comparison) Markdown(oldPath, newPath string) string {
	var b strings.Builder
	word := "PASS"
	if c.Failed() {
		word = "FAIL"
	}
	fmt.Fprintf(&b, "# Baseline comparison: %s\n\nbaseline `%s`, new `%s`: %d regressions, %d notes\n\n", word, oldPath, newPath, len(c.Regressions), len(c.Notes))
	if len(c.Regressions) > 0 {
		b.WriteString("## Regressions\n\n")
		for _, r := range c.Regressions {
			b.WriteString("- " + r + "\n")
		}
		b.WriteString("\n")
	}
	if len(c.Notes) > 0 {
		b.WriteString("## Notes\n\n")
		for _, n := range c.Notes {
			b.WriteString("- " + n + "\n")
		}
	}
	return b.String()
}

// Compact returns a copy of s without the bulky per-result payloads (logs, return data,
// state diffs) and the wall-time samples. What CompareSummaries reads (outcomes,
// mismatches, status, error, compute units, gas, sizes) stays, so a compacted summary is
// a small baseline to commit. The schema is unchanged: the dropped fields are empty.
func Compact(s *Summary) *Summary {
	c := *s
	c.Cases = make([]CaseReport, len(s.Cases))
	for i, cr := range s.Cases {
		cr.Results = append([]CaseResult(nil), cr.Results...)
		for j := range cr.Results {
			r := &cr.Results[j]
			r.WallSamplesNS = nil
			if r.Result != nil {
				res := *r.Result
				res.Logs, res.ReturnData, res.Diff = nil, nil, nil
				r.Result = &res
			}
		}
		c.Cases[i] = cr
	}
	return &c
}
