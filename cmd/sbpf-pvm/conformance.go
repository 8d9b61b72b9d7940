package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/sbpf-pvm/sbpf-pvm/harness"
	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
	interpsvc "github.com/sbpf-pvm/sbpf-pvm/runners/interp-svc"
	"github.com/sbpf-pvm/sbpf-pvm/runners/native"
	"github.com/sbpf-pvm/sbpf-pvm/runners/transpiled"
)

// cfRegistered wires the runners that exist into the harness registry. It is a
// variable initializer, not an init function, so that it runs before the flag help
// texts (which list the registered runners) are built. Registration order is the
// order of the report's columns; the first is the reference.
var cfRegistered = func() bool {
	harness.Register(native.Name, func(harness.Options) (runners.Runner, error) { return native.New(), nil })
	harness.RegisterProfiled(interpsvc.Name, func(o harness.Options) (runners.Runner, error) {
		p, err := pvm.ParseProfile(o.Profile)
		if err != nil {
			return nil, err
		}
		return interpsvc.New(p), nil
	})
	harness.RegisterProfiled(transpiled.Name, func(o harness.Options) (runners.Runner, error) {
		p, err := pvm.ParseProfile(o.Profile)
		if err != nil {
			return nil, err
		}
		return transpiled.New(p), nil
	})
	return true
}()

// cfValidator is the node layer the harness passes every successful diff through.
var cfValidator harness.DiffValidator = harness.NodeValidator{}

// cfFlags are the flags conformance and bench share.
type cfFlags struct {
	corpus  string
	runners []string
	filter  []string
	repeat  int
	warmup  int
	shard   string
	out     string
	junit   string
	profile string
	jobs    int
	timeout time.Duration
}

func (f *cfFlags) register(cmd *cobra.Command, repeat, warmup, jobs int, profile string) {
	fl := cmd.Flags()
	fl.StringVar(&f.corpus, "corpus", "corpus/cases", "directory of case files (*.yaml, searched recursively)")
	fl.StringSliceVar(&f.runners, "runners", nil, "runners to run, comma-separated (default: every registered runner: native, interp-svc, transpiled)")
	fl.StringArrayVar(&f.filter, "filter", nil, "run only cases whose name matches this glob (repeatable; \"*\" stops at \"/\", \"dir/**\" matches below dir)")
	fl.IntVar(&f.repeat, "repeat", repeat, "timed runs per case and runner; the reported wall time is their median")
	fl.IntVar(&f.warmup, "warmup", warmup, "untimed runs before the timed ones")
	fl.StringVar(&f.shard, "shard", "", "run only shard I of N (I/N, 1-based; shards are disjoint and cover the corpus)")
	fl.StringVar(&f.junit, "junit", "", "also write JUnit XML to this file (junit.xml is always written into --out)")
	fl.StringVar(&f.profile, "profile", profile, "PVM gas profiles, comma-separated ("+strings.Join(harness.Profiles, ", ")+", or "+harness.ProfileAll+
		"); the PVM runners run once per profile, the ones under profiles other than "+harness.DefaultProfile+" as RUNNER@PROFILE")
	fl.IntVar(&f.jobs, "jobs", jobs, "runs in flight (0 = GOMAXPROCS)")
	fl.DurationVar(&f.timeout, "timeout", 5*time.Minute, "limit for one run of one case (0 = none)")
}

var cfConformanceFlags cfFlags

var conformanceCmd = &cobra.Command{
	Use:   "conformance",
	Short: "Run the corpus on every runner, compare the results field by field, write the report",
	Long: `conformance loads the corpus, runs every case on every selected runner, passes each state
diff through the node layer, compares the results field by field (status, error kind, exit
code, compute units, logs, return data, diff) and checks each case's expect: block. It prints a
table and every mismatch (first differing field, first differing byte, a hex window, the command
that reproduces the case), and writes summary.json, report.md, report.html, junit.xml and plots/
into --out (default reports/runs/<timestamp>/, linked from reports/latest).

The PVM runners (interp-svc, transpiled) run once per gas profile of --profile (default
gp080 and gp072); gp080 keeps the plain runner names and answers the verdict, the others run as
RUNNER@PROFILE (interp-svc@gp072). Every profile's results must agree with the reference; gas is
reported per profile and never compared.

A runner that cannot run on this machine is listed with its reason.
Exit status: 0 all agreed, 1 a disagreement, failed expectation or harness error, 2 bad usage
or unreadable input.`,
	Args: cobra.NoArgs,
	RunE: func(cmd *cobra.Command, _ []string) error {
		return cfExecute(cmd, &cfConformanceFlags, "conformance", nil)
	},
}

func init() {
	cfConformanceFlags.register(conformanceCmd, 1, 0, 0, harness.DefaultProfiles)
	conformanceCmd.Flags().StringVar(&cfConformanceFlags.out, "out", "", "report directory (default reports/runs/<UTC timestamp>, and reports/latest points at it)")
	rootCmd.AddCommand(conformanceCmd)
}

