package link

import (
	"fmt"

	sbelf "github.com/sbpf-pvm/sbpf-pvm/sbpf/elf"
)

// write hands the linked program to the project's ELF writer (package sbpf/elf): for v0
// the layout of the Solana toolchain's lld (.text, .rodata, .dynamic, .dynsym, .dynstr,
// .rel.dyn, every address equal to its file offset); for v3 the strict format with
// every relocation resolved in place.
func (l *linker) write(entry *symRef) ([]byte, error) {
	p := &sbelf.Program{
		Version: l.opts.Version,
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
	out, err := sbelf.Write(p)
	if err != nil {
		return nil, &Error{Kind: WriterError, Detail: err.Error()}
	}
	return out, nil
}
