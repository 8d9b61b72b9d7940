package link_test

import (
	"bytes"
	"debug/elf"
	"encoding/binary"

	. "github.com/onsi/gomega"
)

type relocation struct {
	typ uint32
	sym string
}

// relocations lists the .rel.dyn entries of a linked program (offsets dropped).
func relocations(so []byte) []relocation {
	f, err := elf.NewFile(bytes.NewReader(so))
	Expect(err).NotTo(HaveOccurred())
	syms, err := f.DynamicSymbols()
	Expect(err).NotTo(HaveOccurred())
	sec := f.Section(".rel.dyn")
	Expect(sec).NotTo(BeNil())
	data, err := sec.Data()
	Expect(err).NotTo(HaveOccurred())
	var out []relocation
	for p := 0; p+16 <= len(data); p += 16 {
		info := binary.LittleEndian.Uint64(data[p+8:])
		r := relocation{typ: uint32(info)}
		if s := info >> 32; s > 0 {
			r.sym = syms[s-1].Name
		}
		out = append(out, r)
	}
	return out
}
