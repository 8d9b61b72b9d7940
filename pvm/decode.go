package pvm

import (
	"fmt"
	"math/bits"
)

// Internal pseudo-opcodes; they behave as trap.
const (
	opInvalid = NumOpcodes     // an invalid opcode byte at an instruction start
	opGap     = NumOpcodes + 1 // a position reached through a skip capped at 24 (k = 0)
	opEnd     = NumOpcodes + 2 // the implicit trap at pc = len(code)
	// opBadBranch is a branch with a side that is not a block start, compiled to a trap
	// under Options.StrictBranches (as polkavm's interpreter does).
	opBadBranch = NumOpcodes + 3
)

const noTarget = ^uint32(0)

// instr is the compact, pre-validated form the interpreter executes. Instruction i+1 is
// always the instruction at pc + 1 + skip(pc); targets are instruction indices.
type instr struct {
	op      Opcode
	a, b, d uint8
	target  uint32 // static branch/jump target index, or noTarget if not a block start
	imm     uint64 // X (or the raw absolute target T for F4/F10)
	imm2    uint64 // Y (or the raw absolute target T for F7)
	pc      uint32
	_       uint32
}

// Options selects behaviours where the Gray Paper and polkavm differ (spec §9).
type Options struct {
	// ReadOnlyWritePanics makes a write to a read-only page a panic instead of a page
	// fault (the koute/new-gas-cost-model vectors' expectation; spec §7.4).
	ReadOnlyWritePanics bool
	// PolkaVMLowAddress uses polkavm's 0x4000 instead of the GP's 0x10000 as the address
	// below which an inaccessible access panics instead of faulting (divergence 1).
	PolkaVMLowAddress bool
	// StrictBranches compiles a branch whose taken or fall-through target is not a block
	// start into a trap, as polkavm's interpreter does (divergence 5).
	StrictBranches bool
	// PerInstructionGas charges 1 gas before every instruction, as the Gray Paper 0.7.2
	// text does, instead of charging whole blocks on entry (what polkavm and the test
	// vectors do). A fault then has cost the faulting instruction (GP main after
	// 2025-11-19); out-of-gas stops exactly at the unpaid instruction.
	PerInstructionGas bool
	// AllowInvalidOpcodes accepts invalid opcodes at instruction starts (they trap) even
	// in the 0.8 profile, whose v_blob rule otherwise rejects the program.
	AllowInvalidOpcodes bool
}

// Decoded is a program decoded once into the interpreter's form: instructions, block
// starts, per-block gas costs and the resolved jump table. It is immutable and may be
// shared by many machines.
type Decoded struct {
	Profile Profile
	Program *Program
	Opts    Options

	ins      []instr  // len = instruction count + 1 (the opEnd sentinel)
	idx      []int32  // pc -> instruction index, for pc in [0, len(code)]; -1 elsewhere
	isStart  []bool   // per index: a valid jump target (in ϖ)
	blockOf  []uint32 // per index: index of the largest block start <= it (L)
	cost     []int64  // per index: gas of the block entered at this index (entry points only)
	jump     []uint32 // jump table entry -> instruction index or noTarget
	lowPanic uint32
	// NumInstructions counts decoded instruction positions (invalid opcodes and skip gaps
	// included, the end-of-code sentinel excluded).
	NumInstructions int
}

// Decode decodes and validates prog for profile p with default options.
func Decode(p Profile, prog *Program) (*Decoded, error) {
	return DecodeWith(p, prog, Options{})
}

