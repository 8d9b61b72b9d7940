package main

// `sbpf-pvm disasm`: an sBPF ELF back to the text syntax `asm` accepts.

import (
	"fmt"
	"os"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/asm"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/elf"
	"github.com/spf13/cobra"
)

var disasmcliCmd = &cobra.Command{
	Use:   "disasm IN.so",
	Short: "Disassemble an sBPF ELF into assembly that `asm` accepts",
	Args:  cobra.ExactArgs(1),
	RunE:  disasmcliRun,
}

func init() { rootCmd.AddCommand(disasmcliCmd) }

// disasmcliSyscallNames are the Agave syscalls whose names the disassembler shows.
var disasmcliSyscallNames = []string{
	"abort", "sol_panic_", "sol_log_", "sol_log_64_", "sol_log_pubkey", "sol_log_compute_units_",
	"sol_log_data", "sol_memcpy_", "sol_memmove_", "sol_memset_", "sol_memcmp_", "sol_sha256",
	"sol_keccak256", "sol_blake3", "sol_secp256k1_recover", "sol_set_return_data",
	"sol_get_return_data", "sol_alloc_free_", "sol_create_program_address",
	"sol_try_find_program_address", "sol_get_clock_sysvar", "sol_get_rent_sysvar",
	"sol_get_epoch_schedule_sysvar", "sol_get_fees_sysvar", "sol_get_epoch_rewards_sysvar",
	"sol_get_last_restart_slot", "sol_get_sysvar", "sol_get_epoch_stake", "sol_get_stack_height",
	"sol_remaining_compute_units", "sol_get_processed_sibling_instruction",
	"sol_invoke_signed_c", "sol_invoke_signed_rust", "sol_curve_validate_point",
	"sol_curve_group_op", "sol_curve_multiscalar_mul", "sol_alt_bn128_group_op",
	"sol_alt_bn128_compression", "sol_big_mod_exp", "sol_poseidon",
}

func disasmcliRun(cmd *cobra.Command, args []string) error {
	data, err := os.ReadFile(args[0])
	if err != nil {
		return usagef("%v", err)
	}
	cfg := sbpf.DefaultConfig()
	cfg.EnableSymbolAndSectionLabels = true
	loader := sbpf.NewLoader(cfg)
	for _, n := range disasmcliSyscallNames {
		// Names only: nothing is executed.
		_ = loader.RegisterSyscall(n, nil)
	}
	exe, err := elf.Load(data, loader)
	if err != nil {
		return usagef("%s: %v", args[0], err)
	}
	_, err = fmt.Fprint(cmd.OutOrStdout(), asm.Disassemble(exe))
	return err
}
