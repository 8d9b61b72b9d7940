package elf_test

import (
	"encoding/binary"
	"testing"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/elf"
)

// benchProgram is a 64 KiB text with a relocated call every 8 slots and a rodata pointer
// table, roughly the shape of a compiled program.
func benchProgram(v sbpf.Version) *elf.Program {
	const n = 8192
	text := make([]byte, n*8)
	p := &elf.Program{Version: v, Rodata: make([]byte, 4096), Functions: []elf.Symbol{{Name: "entrypoint", PC: 0}}}
	for i := 0; i < n; i++ {
		s := text[i*8:]
		switch {
		case i == n-1:
			s[0] = 0x95
		case i%8 == 3:
			s[0], s[1] = 0x85, 0x10
			binary.LittleEndian.PutUint32(s[4:], uint32(int32(n-1-i-1)))
		case i%64 == 5:
			p.Relocs = append(p.Relocs, elf.Reloc{Kind: elf.RelocSyscall, Site: elf.Location{Section: elf.SecText, Offset: uint64(i * 8)}, Symbol: "sol_log_"})
			s[0] = 0x85
		default:
			s[0], s[1] = 0x07, 0x01
		}
	}
	for off := uint64(0); off < 4096; off += 64 {
		p.Relocs = append(p.Relocs, elf.Reloc{Kind: elf.RelocAddress, Site: elf.Location{Section: elf.SecRodata, Offset: off}, Target: elf.Location{Section: elf.SecText, Offset: off}})
	}
	p.Text = text
	return p
}

func benchLoad(b *testing.B, v sbpf.Version) {
	so, err := elf.Write(benchProgram(v))
	if err != nil {
		b.Fatal(err)
	}
	l := sbpf.NewLoader(sbpf.DefaultConfig())
	b.SetBytes(int64(len(so)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := elf.Load(so, l); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "loads/s")
}

func BenchmarkLoadLegacy(b *testing.B) { benchLoad(b, sbpf.V0) }
func BenchmarkLoadStrict(b *testing.B) { benchLoad(b, sbpf.V3) }

func BenchmarkWriteLegacy(b *testing.B) {
	p := benchProgram(sbpf.V0)
	for i := 0; i < b.N; i++ {
		if _, err := elf.Write(p); err != nil {
			b.Fatal(err)
		}
	}
}