// DecodeWith decodes and validates prog for profile p.
func DecodeWith(p Profile, prog *Program, opts Options) (*Decoded, error) {
	if p >= numProfiles {
		return nil, fmt.Errorf("pvm: %w: %d", ErrUnknownProfile, p)
	}
	if prog == nil {
		return nil, formatErr("program blob", -1, ErrTruncated, "no program")
	}
	code, mask := prog.Code, prog.Bitmask
	if len(mask) != (len(code)+7)/8 {
		return nil, formatErr("program blob", -1, ErrBadBitmask, "bitmask has %d bytes for %d code bytes", len(mask), len(code))
	}
	if len(code) > MaxCodeLen || len(prog.JumpTable) > MaxJumpTableEntries {
		return nil, formatErr("program blob", -1, ErrTooLarge, "code %d bytes, %d jump table entries", len(code), len(prog.JumpTable))
	}
	d := &Decoded{Profile: p, Program: prog, Opts: opts, lowPanic: 0x10000}
	if opts.PolkaVMLowAddress {
		d.lowPanic = 0x4000
	}
	n := uint32(len(code))
	starts := 1
	for _, b := range mask {
		starts += bits.OnesCount8(b)
	}
	d.ins = make([]instr, 0, starts+starts/16)
	d.idx = make([]int32, n+1)
	for i := range d.idx {
		d.idx[i] = -1
	}
	kset := func(i uint32) bool { return i < n && mask[i/8]>>(i%8)&1 == 1 }

	// Walk every instruction start in pc order; a skip capped at 24 that lands on a
	// non-start adds a gap position (which traps).
	gapAt := uint32(0)
	hasGap := false
	for pc := uint32(0); pc < n; pc++ {
		if hasGap && gapAt == pc && !kset(pc) {
			d.idx[pc] = int32(len(d.ins))
			d.ins = append(d.ins, instr{op: opGap, pc: pc, target: noTarget})
			hasGap = false
			continue
		}
		if !kset(pc) {
			continue
		}
		l := skipAt(code, mask, pc)
		in := instr{pc: pc, target: noTarget}
		if op, ok := p.Decode(code[pc]); ok {
			in.op = op
			in.a, in.b, in.d, in.imm, in.imm2 = operands(op.Format(), code, pc, l)
		} else {
			if p == GP080 && !opts.AllowInvalidOpcodes {
				return nil, formatErr("program blob", -1, ErrInvalidOpcode, "byte %d at pc %d is not a %s opcode", code[pc], pc, p)
			}
			in.op = opInvalid
		}
		d.idx[pc] = int32(len(d.ins))
		d.ins = append(d.ins, in)
		if next := pc + 1 + l; next < n && !kset(next) {
			gapAt, hasGap = next, true
		}
	}
	d.NumInstructions = len(d.ins)
	d.idx[n] = int32(len(d.ins))
	d.ins = append(d.ins, instr{op: opEnd, pc: n, target: noTarget})
	if p == GP080 && !opts.AllowInvalidOpcodes {
		// v_blob: the instruction chain from 0 must only meet marked instruction starts.
		for i := 0; i < d.NumInstructions; i++ {
			if d.ins[i].op == opGap {
				return nil, formatErr("program blob", -1, ErrBadBitmask, "no instruction start within %d bytes before pc %d", MaxSkip, d.ins[i].pc)
			}
		}
	}

	// Block starts ϖ: 0 and every position after a terminator, if it is a valid start.
	cnt := len(d.ins)
	d.isStart = make([]bool, cnt)
	validStart := func(i int) bool {
		op := d.ins[i].op
		return op < NumOpcodes && kset(d.ins[i].pc)
	}
	if cnt > 1 && d.ins[0].pc == 0 && validStart(0) {
		d.isStart[0] = true
	}
	for i := 0; i+1 < cnt; i++ {
		if d.ins[i].op < NumOpcodes && d.ins[i].op.IsTerminator() && validStart(i+1) && d.ins[i].op != opGap {
			d.isStart[i+1] = true
		}
	}
	// Resolve static targets.
	resolve := func(t uint64) uint32 {
		if t < uint64(n) && d.idx[t] >= 0 && d.isStart[d.idx[t]] {
			return uint32(d.idx[t])
		}
		return noTarget
	}
	for i := range d.ins {
		in := &d.ins[i]
		switch in.op.Format() {
		case FmtOffset, FmtRegRegOffset:
			if in.op < NumOpcodes {
				in.target = resolve(in.imm)
			}
		case FmtRegImmOffset:
			if in.op < NumOpcodes {
				in.target = resolve(in.imm2)
			}
		}
	}
	d.jump = make([]uint32, len(prog.JumpTable))
	for i, e := range prog.JumpTable {
		d.jump[i] = resolve(uint64(e))
	}

	// Gas: L(i) and the cost of every block that can be entered.
	d.blockOf = make([]uint32, cnt)
	cur := uint32(0)
	for i := range d.ins {
		if d.isStart[i] {
			cur = uint32(i)
		}
		d.blockOf[i] = cur
	}
	d.cost = make([]int64, cnt)
	gm := newGasModel(d)
	for i := range d.ins {
		switch {
		case opts.PerInstructionGas:
			d.cost[i] = 1
		case d.isStart[i] || i == 0 || (d.ins[i-1].op < NumOpcodes && d.ins[i-1].op.IsTerminator()):
			d.cost[i] = gm.blockCost(i)
		}
	}
	// Priced as branches (polkavm's simulator sees the original instruction), executed as
	// traps.
	if opts.StrictBranches {
		for i := range d.ins {
			in := &d.ins[i]
			if in.op < NumOpcodes && in.op.IsBranch() && (in.target == noTarget || !d.isStart[i+1]) {
				in.op = opBadBranch
			}
		}
	}
	return d, nil
}

