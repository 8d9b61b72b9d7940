package asm

import (
	"fmt"
	"strings"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/elf"
)

// Opcode fields (ebpf.rs), local so that the tables below read like anza's.
const (
	bpfK        = 0x00
	bpfX        = 0x08
	bpfLD       = 0x00
	bpfLDX      = 0x01
	bpfST       = 0x02
	bpfSTX      = 0x03
	bpfALU32    = 0x04
	bpfJMP64    = 0x05
	bpfPQR      = 0x06
	bpfJMP32    = 0x06
	bpfALU64    = 0x07
	bpfMEM      = 0x60
	bpfB        = 0x10
	bpfH        = 0x08
	bpfW        = 0x00
	bpfDW       = 0x18
	bpf1B       = 0x20
	bpf2B       = 0x30
	bpf4B       = 0x80
	bpf8B       = 0x90
	opLdDwImm   = 0x18
	opJa        = 0x05
	opCallImm   = 0x85
	opCallReg   = 0x8d
	opExit      = 0x95
	opNeg32     = 0x84
	opNeg64     = 0x87
	opBE        = 0xdc
	opLE        = 0xd4
	opAdd64Imm  = 0x07
	opOr64Imm   = 0x47
	bpfLMUL     = 0x80
	bpfUHMUL    = 0x20
	bpfSHMUL    = 0xa0
	bpfUDIV     = 0x40
	bpfUREM     = 0x60
	bpfSDIV     = 0xc0
	bpfSREM     = 0xe0
	maxFillSize = 1 << 20 // .fill repeat bound: keeps bad input from allocating without limit
)

type insnType uint8

const (
	tAluBinary insnType = iota
	tAluUnary
	tLoadDwImm
	tLoadReg
	tStoreImm
	tStoreReg
	tJumpUnconditional
	tJumpConditional
	tSyscall
	tCallImm
	tCallReg
	tEndian
	tNoOperand
)

type mnemonic struct {
	typ  insnType
	opc  uint8
	size int64 // Endian
}

// instructionMap is assembler.rs make_instruction_map.
func instructionMap(v sbpf.Version) map[string]mnemonic {
	m := map[string]mnemonic{}
	e := func(name string, t insnType, opc uint8) { m[name] = mnemonic{typ: t, opc: opc} }
	e("lddw", tLoadDwImm, opLdDwImm)
	e("ja", tJumpUnconditional, opJa)
	e("syscall", tSyscall, opCallImm)
	e("call", tCallImm, opCallImm)
	e("callx", tCallReg, opCallReg)
	e("exit", tNoOperand, opExit)
	e("neg", tAluUnary, opNeg64)
	e("neg32", tAluUnary, opNeg32)
	e("neg64", tAluUnary, opNeg64)
	for _, op := range []struct {
		name string
		opc  uint8
	}{{"add", 0x00}, {"sub", 0x10}, {"mul", 0x20}, {"div", 0x30}, {"or", 0x40}, {"and", 0x50},
		{"lsh", 0x60}, {"rsh", 0x70}, {"mod", 0x90}, {"xor", 0xa0}, {"mov", 0xb0}, {"arsh", 0xc0}, {"hor", 0xf0}} {
		e(op.name, tAluBinary, bpfALU64|op.opc)
		e(op.name+"32", tAluBinary, bpfALU32|op.opc)
		e(op.name+"64", tAluBinary, bpfALU64|op.opc)
	}
	for _, op := range []struct {
		name string
		opc  uint8
		has  string // which of "", "32", "64" variants exist: 64-bit ones use BPF_B
	}{{"lmul", bpfLMUL, "b3"}, {"uhmul", bpfUHMUL, "b"}, {"shmul", bpfSHMUL, "b"}, {"udiv", bpfUDIV, "b3"},
		{"urem", bpfUREM, "b3"}, {"sdiv", bpfSDIV, "b3"}, {"srem", bpfSREM, "b3"}} {
		e(op.name, tAluBinary, bpfPQR|bpfB|op.opc)
		e(op.name+"64", tAluBinary, bpfPQR|bpfB|op.opc)
		if strings.Contains(op.has, "3") {
			e(op.name+"32", tAluBinary, bpfPQR|op.opc)
		}
	}
	type memClass struct {
		prefix     string
		t          insnType
		legacy, v2 uint8
	}
	classes := []memClass{
		{"ldx", tLoadReg, bpfMEM | bpfLDX, bpfALU32 | bpfX},
		{"st", tStoreImm, bpfMEM | bpfST, bpfALU64 | bpfK},
		{"stx", tStoreReg, bpfMEM | bpfSTX, bpfALU64 | bpfX},
	}
	sizes := []struct {
		suffix     string
		legacy, v2 uint8
	}{{"b", bpfB, bpf1B}, {"h", bpfH, bpf2B}, {"w", bpfW, bpf4B}, {"dw", bpfDW, bpf8B}}
	for _, c := range classes {
		for _, s := range sizes {
			if v.MoveMemoryInstructionClasses() {
				e(c.prefix+s.suffix, c.t, c.v2|s.v2)
			} else {
				e(c.prefix+s.suffix, c.t, c.legacy|s.legacy)
			}
		}
	}
	for _, j := range []struct {
		name string
		opc  uint8
	}{{"jeq", 0x10}, {"jgt", 0x20}, {"jge", 0x30}, {"jlt", 0xa0}, {"jle", 0xb0}, {"jset", 0x40},
		{"jne", 0x50}, {"jsgt", 0x60}, {"jsge", 0x70}, {"jslt", 0xc0}, {"jsle", 0xd0}} {
		e(j.name, tJumpConditional, bpfJMP64|j.opc)
		e(j.name+"32", tJumpConditional, bpfJMP32|j.opc)
		e(j.name+"64", tJumpConditional, bpfJMP64|j.opc)
	}
	for _, size := range []int64{16, 32, 64} {
		m[fmt.Sprintf("be%d", size)] = mnemonic{typ: tEndian, opc: opBE, size: size}
		m[fmt.Sprintf("le%d", size)] = mnemonic{typ: tEndian, opc: opLE, size: size}
	}
	return m
}

