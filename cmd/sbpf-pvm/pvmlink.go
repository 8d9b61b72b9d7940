package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/pvm/guest"
	"github.com/sbpf-pvm/sbpf-pvm/pvm/link"
)

// Options shared by `pvm link` and `pvm cc`.
var pvmlinkOpts struct {
	out       string
	entries   []string
	profile   string
	stack     uint32
	heapPages uint32
	format    string
	quiet     bool
	cflags    []string
	noLibC    bool
}

var pvmlinkLinkCmd = &cobra.Command{
	Use:   "link IN.o... -o OUT.pvm",
	Short: "Link RISC-V ELF objects (rv64emac, lp64e) into a PVM blob (JAM standard program)",
	Long: `Link RISC-V ELF files compiled with clang-19 --target=riscv64 -march=rv64emac -mabi=lp64e
(relocatable objects, ld.lld -r output, or ld.lld executables/shared objects with --emit-relocs)
into a JAM standard program. Entry points (-e, in order) become a dispatch table of jumps at
pc 0, 5, 10, ...; without -e the functions exported with PVM_EXPORT are used.`,
	Args: cobra.MinimumNArgs(1),
	RunE: func(cmd *cobra.Command, args []string) error {
		var ins []link.Input
		for _, a := range args {
			b, err := os.ReadFile(a)
			if err != nil {
				return usagef("%v", err)
			}
			ins = append(ins, link.Input{Name: a, Data: b})
		}
		return pvmlinkWrite(cmd.ErrOrStderr(), ins)
	},
}

var pvmlinkCCCmd = &cobra.Command{
	Use:   "cc FILES.c... -o OUT.pvm",
	Short: "Compile C (or RISC-V assembly) with clang-19 and link it into a PVM blob in one step",
	Long: `Compile each file with the guest flags (` + strings.Join(guest.CFlags, " ") + `),
with pvm.h on the include path and the freestanding libc subset (memcpy, memmove, memset,
memcmp) added, then link as 'pvm link' does. Needs clang-19 (make deps).`,
	Args: cobra.MinimumNArgs(1),
	RunE: func(cmd *cobra.Command, args []string) error {
		for _, a := range args {
			if _, err := os.Stat(a); err != nil {
				return usagef("%v", err)
			}
		}
		ins, err := guest.Compile(args, guest.Options{Flags: pvmlinkOpts.cflags, NoLibC: pvmlinkOpts.noLibC})
		if err != nil {
			return usagef("%v", err)
		}
		return pvmlinkWrite(cmd.ErrOrStderr(), ins)
	},
}

func pvmlinkWrite(w io.Writer, ins []link.Input) error {
	o := &pvmlinkOpts
	if o.out == "" {
		return usagef("missing -o OUT.pvm")
	}
	prof, err := pvm.ParseProfile(o.profile)
	if err != nil {
		return usagef("%v", err)
	}
	res, err := link.Link(ins, link.Options{Profile: prof, Entries: o.entries, MinStack: o.stack, HeapPages: o.heapPages})
	if err != nil {
		return usagef("%v", err)
	}
	var blob []byte
	switch o.format {
	case "standard":
		blob = res.Blob()
	case "service":
		blob = res.Program.MarshalServiceCode(nil)
	case "polkavm":
		if blob, err = res.PolkaVM(); err != nil {
			return usagef("%v", err)
		}
	default:
		return usagef("unknown --format %q (want standard, service or polkavm)", o.format)
	}
	if err := os.WriteFile(o.out, blob, 0o644); err != nil {
		return usagef("%v", err)
	}
	if !o.quiet {
		s := res.Stats
		fmt.Fprintf(w, "%s: %d bytes (%s): code %d bytes, %d instructions, %d jump-table entries; ro %d, rw %d (image %d), stack %d\n",
			filepath.Base(o.out), len(blob), prof, s.CodeBytes, s.Instructions, s.JumpTable, s.ROSize, s.RWSize, s.RWImage, s.StackSize)
		for _, e := range res.Exports {
			fmt.Fprintf(w, "  entry %-24s pc %d\n", e.Name, e.PC)
		}
		for _, im := range res.Imports {
			fmt.Fprintf(w, "  import %-23s ecalli %d\n", im.Name, im.Index)
		}
	}
	return nil
}

func init() {
	for _, c := range []*cobra.Command{pvmlinkLinkCmd, pvmlinkCCCmd} {
		f := c.Flags()
		f.StringVarP(&pvmlinkOpts.out, "output", "o", "", "output file")
		f.StringArrayVarP(&pvmlinkOpts.entries, "entry", "e", nil, "entry-point symbol (repeat; dispatch table order: pc 0, 5, 10, ...)")
		f.StringVar(&pvmlinkOpts.profile, "profile", "gp080", "opcode numbering: gp072 | gp080 | latest64")
		f.Uint32Var(&pvmlinkOpts.stack, "stack", 0, "minimum stack size in bytes (default 8192 or what PVM_MIN_STACK_SIZE asks)")
		f.Uint32Var(&pvmlinkOpts.heapPages, "heap-pages", 0, "extra zero-filled RW pages after the data")
		f.StringVar(&pvmlinkOpts.format, "format", "standard", "output: standard (JAM standard program) | service (code preimage: empty metadata + standard program) | polkavm (.polkavm container with export names)")
		f.BoolVarP(&pvmlinkOpts.quiet, "quiet", "q", false, "do not print the summary")
		pvmCmd.AddCommand(c)
	}
	f := pvmlinkCCCmd.Flags()
	f.StringArrayVar(&pvmlinkOpts.cflags, "cflag", nil, "extra clang flag (repeat), e.g. --cflag=-O3 --cflag=-DN=4")
	f.BoolVar(&pvmlinkOpts.noLibC, "no-libc", false, "do not add the libc subset")
}
