package elf_test

import (
	"bytes"
	stdelf "debug/elf"
	"encoding/binary"
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/elf"
)

// slot encodes one instruction slot.
func slot(opc, dst, src uint8, off int16, imm int32) []byte {
	b := sbpf.Insn{Opc: opc, Dst: dst, Src: src, Off: off, Imm: int64(imm)}.Bytes()
	return b[:]
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

const (
	opLddw   = 0x18
	opLdxdw  = 0x79
	opMov64  = 0xb7
	opCall   = 0x85
	opExit   = 0x95
	opAdd64X = 0x0f
)

// legacyProgram: lddw of rodata+8, a load, a syscall, a relocated call, a relative call
// and a helper function at pc 7; rodata holds a pointer to text+0x38 and a constant.
func legacyProgram() *elf.Program {
	text := cat(
		slot(opLddw, 1, 0, 0, 0), slot(0, 0, 0, 0, 0), // 0-1: lddw r1, rodata+8
		slot(opLdxdw, 0, 1, 0, 0),  // 2: ldxdw r0, [r1]
		slot(opCall, 0, 1, 0, 0),   // 3: call sol_log_
		slot(opCall, 0, 1, 0, 0),   // 4: call helper
		slot(opCall, 0, 1, 0, 1),   // 5: call +1 (pc 7)
		slot(opExit, 0, 0, 0, 0),   // 6: exit
		slot(opMov64, 0, 0, 0, 42), // 7: helper: mov64 r0, 42
		slot(opExit, 0, 0, 0, 0),   // 8: exit
	)
	rodata := make([]byte, 16)
	binary.LittleEndian.PutUint64(rodata[8:], 0x1122334455667788)
	return &elf.Program{
		Version:   sbpf.V0,
		Text:      text,
		Rodata:    rodata,
		EntryPC:   0,
		Functions: []elf.Symbol{{Name: "entrypoint", PC: 0}, {Name: "helper", PC: 7}},
		Relocs: []elf.Reloc{
			{Kind: elf.RelocAddress, Site: elf.Location{Section: elf.SecText, Offset: 0}, Target: elf.Location{Section: elf.SecRodata, Offset: 8}},
			{Kind: elf.RelocAddress, Site: elf.Location{Section: elf.SecRodata, Offset: 0}, Target: elf.Location{Section: elf.SecText, Offset: 0x38}},
			{Kind: elf.RelocSyscall, Site: elf.Location{Section: elf.SecText, Offset: 24}, Symbol: "sol_log_"},
			{Kind: elf.RelocCall, Site: elf.Location{Section: elf.SecText, Offset: 32}, Symbol: "helper"},
		},
	}
}

func mustWrite(p *elf.Program) []byte {
	b, err := elf.Write(p)
	Expect(err).NotTo(HaveOccurred())
	return b
}

func newLoader(mod func(*sbpf.Config), syscalls ...string) *sbpf.Loader {
	cfg := sbpf.DefaultConfig()
	if mod != nil {
		mod(&cfg)
	}
	l := sbpf.NewLoader(cfg)
	for _, s := range syscalls {
		Expect(l.RegisterSyscall(s, func(*sbpf.VM, uint64, uint64, uint64, uint64, uint64) (uint64, error) { return 0, nil })).To(Succeed())
	}
	return l
}

// section returns the header of a named section as parsed by Go's debug/elf.
func section(data []byte, name string) *stdelf.Section {
	f, err := stdelf.NewFile(bytes.NewReader(data))
	Expect(err).NotTo(HaveOccurred())
	s := f.Section(name)
	Expect(s).NotTo(BeNil(), "section %s", name)
	return s
}

// sectionHeaderOffset is the file offset of the header of the named section.
func sectionHeaderOffset(data []byte, name string) uint64 {
	f, err := stdelf.NewFile(bytes.NewReader(data))
	Expect(err).NotTo(HaveOccurred())
	shoff := binary.LittleEndian.Uint64(data[40:])
	for i, s := range f.Sections {
		if s.Name == name {
			return shoff + 64*uint64(i)
		}
	}
	Fail("no section " + name)
	return 0
}

func kindOf(err error) string {
	var e *elf.Error
	if errors.As(err, &e) {
		return e.Kind()
	}
	return "not an *elf.Error"
}

func le32(b []byte, off uint64) uint32 { return binary.LittleEndian.Uint32(b[off:]) }
func le64(b []byte, off uint64) uint64 { return binary.LittleEndian.Uint64(b[off:]) }

func hashPC(pc uint64) uint32 {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], pc)
	return sbpf.HashSymbolName(b[:])
}