// rawInsn is ebpf.rs Insn before encoding.
type rawInsn struct {
	opc      uint8
	dst, src int64
	off      int64
	imm      int64
}

func mkInsn(opc uint8, dst, src, off, imm int64) (rawInsn, error) {
	switch {
	case dst < 0 || dst >= 16:
		return rawInsn{}, fmt.Errorf("Invalid destination register %d", dst)
	case src < 0 || src >= 16:
		return rawInsn{}, fmt.Errorf("Invalid source register %d", src)
	case off < -32768 || off > 32767:
		return rawInsn{}, fmt.Errorf("Invalid offset %d", off)
	case imm < -(1<<31) || imm > (1<<31)-1:
		return rawInsn{}, fmt.Errorf("Invalid immediate %d", imm)
	}
	return rawInsn{opc: opc, dst: dst, src: src, off: off, imm: imm}, nil
}

func (i rawInsn) bytes() [8]byte {
	return sbpf.Insn{Opc: i.opc, Dst: uint8(i.dst) & 0xf, Src: uint8(i.src) & 0xf, Off: int16(i.off), Imm: i.imm}.Bytes()
}

// Program is the result of assembling: the text, the functions the assembler registered
// (key = pc, as assembler.rs does) and the call/syscall sites, which AssembleELF needs.
type Program struct {
	Version   sbpf.Version
	Text      []byte
	Functions []elf.Symbol // registered functions (function_* and entrypoint labels, call targets)
	Calls     []CallSite
}

// CallSite is a `call` or `syscall` instruction as written in the source.
type CallSite struct {
	PC       uint64
	Syscall  bool
	Name     string // syscall name or call label; "" for a numeric operand
	TargetPC int64  // internal calls: absolute target
}

