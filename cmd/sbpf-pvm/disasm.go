package main

// `sbpf-pvm disasm`: an sBPF ELF back to the text syntax `asm` accepts.

import (
	"fmt"
	"os"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/asm"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/elf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/syscalls"
	"github.com/spf13/cobra"
)

var disasmcliCmd = &cobra.Command{
	Use:   "disasm IN.so",
	Short: "Disassemble an sBPF ELF into assembly that `asm` accepts",
	Args:  cobra.ExactArgs(1),
	RunE:  disasmcliRun,
}

func init() { rootCmd.AddCommand(disasmcliCmd) }

func disasmcliRun(cmd *cobra.Command, args []string) error {
	data, err := os.ReadFile(args[0])
	if err != nil {
		return usagef("%v", err)
	}
	cfg := sbpf.DefaultConfig()
	cfg.EnableSymbolAndSectionLabels = true
	loader := sbpf.NewLoader(cfg)
	// The syscalls give the disassembler their names.
	if err := syscalls.Register(loader); err != nil {
		return fmt.Errorf("registering syscalls: %w", err)
	}
	exe, err := elf.Load(data, loader)
	if err != nil {
		return usagef("%s: %v", args[0], err)
	}
	_, err = fmt.Fprint(cmd.OutOrStdout(), asm.Disassemble(exe))
	return err
}
