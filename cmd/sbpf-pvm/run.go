package main

// `sbpf-pvm run --runner NAME CASE.yaml [--json]`: run one corpus case on one runner and
// print its Result. Exit 0 when the run completed (whatever the program did) and the
// case's `expect` block, if any, is met; 1 when the expectation is not met; 2 for a case
// or program that cannot be read, or an unknown runner.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sbpf-pvm/sbpf-pvm/harness"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
	"github.com/sbpf-pvm/sbpf-pvm/runners/native"
)

// runRunners are the runners `run` knows by name. Runners registered with the harness
// (harness.Register) are found too; this map only needs the ones that are not.
var runRunners = map[string]func() (runners.Runner, error){
	native.Name: func() (runners.Runner, error) { return native.New(), nil },
}

var runOpts struct {
	runner string
	json   bool
}

var runCmd = &cobra.Command{
	Use:   "run --runner NAME CASE.yaml [--json]",
	Short: "Run one case on one runner and print the Result",
	Long: `Runs the corpus case CASE.yaml (program ELF, accounts, instruction data, compute budget)
on the named runner and prints the Result: status, error kind, exit code, compute units,
logs (with Agave's "Program <id> invoke [1]" / "consumed" / "success|failed" lines),
return data and the state diff {account: old -> new}.

With --json it prints the Result object of DESIGN.md. Exit codes: 0 the run completed and
the case's expect block (if any) is met, 1 the expectation is not met, 2 the case or the
program cannot be read or the runner is unknown.`,
	Args: cobra.ExactArgs(1),
	RunE: runcliRun,
}

func init() {
	f := runCmd.Flags()
	f.StringVar(&runOpts.runner, "runner", native.Name, "runner name ("+strings.Join(runcliNames(), ", ")+")")
	f.BoolVar(&runOpts.json, "json", false, "print the Result as JSON")
	rootCmd.AddCommand(runCmd)
}

// runcliNames lists every runner name `run` accepts.
func runcliNames() []string {
	seen := map[string]bool{}
	var names []string
	for n := range runRunners {
		seen[n] = true
		names = append(names, n)
	}
	for _, n := range harness.Registered() {
		if !seen[n] {
			names = append(names, n)
		}
	}
	harness.SortRunnerNames(names)
	return names
}

// runcliRunner builds the named runner.
func runcliRunner(name string) (runners.Runner, error) {
	if f, ok := runRunners[name]; ok {
		return f()
	}
	slots, err := harness.Build([]string{name}, harness.Options{Profile: harness.DefaultProfile})
	if err != nil {
		return nil, err
	}
	if len(slots) != 1 || slots[0].Runner == nil {
		reason := "not available"
		if len(slots) == 1 {
			reason = slots[0].Unavailable
		}
		return nil, fmt.Errorf("runner %s: %s", name, reason)
	}
	return slots[0].Runner, nil
}

func runcliRun(cmd *cobra.Command, args []string) error {
	c, err := runners.LoadCase(args[0])
	if err != nil {
		return usagef("%v", err)
	}
	r, err := runcliRunner(runOpts.runner)
	if err != nil {
		var unknown *harness.UnknownRunnerError
		if errors.As(err, &unknown) {
			return usagef("unknown runner %q (known: %s)", runOpts.runner, strings.Join(runcliNames(), ", "))
		}
		return usagef("%v", err)
	}
	if a, ok := r.(runners.Availability); ok {
		if err := a.Available(); err != nil {
			return usagef("runner %s cannot run here: %v", r.Name(), err)
		}
	}
	res, err := r.Run(context.Background(), c)
	if err != nil {
		return usagef("%v", err)
	}
	out := cmd.OutOrStdout()
	if runOpts.json {
		b, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintln(out, string(b))
	} else {
		runcliPrint(out, res)
	}
	if problems := runcliCheckExpect(c.Expect, res); len(problems) > 0 {
		return mismatchError{msg: fmt.Sprintf("case %s: expectation not met: %s", c.Name, strings.Join(problems, "; "))}
	}
	return nil
}

