package asm

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
)

// The disassembler follows anza's static_analysis.rs (basic blocks, labels, which labels
// are printed) and disassembler.rs (one line per instruction). Differences, all so that
// the output assembles again: a function without a name (labels disabled in the loader)
// is called function_<pc>; a call names its target by the target's label (one per pc, even
// when the registry has several names for it); characters a label cannot hold become '_';
// call targets are computed from the instruction's own slot
// (anza uses the index in the lddw-merged list, which is off after a lddw on v3+); names
// are not demangled.

type dInsn struct {
	ptr uint64 // slot index
	sbpf.Insn
}

type cfgNode struct {
	label        string
	sources      []uint64
	destinations []uint64
	start, end   int // instruction list range
}

type analysis struct {
	exe       *sbpf.Executable
	insns     []dInsn
	functions map[uint64]string
	nodes     map[uint64]*cfgNode
	order     []uint64 // node starts, ascending
}

// callKey is SBPFVersion::calculate_call_imm_target_pc.
func callKey(v sbpf.Version, pc uint64, imm int64) uint32 {
	if v.StaticSyscalls() {
		t := int64(pc) + imm + 1
		return uint32(t)
	}
	return uint32(imm)
}

func isJump(v sbpf.Version, opc uint8) bool {
	cls := opc & 0x07
	op := opc & 0xf0
	if op == 0x00 || op == 0x80 || op == 0x90 || op == 0xe0 || op == 0xf0 {
		return false // ja, call, exit, and unused
	}
	if cls == bpfJMP64 {
		return true
	}
	return cls == bpfJMP32 && v.EnableJmp32()
}

func newAnalysis(exe *sbpf.Executable) *analysis {
	a := &analysis{exe: exe, functions: map[uint64]string{}, nodes: map[uint64]*cfgNode{}}
	text := exe.Text
	n := uint64(len(text)) / sbpf.InsnSize
	for ptr := uint64(0); ptr < n; ptr++ {
		in := sbpf.DecodeInsn(text, ptr)
		if in.Opc == opLdDwImm {
			if ptr+1 >= n {
				break
			}
			hi := sbpf.DecodeInsn(text, ptr+1)
			in.Imm = int64(uint64(uint32(in.Imm)) | uint64(uint32(hi.Imm))<<32)
			a.insns = append(a.insns, dInsn{ptr, in})
			ptr++
			continue
		}
		a.insns = append(a.insns, dInsn{ptr, in})
	}
	if exe.Functions != nil {
		for _, key := range exe.Functions.Keys() {
			name, pc, _ := exe.Functions.Lookup(key)
			if name == "" {
				if pc == exe.EntryPC {
					name = "entrypoint"
				} else {
					name = fmt.Sprintf("function_%d", pc)
				}
			}
			a.functions[pc] = name // later (larger) keys win, like the BTreeMap insert
		}
	}
	if len(a.insns) == 0 {
		return a
	}
	a.splitIntoBasicBlocks()
	for _, pc := range a.order {
		if name, ok := a.functions[pc]; ok {
			a.nodes[pc].label = labelName(name)
		} else {
			a.nodes[pc].label = fmt.Sprintf("lbb_%d", pc)
		}
	}
	return a
}

