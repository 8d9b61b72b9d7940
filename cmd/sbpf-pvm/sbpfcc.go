package main

// `sbpf-pvm sbpf cc`: the C toolchain for sBPF v0 programs. clang-19 compiles each C
// file for -target bpfel; package sbpf/link links the objects into a shared object
// Agave's loader accepts.
//
// Why -mcpu=v2 (link.ClangFlags): it is the newest upstream BPF CPU whose instructions
// all exist in sBPF v0 with the semantics LLVM assumes. v2 adds the "less than" jumps,
// which sBPF has; v3 adds the JMP32 class and 32-bit subregisters (alu32, whose
// add/sub/mul sBPF v0 sign-extends), v4 sign-extending loads/moves, signed division
// and bswap (the linker rejects them if they appear anyway). The BPF backend's stack
// limit is raised to Agave's 4 KiB frame, so clang itself reports an oversized frame.

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/link"
	"github.com/spf13/cobra"
)

var sbpfccCmd = &cobra.Command{
	Use:   "sbpf",
	Short: "sBPF program toolchain (C compiler driver and linker)",
}

var sbpfccOpts struct {
	out     string
	opt     string
	include []string
	defines []string
	clang   string
	entry   string
	version string
}

var sbpfccCCCmd = &cobra.Command{
	Use:   "cc PROG.c|PROG.o... -o PROG.so",
	Short: "Compile C files with clang-19 -target bpfel and link them into an sBPF v0 shared object",
	Long: `Compiles each .c input with clang-19 -target bpfel -mcpu=v2 (the BPF ISA subset sBPF v0
has), links them and any .o inputs with sbpf-pvm's own linker into an sBPF v0 .so
(dynamic section, R_BPF_64_RELATIVE / R_BPF_64_32 relocations, hashed syscalls).
The entrypoint symbol is "entrypoint". Stack frames are limited to 4 KiB; writable
globals, unknown symbols and instructions v0 lacks are errors.`,
	Args: cobra.MinimumNArgs(1),
	RunE: sbpfccRun,
}

func init() {
	f := sbpfccCCCmd.Flags()
	f.StringVarP(&sbpfccOpts.out, "output", "o", "", "output shared object (required)")
	f.StringVarP(&sbpfccOpts.opt, "opt", "O", "2", "optimization level passed to clang as -O<level>")
	f.StringArrayVarP(&sbpfccOpts.include, "include", "I", nil, "add a header search directory (repeatable)")
	f.StringArrayVarP(&sbpfccOpts.defines, "define", "D", nil, "define a preprocessor macro (repeatable)")
	f.StringVar(&sbpfccOpts.clang, "clang", "", "clang binary (default: $CLANG or clang-19)")
	f.StringVar(&sbpfccOpts.entry, "entry", "entrypoint", "entrypoint symbol")
	f.StringVar(&sbpfccOpts.version, "sbpf-version", "v0", "SBPF version to emit: v0 (what Agave deploys) or v3 (strict ELF, static syscalls)")
	sbpfccCmd.AddCommand(sbpfccCCCmd)
	rootCmd.AddCommand(sbpfccCmd)
}

var sbpfccStackRe = regexp.MustCompile(`(?m)^(.*?):(\d+):\d+: error: Looks like the BPF stack limit is exceeded`)

func sbpfccRun(cmd *cobra.Command, args []string) error {
	o := sbpfccOpts
	if o.out == "" {
		return usagef("sbpf cc: -o OUTPUT is required")
	}
	version, err := sbpf.ParseVersion(o.version)
	if err != nil || (version != sbpf.V0 && version != sbpf.V3) {
		return usagef("sbpf cc: --sbpf-version %q: want v0 or v3", o.version)
	}
	clang := o.clang
	if clang == "" {
		clang = os.Getenv("CLANG")
	}
	if clang == "" {
		clang = "clang-19"
	}
	var objs []link.Object
	for _, in := range args {
		switch filepath.Ext(in) {
		case ".c":
			var cargs []string
			for _, d := range o.include {
				cargs = append(cargs, "-I", d)
			}
			for _, d := range o.defines {
				cargs = append(cargs, "-D", d)
			}
			data, err := link.CompileC(cmd.Context(), clang, "", in, o.opt, cargs...)
			if err != nil {
				var ee *exec.Error
				if errors.As(err, &ee) {
					return fmt.Errorf("sbpf cc: %s not found (run `make deps`): %w", clang, err)
				}
				var ce *link.CompileError
				if !errors.As(err, &ce) {
					return err
				}
				if m := sbpfccStackRe.FindStringSubmatch(ce.Stderr); m != nil {
					return usagef("sbpf cc: %s:%s: stack frame exceeds the 4 KiB sBPF limit (StackFrameTooLarge)\n%s", m[1], m[2], ce.Stderr)
				}
				return usagef("sbpf cc: compiling %s failed:\n%s", in, ce.Stderr)
			}
			objs = append(objs, link.Object{Name: in, Data: data})
		case ".o":
			data, err := os.ReadFile(in)
			if err != nil {
				return usagef("sbpf cc: %v", err)
			}
			objs = append(objs, link.Object{Name: in, Data: data})
		default:
			return usagef("sbpf cc: %s: want a .c or .o file", in)
		}
	}
	so, err := link.Link(objs, link.Options{Entry: o.entry, Version: version})
	if err != nil {
		return usagef("sbpf cc: %v", err)
	}
	if err := os.WriteFile(o.out, so, 0o644); err != nil {
		return err
	}
	return nil
}
