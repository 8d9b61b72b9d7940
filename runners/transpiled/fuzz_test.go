package transpiled_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/sbpf-pvm/sbpf-pvm/runners/transpiled"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/asm"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/syscalls"
)

// FuzzTranslate feeds arbitrary text to the translator, for every version: whatever the
// verifier accepts must translate without a panic into a module with the entry point
// (clang is not run here: it is too slow for fuzzing).
func FuzzTranslate(f *testing.F) {
	for _, src := range []string{
		"mov64 r0, 0\nexit",
		budgetProgram,
		"call f\nexit\nf:\ncallx r2\nexit",
		"lddw r2, 0x100000010\ncallx r2\nexit\nexit",
	} {
		elfBytes, err := asm.AssembleELF(src, sbpf.V0)
		if err != nil {
			f.Fatal(err)
		}
		exe, err := transpiled.Executable(elfBytes)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(exe.Text, uint8(0))
		f.Add(exe.Text, uint8(3))
	}
	loader, err := syscalls.NewLoader()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text []byte, v uint8) {
		if len(text) > 1<<14 {
			return
		}
		exe, err := sbpf.NewExecutableFromText(text, loader, sbpf.Version(v%4), nil)
		if err != nil || exe.Verify() != nil {
			return
		}
		mod, err := transpiled.Translate(exe)
		if errors.Is(err, transpiled.ErrTooLarge) {
			return
		}
		if err != nil {
			t.Fatalf("verified text does not translate: %v", err)
		}
		if !bytes.Contains(mod.IR, []byte("define hidden i64 @tr_run")) {
			t.Fatalf("module without tr_run")
		}
	})
}