func (a *analysis) splitIntoBasicBlocks() {
	v := a.exe.Version
	add := func(pc uint64) {
		if _, ok := a.nodes[pc]; !ok {
			a.nodes[pc] = &cfgNode{}
		}
	}
	add(0)
	for pc := range a.functions {
		add(pc)
	}
	type edge struct {
		ptr   uint64
		dests []uint64
	}
	var edges []edge
	for _, in := range a.insns {
		target := uint64(int64(in.ptr) + int64(in.Off) + 1)
		switch {
		case in.Opc == opCallImm:
			if a.exe.Functions != nil {
				if _, tpc, ok := a.exe.Functions.Lookup(callKey(v, in.ptr, in.Imm)); ok {
					add(in.ptr + 1)
					add(tpc)
					edges = append(edges, edge{in.ptr, []uint64{in.ptr + 1}})
				}
			}
		case in.Opc == opCallReg:
			add(in.ptr + 1)
			edges = append(edges, edge{in.ptr, []uint64{in.ptr + 1}})
		case in.Opc == opExit:
			add(in.ptr + 1)
			edges = append(edges, edge{in.ptr, nil})
		case in.Opc == opJa:
			add(in.ptr + 1)
			add(target)
			edges = append(edges, edge{in.ptr, []uint64{target}})
		case isJump(v, in.Opc):
			add(in.ptr + 1)
			add(target)
			edges = append(edges, edge{in.ptr, []uint64{in.ptr + 1, target}})
		}
	}
	// Keep only nodes that start at an instruction.
	starts := map[uint64]bool{}
	for _, in := range a.insns {
		starts[in.ptr] = true
	}
	for pc := range a.nodes {
		if !starts[pc] {
			delete(a.nodes, pc)
		}
	}
	for i := range edges {
		kept := edges[i].dests[:0:0]
		for _, d := range edges[i].dests {
			if _, ok := a.nodes[d]; ok {
				kept = append(kept, d)
			}
		}
		edges[i].dests = kept
	}
	for pc := range a.functions {
		if _, ok := a.nodes[pc]; !ok {
			delete(a.functions, pc)
		}
	}
	for pc := range a.nodes {
		a.order = append(a.order, pc)
	}
	sort.Slice(a.order, func(i, j int) bool { return a.order[i] < a.order[j] })
	sort.Slice(edges, func(i, j int) bool { return edges[i].ptr < edges[j].ptr })

	idx, e := 0, 0
	for k, start := range a.order {
		node := a.nodes[start]
		var end uint64
		if k+1 < len(a.order) {
			end = a.order[k+1] - 1
		} else {
			end = a.insns[len(a.insns)-1].ptr
		}
		node.start = idx
		node.end = idx
		for idx < len(a.insns) && a.insns[idx].ptr <= end {
			idx++
			node.end = idx
		}
		if e < len(edges) && edges[e].ptr <= end {
			node.destinations = edges[e].dests
			e++
			continue
		}
		if k+1 < len(a.order) {
			if _, isFn := a.functions[start]; !isFn {
				node.destinations = append(node.destinations, a.order[k+1])
			}
		}
	}
	for _, start := range a.order {
		for _, d := range a.nodes[start].destinations {
			a.nodes[d].sources = append(a.nodes[d].sources, start)
		}
	}
}

// labelName makes a symbol name usable as a label: bytes other than letters, digits and
// '_' (e.g. the '.' and '$' of compiler-generated names) become '_'.
func labelName(name string) string {
	ok := true
	for _, r := range name {
		if !isAlnum(r) && r != '_' {
			ok = false
			break
		}
	}
	if ok {
		return name
	}
	return strings.Map(func(r rune) rune {
		if isAlnum(r) || r == '_' {
			return r
		}
		return '_'
	}, name)
}

func (a *analysis) label(pc uint64) string {
	if n, ok := a.nodes[pc]; ok {
		return n.label
	}
	return "[invalid]"
}

func signedOff(v int16) string {
	if v < 0 {
		return fmt.Sprintf("-%#x", -int64(v))
	}
	return fmt.Sprintf("+%#x", v)
}