// Compile assembles src for version v (assembler.rs assemble, without building an
// Executable).
func Compile(src string, v sbpf.Version) (*Program, error) {
	stmts, err := Parse(src)
	if err != nil {
		return nil, err
	}
	imap := instructionMap(v)
	static := v.StaticSyscalls()
	staticSrc := int64(0)
	if static {
		staticSrc = 1
	}
	funcs := map[uint32]elf.Symbol{}
	var order []uint32
	register := func(key uint32, name string, pc uint64) bool {
		if old, ok := funcs[key]; ok {
			return old.PC == pc
		}
		funcs[key] = elf.Symbol{Name: name, PC: pc}
		order = append(order, key)
		return true
	}
	labels := map[string]int64{"entrypoint": 0}
	var ptr int64
	for _, st := range stmts {
		switch st.Kind {
		case StmtLabel:
			if strings.HasPrefix(st.Name, "function_") || st.Name == "entrypoint" {
				if !register(uint32(ptr), st.Name, uint64(ptr)) {
					return nil, &Error{Line: st.Line, Msg: "Label hash collision " + st.Name}
				}
			}
			labels[st.Name] = ptr
		case StmtDirective:
			if st.Name == "fill" && len(st.Operands) == 2 && st.Operands[0].Kind == OpInteger && st.Operands[1].Kind == OpInteger {
				n := st.Operands[0].Value
				if n < 0 || n > maxFillSize || ptr+n > maxFillSize {
					return nil, &Error{Line: st.Line, Msg: fmt.Sprintf("Invalid .fill repeat count %d", n)}
				}
				ptr += n
			}
		case StmtInstruction:
			if st.Name == "lddw" {
				ptr += 2
			} else {
				ptr++
			}
		}
	}
	resolve := func(ptr int64, label string) (int64, error) {
		t, ok := labels[label]
		if !ok {
			return 0, fmt.Errorf("Label not found %s", label)
		}
		return t - ptr - 1, nil
	}
	ops := func(o []Operand, kinds ...OperandKind) bool {
		if len(o) != len(kinds) {
			return false
		}
		for i, k := range kinds {
			if o[i].Kind != k {
				return false
			}
		}
		return true
	}
	var text []byte
	var calls []CallSite
	ptr = 0
	for _, st := range stmts {
		switch st.Kind {
		case StmtLabel:
			continue
		case StmtDirective:
			if st.Name == "fill" && ops(st.Operands, OpInteger, OpInteger) {
				val := st.Operands[1].Value
				in := rawInsn{opc: uint8(val), dst: (val >> 8) & 0xf, src: (val >> 12) & 0xf,
					off: int64(int16(uint16(val >> 16))), imm: int64(uint32(val >> 32))}
				b := in.bytes()
				for i := int64(0); i < st.Operands[0].Value; i++ {
					text = append(text, b[:]...)
					ptr++
				}
				continue
			}
			return nil, &Error{Line: st.Line, Msg: fmt.Sprintf("Invalid directive %q", st.Name)}
		}
		mn, ok := imap[st.Name]
		if !ok {
			return nil, &Error{Line: st.Line, Msg: fmt.Sprintf("Invalid instruction %q", st.Name)}
		}
		o := st.Operands
		var in rawInsn
		var err error
		switch {
		case mn.typ == tAluBinary && ops(o, OpRegister, OpRegister):
			in, err = mkInsn(mn.opc|bpfX, o[0].Reg, o[1].Reg, 0, 0)
		case mn.typ == tAluBinary && ops(o, OpRegister, OpInteger) && o[0].Reg == 10 && mn.opc == opAdd64Imm:
			if v.ManualStackFrameBump() {
				in, err = mkInsn(mn.opc|bpfK, 10, 0, 0, o[1].Value)
			} else {
				in, err = mkInsn(opOr64Imm, 0, 0, 0, 0) // no-op
			}
		case mn.typ == tAluBinary && ops(o, OpRegister, OpInteger):
			in, err = mkInsn(mn.opc|bpfK, o[0].Reg, 0, 0, o[1].Value)
		case mn.typ == tAluUnary && ops(o, OpRegister):
			in, err = mkInsn(mn.opc, o[0].Reg, 0, 0, 0)
		case mn.typ == tLoadReg && ops(o, OpRegister, OpMemory):
			in, err = mkInsn(mn.opc, o[0].Reg, o[1].Reg, o[1].Value, 0)
		case mn.typ == tStoreReg && ops(o, OpMemory, OpRegister):
			in, err = mkInsn(mn.opc, o[0].Reg, o[1].Reg, o[0].Value, 0)
		case mn.typ == tStoreImm && ops(o, OpMemory, OpInteger):
			in, err = mkInsn(mn.opc, o[0].Reg, 0, o[0].Value, o[1].Value)
		case mn.typ == tNoOperand && len(o) == 0:
			in, err = mkInsn(mn.opc, 0, 0, 0, 0)
		case mn.typ == tJumpUnconditional && ops(o, OpInteger):
			in, err = mkInsn(mn.opc, 0, 0, o[0].Value, 0)
		case mn.typ == tJumpConditional && ops(o, OpRegister, OpRegister, OpInteger):
			in, err = mkInsn(mn.opc|bpfX, o[0].Reg, o[1].Reg, o[2].Value, 0)
		case mn.typ == tJumpConditional && ops(o, OpRegister, OpInteger, OpInteger):
			in, err = mkInsn(mn.opc|bpfK, o[0].Reg, 0, o[2].Value, o[1].Value)
		case mn.typ == tJumpUnconditional && ops(o, OpLabel):
			var off int64
			if off, err = resolve(ptr, o[0].Label); err == nil {
				in, err = mkInsn(mn.opc, 0, 0, off, 0)
			}
		case mn.typ == tCallImm && ops(o, OpInteger):
			target := o[0].Value + ptr + 1
			if !register(uint32(target), fmt.Sprintf("function_%d", uint64(target)), uint64(target)) {
				return nil, &Error{Line: st.Line, Msg: "Label hash collision " + st.Name}
			}
			imm := target
			if static {
				imm = o[0].Value
			}
			in, err = mkInsn(mn.opc, 0, staticSrc, 0, imm)
			calls = append(calls, CallSite{PC: uint64(ptr), TargetPC: target})
		case mn.typ == tCallImm && ops(o, OpLabel):
			target, ok := labels[o[0].Label]
			if !ok {
				err = fmt.Errorf("Label not found %s", o[0].Label)
				break
			}
			imm := target
			if static {
				imm = target - ptr - 1
			}
			in, err = mkInsn(mn.opc, 0, staticSrc, 0, imm)
			calls = append(calls, CallSite{PC: uint64(ptr), Name: o[0].Label, TargetPC: target})
		case mn.typ == tSyscall && ops(o, OpLabel):
			in, err = mkInsn(mn.opc, 0, 0, 0, int64(int32(sbpf.HashSymbolName([]byte(o[0].Label)))))
			calls = append(calls, CallSite{PC: uint64(ptr), Syscall: true, Name: o[0].Label})
		case mn.typ == tSyscall && ops(o, OpInteger):
			in, err = mkInsn(mn.opc, 0, 0, 0, o[0].Value)
			calls = append(calls, CallSite{PC: uint64(ptr), Syscall: true})
		case mn.typ == tCallReg && ops(o, OpRegister):
			switch {
			case v.CallxUsesSrcReg():
				in, err = mkInsn(mn.opc, 0, o[0].Reg, 0, 0)
			case v.CallxUsesDstReg():
				in, err = mkInsn(mn.opc, o[0].Reg, 0, 0, 0)
			default:
				in, err = mkInsn(mn.opc, 0, 0, 0, o[0].Reg)
			}
		case mn.typ == tJumpConditional && ops(o, OpRegister, OpRegister, OpLabel):
			var off int64
			if off, err = resolve(ptr, o[2].Label); err == nil {
				in, err = mkInsn(mn.opc|bpfX, o[0].Reg, o[1].Reg, off, 0)
			}
		case mn.typ == tJumpConditional && ops(o, OpRegister, OpInteger, OpLabel):
			var off int64
			if off, err = resolve(ptr, o[2].Label); err == nil {
				in, err = mkInsn(mn.opc|bpfK, o[0].Reg, 0, off, o[1].Value)
			}
		case mn.typ == tEndian && ops(o, OpRegister):
			in, err = mkInsn(mn.opc, o[0].Reg, 0, 0, mn.size)
		case mn.typ == tLoadDwImm && ops(o, OpRegister, OpInteger):
			in, err = mkInsn(mn.opc, o[0].Reg, 0, 0, int64(int32(o[1].Value)))
		default:
			strs := make([]string, len(o))
			for i := range o {
				strs[i] = o[i].String()
			}
			err = fmt.Errorf("Unexpected operands: [%s]", strings.Join(strs, ", "))
		}
		if err != nil {
			return nil, &Error{Line: st.Line, Msg: err.Error()}
		}
		b := in.bytes()
		text = append(text, b[:]...)
		ptr++
		if mn.typ == tLoadDwImm {
			hi := rawInsn{imm: o[1].Value >> 32}
			b := hi.bytes()
			text = append(text, b[:]...)
			ptr++
		}
	}
	p := &Program{Version: v, Text: text, Calls: calls}
	for _, k := range order {
		p.Functions = append(p.Functions, funcs[k])
	}
	return p, nil
}

