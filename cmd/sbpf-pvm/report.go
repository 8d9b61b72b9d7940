package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/sbpf-pvm/sbpf-pvm/harness"
)

var cfReportOut string

var reportCmd = &cobra.Command{
	Use:   "report [render] SUMMARY.json",
	Short: "Re-render report.md, report.html, junit.xml and plots from a summary.json",
	Long: `report re-renders the reports of a run from its summary.json (into --out, default the
summary's directory). Metrics and the verdict are recomputed from the results, so an old run is
rendered with the current formulas.

report compare OLD NEW compares a run with a baseline (see its help).`,
	Args: cobra.ExactArgs(1),
	RunE: func(cmd *cobra.Command, args []string) error {
		return cfRender(cmd, args[0])
	},
}

var reportRenderCmd = &cobra.Command{
	Use:   "render SUMMARY.json",
	Short: "Re-render the reports of a run (same as report SUMMARY.json)",
	Args:  cobra.ExactArgs(1),
	RunE: func(cmd *cobra.Command, args []string) error {
		return cfRender(cmd, args[0])
	},
}

func cfRender(cmd *cobra.Command, path string) error {
	s, err := harness.ReadSummary(path)
	if err != nil {
		return usagef("%v", err)
	}
	s.Metrics, s.Programs = harness.ComputeMetrics(s)
	s.Verdict = harness.ComputeVerdict(s)
	out := cfReportOut
	if out == "" {
		out = filepath.Dir(path)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return usagef("--out: %v", err)
	}
	if err := harness.RenderReports(s, out); err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "%s\nreport: %s\n", harness.Headline(s), filepath.Join(out, harness.HTMLFile))
	return nil
}

var (
	cfCompareThreshold float64
	cfCompareMD        string
)

var reportCompareCmd = &cobra.Command{
	Use:   "compare OLD/summary.json NEW/summary.json",
	Short: "Compare a run with a baseline; exit 1 on a new failure or a gas regression",
	Long: `compare fails (exit 1) when a case that passed in the baseline (or is new) fails, when a
runner that ran in the baseline is missing or unavailable, or when the PVM gas of a case or the
median gas per CU of a runner rose by more than --threshold. Improvements, compute-unit changes
and removed cases are printed as notes.`,
	Args: cobra.ExactArgs(2),
	RunE: func(cmd *cobra.Command, args []string) error {
		if cfCompareThreshold < 0 {
			return usagef("--threshold must not be negative")
		}
		old, err := harness.ReadSummary(args[0])
		if err != nil {
			return usagef("baseline: %v", err)
		}
		cur, err := harness.ReadSummary(args[1])
		if err != nil {
			return usagef("new run: %v", err)
		}
		c := harness.CompareSummaries(old, cur, cfCompareThreshold)
		md := c.Markdown(args[0], args[1])
		fmt.Fprint(cmd.OutOrStdout(), md)
		if cfCompareMD != "" {
			if err := os.WriteFile(cfCompareMD, []byte(md), 0o644); err != nil {
				return usagef("--md: %v", err)
			}
		}
		if c.Failed() {
			return mismatchError{fmt.Sprintf("%d regressions against the baseline", len(c.Regressions))}
		}
		return nil
	},
}

var reportBaselineCmd = &cobra.Command{
	Use:   "baseline RUN/summary.json BASELINE/summary.json",
	Short: "Write a run's summary as a compact baseline (no logs, return data or diffs)",
	Long: `baseline copies a summary.json without the bulky payloads (logs, return data, state diffs,
wall-time samples), keeping everything report compare reads, so that it can be committed as
reports/baseline/summary.json.`,
	Args: cobra.ExactArgs(2),
	RunE: func(cmd *cobra.Command, args []string) error {
		s, err := harness.ReadSummary(args[0])
		if err != nil {
			return usagef("%v", err)
		}
		if err := os.MkdirAll(filepath.Dir(args[1]), 0o755); err != nil {
			return usagef("%v", err)
		}
		if err := harness.Compact(s).WriteJSON(args[1]); err != nil {
			return usagef("%v", err)
		}
		fmt.Fprintf(cmd.OutOrStdout(), "baseline: %s (%s)\n", args[1], harness.Headline(s))
		return nil
	},
}

func init() {
	reportCmd.PersistentFlags().StringVar(&cfReportOut, "out", "", "output directory (default: the summary's directory)")
	reportCompareCmd.Flags().Float64Var(&cfCompareThreshold, "threshold", harness.DefaultGasThreshold, "relative gas increase counted as a regression")
	reportCompareCmd.Flags().StringVar(&cfCompareMD, "md", "", "also write the comparison as Markdown to this file")
	reportCmd.AddCommand(reportRenderCmd, reportCompareCmd, reportBaselineCmd)
	rootCmd.AddCommand(reportCmd)
}
