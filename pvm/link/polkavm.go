package link

import (
	"fmt"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
)

// PolkaVM returns the program as a polkavm .polkavm container (spec §4.4), for
// polkavm's own tools and for running exports by name: ISA JamV1 for the gp080
// profile, Latest64 otherwise (the same numbering for every opcode the linker
// emits). The import table is dense by ecalli index; unused indices get empty names.
func (r *Result) PolkaVM() ([]byte, error) {
	m := &pvm.Module{
		ISA:       pvm.ISALatest64,
		ROSize:    r.Stats.ROSize,
		RWSize:    r.Stats.RWSize,
		StackSize: r.Program.StackSize,
		RO:        trimZeros(r.Program.RO),
		RW:        r.Program.RW,
		Code:      r.Program.Code,
	}
	if r.Program.HeapPages > 0 {
		// polkavm has no heap-page count: the extra pages become part of the RW size.
		page := uint32(4096)
		m.RWSize = (uint32(len(r.Program.RW))+page-1)/page*page + r.Program.HeapPages*page
	}
	if r.Profile == pvm.GP080 {
		m.ISA = pvm.ISAJamV1
	}
	for _, im := range r.Imports {
		if im.Index >= 1024 {
			return nil, errf(ErrImport, "import %q has index %d; the .polkavm import table holds at most 1024", im.Name, im.Index)
		}
		for uint32(len(m.Imports)) <= im.Index {
			m.Imports = append(m.Imports, "")
		}
		m.Imports[im.Index] = im.Name
	}
	for _, e := range r.Exports {
		m.Exports = append(m.Exports, pvm.Export{PC: e.PC, Name: e.Name})
	}
	b := m.Marshal()
	if _, err := pvm.ParsePolkaVM(b); err != nil {
		return nil, fmt.Errorf("link: internal error: .polkavm output does not parse: %w", err)
	}
	return b, nil
}

// trimZeros drops trailing zero bytes (the container's RO image may be shorter than its size).
func trimZeros(b []byte) []byte {
	n := len(b)
	for n > 0 && b[n-1] == 0 {
		n--
	}
	return b[:n]
}
