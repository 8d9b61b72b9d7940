package main

// `sbpf-pvm exec`: run a bare program (ELF or assembly) on the Go sBPF VM with the given
// bytes as its input region, the way anza-xyz/sbpf's execution tests do: r1 points at
// the input, the stack and heap are the standard regions, the instruction meter starts at
// the budget, and the result is r0 or the EbpfError variant, the instruction count
// (anza's initial - remaining) and the compute units consumed.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/sbpf-pvm/sbpf-pvm/runners"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/asm"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/elf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/syscalls"
	"github.com/sbpf-pvm/sbpf-pvm/solana"
	"github.com/spf13/cobra"
)

var execcliOpts struct {
	input     string
	inputFile string
	budget    uint64
	version   string
	heap      int
	json      bool
}

var execcliCmd = &cobra.Command{
	Use:   "exec PROGRAM.so|PROGRAM.s [--input HEX|--input-file F] [--budget N] [--sbpf-version vN] [--json]",
	Short: "Run a bare sBPF program and print r0 or the error, instruction count and CU",
	Long: `Runs PROGRAM (an sBPF ELF, or assembly when the name ends in .s or .asm) with the given
bytes as its input region (r1 = 0x400000000), a zeroed stack and a heap of --heap bytes,
and an instruction meter of --budget units.

Assembly is assembled for --sbpf-version (default v0) exactly like anza's assembler and
run from its text; for an ELF the version comes from e_flags (with --sbpf-version, any
other version is UnsupportedSBPFVersion).

With --json it prints one object:
  {"result": <r0 as unsigned decimal or null>, "error": <null or the EbpfError variant>,
   "error_detail": <string or null>, "instruction_count": N, "compute_units": N}
instruction_count is what anza's execute_program returns (budget minus remaining meter,
so syscall costs are included, as in anza's execution tests); compute_units is the CU the
invoke context consumed (the same meter). Syscalls are Agave's (package sbpf/syscalls);
their logs go to stderr without --json.
A program that fails (including an ELF the loader or the verifier rejects: ElfError,
VerifierError) still exits 0; unreadable files, unparsable assembly and bad flags exit 2.`,
	Args: cobra.ExactArgs(1),
	RunE: execcliRun,
}

func init() {
	f := execcliCmd.Flags()
	f.StringVar(&execcliOpts.input, "input", "", "input region bytes as hex (optional 0x prefix)")
	f.StringVar(&execcliOpts.inputFile, "input-file", "", "file whose bytes are the input region")
	f.Uint64Var(&execcliOpts.budget, "budget", 200_000, "instruction meter budget (compute units)")
	f.StringVar(&execcliOpts.version, "sbpf-version", "", "SBPF version (assembly: default v0; ELF: required version)")
	f.IntVar(&execcliOpts.heap, "heap", 32*1024, "heap region size in bytes")
	f.BoolVar(&execcliOpts.json, "json", false, "print one JSON object")
	rootCmd.AddCommand(execcliCmd)
}

// execcliMaxHeap bounds --heap (the heap is allocated up front): 256 MiB, a thousand
// times Agave's largest heap frame.
const execcliMaxHeap = 256 << 20

// execcliResult is the --json object.
type execcliResult struct {
	Result           *uint64 `json:"result"`
	Error            *string `json:"error"`
	ErrorDetail      *string `json:"error_detail"`
	InstructionCount uint64  `json:"instruction_count"`
	ComputeUnits     uint64  `json:"compute_units"`
}

func execcliInput() ([]byte, error) {
	if execcliOpts.input != "" && execcliOpts.inputFile != "" {
		return nil, usagef("--input and --input-file are exclusive")
	}
	if execcliOpts.inputFile != "" {
		b, err := os.ReadFile(execcliOpts.inputFile)
		if err != nil {
			return nil, usagef("%v", err)
		}
		return b, nil
	}
	b, err := runners.ParseHex(execcliOpts.input)
	if err != nil {
		return nil, usagef("--input: %v", err)
	}
	return b, nil
}

