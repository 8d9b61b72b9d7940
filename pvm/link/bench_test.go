package link_test

import (
	"bytes"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/pvm/guest"
	"github.com/sbpf-pvm/sbpf-pvm/pvm/link"
)

// benchProgram is one measured workload: a testdata program, its entry point, and
// either integer arguments or an argument blob.
type benchProgram struct {
	name, file, entry string
	args              []uint64
	arg               []byte
}

func benchPrograms() []benchProgram {
	msg := make([]byte, 1024)
	for i := range msg {
		msg[i] = byte(i * 13)
	}
	ops := make([]byte, 7*64)
	for i := range ops {
		ops[i] = byte(i*29 + 7)
	}
	return []benchProgram{
		{name: "sha256-1KiB", file: "sha256.c", entry: "sha256", arg: msg},
		{name: "keccak256-1KiB", file: "keccak.c", entry: "keccak256", arg: msg},
		{name: "bytecode-sumsq-1000", file: "bytecode.c", entry: "bytecode", arg: bytecodePrograms()[2]},
		{name: "quicksort-500", file: "control.c", entry: "sort_checksum", args: []uint64{7, 500}},
		{name: "fib-20", file: "control.c", entry: "fib", args: []uint64{20}},
		{name: "switch", file: "control.c", entry: "sw", args: []uint64{7, 1234}},
		{name: "memops-64", file: "memops.c", entry: "memops", arg: ops},
		{name: "globals", file: "globals.c", entry: "globals", args: []uint64{5}},
		{name: "arith-i64-div", file: "arith.c", entry: "op_i64", args: []uint64{3, 1 << 40, 7}},
	}
}

// nativeTextSize compiles file for x86-64 with gcc -O2 -c (pvm.h replaced by a
// native shim) and returns the size of its code sections; 0 when gcc is missing.
func nativeTextSize(b *testing.B, file string) int {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		return 0
	}
	dir := b.TempDir()
	shim := `#include <stdint.h>
#include <stddef.h>
#include <string.h>
typedef struct { uint64_t ptr, len; } pvm_result;
static inline pvm_result pvm_output(const void *p, uint64_t n) { pvm_result r = {(uint64_t)(uintptr_t)p, n}; return r; }
#define PVM_MIN_STACK_SIZE(n)
#define PVM_IMPORT(i, ret, name, ...) ret name();
#define PVM_IMPORT_NAMED(ret, name, ...) ret name();
#define PVM_EXPORT(ret, name, ...)
#define PVM_HOST_LOG 100
#define PVM_HOST_GAS 0
#define PVM_LOG_INFO 2
#define PVM_LOG_DEBUG 3
`
	if err := os.WriteFile(filepath.Join(dir, "pvm.h"), []byte(shim), 0o644); err != nil {
		b.Fatal(err)
	}
	obj := filepath.Join(dir, "x.o")
	src, _ := filepath.Abs(filepath.Join("testdata", file))
	if out, err := exec.Command(gcc, "-O2", "-ffunction-sections", "-fno-asynchronous-unwind-tables", "-I", dir, "-c", src, "-o", obj).CombinedOutput(); err != nil {
		b.Fatalf("gcc: %v\n%s", err, out)
	}
	data, err := os.ReadFile(obj)
	if err != nil {
		b.Fatal(err)
	}
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for _, s := range f.Sections {
		if s.Flags&elf.SHF_EXECINSTR != 0 {
			n += int(s.Size)
		}
	}
	return n
}

