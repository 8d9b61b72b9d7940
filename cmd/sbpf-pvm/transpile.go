package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/sbpf-pvm/sbpf-pvm/harness"
	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
	"github.com/sbpf-pvm/sbpf-pvm/runners/transpiled"
)

var trOpts struct {
	out     string
	ll      string
	opt     int
	profile string
}

var transpileCmd = &cobra.Command{
	Use:   "transpile IN.so -o OUT.pvm [--emit-llvm OUT.ll] [-O0|-O1|-O2|-O3] [--profile gp080]",
	Short: "Translate an sBPF program to LLVM IR and compile it into a PVM service blob",
	Args:  cobra.ExactArgs(1),
	RunE: func(cmd *cobra.Command, args []string) error {
		if trOpts.out == "" && trOpts.ll == "" {
			return usagef("transpile: give -o OUT.pvm and/or --emit-llvm OUT.ll")
		}
		if trOpts.opt < 0 || trOpts.opt > 3 {
			return usagef("transpile: -O%d: want -O0..-O3", trOpts.opt)
		}
		p, err := pvm.ParseProfile(trOpts.profile)
		if err != nil {
			return usagef("transpile: %v", err)
		}
		elfBytes, err := os.ReadFile(args[0])
		if err != nil {
			return usagef("transpile: %v", err)
		}
		if len(elfBytes) > runners.MaxProgramBytes {
			return usagef("transpile: %s is larger than %d bytes", args[0], runners.MaxProgramBytes)
		}
		// A program the native loader rejects is bad input here (the runner, by contrast,
		// compiles it into a blob that fails to load, to report native's error kind).
		if _, err := transpiled.Executable(elfBytes); err != nil {
			return usagef("transpile: %s: %v", args[0], err)
		}
		if trOpts.ll != "" {
			mod, err := transpiled.ModuleFor(elfBytes)
			if err != nil {
				return usagef("transpile: %v", err)
			}
			if err := os.WriteFile(trOpts.ll, mod.IR, 0o644); err != nil {
				return err
			}
		}
		if trOpts.out == "" {
			return nil
		}
		b, err := transpiled.Build(elfBytes, transpiled.Options{Profile: p, Opt: transpiled.OptLevel(trOpts.opt), NoCache: true})
		if err != nil {
			return err
		}
		if err := os.WriteFile(trOpts.out, b.Bytes, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "%s: %d bytes ELF -> %d bytes blob (%s, -O%d); translate %v, llvm %v, link %v\n",
			trOpts.out, len(elfBytes), len(b.Bytes), p, trOpts.opt, b.Times.Translate, b.Times.LLVM, b.Times.Link)
		return nil
	},
}

func init() {
	fl := transpileCmd.Flags()
	fl.StringVarP(&trOpts.out, "output", "o", "", "the PVM blob (JAM standard program) to write")
	fl.StringVar(&trOpts.ll, "emit-llvm", "", "also write the LLVM IR module")
	fl.IntVarP(&trOpts.opt, "opt", "O", int(transpiled.DefaultOpt), "optimisation level of the translated program (0..3)")
	fl.StringVar(&trOpts.profile, "profile", harness.DefaultProfile, "PVM gas profile: gp072 or gp080")
	rootCmd.AddCommand(transpileCmd)
}
