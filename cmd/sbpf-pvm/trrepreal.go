package main

// transpile-report's realistic large program: the corpus C programs compiled by our own
// toolchain (clang-19 -target bpfel + sbpf/link, as `sbpf cc` does), each instantiated
// several times under a renamed entry point, linked into one sBPF v0 program whose
// entrypoint calls one instance chosen by the account count and instruction data. Unlike the synthetic program (tiny
// hand-written functions with only hinted accesses) its code is what a C compiler emits
// for Solana-style programs: account parsing, pointer-chasing loads, memcpy loops,
// syscalls, functions of hundreds of instructions.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/link"
)

// trrepRealistic builds the program from the C sources under programsDir (one program per
// directory with one or more .c files, headers from sdkDir) with as many rounds of
// instances as needed for at least targetBytes of ELF. The same sources and clang give
// the same bytes.
func trrepRealistic(ctx context.Context, programsDir, sdkDir string, targetBytes int) ([]byte, int, error) {
	progs, err := trrepCPrograms(programsDir)
	if err != nil {
		return nil, 0, err
	}
	if len(progs) == 0 {
		return nil, 0, fmt.Errorf("no C programs under %s", programsDir)
	}
	absPrograms, err := filepath.Abs(programsDir)
	if err != nil {
		return nil, 0, err
	}
	absSDK, err := filepath.Abs(sdkDir)
	if err != nil {
		return nil, 0, err
	}
	clang := os.Getenv("CLANG")
	if clang == "" {
		clang = "clang-19"
	}
	tmp, err := os.MkdirTemp("", "trrep-real-")
	if err != nil {
		return nil, 0, err
	}
	defer os.RemoveAll(tmp)
	compile := func(name, src string) (link.Object, error) {
		in := filepath.Join(tmp, name+".c")
		if err := os.WriteFile(in, []byte(src), 0o644); err != nil {
			return link.Object{}, err
		}
		// Run in the programs directory with -I . so that __FILE__ (sol_panic's message)
		// is "./prog/prog.c" whatever the checkout's path.
		data, err := link.CompileC(ctx, clang, absPrograms, in, "2", "-I", ".", "-I", absSDK)
		return link.Object{Name: name + ".o", Data: data}, err
	}
	var objs []link.Object
	var entries []string
	for round := 0; ; round++ {
		for _, p := range progs {
			ep := fmt.Sprintf("ep_%s_%d", p.name, round)
			var src strings.Builder
			fmt.Fprintf(&src, "#define entrypoint %s\n", ep)
			for _, f := range p.files {
				fmt.Fprintf(&src, "#include \"%s\"\n", f)
			}
			o, err := compile(ep, src.String())
			if err != nil {
				return nil, 0, err
			}
			objs = append(objs, o)
			entries = append(entries, ep)
		}
		// The dispatcher: an instance chosen by the account count and the instruction
		// data, so that the corpus cases' inputs exercise many (an if chain;
		// -fno-jump-tables keeps it free of callx).
		var d strings.Builder
		d.WriteString("#include \"sbpf.h\"\n")
		for _, ep := range entries {
			fmt.Fprintf(&d, "uint64_t %s(const uint8_t *input);\n", ep)
		}
		d.WriteString("uint64_t entrypoint(const uint8_t *input) {\n  SolInput in;\n  sol_deserialize(input, &in);\n")
		fmt.Fprintf(&d, "  uint64_t k = (in.num_accounts * 7 + in.data_len + (in.data_len ? in.data[0] : 0)) %% %d;\n", len(entries))
		for k, ep := range entries {
			fmt.Fprintf(&d, "  if (k == %d) return %s(input);\n", k, ep)
		}
		d.WriteString("  return 1;\n}\n")
		main, err := compile("dispatch", d.String())
		if err != nil {
			return nil, 0, err
		}
		so, err := link.Link(append([]link.Object{main}, objs...), link.Options{Version: sbpf.V0})
		if err != nil {
			return nil, 0, err
		}
		if len(so) >= targetBytes || round >= 63 {
			return so, round + 1, nil
		}
	}
}

type trrepCProgram struct {
	name  string
	files []string // relative to the programs directory
}

// trrepCPrograms lists the C programs under dir, in name order.
func trrepCPrograms(dir string) ([]trrepCProgram, error) {
	matches, err := filepath.Glob(filepath.Join(dir, "*", "*.c"))
	if err != nil {
		return nil, err
	}
	sort.Strings(matches)
	var out []trrepCProgram
	for _, m := range matches {
		name := filepath.Base(filepath.Dir(m))
		rel := filepath.ToSlash(filepath.Join(name, filepath.Base(m)))
		if n := len(out); n > 0 && out[n-1].name == name {
			out[n-1].files = append(out[n-1].files, rel)
			continue
		}
		out = append(out, trrepCProgram{name: name, files: []string{rel}})
	}
	return out, nil
}