// instruction is disassembler.rs disassemble_instruction.
func (a *analysis) instruction(in dInsn) string {
	v := a.exe.Version
	mm := v.MoveMemoryInstructionClasses()
	pqr := v.EnablePQR()
	aluImm := func(name string) string { return fmt.Sprintf("%s r%d, %d", name, in.Dst, in.Imm) }
	aluReg := func(name string) string { return fmt.Sprintf("%s r%d, r%d", name, in.Dst, in.Src) }
	ldReg := func(name string) string {
		return fmt.Sprintf("%s r%d, [r%d%s]", name, in.Dst, in.Src, signedOff(in.Off))
	}
	stImm := func(name string) string {
		return fmt.Sprintf("%s [r%d%s], %d", name, in.Dst, signedOff(in.Off), in.Imm)
	}
	stReg := func(name string) string {
		return fmt.Sprintf("%s [r%d%s], r%d", name, in.Dst, signedOff(in.Off), in.Src)
	}
	target := uint64(int64(in.ptr) + int64(in.Off) + 1)
	jmp := func(name string) string {
		if in.Opc&bpfX != 0 {
			return fmt.Sprintf("%s r%d, r%d, %s", name, in.Dst, in.Src, a.label(target))
		}
		return fmt.Sprintf("%s r%d, %d, %s", name, in.Dst, in.Imm, a.label(target))
	}
	o := in.Opc
	switch {
	case o == opLdDwImm:
		return fmt.Sprintf("lddw r%d, %#x", in.Dst, uint64(in.Imm))
	case !mm && o&0x07 == bpfLDX && o&0xe0 == bpfMEM:
		return ldReg("ldx" + legacySize(o))
	case !mm && o&0x07 == bpfST && o&0xe0 == bpfMEM:
		return stImm("st" + legacySize(o))
	case !mm && o&0x07 == bpfSTX && o&0xe0 == bpfMEM:
		return stReg("stx" + legacySize(o))
	case mm && (o == bpfALU32|bpfX|bpf1B || o == bpfALU32|bpfX|bpf2B || o == bpfALU32|bpfX|bpf4B || o == bpfALU32|bpfX|bpf8B):
		return ldReg("ldx" + movedSize(o))
	case mm && (o == bpfALU64|bpfK|bpf1B || o == bpfALU64|bpfK|bpf2B || o == bpfALU64|bpfK|bpf4B || o == bpfALU64|bpfK|bpf8B):
		return stImm("st" + movedSize(o))
	case mm && (o == bpfALU64|bpfX|bpf1B || o == bpfALU64|bpfX|bpf2B || o == bpfALU64|bpfX|bpf4B || o == bpfALU64|bpfX|bpf8B):
		return stReg("stx" + movedSize(o))
	case o == opLE || o == opBE:
		name := "le"
		if o == opBE {
			name = "be"
		}
		return fmt.Sprintf("%s%d r%d", name, in.Imm, in.Dst)
	case o == opNeg32 && !v.DisableNeg():
		return fmt.Sprintf("neg32 r%d", in.Dst)
	case o == opNeg64 && !v.DisableNeg():
		return fmt.Sprintf("neg64 r%d", in.Dst)
	case o == 0xf7: // hor64 imm
		return aluImm("hor64")
	case o&0x07 == bpfALU32 || o&0x07 == bpfALU64:
		bits := "32"
		if o&0x07 == bpfALU64 {
			bits = "64"
		}
		var name string
		switch o & 0xf0 {
		case 0x00:
			name = "add"
		case 0x10:
			name = "sub"
		case 0x20:
			if !pqr {
				name = "mul"
			}
		case 0x30:
			if !pqr {
				name = "div"
			}
		case 0x40:
			name = "or"
		case 0x50:
			name = "and"
		case 0x60:
			name = "lsh"
		case 0x70:
			name = "rsh"
		case 0x90:
			if !pqr {
				name = "mod"
			}
		case 0xa0:
			name = "xor"
		case 0xb0:
			name = "mov"
		case 0xc0:
			name = "arsh"
		}
		if name == "" {
			break
		}
		if o&bpfX != 0 {
			return aluReg(name + bits)
		}
		return aluImm(name + bits)
	case o&0x07 == bpfPQR && pqr:
		var name string
		switch o & 0xe0 {
		case bpfLMUL:
			name = "lmul"
		case bpfUHMUL:
			name = "uhmul"
		case bpfSHMUL:
			name = "shmul"
		case bpfUDIV:
			name = "udiv"
		case bpfUREM:
			name = "urem"
		case bpfSDIV:
			name = "sdiv"
		case bpfSREM:
			name = "srem"
		}
		is64 := o&bpfB != 0
		if name == "" || (!is64 && (name == "uhmul" || name == "shmul")) {
			break
		}
		if is64 {
			name += "64"
		} else {
			name += "32"
		}
		if o&bpfX != 0 {
			return aluReg(name)
		}
		return aluImm(name)
	case o == opJa:
		return "ja " + a.label(target)
	case isJump(v, o):
		name := jumpName(o & 0xf0)
		if name == "" {
			break
		}
		if o&0x07 == bpfJMP32 {
			name += "32"
		}
		return jmp(name)
	case o == opCallImm:
		key := callKey(v, in.ptr, in.Imm)
		name := "call"
		var fname string
		found := false
		if a.exe.Functions != nil {
			if n, pc, ok := a.exe.Functions.Lookup(key); ok {
				// A pc registered under several keys (e.g. "entrypoint" and its pc
				// hash) has one label: call it by that label, or the text would not
				// assemble again.
				fname, found = a.functions[pc], true
				if fname == "" {
					fname = n
				}
				if fname == "" {
					fname = fmt.Sprintf("function_%d", pc)
				}
			}
		}
		if (!found && !v.StaticSyscalls()) || in.Src == 0 {
			name = "syscall"
			found = false
			if n, _, ok := a.exe.Loader.LookupSyscall(uint32(in.Imm)); ok {
				fname, found = n, true
			}
		}
		if !found {
			fname = fmt.Sprintf("%d", in.Imm)
		} else if name == "call" {
			fname = labelName(fname)
		}
		return name + " " + fname
	case o == opCallReg:
		reg := int64(uint8(in.Imm))
		if v.CallxUsesSrcReg() {
			reg = int64(in.Src)
		} else if v.CallxUsesDstReg() {
			reg = int64(in.Dst)
		}
		return fmt.Sprintf("callx r%d", reg)
	case o == opExit:
		return "exit"
	}
	return fmt.Sprintf("unknown opcode=%#x", o)
}

