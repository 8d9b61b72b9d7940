package link

import (
	"debug/elf"
	"encoding/binary"
	"fmt"
	"sort"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
)

// function is a named code range of the output, for messages and the symbol table.
type function struct {
	name  string
	start uint64 // byte offset in .text
	size  uint64
}

// functions lists the function symbols of every object, one per start address, in
// address order.
func (l *linker) functions() []function {
	seen := map[uint64]bool{}
	var out []function
	for _, obj := range l.objs {
		for i := range obj.syms {
			s := &obj.syms[i]
			if s.typ != elf.STT_FUNC || s.sec == nil || !s.sec.live || s.sec.kind != kindText || s.name == "" {
				continue
			}
			if g, ok := l.globals[s.name]; ok && g != s && (s.bind == elf.STB_WEAK || s.bind == elf.STB_GLOBAL) {
				continue // a weak definition that lost
			}
			start := l.offset(s)
			if seen[start] {
				continue
			}
			seen[start] = true
			out = append(out, function{name: s.name, start: start, size: s.size})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	return out
}

// checkText rewrites callx to the v0 encoding, refuses instructions v0 lacks (or runs
// with other semantics than LLVM assumes) and finds stack accesses below the frame.
//
// The stack check follows copies of r10 within basic blocks (`rX = r10; rX += imm`)
// and checks every load and store through r10 or such a copy. It resets at function
// starts, jump targets and exits; a copy modified by anything else is forgotten. It finds
// what clang emits for fixed-size locals, which is where oversized frames come from.
func (l *linker) checkText() error {
	funcs := l.functions()
	fn := 0
	name := func(off uint64) string {
		for fn+1 < len(funcs) && funcs[fn+1].start <= off {
			fn++
		}
		if fn < len(funcs) && funcs[fn].start <= off {
			return funcs[fn].name
		}
		return ""
	}
	frame := int64(l.opts.StackFrameSize)
	var fp [11]struct {
		valid bool
		off   int64
	}
	reset := func() {
		for i := range fp {
			fp[i].valid = false
		}
		fp[regFramePtr].valid = true
	}
	reset()
	isStart := map[uint64]bool{}
	for _, f := range funcs {
		isStart[f.start] = true
	}
	text := l.textBuf
	// Jump targets start basic blocks; copies of r10 are only followed within a block,
	// so a register that is a frame pointer on one incoming path only is never judged.
	for off := uint64(0); off+insnSize <= uint64(len(text)); off += insnSize {
		op := text[off]
		if op == opLDDW {
			off += insnSize
			continue
		}
		if op&0x07 == 0x05 && op != opCall && op != opCallx && op != opExit {
			t := int64(off/insnSize) + 1 + int64(int16(binary.LittleEndian.Uint16(text[off+2:])))
			if t >= 0 {
				isStart[uint64(t)*insnSize] = true
			}
		}
	}
	for off := uint64(0); off+insnSize <= uint64(len(text)); off += insnSize {
		if isStart[off] {
			reset()
		}
		insn := text[off : off+insnSize]
		op := insn[0]
		dst := insn[1] & 0x0f
		src := insn[1] >> 4
		ioff := int64(int16(binary.LittleEndian.Uint16(insn[2:])))
		imm := int64(int32(binary.LittleEndian.Uint32(insn[4:])))
		fail := func(kind ErrorKind, format string, args ...any) error {
			return &Error{Kind: kind, Object: "output", Section: ".text", Offset: off, Symbol: name(off), Detail: fmt.Sprintf(format, args...)}
		}
		class := op & 0x07
		switch {
		case op == opLDDW:
			if dst < 10 {
				fp[dst].valid = false
			}
			off += insnSize // second slot
			continue
		case class == 0x06 && l.opts.Version < sbpf.V3:
			return fail(UnsupportedInstruction, "JMP32 instruction %#02x (compile with -mcpu=v2)", op)
		case class == 0x03 && op&0xe0 == 0xc0:
			return fail(UnsupportedInstruction, "atomic instruction %#02x", op)
		case class == 0x01 && op&0xe0 == 0x80:
			return fail(UnsupportedInstruction, "sign-extending load %#02x (compile with -mcpu=v2)", op)
		case class == 0x00 && op != opLDDW:
			return fail(UnsupportedInstruction, "legacy packet load %#02x", op)
		case (class == 0x04 || class == 0x07) && (op&0xf0 == 0x30 || op&0xf0 == 0x90) && ioff != 0:
			return fail(UnsupportedInstruction, "signed division %#02x (use unsigned operands)", op)
		case class == 0x04 && op&0xf0 <= 0x20:
			// add32/sub32/mul32 sign-extend their result in sBPF v0 (interpreter.rs
			// sign_extension) where eBPF, and so LLVM, zero-extends: code that relies on
			// the upper half being zero would compute wrong results.
			return fail(UnsupportedInstruction, "32-bit add/sub/mul %#02x sign-extends in sBPF v0 (compile without alu32: -mcpu=v2)", op)
		case (class == 0x04 || class == 0x07) && op&0xf0 == 0xb0 && ioff != 0:
			return fail(UnsupportedInstruction, "sign-extending move %#02x (compile with -mcpu=v2)", op)
		case op == 0xd7:
			return fail(UnsupportedInstruction, "byte swap %#02x (compile with -mcpu=v2)", op)
		case op == opCallx:
			reg := dst
			if reg == 0 {
				reg = src
			}
			if l.opts.Version < sbpf.V3 && imm == 0 && reg != 0 {
				// LLVM encodes the target register in dst; v0 reads it from imm.
				binary.LittleEndian.PutUint32(insn[4:], uint32(reg))
				insn[1] = 0
			}
			clearCallerSaved(&fp)
			continue
		case op == opCall:
			clearCallerSaved(&fp)
			continue
		case op == opExit:
			reset()
			continue
		}
		// Loads and stores through the frame pointer or one of its copies.
		switch class {
		case 0x01: // LDX: dst = *(src + off)
			if src <= 10 && fp[src].valid && fp[src].off+ioff < -frame {
				return fail(StackFrameTooLarge, "stack access at r10%+d exceeds the %d-byte frame", fp[src].off+ioff, frame)
			}
			if dst < 10 {
				fp[dst].valid = false
			}
			continue
		case 0x02, 0x03: // ST, STX: *(dst + off) = imm/src
			if dst <= 10 && fp[dst].valid && fp[dst].off+ioff < -frame {
				return fail(StackFrameTooLarge, "stack access at r10%+d exceeds the %d-byte frame", fp[dst].off+ioff, frame)
			}
			continue
		}
		if class == 0x07 || class == 0x04 { // ALU64 / ALU
			if dst >= 10 {
				continue
			}
			switch {
			case op == 0xbf && src <= 10 && fp[src].valid: // mov64 dst, src
				fp[dst] = fp[src]
			case op == 0x07 && fp[dst].valid: // add64 dst, imm
				fp[dst].off += imm
				if fp[dst].off < -frame {
					return fail(StackFrameTooLarge, "stack address r10%+d is below the %d-byte frame", fp[dst].off, frame)
				}
			case op == 0x17 && fp[dst].valid: // sub64 dst, imm
				fp[dst].off -= imm
				if fp[dst].off < -frame {
					return fail(StackFrameTooLarge, "stack address r10%+d is below the %d-byte frame", fp[dst].off, frame)
				}
			default:
				fp[dst].valid = false
			}
		}
	}
	return nil
}

// clearCallerSaved forgets r0-r5, which a call clobbers.
func clearCallerSaved(fp *[11]struct {
	valid bool
	off   int64
}) {
	for i := 0; i <= 5; i++ {
		fp[i].valid = false
	}
}
