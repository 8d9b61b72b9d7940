// Command sbpf-pvm is the differential conformance and benchmarking harness that runs
// Solana sBPF programs natively, in an sBPF interpreter service on the PVM, and as
// transpiled PVM blobs, and compares what each produces and costs.
//
// Exit codes: 0 success (or all runners agreed), 1 a disagreement or a failed
// expectation, 2 bad usage or unreadable input.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

// Exit codes shared by every subcommand.
const (
	exitOK       = 0
	exitMismatch = 1
	exitUsage    = 2
)

// usageError marks an error caused by the caller (bad flags, unreadable input): exit 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef builds a usageError.
func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// mismatchError marks a completed run whose results disagree or miss an expectation: exit 1.
type mismatchError struct{ msg string }

func (e mismatchError) Error() string { return e.msg }

var rootCmd = &cobra.Command{
	Use:           "sbpf-pvm",
	Short:         "Differential conformance and benchmarks for sBPF programs on the PVM",
	SilenceUsage:  true,
	SilenceErrors: true,
}

func main() {
	os.Exit(run(os.Args[1:]))
}

// run executes the CLI with args and returns the process exit code.
func run(args []string) int {
	rootCmd.SetArgs(args)
	err := rootCmd.Execute()
	if err == nil {
		return exitOK
	}
	var mm mismatchError
	if errors.As(err, &mm) {
		fmt.Fprintln(os.Stderr, "sbpf-pvm:", err)
		return exitMismatch
	}
	// Everything else that reaches here is the caller's: a bad flag, a missing file,
	// input that does not parse. Cobra's own flag errors land here too.
	fmt.Fprintln(os.Stderr, "sbpf-pvm:", err)
	return exitUsage
}