// isTerm reports whether instruction i ends a block for gas purposes.
func (d *Decoded) isTerm(i int) bool {
	op := d.ins[i].op
	return op >= NumOpcodes || op.IsTerminator()
}

// entryCost is the gas charged when execution enters at index i from outside a block
// (a fresh run or a resume that has not paid): the cost of the block containing i.
func (d *Decoded) entryCost(i uint32) int64 {
	if d.cost[i] != 0 {
		return d.cost[i]
	}
	return d.cost[d.blockOf[i]]
}

// IsBlockStart reports whether pc is a valid jump target (in ϖ).
func (d *Decoded) IsBlockStart(pc uint32) bool {
	return uint64(pc) < uint64(len(d.idx)) && d.idx[pc] >= 0 && d.isStart[d.idx[pc]]
}

// BlockCost returns the gas of the block starting at pc (0, false if pc is not an entry).
func (d *Decoded) BlockCost(pc uint32) (int64, bool) {
	if uint64(pc) >= uint64(len(d.idx)) || d.idx[pc] < 0 {
		return 0, false
	}
	c := d.cost[d.idx[pc]]
	return c, c != 0
}

// GasBlocks returns the pc and cost of every block that execution can enter: the block
// starts plus positions reached by falling through a terminator (such as len(code), whose
// implicit trap polkavm charges).
func (d *Decoded) GasBlocks() map[uint32]int64 {
	out := map[uint32]int64{}
	for i, c := range d.cost {
		if c != 0 {
			out[d.ins[i].pc] = c
		}
	}
	return out
}

// BlockStarts returns the pcs of every block start (ϖ) in order.
func (d *Decoded) BlockStarts() []uint32 {
	var out []uint32
	for i, s := range d.isStart {
		if s {
			out = append(out, d.ins[i].pc)
		}
	}
	return out
}

// Instructions returns every decoded instruction position in pc order with its
// instruction (invalid opcodes and skip gaps are reported as Valid = false).
func (d *Decoded) Instructions() []DecodedInst {
	out := make([]DecodedInst, 0, d.NumInstructions)
	for i := 0; i < d.NumInstructions; i++ {
		in := d.ins[i]
		di := DecodedInst{PC: in.pc, BlockStart: d.isStart[i], Valid: in.op < NumOpcodes}
		if i+1 < len(d.ins) {
			di.Len = d.ins[i+1].pc - in.pc
		}
		if di.Valid {
			di.Inst = Inst{Op: in.op, Ra: in.a, Rb: in.b, Rd: in.d, Imm: in.imm, Imm2: in.imm2}
			di.TargetValid = in.target != noTarget
		}
		if d.cost[i] != 0 {
			di.BlockCost = d.cost[i]
		}
		out = append(out, di)
	}
	return out
}

// DecodedInst is one instruction position as the disassembler shows it.
type DecodedInst struct {
	PC          uint32
	Len         uint32
	Inst        Inst
	Valid       bool  // false: an invalid opcode or a skip gap (both trap)
	BlockStart  bool  // in ϖ
	BlockCost   int64 // gas of the block entered here (0 if not an entry)
	TargetValid bool  // for jumps and branches: the static target is a block start
}

// Verify checks what a linker must guarantee but the machine tolerates: every static
// target and jump-table entry is a block start, and no instruction start holds an invalid
// opcode. Each problem is a typed error (ErrBadTarget, ErrInvalidOpcode).
func (d *Decoded) Verify() error {
	for i := 0; i < d.NumInstructions; i++ {
		in := d.ins[i]
		switch {
		case in.op == opInvalid:
			return formatErr("program blob", -1, ErrInvalidOpcode, "byte %d at pc %d", d.Program.Code[in.pc], in.pc)
		case in.op == opGap:
			return formatErr("program blob", -1, ErrBadBitmask, "skip longer than %d bytes before pc %d", MaxSkip, in.pc)
		case in.op == opBadBranch:
			return formatErr("program blob", -1, ErrBadTarget, "branch at pc %d has a side that is not a block start", in.pc)
		}
		f := in.op.Format()
		if (f == FmtOffset || f == FmtRegImmOffset || f == FmtRegRegOffset) && in.target == noTarget {
			t := in.imm
			if f == FmtRegImmOffset {
				t = in.imm2
			}
			return formatErr("program blob", -1, ErrBadTarget, "%s at pc %d targets %d", in.op, in.pc, int64(t))
		}
	}
	for i, t := range d.jump {
		if t == noTarget {
			return formatErr("program blob", -1, ErrBadTarget, "jump table entry %d = %d", i, d.Program.JumpTable[i])
		}
	}
	return nil
}
