package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	interpsvc "github.com/sbpf-pvm/sbpf-pvm/runners/interp-svc"
)

var interpsvcOpts struct {
	profile string
	out     string
}

var interpsvcCmd = &cobra.Command{
	Use:   "interp-svc",
	Short: "The sBPF interpreter service blob (build, size against JAM's limit)",
}

var interpsvcBuildCmd = &cobra.Command{
	Use:   "build [--profile gp072|gp080] [-o FILE]",
	Short: "Build (or take from build/interp-svc) the interp-svc JAM service blob and print its size",
	Long: `Builds the interp-svc service (runners/svcrt + runners/interp-svc/guest, compiled with
clang-19 and linked with pvm/link; cached by source hash under build/interp-svc) for the
given gas profile, prints its size next to W_C (the JAM maximum service code size) and,
with -o, writes the JAM standard program to FILE.`,
	Args: cobra.NoArgs,
	RunE: func(cmd *cobra.Command, args []string) error {
		p, err := pvm.ParseProfile(interpsvcOpts.profile)
		if err != nil {
			return usagef("--profile: %v", err)
		}
		b, err := interpsvc.Build(p)
		if err != nil {
			return err
		}
		w := cmd.OutOrStdout()
		fmt.Fprintf(w, "profile:   %s\n", p)
		fmt.Fprintf(w, "blob:      %d bytes (%.2f%% of W_C = %d)\n", len(b.Bytes), 100*float64(len(b.Bytes))/interpsvc.MaxServiceCodeSize, interpsvc.MaxServiceCodeSize)
		fmt.Fprintf(w, "code:      %d bytes, jump table %d entries\n", len(b.Program.Code.Code), len(b.Program.Code.JumpTable))
		fmt.Fprintf(w, "ro/rw:     %d / %d bytes, %d zero pages, stack %d\n", len(b.Program.RO), len(b.Program.RW), b.Program.HeapPages, b.Program.StackSize)
		fmt.Fprintf(w, "cache key: %s\n", b.Key)
		if interpsvcOpts.out != "" {
			if err := os.WriteFile(interpsvcOpts.out, b.Bytes, 0o644); err != nil {
				return usagef("%v", err)
			}
		}
		return nil
	},
}

func init() {
	f := interpsvcBuildCmd.Flags()
	f.StringVar(&interpsvcOpts.profile, "profile", "gp080", "PVM gas profile: gp072 or gp080")
	f.StringVarP(&interpsvcOpts.out, "output", "o", "", "write the blob to this file")
	interpsvcCmd.AddCommand(interpsvcBuildCmd)
	rootCmd.AddCommand(interpsvcCmd)
}
