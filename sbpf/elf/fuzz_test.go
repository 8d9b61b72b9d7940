package elf_test

import (
	"errors"
	"testing"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/elf"
)

// FuzzLoad: any bytes either load or fail with an *elf.Error; never a panic. The seeds
// are writer outputs for every format, so mutations explore real layouts.
func FuzzLoad(f *testing.F) {
	for _, v := range []sbpf.Version{sbpf.V0, sbpf.V2, sbpf.V3} {
		p := fuzzProgram()
		p.Version = v
		b, err := elf.Write(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, false)
	}
	f.Add([]byte("\x7fELF"), true)
	f.Fuzz(func(t *testing.T, data []byte, strictCfg bool) {
		cfg := sbpf.DefaultConfig()
		if strictCfg {
			cfg.RejectBrokenELFs = true
			cfg.OptimizeRodata = false
			cfg.EnableSymbolAndSectionLabels = true
		}
		l := sbpf.NewLoader(cfg)
		_ = l.RegisterSyscall("sol_log_", nil)
		orig := string(data)
		exe, err := elf.Load(data, l)
		if string(data) != orig {
			t.Fatal("Load modified its input")
		}
		if err != nil {
			var e *elf.Error
			if !errors.As(err, &e) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			_ = e.Error()
			return
		}
		if exe.EntryPC*8 > uint64(len(exe.Text)) && len(exe.Text) != 0 {
			t.Fatalf("entrypoint %d outside %d text bytes", exe.EntryPC, len(exe.Text))
		}
	})
}

func fuzzProgram() *elf.Program {
	var text []byte
	for _, s := range [][8]byte{
		{0x18, 0x01}, {}, {0x85, 0x10, 0, 0, 0xff, 0xff, 0xff, 0xff}, {0x85, 0x10, 0, 0, 1, 0, 0, 0},
		{0x95}, {0xb7, 0, 0, 0, 7}, {0x95},
	} {
		text = append(text, s[:]...)
	}
	return &elf.Program{
		Text: text, Rodata: make([]byte, 16),
		Functions: []elf.Symbol{{Name: "f", PC: 5}},
		Relocs: []elf.Reloc{
			{Kind: elf.RelocAddress, Site: elf.Location{Section: elf.SecText}, Target: elf.Location{Section: elf.SecRodata, Offset: 8}},
			{Kind: elf.RelocAddress, Site: elf.Location{Section: elf.SecRodata}, Target: elf.Location{Section: elf.SecText, Offset: 8}},
			{Kind: elf.RelocSyscall, Site: elf.Location{Section: elf.SecText, Offset: 16}, Symbol: "sol_log_"},
		},
	}
}
