package main

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/sbpf-pvm/sbpf-pvm/harness"
)

var (
	cfBenchFlags cfFlags
	cfBenchOut   string
)

var benchCmd = &cobra.Command{
	Use:   "bench",
	Short: "Measure every case on every runner and print benchstat-readable lines",
	Long: `bench runs the corpus like conformance, with repetitions and a warm-up, one run at a time by
default so that wall times are not disturbed, and prints one Go benchmark line per timed run
(ns/op, CU/op, gas/op, gas/CU), which benchstat can read and compare. The full report is written
to --out as for conformance. Exit status as for conformance.`,
	Args: cobra.NoArgs,
	RunE: func(cmd *cobra.Command, _ []string) error {
		cfBenchFlags.out = cfBenchOut
		return cfExecute(cmd, &cfBenchFlags, "bench", func(s *harness.Summary) error {
			w := cmd.OutOrStdout()
			if cfBenchStatFile != "" {
				f, err := os.Create(cfBenchStatFile)
				if err != nil {
					return usagef("--benchstat: %v", err)
				}
				defer f.Close()
				w = f
			}
			harness.WriteBenchstat(w, s)
			return nil
		})
	},
}

var cfBenchStatFile string

func init() {
	cfBenchFlags.register(benchCmd, 5, 1, 1, harness.DefaultProfile)
	benchCmd.Flags().StringVar(&cfBenchOut, "out", "", "report directory (default reports/runs/<UTC timestamp>-bench)")
	benchCmd.Flags().StringVar(&cfBenchStatFile, "benchstat", "", "write the benchmark lines to this file instead of stdout")
	rootCmd.AddCommand(benchCmd)
}