// Assemble translates assembly to an executable for version v, like anza's assemble with
// enabled_sbpf_versions ending at v: functions are registered under their pc, calls use
// absolute pcs (v0..v2) or pc-relative immediates (v3+), then new_from_text_bytes.
func Assemble(src string, v sbpf.Version, loader *sbpf.Loader) (*sbpf.Executable, error) {
	p, err := Compile(src, v)
	if err != nil {
		return nil, err
	}
	reg := sbpf.NewFunctionRegistry()
	for _, f := range p.Functions {
		if err := reg.Register(uint32(f.PC), f.Name, f.PC); err != nil {
			return nil, &Error{Msg: "Label hash collision " + f.Name}
		}
	}
	exe, err := sbpf.NewExecutableFromText(p.Text, loader, v, reg)
	if err != nil {
		return nil, &Error{Msg: fmt.Sprintf("Executable constructor %v", err)}
	}
	return exe, nil
}

// AssembleELF assembles src and writes it as an ELF for version v (legacy shared object
// for v0..v2, strict for v3+). On v0..v2 internal calls become pc-relative calls with
// src=1 (as LLVM emits them; the loader hashes them) and named syscalls become
// R_BPF_64_32 relocations; a syscall given by number cannot be expressed and is an error.
// The text is placed after the ELF headers, so absolute addresses into the text written
// in the source (e.g. for callx) differ from Assemble's layout on v0..v2.
func AssembleELF(src string, v sbpf.Version) ([]byte, error) {
	p, err := Compile(src, v)
	if err != nil {
		return nil, err
	}
	return p.ELF()
}

