package link_test

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/pvm/guest"
	"github.com/sbpf-pvm/sbpf-pvm/pvm/link"
)

// FuzzLink feeds arbitrary bytes to the ELF reader and the whole linker: any input
// must give a program or a *link.Error, never a panic (export_test.go re-raises
// internal panics so that they are found here). Seeds are real objects compiled
// with clang-19.
func FuzzLink(f *testing.F) {
	srcs := []string{"exports.c", "relocs.S", "relax.S"}
	for _, s := range srcs {
		ins, err := guest.Compile([]string{filepath.Join("testdata", s)}, guest.Options{NoLibC: true})
		if err != nil {
			f.Fatalf("seeds need clang-19 (run `make deps`): %v", err)
		}
		f.Add(ins[0].Data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, entries := range [][]string{nil, {"t_call", "t_pcrel", "t_fptr"}, {"t_relax"}} {
			res, err := link.Link([]link.Input{{Name: "fuzz", Data: data}}, link.Options{Profile: pvm.GP080, Entries: entries})
			if err != nil {
				var le *link.Error
				if !errors.As(err, &le) {
					t.Fatalf("untyped error %T: %v", err, err)
				}
				continue
			}
			if _, err := pvm.ParseStandardProgram(res.Blob()); err != nil {
				t.Fatalf("linked blob does not parse: %v", err)
			}
		}
	})
}
