package main

// `sbpf-pvm asm`: the text syntax of anza-xyz/sbpf's assembler.

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/asm"
	"github.com/spf13/cobra"
)

var asmcliOpts struct {
	out     string
	version string
}

var asmcliCmd = &cobra.Command{
	Use:   "asm IN.s -o OUT.so [--sbpf-version vN]",
	Short: "Assemble sBPF assembly into an ELF (legacy shared object for v0-v2, strict for v3+)",
	Long: `Assembles the text syntax of anza-xyz/sbpf's assembler (labels, function_N and
entrypoint labels, lddw, call, callx, syscall NAME, version-dependent mnemonics) and
writes an ELF that sbpf-pvm's loader and Agave's accept. The default version is v0.
Without -o the output is IN with the extension .so.`,
	Args: cobra.ExactArgs(1),
	RunE: asmcliRun,
}

func init() {
	f := asmcliCmd.Flags()
	f.StringVarP(&asmcliOpts.out, "output", "o", "", "output ELF (default: IN with .so)")
	f.StringVar(&asmcliOpts.version, "sbpf-version", "v0", "SBPF version: v0..v4")
	rootCmd.AddCommand(asmcliCmd)
}

func asmcliRun(cmd *cobra.Command, args []string) error {
	v, err := sbpf.ParseVersion(asmcliOpts.version)
	if err != nil || v >= sbpf.Reserved {
		return usagef("--sbpf-version %q: want v0..v4", asmcliOpts.version)
	}
	src, err := os.ReadFile(args[0])
	if err != nil {
		return usagef("%v", err)
	}
	so, err := asm.AssembleELF(string(src), v)
	if err != nil {
		return usagef("%s: %v", args[0], err)
	}
	out := asmcliOpts.out
	if out == "" {
		out = strings.TrimSuffix(args[0], filepath.Ext(args[0])) + ".so"
	}
	if err := os.WriteFile(out, so, 0o644); err != nil {
		return usagef("%v", err)
	}
	return nil
}