// ELF writes the program with the package elf writer.
func (p *Program) ELF() ([]byte, error) {
	text := append([]byte(nil), p.Text...)
	ep := &elf.Program{Version: p.Version, Text: text}
	seen := map[string]bool{}
	n := uint64(len(text)) / sbpf.InsnSize
	for _, f := range p.Functions {
		if f.PC >= n || seen[f.Name] {
			continue // a call target outside the text: the loader reports it
		}
		seen[f.Name] = true
		ep.Functions = append(ep.Functions, f)
		if f.Name == "entrypoint" {
			ep.EntryPC = f.PC
		}
	}
	if !p.Version.StaticSyscalls() {
		for _, c := range p.Calls {
			slot := text[c.PC*sbpf.InsnSize:]
			if c.Syscall {
				if c.Name == "" {
					return nil, &Error{Msg: fmt.Sprintf("syscall at instruction %d is given by number; a v0..v2 ELF needs its name", c.PC)}
				}
				ep.Relocs = append(ep.Relocs, elf.Reloc{Kind: elf.RelocSyscall,
					Site: elf.Location{Section: elf.SecText, Offset: c.PC * sbpf.InsnSize}, Symbol: c.Name})
				continue
			}
			rel := c.TargetPC - int64(c.PC) - 1
			slot[1] = slot[1]&0x0f | 1<<4
			if rel == -1 {
				// imm -1 means "resolved by relocation" to the loader: name the target.
				name := fmt.Sprintf("function_%d", c.TargetPC)
				if !seen[name] {
					seen[name] = true
					ep.Functions = append(ep.Functions, elf.Symbol{Name: name, PC: c.PC})
				}
				ep.Relocs = append(ep.Relocs, elf.Reloc{Kind: elf.RelocCall,
					Site: elf.Location{Section: elf.SecText, Offset: c.PC * sbpf.InsnSize}, Symbol: name})
				continue
			}
			b := rawInsn{imm: rel}.bytes()
			copy(slot[4:8], b[4:8])
		}
	}
	if len(text) == 0 {
		return nil, &Error{Msg: "empty program"}
	}
	return elf.Write(ep)
}