func execcliRun(cmd *cobra.Command, args []string) error {
	input, err := execcliInput()
	if err != nil {
		return err
	}
	if execcliOpts.heap < 0 || execcliOpts.heap > execcliMaxHeap {
		return usagef("--heap must be between 0 and %d bytes", execcliMaxHeap)
	}
	var version sbpf.Version
	versionSet := execcliOpts.version != ""
	if versionSet {
		if version, err = sbpf.ParseVersion(execcliOpts.version); err != nil || version >= sbpf.Reserved {
			return usagef("--sbpf-version %q: want v0..v4", execcliOpts.version)
		}
	}
	data, err := os.ReadFile(args[0])
	if err != nil {
		return usagef("%v", err)
	}
	cfg := sbpf.DefaultConfig()
	isAsm := strings.EqualFold(filepath.Ext(args[0]), ".s") || strings.EqualFold(filepath.Ext(args[0]), ".asm")
	if versionSet && !isAsm {
		cfg.EnabledVersions = [2]sbpf.Version{version, version}
	}
	loader := sbpf.NewLoader(cfg)
	if err := syscalls.Register(loader); err != nil {
		return fmt.Errorf("registering syscalls: %w", err)
	}
	// The invoke context is the compute meter and what the syscalls see.
	ic := syscalls.NewInvokeContext(solana.PublicKey{}, execcliOpts.budget)
	ic.HeapSize = uint64(execcliOpts.heap)

	var exe *sbpf.Executable
	var loadErr error
	if isAsm {
		if exe, err = asm.Assemble(string(data), version, loader); err != nil {
			return usagef("%s: %v", args[0], err)
		}
	} else {
		if !bytes.HasPrefix(data, []byte("\x7fELF")) {
			return usagef("%s: neither an ELF file nor assembly (.s)", args[0])
		}
		exe, loadErr = elf.Load(data, loader)
	}

	res := execcliResult{}
	if loadErr != nil {
		execcliSetError(&res, "ElfError", execcliDetail(loadErr))
	} else if verr := exe.Verify(); verr != nil {
		execcliSetError(&res, "VerifierError", execcliDetail(verr))
	} else {
		mem, merr := sbpf.NewStandardMapping(exe, nil, make([]byte, execcliOpts.heap), input, nil)
		if merr != nil {
			return fmt.Errorf("memory mapping: %w", merr)
		}
		vm := sbpf.NewVM(exe, ic, mem, ic)
		count, r0, rerr := vm.Execute()
		res.InstructionCount = count
		if rerr != nil {
			var eb *sbpf.EbpfError
			if errors.As(rerr, &eb) {
				execcliSetError(&res, eb.Kind.String(), execcliDetail(rerr))
			} else {
				execcliSetError(&res, "SyscallError", rerr.Error())
			}
		} else {
			res.Result = &r0
		}
	}
	res.ComputeUnits = execcliOpts.budget - ic.Remaining()
	out := cmd.OutOrStdout()
	if !execcliOpts.json {
		for _, l := range ic.Logs {
			fmt.Fprintln(cmd.ErrOrStderr(), l)
		}
	}
	if execcliOpts.json {
		b, err := json.Marshal(res)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(out, string(b))
		return err
	}
	if res.Error != nil {
		fmt.Fprintf(out, "error: %s", *res.Error)
		if res.ErrorDetail != nil {
			fmt.Fprintf(out, " (%s)", *res.ErrorDetail)
		}
		fmt.Fprintln(out)
	} else {
		fmt.Fprintf(out, "r0: %d (%#x)\n", *res.Result, *res.Result)
	}
	fmt.Fprintf(out, "instruction count: %d\ncompute units: %d\n", res.InstructionCount, res.ComputeUnits)
	return nil
}

func execcliSetError(r *execcliResult, kind, detail string) {
	r.Error = &kind
	if detail != "" {
		r.ErrorDetail = &detail
	}
}

// execcliDetail is the error's message, prefixed with the inner variant name when the
// error carries one (ElfError, VerifierError and SyscallError wrap another error).
func execcliDetail(err error) string {
	type named interface{ Kind() string }
	type named2 interface{ Name() string }
	var inner error = err
	var eb *sbpf.EbpfError
	if errors.As(err, &eb) && eb.Err != nil {
		inner = eb.Err
	}
	msg := err.Error()
	if n, ok := inner.(named); ok {
		return n.Kind() + ": " + msg
	}
	if n, ok := inner.(named2); ok && inner != err {
		return n.Name() + ": " + msg
	}
	if ve, ok := inner.(*sbpf.VerifierError); ok {
		return ve.Kind + ": " + msg
	}
	return msg
}
