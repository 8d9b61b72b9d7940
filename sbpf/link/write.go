package link

import (
	"fmt"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	sbelf "github.com/sbpf-pvm/sbpf-pvm/sbpf/elf"
)

// write hands the linked program to the project's ELF writer (package sbpf/elf), which
// lays it out as the Solana toolchain's lld does for v0 programs: .text, .rodata,
// .dynamic, .dynsym, .dynstr, .rel.dyn, with every address equal to its file offset.
func (l *linker) write(entry *symRef) ([]byte, error) {
	p := &sbelf.Program{
		Version: sbpf.V0,
		Text:    l.textBuf,
		Rodata:  l.roBuf,
		EntryPC: l.offset(entry) / insnSize,
		Relocs:  l.relocs,
	}
	// Static functions of different objects may share a name; symbol names in the
	// output must be unique, so later ones get their pc appended.
	used := map[string]bool{}
	for _, f := range l.functions() {
		if f.start%insnSize != 0 {
			continue
		}
		pc := f.start / insnSize
		name := f.name
		if used[name] && name != entry.name {
			name = fmt.Sprintf("%s.%d", name, pc)
		}
		if used[name] {
			continue
		}
		used[name] = true
		p.Functions = append(p.Functions, sbelf.Symbol{Name: name, PC: pc})
	}
	out, err := sbelf.WriteLegacy(p)
	if err != nil {
		return nil, &Error{Kind: WriterError, Detail: err.Error()}
	}
	return out, nil
}