// cfExecute is conformance and bench: run, report, and map the outcome to an exit code.
// extra, when set, receives the summary after the reports are written (bench prints
// benchstat lines).
func cfExecute(cmd *cobra.Command, f *cfFlags, command string, extra func(*harness.Summary) error) error {
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
	if f.repeat < 1 {
		return usagef("--repeat must be at least 1, got %d", f.repeat)
	}
	if f.warmup < 0 || f.jobs < 0 {
		return usagef("--warmup and --jobs must not be negative")
	}
	profiles, err := harness.ParseProfiles(f.profile)
	if err != nil {
		return usagef("--profile: %v", err)
	}
	shard, err := harness.ParseShard(f.shard)
	if err != nil {
		return usagef("--shard: %v", err)
	}
	slots, err := harness.BuildProfiles(f.runners, profiles)
	if err != nil {
		return usagef("--runners: %v", err)
	}
	if len(slots) == 0 {
		return usagef("no runner is registered in this build")
	}
	cases, err := harness.LoadCorpus(f.corpus)
	if err != nil {
		return usagef("%v", err)
	}
	all := len(cases)
	if cases, err = harness.Filter(cases, f.filter); err != nil {
		return usagef("--filter: %v", err)
	}
	cases = shard.Select(cases)
	if len(cases) == 0 {
		return usagef("no case selected (corpus %s has %d cases; filter %q, shard %s)", f.corpus, all, f.filter, shard)
	}
	if err := harness.LoadPrograms(cases); err != nil {
		return usagef("%v", err)
	}
	var avail []string
	for _, s := range slots {
		if s.Runner == nil {
			fmt.Fprintf(stderr, "runner %s unavailable: %s\n", s.Name, s.Unavailable)
		} else {
			avail = append(avail, s.Name)
		}
	}

	out := f.out
	latest := ""
	if out == "" {
		out = filepath.Join("reports", "runs", time.Now().UTC().Format("20060102T150405Z"))
		if command == "bench" {
			out += "-bench"
		}
	}
	// Only conformance runs become reports/latest: a bench run's numbers are measured
	// differently (serial, repeated) and would hide the last conformance report.
	if command == "conformance" && filepath.Base(filepath.Dir(filepath.Clean(out))) == "runs" {
		latest = filepath.Join(filepath.Dir(filepath.Dir(filepath.Clean(out))), "latest")
	}

	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
	defer stop()
	var prog *harness.Progress
	if fd, ok := stderr.(interface{ Fd() uintptr }); ok {
		prog = harness.NewProgress(stderr, term.IsTerminal(int(fd.Fd())))
	} else {
		prog = harness.NewProgress(stderr, false)
	}
	cfg := harness.Config{
		Slots: slots, Repeat: f.repeat, Warmup: f.warmup, Jobs: f.jobs, Timeout: f.timeout,
		Validator: cfValidator, Progress: prog.Update, Command: command,
		Repro:     func(kase string, runners []string) string { return cfRepro(f, kase, runners) },
		RunConfig: harness.RunConfig{Corpus: f.corpus, Filter: f.filter, Shard: shard.String(), Profile: profiles[0], Profiles: profiles},
	}
	if len(avail) > 0 {
		fmt.Fprintf(stderr, "%s: %d cases × %d runner(s) (%s)\n", command, len(cases), len(avail), strings.Join(avail, ", "))
	}
	s, err := harness.Run(ctx, cfg, cases)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return usagef("interrupted")
		}
		return err
	}
	if err := harness.WriteReports(s, out); err != nil {
		return fmt.Errorf("writing reports: %w", err)
	}
	if f.junit != "" {
		if err := cfCopyFile(filepath.Join(out, harness.JUnitFile), f.junit); err != nil {
			return usagef("--junit: %v", err)
		}
	}
	if latest != "" {
		if err := cfLinkLatest(out, latest); err != nil {
			fmt.Fprintf(stderr, "warning: could not update %s: %v\n", latest, err)
		}
	}
	if extra != nil {
		if err := extra(s); err != nil {
			return err
		}
	} else {
		harness.WriteTable(stdout, s)
	}
	harness.WriteFailures(stderr, s)
	fmt.Fprintf(stderr, "\n%s\nreport: %s\n", harness.Headline(s), filepath.Join(out, harness.HTMLFile))
	if len(avail) == 0 {
		return usagef("no selected runner can run here (see the reasons above)")
	}
	if s.Totals.Failed() {
		return mismatchError{fmt.Sprintf("%d of %d cases failed", s.Totals.Disagreed+s.Totals.ExpectFailed+s.Totals.Errors, s.Totals.Cases)}
	}
	return nil
}

// cfRepro is the command that reruns one case on the given runners.
func cfRepro(f *cfFlags, kase string, runners []string) string {
	self := "sbpf-pvm"
	if a := os.Args[0]; strings.Contains(a, "go-build") {
		self = "go run ./cmd/sbpf-pvm"
	} else if strings.ContainsRune(a, '/') {
		self = a
	}
	parts := []string{self, "conformance", "--corpus", harness.ShellQuote(f.corpus),
		"--filter", harness.ShellQuote(harness.EscapeGlob(kase)), "--runners", strings.Join(runners, ","),
		"--profile", harness.ShellQuote(f.profile), "--out", harness.ShellQuote(filepath.Join(os.TempDir(), "sbpf-pvm-repro"))}
	return strings.Join(parts, " ")
}

// cfLinkLatest points latest at out: a relative symlink, or a copy where symlinks fail.
func cfLinkLatest(out, latest string) error {
	rel, err := filepath.Rel(filepath.Dir(latest), out)
	if err != nil {
		return err
	}
	if fi, err := os.Lstat(latest); err == nil {
		if fi.Mode()&os.ModeSymlink != 0 || !fi.IsDir() {
			if err := os.Remove(latest); err != nil {
				return err
			}
		} else if err := os.RemoveAll(latest); err != nil {
			return err
		}
	}
	if err := os.Symlink(rel, latest); err == nil {
		return nil
	}
	return os.CopyFS(latest, os.DirFS(out))
}

func cfCopyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	o, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(o, in); err != nil {
		o.Close()
		return err
	}
	return o.Close()
}
