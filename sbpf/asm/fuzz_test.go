package asm_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/asm"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/elf"
)

// FuzzAssemble: any source either assembles or fails with an *asm.Error, never a panic.
// What assembles disassembles, and when the disassembly assembles again (it cannot when
// it mentions [invalid] jump targets or unknown opcodes) it gives the same text. The
// ELF written from it loads.
func FuzzAssemble(f *testing.F) {
	for _, s := range []string{
		"entrypoint:\n mov64 r1, 5\n call function_double\n exit\nfunction_double:\n mov64 r0, r1\n exit",
		"mov64 r0, 0\nloop:\nadd64 r0, 1\njne r0, 10, loop\nexit",
		"lddw r1, 0x400000000\nldxb r0, [r1+1]\nsyscall sol_log_\ncallx r1\nexit",
		".fill 3, 0x95\nstw [r1-0x8], 3\nbe16 r1\nudiv32 r1, r2",
		"jeq32 r1, 2, +1\nja -1\ncall -3\nsyscall 7",
	} {
		for v := sbpf.V0; v <= sbpf.V4; v++ {
			f.Add(s, uint8(v))
		}
	}
	f.Fuzz(func(t *testing.T, src string, vb uint8) {
		if len(src) > 1<<12 {
			return
		}
		v := sbpf.Version(vb % uint8(sbpf.Reserved))
		p, err := asm.Compile(src, v)
		if err != nil {
			var e *asm.Error
			if !errors.As(err, &e) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			return
		}
		l := sbpf.NewLoader(sbpf.DefaultConfig())
		exe, err := asm.Assemble(src, v, l)
		if err != nil {
			t.Fatalf("Compile succeeded but Assemble failed: %v", err)
		}
		text := asm.Disassemble(exe)
		if again, err := asm.Compile(text, v); err == nil && !bytes.Contains([]byte(text), []byte("unknown")) {
			if !bytes.Equal(again.Text, p.Text) && !bytes.Contains([]byte(text), []byte("[invalid]")) {
				t.Fatalf("round trip changed the text:\n%s\n%x\n%x", text, p.Text, again.Text)
			}
		}
		if so, err := p.ELF(); err == nil {
			if _, err := elf.Load(so, l); err != nil {
				var e *elf.Error
				if !errors.As(err, &e) {
					t.Fatalf("untyped load error %T", err)
				}
			}
		}
	})
}

// FuzzDisassemble: any text bytes disassemble without a panic, for every version, and the
// output parses (apart from anza's "unknown opcode=" and "[invalid]" lines).
func FuzzDisassemble(f *testing.F) {
	f.Add([]byte{0x18, 1, 0, 0, 1, 0, 0, 0}, uint8(0))
	f.Add([]byte{0x85, 0x10, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x05, 0, 0xfe, 0xff, 0, 0, 0, 0}, uint8(3))
	f.Add([]byte{0x8d, 0x30, 0, 0, 9, 0, 0, 0, 0x9f, 0x1a, 0xf8, 0xff, 0, 0, 0, 0}, uint8(2))
	f.Fuzz(func(t *testing.T, text []byte, vb uint8) {
		text = text[:len(text)/8*8]
		v := sbpf.Version(vb % uint8(sbpf.Reserved))
		l := sbpf.NewLoader(sbpf.DefaultConfig())
		reg := sbpf.NewFunctionRegistry()
		if len(text) >= 16 {
			_ = reg.Register(uint32(text[0])%uint32(len(text)/8), "function_x", uint64(text[0])%uint64(len(text)/8))
		}
		exe, err := sbpf.NewExecutableFromText(text, l, v, reg)
		if err != nil {
			return
		}
		var kept []string
		for _, line := range strings.Split(asm.Disassemble(exe), "\n") {
			if !strings.Contains(line, "unknown opcode=") && !strings.Contains(line, "[invalid]") {
				kept = append(kept, line)
			}
		}
		out := strings.Join(kept, "\n")
		if _, err := asm.Parse(out); err != nil {
			t.Fatalf("disassembly does not parse: %v\n%s", err, out)
		}
	})
}