// runcliCheckExpect lists every way res misses e (nil when e is nil or met).
func runcliCheckExpect(e *runners.Expect, res *runners.Result) []string {
	if e == nil {
		return nil
	}
	var p []string
	if res.Status != e.Status {
		p = append(p, fmt.Sprintf("status %s, expected %s", res.Status, e.Status))
	}
	got := ""
	if res.Error != nil {
		got = *res.Error
	}
	if e.Error != "" && got != e.Error {
		p = append(p, fmt.Sprintf("error %q, expected %q", got, e.Error))
	}
	if e.ComputeUnits != nil && res.ComputeUnits != *e.ComputeUnits {
		p = append(p, fmt.Sprintf("compute units %d, expected %d", res.ComputeUnits, *e.ComputeUnits))
	}
	if e.ExitCode != nil && res.ExitCode != *e.ExitCode {
		p = append(p, fmt.Sprintf("exit code %d, expected %d", res.ExitCode, *e.ExitCode))
	}
	if e.ReturnData != nil {
		var data []byte
		if res.ReturnData != nil {
			data = res.ReturnData.Data
		}
		if !bytes.Equal(data, *e.ReturnData) {
			p = append(p, fmt.Sprintf("return data %s, expected %s", runners.Hex(data), *e.ReturnData))
		}
	}
	if e.Logs != nil && !runcliEqualStrings(res.Logs, e.Logs) {
		p = append(p, fmt.Sprintf("logs differ: got %q, expected %q", res.Logs, e.Logs))
	}
	return p
}

func runcliEqualStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// runcliPrint writes a readable summary of res.
func runcliPrint(w io.Writer, res *runners.Result) {
	errKind := "-"
	if res.Error != nil {
		errKind = *res.Error
	}
	fmt.Fprintf(w, "case:          %s\n", res.Case)
	fmt.Fprintf(w, "runner:        %s\n", res.Runner)
	fmt.Fprintf(w, "status:        %s\n", res.Status)
	fmt.Fprintf(w, "error:         %s\n", errKind)
	if res.ErrorDetail != "" {
		fmt.Fprintf(w, "error detail:  %s\n", res.ErrorDetail)
	}
	fmt.Fprintf(w, "exit code:     %d\n", res.ExitCode)
	fmt.Fprintf(w, "compute units: %d", res.ComputeUnits)
	if res.InstructionCount != 0 {
		fmt.Fprintf(w, " (%d instructions)", res.InstructionCount)
	}
	fmt.Fprintln(w)
	if res.Gas != nil {
		fmt.Fprintf(w, "gas:           %d (%s)\n", res.Gas.Total, res.Gas.Profile)
	}
	fmt.Fprintf(w, "wall time:     %s\n", time.Duration(res.WallNS))
	if res.ReturnData != nil {
		fmt.Fprintf(w, "return data:   %s %s\n", res.ReturnData.ProgramID, res.ReturnData.Data)
	}
	fmt.Fprintf(w, "logs:\n")
	for _, l := range res.Logs {
		fmt.Fprintf(w, "  %s\n", l)
	}
	if len(res.Diff) == 0 {
		fmt.Fprintf(w, "diff:          (no changes)\n")
		return
	}
	fmt.Fprintf(w, "diff:\n")
	keys := make([]string, 0, len(res.Diff))
	for k := range res.Diff {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		d := res.Diff[k]
		fmt.Fprintf(w, "  %s\n", k)
		if d.Lamports != nil {
			fmt.Fprintf(w, "    lamports:   %d -> %d\n", d.Lamports[0], d.Lamports[1])
		}
		if d.Data != nil {
			fmt.Fprintf(w, "    data:       %s -> %s\n", d.Data.Old, d.Data.New)
		}
		if d.Owner != nil {
			fmt.Fprintf(w, "    owner:      %s -> %s\n", d.Owner[0], d.Owner[1])
		}
		if d.Executable != nil {
			fmt.Fprintf(w, "    executable: %t -> %t\n", d.Executable[0], d.Executable[1])
		}
		if d.RentEpoch != nil {
			fmt.Fprintf(w, "    rent epoch: %d -> %d\n", d.RentEpoch[0], d.RentEpoch[1])
		}
	}
}