func legacySize(o uint8) string {
	switch o & 0x18 {
	case bpfB:
		return "b"
	case bpfH:
		return "h"
	case bpfW:
		return "w"
	}
	return "dw"
}

func movedSize(o uint8) string {
	switch o & 0xf0 {
	case bpf1B:
		return "b"
	case bpf2B:
		return "h"
	case bpf4B:
		return "w"
	}
	return "dw"
}

func jumpName(op uint8) string {
	switch op {
	case 0x10:
		return "jeq"
	case 0x20:
		return "jgt"
	case 0x30:
		return "jge"
	case 0xa0:
		return "jlt"
	case 0xb0:
		return "jle"
	case 0x40:
		return "jset"
	case 0x50:
		return "jne"
	case 0x60:
		return "jsgt"
	case 0x70:
		return "jsge"
	case 0xc0:
		return "jslt"
	case 0xd0:
		return "jsle"
	}
	return ""
}

// Disassemble prints the executable's text as assembly (static_analysis.rs disassemble):
// labels for functions and basic blocks that are reached other than by falling through,
// a blank line before each function but the first, then one indented instruction per line.
func Disassemble(exe *sbpf.Executable) string {
	a := newAnalysis(exe)
	var sb strings.Builder
	last := ^uint64(0)
	for i, in := range a.insns {
		if node, ok := a.nodes[in.ptr]; ok {
			_, isFn := a.functions[in.ptr]
			if isFn || !(len(node.sources) == 1 && node.sources[0] == last) {
				if isFn && i != 0 {
					sb.WriteString("\n")
				}
				sb.WriteString(node.label)
				sb.WriteString(":\n")
			}
			if a.insns[node.end-1].Opc == opJa {
				last = ^uint64(0)
			} else {
				last = in.ptr
			}
		}
		sb.WriteString("    ")
		sb.WriteString(a.instruction(in))
		sb.WriteString("\n")
	}
	return sb.String()
}