// BenchmarkPrograms runs each workload once per iteration and reports PVM gas,
// instructions executed, blob and code sizes, the live RISC-V code size and the
// x86-64 code size of the same C file (gcc -O2).
func BenchmarkPrograms(b *testing.B) {
	for _, bp := range benchPrograms() {
		ins, err := guest.Compile([]string{filepath.Join("testdata", bp.file)}, guest.Options{})
		if err != nil {
			b.Fatalf("%v (run `make deps`)", err)
		}
		native := nativeTextSize(b, bp.file)
		for _, prof := range []pvm.Profile{pvm.GP072, pvm.GP080} {
			res, err := link.Link(ins, link.Options{Profile: prof, Entries: []string{bp.entry}})
			if err != nil {
				b.Fatal(err)
			}
			d, err := pvm.Decode(prof, res.Program.Code)
			if err != nil {
				b.Fatal(err)
			}
			b.Run(bp.name+"/"+prof.String(), func(b *testing.B) {
				var r *pvm.RunResult
				for b.Loop() {
					m, err := pvm.InitStandard(d, res.Program, 0, bp.arg, 1<<40)
					if err != nil {
						b.Fatal(err)
					}
					for i, a := range bp.args {
						m.Regs[7+i] = a
					}
					r = m.RunInvocation(nil)
					if r.Status != pvm.StatusHalt {
						b.Fatalf("%s: %v", bp.name, r.Exit)
					}
				}
				b.ReportMetric(float64(r.GasUsed), "gas/op")
				b.ReportMetric(float64(r.Instructions), "insns/op")
				b.ReportMetric(float64(len(res.Blob())), "blob-bytes")
				b.ReportMetric(float64(res.Stats.CodeBytes), "pvm-code-bytes")
				// The whole C file, all its functions linked, next to gcc -O2 x86-64 for the same file.
				fb, fc, fr := fileSizes(b, ins, prof)
				b.ReportMetric(float64(fb), "file-blob-bytes")
				b.ReportMetric(float64(fc), "file-pvm-code-bytes")
				b.ReportMetric(float64(fr), "file-riscv-bytes")
				if native > 0 {
					b.ReportMetric(float64(native), "file-x86-bytes")
				}
			})
		}
	}
}

// fileSizes links every global function of the program's object (the whole file, as
// gcc compiles it) and returns the PVM blob and code sizes and the RISC-V text size.
func fileSizes(b *testing.B, ins []link.Input, prof pvm.Profile) (blob, code, riscv int) {
	f, err := elf.NewFile(bytes.NewReader(ins[0].Data))
	if err != nil {
		b.Fatal(err)
	}
	syms, _ := f.Symbols()
	var entries []string
	for _, s := range syms {
		if elf.ST_TYPE(s.Info) == elf.STT_FUNC && elf.ST_BIND(s.Info) == elf.STB_GLOBAL && s.Section != elf.SHN_UNDEF {
			entries = append(entries, s.Name)
		}
	}
	for _, s := range f.Sections {
		if s.Flags&elf.SHF_EXECINSTR != 0 {
			riscv += int(s.Size)
		}
	}
	res, err := link.Link(ins, link.Options{Profile: prof, Entries: entries})
	if err != nil {
		b.Fatal(err)
	}
	return len(res.Blob()), res.Stats.CodeBytes, riscv
}

// BenchmarkLink measures the linker itself on four C programs plus libc (what the
// transpiled runner pays per program on top of clang).
func BenchmarkLink(b *testing.B) {
	var srcs []string
	for _, f := range []string{"sha256.c", "keccak.c", "control.c", "bytecode.c"} {
		srcs = append(srcs, filepath.Join("testdata", f))
	}
	ins, err := guest.Compile(srcs, guest.Options{})
	if err != nil {
		b.Fatalf("%v (run `make deps`)", err)
	}
	entries := []string{"sha256", "keccak256", "sort_checksum", "fib", "sw", "fptr", "bytecode"}
	var res *link.Result
	for b.Loop() {
		if res, err = link.Link(ins, link.Options{Profile: pvm.GP080, Entries: entries}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(res.Stats.RISCVBytes)*float64(b.N)/b.Elapsed().Seconds(), "riscv-bytes/s")
	b.ReportMetric(float64(res.Stats.Instructions), "pvm-insns")
}
