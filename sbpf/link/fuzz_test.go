package link_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf/link"
)

// FuzzLink feeds mutated BPF objects to the linker: it must return an output or a
// *link.Error, never panic.
func FuzzLink(f *testing.F) {
	dir := f.TempDir()
	src := filepath.Join(dir, "p.c")
	if err := os.WriteFile(src, []byte(richProgram), 0o644); err != nil {
		f.Fatal(err)
	}
	obj := filepath.Join(dir, "p.o")
	if out, err := exec.Command("clang-19", append(append([]string{}, clangFlags...), "-c", src, "-o", obj)...).CombinedOutput(); err != nil {
		f.Fatalf("clang-19: %v: %s", err, out)
	}
	seed, err := os.ReadFile(obj)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte("\x7fELF"))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := link.Link([]link.Object{{Name: "fuzz.o", Data: data}}, link.Options{Syscalls: []string{"sol_log_", "sol_set_return_data"}})
		if err != nil {
			if _, ok := err.(*link.Error); !ok {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			return
		}
		if len(out) == 0 {
			t.Fatal("empty output without error")
		}
	})
}
