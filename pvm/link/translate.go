package link

import (
	"debug/elf"
	"encoding/binary"
	"fmt"
	"sort"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
)

// fixKind says which immediate of a translated instruction still has to be
// filled in once the layout is known.
type fixKind uint8

const (
	fixNone     fixKind = iota
	fixAddr             // Imm = address of t: a data address, an absolute value, or the code address of a code location
	fixDataAddr         // Imm = data address of t (absolute loads and stores; a code target is an error)
	fixGOT              // Imm = address of the GOT slot holding the address of t
	fixJump             // static target t: Imm for F4/F10, Imm2 for F7
	fixCall             // load_imm_jump: Imm = code address of ret, Imm2 = static target t
	fixCallInd          // load_imm_jump_ind: Imm = code address of ret
	fixHeapBase         // Imm = heap base
	fixSpill            // Imm += address of the register spill area
	fixImport           // ecalli: Imm = import number, replaced by the import's index
)

// lop is one translated PVM instruction with its pending fix-up.
type lop struct {
	inst pvm.Inst
	fix  fixKind
	off  uint64 // offset of the RISC-V instruction it came from
	t    target // fixAddr/fixDataAddr/fixGOT/fixJump/fixCall
	ret  target // fixCall/fixCallInd: the return location
}

// codeSection is the translation of one code section.
type codeSection struct {
	ops    []lop
	starts offsetSet // offsets of RISC-V instruction starts (branch targets must be one of them)
}

// offsetSet is a set of even section offsets in [0, size], one bit per halfword
// (instruction starts are 2-aligned; a map cost a third of the link time on large objects).
type offsetSet []uint64

func newOffsetSet(size uint64) offsetSet { return make(offsetSet, size/128+1) }

func (s offsetSet) add(off uint64) { s[off/128] |= 1 << (off / 2 % 64) }

// has reports whether off is in the set; an odd or out-of-range offset is not.
func (s offsetSet) has(off uint64) bool {
	return off%2 == 0 && off/128 < uint64(len(s)) && s[off/128]&(1<<(off/2%64)) != 0
}

// opIndex returns the index of the first op translated from offset >= off.
func (c *codeSection) opIndex(off uint64) int {
	return sort.Search(len(c.ops), func(i int) bool { return c.ops[i].off >= off })
}

// RISC-V register -> PVM register index; -1 = x0 (no register), -2 = not representable.
var rvToPVM = [32]int8{-1, 0, 1, -2, -2, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
	-2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2}

var rvRegNames = [32]string{"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
	"a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"}

// translator holds the per-section state of the instruction translation.
type translator struct {
	l   *linker
	sec *section
	out []lop
	cur uint64 // offset of the instruction being translated
}

func (tr *translator) errf(kind ErrKind, format string, args ...any) *Error {
	return errAt(kind, tr.sec, tr.cur, format, args...)
}

// reg maps a RISC-V register that must be a real register (not x0).
func (tr *translator) reg(r uint8, in rvInst) (uint8, *Error) {
	v := rvToPVM[r&31]
	switch v {
	case -1:
		return 0, tr.errf(ErrUnsupportedInstruction, "%s uses x0 where a register is required", in.Op)
	case -2:
		return 0, tr.errf(ErrUnsupportedInstruction, "%s uses register %s (x%d); only x0-x15 without gp/tp exist on the PVM (compile with -mabi=lp64e)", in.Op, rvRegNames[r&31], r)
	}
	return uint8(v), nil
}

// regOrZero maps a register; zero reports x0.
func (tr *translator) regOrZero(r uint8, in rvInst) (pr uint8, zero bool, err *Error) {
	if r == 0 {
		return 0, true, nil
	}
	pr, err = tr.reg(r, in)
	return pr, false, err
}

func (tr *translator) emit(in pvm.Inst) { tr.out = append(tr.out, lop{inst: in, off: tr.cur}) }

func (tr *translator) emitFix(in pvm.Inst, fix fixKind, t target) {
	tr.out = append(tr.out, lop{inst: in, fix: fix, t: t, off: tr.cur})
}

// loadConst emits rd = v with the shortest instruction.
func (tr *translator) loadConst(rd uint8, v uint64) {
	if v == uint64(int64(int32(v))) {
		tr.emit(pvm.Inst{Op: pvm.OpLoadImm, Ra: rd, Imm: v})
	} else {
		tr.emit(pvm.Inst{Op: pvm.OpLoadImm64, Ra: rd, Imm: v})
	}
}

var (
	regImmOps = map[rvOp]pvm.Opcode{
		rvADDI: pvm.OpAddImm64, rvADDIW: pvm.OpAddImm32, rvXORI: pvm.OpXorImm, rvORI: pvm.OpOrImm, rvANDI: pvm.OpAndImm,
		rvSLTI: pvm.OpSetLtSImm, rvSLTIU: pvm.OpSetLtUImm, rvSLLI: pvm.OpShloLImm64, rvSRLI: pvm.OpShloRImm64,
		rvSRAI: pvm.OpSharRImm64, rvSLLIW: pvm.OpShloLImm32, rvSRLIW: pvm.OpShloRImm32, rvSRAIW: pvm.OpSharRImm32,
		rvRORI: pvm.OpRotR64Imm, rvRORIW: pvm.OpRotR32Imm,
	}
	regRegOps = map[rvOp]pvm.Opcode{
		rvADD: pvm.OpAdd64, rvSUB: pvm.OpSub64, rvSLL: pvm.OpShloL64, rvSLT: pvm.OpSetLtS, rvSLTU: pvm.OpSetLtU,
		rvXOR: pvm.OpXor, rvSRL: pvm.OpShloR64, rvSRA: pvm.OpSharR64, rvOR: pvm.OpOr, rvAND: pvm.OpAnd,
		rvADDW: pvm.OpAdd32, rvSUBW: pvm.OpSub32, rvSLLW: pvm.OpShloL32, rvSRLW: pvm.OpShloR32, rvSRAW: pvm.OpSharR32,
		rvMUL: pvm.OpMul64, rvMULH: pvm.OpMulUpperSS, rvMULHSU: pvm.OpMulUpperSU, rvMULHU: pvm.OpMulUpperUU,
		rvDIV: pvm.OpDivS64, rvDIVU: pvm.OpDivU64, rvREM: pvm.OpRemS64, rvREMU: pvm.OpRemU64,
		rvMULW: pvm.OpMul32, rvDIVW: pvm.OpDivS32, rvDIVUW: pvm.OpDivU32, rvREMW: pvm.OpRemS32, rvREMUW: pvm.OpRemU32,
		rvANDN: pvm.OpAndInv, rvORN: pvm.OpOrInv, rvXNOR: pvm.OpXnor, rvMIN: pvm.OpMin, rvMINU: pvm.OpMinU,
		rvMAX: pvm.OpMax, rvMAXU: pvm.OpMaxU, rvROL: pvm.OpRotL64, rvROR: pvm.OpRotR64, rvROLW: pvm.OpRotL32, rvRORW: pvm.OpRotR32,
	}
	unaryOps = map[rvOp]pvm.Opcode{
		rvCLZ: pvm.OpLeadingZeroBits64, rvCLZW: pvm.OpLeadingZeroBits32, rvCTZ: pvm.OpTrailingZeroBits64,
		rvCTZW: pvm.OpTrailingZeroBits32, rvCPOP: pvm.OpCountSetBits64, rvCPOPW: pvm.OpCountSetBits32,
		rvSEXTB: pvm.OpSignExtend8, rvSEXTH: pvm.OpSignExtend16, rvZEXTH: pvm.OpZeroExtend16, rvREV8: pvm.OpReverseBytes,
	}
	loadIndOps = map[rvOp]pvm.Opcode{
		rvLB: pvm.OpLoadIndI8, rvLH: pvm.OpLoadIndI16, rvLW: pvm.OpLoadIndI32, rvLD: pvm.OpLoadIndU64,
		rvLBU: pvm.OpLoadIndU8, rvLHU: pvm.OpLoadIndU16, rvLWU: pvm.OpLoadIndU32,
	}
	loadAbsOps = map[rvOp]pvm.Opcode{
		rvLB: pvm.OpLoadI8, rvLH: pvm.OpLoadI16, rvLW: pvm.OpLoadI32, rvLD: pvm.OpLoadU64,
		rvLBU: pvm.OpLoadU8, rvLHU: pvm.OpLoadU16, rvLWU: pvm.OpLoadU32,
	}
	storeIndOps    = map[rvOp]pvm.Opcode{rvSB: pvm.OpStoreIndU8, rvSH: pvm.OpStoreIndU16, rvSW: pvm.OpStoreIndU32, rvSD: pvm.OpStoreIndU64}
	storeImmIndOps = map[rvOp]pvm.Opcode{rvSB: pvm.OpStoreImmIndU8, rvSH: pvm.OpStoreImmIndU16, rvSW: pvm.OpStoreImmIndU32, rvSD: pvm.OpStoreImmIndU64}
	storeAbsOps    = map[rvOp]pvm.Opcode{rvSB: pvm.OpStoreU8, rvSH: pvm.OpStoreU16, rvSW: pvm.OpStoreU32, rvSD: pvm.OpStoreU64}
	storeImmAbsOps = map[rvOp]pvm.Opcode{rvSB: pvm.OpStoreImmU8, rvSH: pvm.OpStoreImmU16, rvSW: pvm.OpStoreImmU32, rvSD: pvm.OpStoreImmU64}
)

// branch emits a conditional branch to t (fall-through = next instruction).
func (tr *translator) branch(in rvInst, t target) *Error {
	a, az, err := tr.regOrZero(in.Rs1, in)
	if err != nil {
		return err
	}
	b, bz, err := tr.regOrZero(in.Rs2, in)
	if err != nil {
		return err
	}
	type forms struct{ rr, rImm, immR pvm.Opcode } // rs1 op rs2; rs1 op 0; 0 op rs2 (mirrored)
	var f forms
	var always bool // value of "0 op 0"
	switch in.Op {
	case rvBEQ:
		f, always = forms{pvm.OpBranchEq, pvm.OpBranchEqImm, pvm.OpBranchEqImm}, true
	case rvBNE:
		f = forms{pvm.OpBranchNe, pvm.OpBranchNeImm, pvm.OpBranchNeImm}
	case rvBLT:
		f = forms{pvm.OpBranchLtS, pvm.OpBranchLtSImm, pvm.OpBranchGtSImm}
	case rvBGE:
		f, always = forms{pvm.OpBranchGeS, pvm.OpBranchGeSImm, pvm.OpBranchLeSImm}, true
	case rvBLTU:
		f = forms{pvm.OpBranchLtU, pvm.OpBranchLtUImm, pvm.OpBranchGtUImm}
	case rvBGEU:
		f, always = forms{pvm.OpBranchGeU, pvm.OpBranchGeUImm, pvm.OpBranchLeUImm}, true
	}
	switch {
	case !az && !bz:
		tr.emitFix(pvm.Inst{Op: f.rr, Ra: a, Rb: b}, fixJump, t)
	case !az:
		tr.emitFix(pvm.Inst{Op: f.rImm, Ra: a}, fixJump, t)
	case !bz:
		tr.emitFix(pvm.Inst{Op: f.immR, Ra: b}, fixJump, t)
	case always:
		tr.emitFix(pvm.Inst{Op: pvm.OpJump}, fixJump, t)
	default:
		// never taken: nothing to emit
	}
	return nil
}

// jumpOrCall emits a jump (rd = x0) or a call returning to ret.
func (tr *translator) jumpOrCall(rd uint8, in rvInst, t, ret target) *Error {
	if rd == 0 {
		tr.emitFix(pvm.Inst{Op: pvm.OpJump}, fixJump, t)
		return nil
	}
	r, err := tr.reg(rd, in)
	if err != nil {
		return err
	}
	tr.out = append(tr.out, lop{inst: pvm.Inst{Op: pvm.OpLoadImmJump, Ra: r}, fix: fixCall, t: t, ret: ret, off: tr.cur})
	return nil
}

// localTarget is a pc-relative target inside the current section.
func (tr *translator) localTarget(rel int64) (target, *Error) {
	t := int64(tr.cur) + rel
	if t < 0 || uint64(t) > tr.sec.size || t%2 != 0 {
		return target{}, tr.errf(ErrUnsupportedInstruction, "pc-relative target %+d leaves the section (size 0x%x)", rel, tr.sec.size)
	}
	return target{sec: tr.sec, off: uint64(t)}, nil
}

// convert translates one instruction that has no relocation attached.
func (tr *translator) convert(in rvInst) *Error {
	l := tr.l
	next := target{sec: tr.sec, off: tr.cur + uint64(in.Size)}
	switch op := in.Op; {
	case op == rvLUI:
		if in.Rd == 0 {
			return nil
		}
		rd, err := tr.reg(in.Rd, in)
		if err != nil {
			return err
		}
		tr.loadConst(rd, uint64(in.Imm))
	case op == rvAUIPC:
		return tr.errf(ErrUnsupportedRelocation, "auipc without a relocation (and not followed by a jalr or addi using its result)")
	case op == rvJAL:
		t, err := tr.localTarget(in.Imm)
		if err != nil {
			return err
		}
		return tr.jumpOrCall(in.Rd, in, t, next)
	case op == rvJALR:
		if in.Rs1 == 0 {
			return tr.errf(ErrUnsupportedInstruction, "jalr to an absolute address (base x0)")
		}
		if in.Imm != 0 {
			return tr.errf(ErrUnsupportedInstruction, "indirect jump with a non-zero offset %d: code addresses are jump-table indices, offsets cannot be meaningful", in.Imm)
		}
		base, err := tr.reg(in.Rs1, in)
		if err != nil {
			return err
		}
		if in.Rd == 0 {
			tr.emit(pvm.Inst{Op: pvm.OpJumpInd, Ra: base})
			return nil
		}
		rd, err := tr.reg(in.Rd, in)
		if err != nil {
			return err
		}
		tr.out = append(tr.out, lop{inst: pvm.Inst{Op: pvm.OpLoadImmJumpInd, Ra: rd, Rb: base}, fix: fixCallInd, ret: next, off: tr.cur})
	case op.isBranch():
		t, err := tr.localTarget(in.Imm)
		if err != nil {
			return err
		}
		return tr.branch(in, t)
	case op.isLoad():
		if in.Rd == 0 && in.Rs1 == 0 && in.Imm == 0 {
			tr.emit(pvm.Inst{Op: pvm.OpTrap}) // "poor man's trap"
			return nil
		}
		if in.Rs1 == 0 {
			return tr.errf(ErrUnsupportedInstruction, "%s from an absolute address without a relocation", op)
		}
		base, err := tr.reg(in.Rs1, in)
		if err != nil {
			return err
		}
		if in.Rd == 0 {
			return nil
		}
		rd, err := tr.reg(in.Rd, in)
		if err != nil {
			return err
		}
		tr.emit(pvm.Inst{Op: loadIndOps[op], Ra: rd, Rb: base, Imm: uint64(in.Imm)})
	case op.isStore():
		if in.Rs2 == 0 && in.Rs1 == 0 && in.Imm == 0 {
			tr.emit(pvm.Inst{Op: pvm.OpTrap})
			return nil
		}
		if in.Rs1 == 0 {
			return tr.errf(ErrUnsupportedInstruction, "%s to an absolute address without a relocation", op)
		}
		base, err := tr.reg(in.Rs1, in)
		if err != nil {
			return err
		}
		src, zero, err := tr.regOrZero(in.Rs2, in)
		if err != nil {
			return err
		}
		if zero {
			tr.emit(pvm.Inst{Op: storeImmIndOps[op], Ra: base, Imm: uint64(in.Imm)})
		} else {
			tr.emit(pvm.Inst{Op: storeIndOps[op], Ra: src, Rb: base, Imm: uint64(in.Imm)})
		}
	case regImmOps[op] != 0:
		if in.Rd == 0 {
			return nil
		}
		rd, err := tr.reg(in.Rd, in)
		if err != nil {
			return err
		}
		src, zero, err := tr.regOrZero(in.Rs1, in)
		if err != nil {
			return err
		}
		switch {
		case zero:
			tr.loadConst(rd, evalRV(op, 0, uint64(in.Imm)))
		case op == rvADDI && in.Imm == 0:
			tr.emit(pvm.Inst{Op: pvm.OpMoveReg, Rd: rd, Ra: src})
		default:
			tr.emit(pvm.Inst{Op: regImmOps[op], Ra: rd, Rb: src, Imm: uint64(in.Imm)})
		}
	case regRegOps[op] != 0:
		if in.Rd == 0 {
			return nil
		}
		return tr.regReg(in)
	case unaryOps[op] != 0:
		if in.Rd == 0 {
			return nil
		}
		rd, err := tr.reg(in.Rd, in)
		if err != nil {
			return err
		}
		src, zero, err := tr.regOrZero(in.Rs1, in)
		if err != nil {
			return err
		}
		if zero {
			tr.loadConst(rd, evalUnaryZero(op))
		} else {
			tr.emit(pvm.Inst{Op: unaryOps[op], Rd: rd, Ra: src})
		}
	case op == rvORCB:
		return tr.orcb(in)
	case op == rvMVEQZ || op == rvMVNEZ:
		return tr.cmov(in)
	case op == rvFENCE || op == rvFENCEI:
		// single-threaded: nothing to order
	case op == rvUNIMP:
		tr.emit(pvm.Inst{Op: pvm.OpTrap})
	case op == rvECALL:
		return tr.errf(ErrUnsupportedInstruction, "bare ecall; import host functions with PVM_IMPORT (pvm.h) instead")
	case op == rvEBREAK:
		return tr.errf(ErrUnsupportedInstruction, "ebreak is not supported; use __builtin_trap()")
	case op == rvLRW || op == rvLRD:
		if in.Rd == 0 || in.Rs1 == 0 {
			return tr.errf(ErrUnsupportedInstruction, "%s with x0 as destination or address", op)
		}
		rd, err := tr.reg(in.Rd, in)
		if err != nil {
			return err
		}
		base, err := tr.reg(in.Rs1, in)
		if err != nil {
			return err
		}
		o := pvm.OpLoadIndI32
		if op == rvLRD {
			o = pvm.OpLoadIndU64
		}
		tr.emit(pvm.Inst{Op: o, Ra: rd, Rb: base})
	case op == rvSCW || op == rvSCD:
		if in.Rs1 == 0 {
			return tr.errf(ErrUnsupportedInstruction, "%s with x0 as address", op)
		}
		base, err := tr.reg(in.Rs1, in)
		if err != nil {
			return err
		}
		src, zero, err := tr.regOrZero(in.Rs2, in)
		if err != nil {
			return err
		}
		st, sti := pvm.OpStoreIndU32, pvm.OpStoreImmIndU32
		if op == rvSCD {
			st, sti = pvm.OpStoreIndU64, pvm.OpStoreImmIndU64
		}
		if zero {
			tr.emit(pvm.Inst{Op: sti, Ra: base})
		} else {
			tr.emit(pvm.Inst{Op: st, Ra: src, Rb: base})
		}
		if in.Rd != 0 { // always succeeds: single-threaded
			rd, err := tr.reg(in.Rd, in)
			if err != nil {
				return err
			}
			tr.emit(pvm.Inst{Op: pvm.OpLoadImm, Ra: rd})
		}
	case op.isAMO():
		return tr.amo(in)
	case op == rvHEAPBASE:
		if in.Rd == 0 {
			return nil
		}
		rd, err := tr.reg(in.Rd, in)
		if err != nil {
			return err
		}
		tr.emitFix(pvm.Inst{Op: pvm.OpLoadImm, Ra: rd}, fixHeapBase, target{})
	case op == rvSBRK:
		if _, ok := l.opts.Profile.Encode(pvm.OpSbrk); !ok {
			return tr.errf(ErrUnsupportedInstruction, "sbrk does not exist in profile %s", l.opts.Profile)
		}
		rd, err := tr.reg(in.Rd, in)
		if err != nil {
			return err
		}
		size, err := tr.reg(in.Rs1, in)
		if err != nil {
			return err
		}
		tr.emit(pvm.Inst{Op: pvm.OpSbrk, Rd: rd, Ra: size})
	case op == rvMEMSET:
		return tr.errf(ErrUnsupportedInstruction, "polkavm's memset instruction exists in no JAM profile")
	default:
		return tr.errf(ErrUnsupportedInstruction, "%s is not supported", op)
	}
	return nil
}

// regReg translates an R-type ALU instruction, folding x0 operands.
func (tr *translator) regReg(in rvInst) *Error {
	op := in.Op
	rd, err := tr.reg(in.Rd, in)
	if err != nil {
		return err
	}
	a, az, err := tr.regOrZero(in.Rs1, in)
	if err != nil {
		return err
	}
	b, bz, err := tr.regOrZero(in.Rs2, in)
	if err != nil {
		return err
	}
	mov := func(src uint8) { tr.emit(pvm.Inst{Op: pvm.OpMoveReg, Rd: rd, Ra: src}) }
	imm := func(o pvm.Opcode, src uint8, v int64) { tr.emit(pvm.Inst{Op: o, Ra: rd, Rb: src, Imm: uint64(v)}) }
	// minMaxZero emits min/max(x, 0) without a scratch register (needs rd != x).
	// (rd == x needs a scratch register, saved in the spill area around its use.)
	minMaxZero := func(x uint8) *Error {
		mask := rd
		if rd == x {
			mask, _ = scratch(rd)
			tr.spill1(mask, pvm.OpStoreU64)
		}
		tr.emit(pvm.Inst{Op: pvm.OpSharRImm64, Ra: mask, Rb: x, Imm: 63})
		if op == rvMIN {
			tr.emit(pvm.Inst{Op: pvm.OpAnd, Rd: rd, Ra: mask, Rb: x})
		} else {
			tr.emit(pvm.Inst{Op: pvm.OpAndInv, Rd: rd, Ra: x, Rb: mask})
		}
		if rd == x {
			tr.spill1(mask, pvm.OpLoadU64)
		}
		return nil
	}
	switch {
	case !az && !bz:
		tr.emit(pvm.Inst{Op: regRegOps[op], Rd: rd, Ra: a, Rb: b})
	case az && bz:
		tr.loadConst(rd, evalRV(op, 0, 0))
	case bz: // op(x, 0)
		switch op {
		case rvADD, rvSUB, rvSLL, rvSRL, rvSRA, rvOR, rvXOR, rvROL, rvROR, rvREM, rvREMU, rvANDN, rvMAXU:
			mov(a)
		case rvADDW, rvSUBW, rvSLLW, rvSRLW, rvSRAW, rvROLW, rvRORW, rvREMW, rvREMUW:
			imm(pvm.OpAddImm32, a, 0)
		case rvSLT:
			imm(pvm.OpSetLtSImm, a, 0)
		case rvXNOR:
			imm(pvm.OpXorImm, a, -1)
		case rvMIN, rvMAX:
			return minMaxZero(a)
		default: // the result does not depend on x
			tr.loadConst(rd, evalRV(op, 0, 0))
		}
	default: // op(0, y)
		switch op {
		case rvADD, rvOR, rvXOR, rvMAXU:
			mov(b)
		case rvADDW:
			imm(pvm.OpAddImm32, b, 0)
		case rvSUB:
			imm(pvm.OpNegAddImm64, b, 0)
		case rvSUBW:
			imm(pvm.OpNegAddImm32, b, 0)
		case rvSLT:
			imm(pvm.OpSetGtSImm, b, 0)
		case rvSLTU:
			imm(pvm.OpSetGtUImm, b, 0)
		case rvORN, rvXNOR:
			imm(pvm.OpXorImm, b, -1)
		case rvDIV, rvDIVU: // 0 / y = (y == 0) ? -1 : 0
			imm(pvm.OpSetLtUImm, b, 1)
			imm(pvm.OpNegAddImm64, rd, 0)
		case rvDIVW, rvDIVUW:
			imm(pvm.OpShloLImm64, b, 32)
			imm(pvm.OpSetLtUImm, rd, 1)
			imm(pvm.OpNegAddImm64, rd, 0)
		case rvMIN, rvMAX:
			return minMaxZero(b)
		default: // 0 for any y
			tr.loadConst(rd, 0)
		}
	}
	return nil
}

func (tr *translator) cmov(in rvInst) *Error {
	if in.Rd == 0 {
		return nil
	}
	rd, err := tr.reg(in.Rd, in)
	if err != nil {
		return err
	}
	src, sz, err := tr.regOrZero(in.Rs1, in)
	if err != nil {
		return err
	}
	cond, cz, err := tr.regOrZero(in.Rs2, in)
	if err != nil {
		return err
	}
	eqz := in.Op == rvMVEQZ
	switch {
	case cz && eqz: // condition always true
		if sz {
			tr.emit(pvm.Inst{Op: pvm.OpLoadImm, Ra: rd})
		} else {
			tr.emit(pvm.Inst{Op: pvm.OpMoveReg, Rd: rd, Ra: src})
		}
	case cz: // never
	case sz:
		o := pvm.OpCmovNzImm
		if eqz {
			o = pvm.OpCmovIzImm
		}
		tr.emit(pvm.Inst{Op: o, Ra: rd, Rb: cond})
	default:
		o := pvm.OpCmovNz
		if eqz {
			o = pvm.OpCmovIz
		}
		tr.emit(pvm.Inst{Op: o, Rd: rd, Ra: src, Rb: cond})
	}
	return nil
}

// scratch picks two PVM registers (t0.., never ra/sp) not among used.
func scratch(used ...uint8) (uint8, uint8) {
	var out []uint8
	for r := uint8(2); r < pvm.NumRegs && len(out) < 2; r++ {
		free := true
		for _, u := range used {
			if u == r {
				free = false
			}
		}
		if free {
			out = append(out, r)
		}
	}
	return out[0], out[1]
}

// spill saves (or restores) two scratch registers in the linker's spill area.
func (tr *translator) spill(s1, s2 uint8, restore bool) {
	tr.l.needSpill = true
	st, o := pvm.OpStoreU64, [2]uint8{s1, s2}
	if restore {
		st = pvm.OpLoadU64
		o = [2]uint8{s2, s1}
	}
	for i, r := range o {
		off := uint64(8 * i)
		if restore {
			off = uint64(8 * (1 - i))
		}
		tr.out = append(tr.out, lop{inst: pvm.Inst{Op: st, Ra: r, Imm: off}, fix: fixSpill, off: tr.cur})
	}
}

// spill1 saves (OpStoreU64) or restores (OpLoadU64) one scratch register.
func (tr *translator) spill1(r uint8, op pvm.Opcode) {
	tr.l.needSpill = true
	tr.out = append(tr.out, lop{inst: pvm.Inst{Op: op, Ra: r}, fix: fixSpill, off: tr.cur})
}

// amo emulates an atomic read-modify-write with two spilled scratch registers
// (the PVM is single-threaded, so a plain load/op/store is atomic).
func (tr *translator) amo(in rvInst) *Error {
	if in.Rs1 == 0 {
		return tr.errf(ErrUnsupportedInstruction, "%s with x0 as address", in.Op)
	}
	addr, err := tr.reg(in.Rs1, in)
	if err != nil {
		return err
	}
	val, vz, err := tr.regOrZero(in.Rs2, in)
	if err != nil {
		return err
	}
	dst, dz, err := tr.regOrZero(in.Rd, in)
	if err != nil {
		return err
	}
	used := []uint8{addr}
	if !vz {
		used = append(used, val)
	}
	if !dz {
		used = append(used, dst)
	}
	s1, s2 := scratch(used...)
	word := in.Op <= rvAMOMAXUW
	base := in.Op
	if !word {
		base = in.Op - (rvAMOSWAPD - rvAMOSWAPW)
	}
	tr.spill(s1, s2, false)
	if word {
		tr.emit(pvm.Inst{Op: pvm.OpLoadIndI32, Ra: s1, Rb: addr})
	} else {
		tr.emit(pvm.Inst{Op: pvm.OpLoadIndU64, Ra: s1, Rb: addr})
	}
	switch {
	case vz:
		tr.emit(pvm.Inst{Op: pvm.OpLoadImm, Ra: s2})
	case word:
		tr.emit(pvm.Inst{Op: pvm.OpAddImm32, Ra: s2, Rb: val})
	default:
		tr.emit(pvm.Inst{Op: pvm.OpMoveReg, Rd: s2, Ra: val})
	}
	var o pvm.Opcode
	switch base {
	case rvAMOADDW:
		o = pvm.OpAdd64
	case rvAMOXORW:
		o = pvm.OpXor
	case rvAMOANDW:
		o = pvm.OpAnd
	case rvAMOORW:
		o = pvm.OpOr
	case rvAMOMINW:
		o = pvm.OpMin
	case rvAMOMAXW:
		o = pvm.OpMax
	case rvAMOMINUW:
		o = pvm.OpMinU
	case rvAMOMAXUW:
		o = pvm.OpMaxU
	}
	if o != 0 {
		tr.emit(pvm.Inst{Op: o, Rd: s2, Ra: s1, Rb: s2})
	}
	if word {
		tr.emit(pvm.Inst{Op: pvm.OpStoreIndU32, Ra: s2, Rb: addr})
	} else {
		tr.emit(pvm.Inst{Op: pvm.OpStoreIndU64, Ra: s2, Rb: addr})
	}
	if !dz {
		tr.emit(pvm.Inst{Op: pvm.OpMoveReg, Rd: dst, Ra: s1})
	}
	tr.spill(s1, s2, true)
	return nil
}

// orcb emulates Zbb orc.b: every non-zero byte becomes 0xFF.
func (tr *translator) orcb(in rvInst) *Error {
	if in.Rd == 0 {
		return nil
	}
	rd, err := tr.reg(in.Rd, in)
	if err != nil {
		return err
	}
	src, sz, err := tr.regOrZero(in.Rs1, in)
	if err != nil {
		return err
	}
	if sz {
		tr.emit(pvm.Inst{Op: pvm.OpLoadImm, Ra: rd})
		return nil
	}
	s1, s2 := scratch(rd, src)
	tr.spill(s1, s2, false)
	tr.emit(pvm.Inst{Op: pvm.OpLoadImm64, Ra: s1, Imm: 0x7F7F7F7F7F7F7F7F})
	tr.emit(pvm.Inst{Op: pvm.OpAnd, Rd: s2, Ra: src, Rb: s1})
	tr.emit(pvm.Inst{Op: pvm.OpAdd64, Rd: s2, Ra: s2, Rb: s1})
	tr.emit(pvm.Inst{Op: pvm.OpOr, Rd: s2, Ra: s2, Rb: src})
	tr.emit(pvm.Inst{Op: pvm.OpAndInv, Rd: s2, Ra: s2, Rb: s1}) // bit 7 of each byte: byte != 0
	tr.emit(pvm.Inst{Op: pvm.OpShloRImm64, Ra: rd, Rb: s2, Imm: 7})
	tr.emit(pvm.Inst{Op: pvm.OpMulImm64, Ra: rd, Rb: rd, Imm: 0xFF})
	tr.spill(s1, s2, true)
	return nil
}

// --- relocation harvesting ------------------------------------------------------------

type hiKind uint8

const (
	hiPCRel hiKind = iota
	hiGOT
)

type hiReloc struct {
	kind hiKind
	t    target
	used bool
}

type loReloc struct {
	off, hiOff uint64
	typ        elf.R_RISCV
}

// override replaces the translation of the instruction at one offset.
type override struct {
	ops []lop
}

func read32(d []byte, off uint64) (uint32, bool) {
	if off > uint64(len(d)) || uint64(len(d))-off < 4 {
		return 0, false
	}
	return binary.LittleEndian.Uint32(d[off:]), true
}

// harvest turns the relocations of a code section into instruction overrides.
func (tr *translator) harvest() (map[uint64]*override, map[uint64]target, *Error) {
	l, sec := tr.l, tr.sec
	ovr := map[uint64]*override{}
	imports := map[uint64]target{} // metadata pointer after an import marker, by offset of the pointer
	his := map[uint64]*hiReloc{}
	var los []loReloc
	set := func(off uint64, f func() *Error) *Error {
		save, saveCur := tr.out, tr.cur
		tr.out, tr.cur = nil, off
		err := f()
		o := &override{ops: tr.out}
		tr.out, tr.cur = save, saveCur
		if err != nil {
			return err
		}
		if _, dup := ovr[off]; dup {
			return errAt(ErrUnsupportedRelocation, sec, off, "two relocations rewrite the same instruction")
		}
		ovr[off] = o
		return nil
	}
	nothing := func() *Error { return nil }
	decode4 := func(off uint64, r rela) (rvInst, *Error) {
		w, ok := read32(sec.data, off)
		if !ok {
			return rvInst{}, errAt(ErrMalformed, sec, off, "%v beyond the end of the section", r.typ)
		}
		in, ok := decode32(w)
		if !ok || isCompressed(byte(w)) {
			return rvInst{}, errAt(ErrUnsupportedRelocation, sec, off, "%v on an unsupported instruction 0x%08x", r.typ, w)
		}
		return in, nil
	}
	decode2 := func(off uint64, r rela) (rvInst, *Error) {
		if off+2 > uint64(len(sec.data)) {
			return rvInst{}, errAt(ErrMalformed, sec, off, "%v beyond the end of the section", r.typ)
		}
		h := binary.LittleEndian.Uint16(sec.data[off:])
		in, ok := decode16(h)
		if !ok || !isCompressed(byte(h)) {
			return rvInst{}, errAt(ErrUnsupportedRelocation, sec, off, "%v on an unsupported instruction 0x%04x", r.typ, h)
		}
		return in, nil
	}
	lin, linIdx := linear(sec.data)
	linAt := func(off uint64) (int, bool) {
		if off%2 != 0 || off/2 >= uint64(len(linIdx)) || linIdx[off/2] < 0 {
			return 0, false
		}
		return int(linIdx[off/2]), true
	}
	hi20 := map[uint64]target{} // lui offsets with an R_RISCV_HI20, by offset
	for _, r := range sec.relas {
		if r.typ == elf.R_RISCV_HI20 {
			t, err := l.resolveRela(sec, r)
			if err != nil {
				return nil, nil, err
			}
			hi20[r.off] = t
		}
	}
	// hiIntact: the most recent straight-line writer of the base register of the
	// LO12 access at off is a lui carrying an HI20 (so the base is unmodified).
	hiIntact := func(off uint64, base uint8) bool {
		i, ok := linAt(off)
		if !ok || base == 0 {
			return false
		}
		for j := i - 1; j >= 0 && j >= i-64; j-- {
			li := lin[j]
			if li.ok && li.in.Op == rvLUI && li.in.Rd == base {
				_, ok := hi20[li.off]
				return ok
			}
			if li.writesOrJumps(base) {
				return false
			}
		}
		return false
	}
	// pcrelIntact: the access at loOff follows its auipc at hiOff in straight-line code
	// and uses the auipc's register unchanged.
	pcrelIntact := func(hiOff, loOff uint64, hiRd, base uint8) bool {
		i, ok1 := linAt(hiOff)
		k, ok2 := linAt(loOff)
		if !ok1 || !ok2 || k <= i || base != hiRd || base == 0 {
			return false
		}
		for j := i + 1; j < k; j++ {
			if lin[j].writesOrJumps(base) {
				return false
			}
		}
		return true
	}
	var ferr *Error
	for _, r := range sec.relas {
		switch r.typ {
		case elf.R_RISCV_NONE, elf.R_RISCV_RELAX, elf.R_RISCV_ALIGN:
			// ALIGN: we never move code, so the assembler's padding nops stay valid.
			continue
		}
		t, err := l.resolveRela(sec, r)
		if err != nil {
			return nil, nil, err
		}
		tr.cur = r.off
		afterMarker := func() bool {
			if r.off < 4 {
				return false
			}
			w, ok := read32(sec.data, r.off-4)
			return ok && w == importMarker
		}
		switch r.typ {
		case elf.R_RISCV_64, elf.R_RISCV_32:
			if r.typ == elf.R_RISCV_64 && afterMarker() {
				imports[r.off] = t
				continue
			}
			return nil, nil, errAt(ErrUnsupportedRelocation, sec, r.off, "%v to %s in code (only the metadata pointer of an import may be)", r.typ, l.targetName(sec.obj, r.sym))
		case elf.R_RISCV_CALL_PLT, elf.R_RISCV_CALL:
			hi, err := decode4(r.off, r)
			if err != nil {
				return nil, nil, err
			}
			lo, err := decode4(r.off+4, r)
			if err != nil {
				return nil, nil, err
			}
			if hi.Op != rvAUIPC || lo.Op != rvJALR || hi.Rd != lo.Rs1 {
				return nil, nil, errAt(ErrUnsupportedRelocation, sec, r.off, "%v not on an auipc+jalr pair using one register", r.typ)
			}
			if ferr = set(r.off, nothing); ferr != nil {
				return nil, nil, ferr
			}
			ret := target{sec: sec, off: r.off + 8}
			ferr = set(r.off+4, func() *Error { return tr.jumpOrCall(lo.Rd, lo, t, ret) })
		case elf.R_RISCV_PCREL_HI20:
			if afterMarker() {
				imports[r.off] = t
				continue
			}
			his[r.off] = &hiReloc{kind: hiPCRel, t: t}
		case elf.R_RISCV_GOT_HI20:
			his[r.off] = &hiReloc{kind: hiGOT, t: t}
		case elf.R_RISCV_PCREL_LO12_I, elf.R_RISCV_PCREL_LO12_S:
			if t.sec != sec {
				return nil, nil, errAt(ErrUnsupportedRelocation, sec, r.off, "%v refers to %s, not to an auipc in this section", r.typ, t)
			}
			los = append(los, loReloc{off: r.off, hiOff: t.off, typ: r.typ})
		case elf.R_RISCV_JAL:
			in, err := decode4(r.off, r)
			if err != nil {
				return nil, nil, err
			}
			if in.Op != rvJAL {
				return nil, nil, errAt(ErrUnsupportedRelocation, sec, r.off, "R_RISCV_JAL on %s", in.Op)
			}
			ferr = set(r.off, func() *Error { return tr.jumpOrCall(in.Rd, in, t, target{sec: sec, off: r.off + 4}) })
		case elf.R_RISCV_RVC_JUMP:
			in, err := decode2(r.off, r)
			if err != nil {
				return nil, nil, err
			}
			if in.Op != rvJAL {
				return nil, nil, errAt(ErrUnsupportedRelocation, sec, r.off, "R_RISCV_RVC_JUMP on %s", in.Op)
			}
			ferr = set(r.off, func() *Error { return tr.jumpOrCall(in.Rd, in, t, target{sec: sec, off: r.off + 2}) })
		case elf.R_RISCV_BRANCH, elf.R_RISCV_RVC_BRANCH:
			var in rvInst
			var err *Error
			if r.typ == elf.R_RISCV_BRANCH {
				in, err = decode4(r.off, r)
			} else {
				in, err = decode2(r.off, r)
			}
			if err != nil {
				return nil, nil, err
			}
			if !in.Op.isBranch() {
				return nil, nil, errAt(ErrUnsupportedRelocation, sec, r.off, "%v on %s", r.typ, in.Op)
			}
			ferr = set(r.off, func() *Error { return tr.branch(in, t) })
		case elf.R_RISCV_HI20:
			in, err := decode4(r.off, r)
			if err != nil {
				return nil, nil, err
			}
			if in.Op != rvLUI {
				return nil, nil, errAt(ErrUnsupportedRelocation, sec, r.off, "R_RISCV_HI20 on %s", in.Op)
			}
			if in.Rd == 0 {
				return nil, nil, errAt(ErrUnsupportedRelocation, sec, r.off, "R_RISCV_HI20 on a lui to x0")
			}
			ferr = set(r.off, func() *Error {
				rd, e := tr.reg(in.Rd, in)
				if e != nil {
					return e
				}
				tr.emitFix(pvm.Inst{Op: pvm.OpLoadImm, Ra: rd}, fixAddr, t)
				return nil
			})
		case elf.R_RISCV_LO12_I, elf.R_RISCV_LO12_S:
			in, err := decode4(r.off, r)
			if err != nil {
				return nil, nil, err
			}
			if hiIntact(r.off, in.Rs1) {
				ferr = set(r.off, func() *Error { return tr.absolute(in, t, r.typ) })
			} else {
				// The lui (translated to the full address) is not provably the base: base + 0.
				ferr = set(r.off, func() *Error { return tr.indirect(in, r.typ) })
			}
		default:
			return nil, nil, errAt(ErrUnsupportedRelocation, sec, r.off, "relocation %v (to %s) is not supported in code", r.typ, l.targetName(sec.obj, r.sym))
		}
		if ferr != nil {
			return nil, nil, ferr
		}
	}
	// First pass: which auipc results must really be materialised.
	materialise := map[uint64]bool{}
	for _, lo := range los {
		h := his[lo.hiOff]
		if h == nil {
			continue // reported below
		}
		hw, _ := read32(sec.data, lo.hiOff)
		hin, _ := decode32(hw)
		w, _ := read32(sec.data, lo.off)
		in, ok := decode32(w)
		if !ok {
			continue
		}
		if !pcrelIntact(lo.hiOff, lo.off, hin.Rd, in.Rs1) {
			materialise[lo.hiOff] = true
		}
	}
	for _, lo := range los {
		h := his[lo.hiOff]
		if h == nil {
			return nil, nil, errAt(ErrUnsupportedRelocation, sec, lo.off, "%v points at offset 0x%x, which has no R_RISCV_PCREL_HI20 or R_RISCV_GOT_HI20", lo.typ, lo.hiOff)
		}
		hw, _ := read32(sec.data, lo.hiOff)
		if hin, ok := decode32(hw); !ok || hin.Op != rvAUIPC {
			return nil, nil, errAt(ErrUnsupportedRelocation, sec, lo.hiOff, "PC-relative HI20 relocation on something other than auipc (0x%08x)", hw)
		}
		in, err := decode4(lo.off, rela{typ: lo.typ})
		if err != nil {
			return nil, nil, err
		}
		h.used = true
		hin, _ := decode32(hw)
		if _, done := ovr[lo.hiOff]; !done {
			if materialise[lo.hiOff] {
				// The auipc register is used beyond a plain paired access: give it the full
				// address (of the GOT slot for a GOT reference).
				ferr = set(lo.hiOff, func() *Error {
					rd, e := tr.reg(hin.Rd, hin)
					if e != nil {
						return e
					}
					if h.kind == hiGOT {
						l.gotSlot(h.t)
						tr.emitFix(pvm.Inst{Op: pvm.OpLoadImm, Ra: rd}, fixGOT, h.t)
					} else {
						tr.emitFix(pvm.Inst{Op: pvm.OpLoadImm, Ra: rd}, fixAddr, h.t)
					}
					return nil
				})
			} else {
				ferr = set(lo.hiOff, nothing)
			}
			if ferr != nil {
				return nil, nil, ferr
			}
		}
		if !pcrelIntact(lo.hiOff, lo.off, hin.Rd, in.Rs1) {
			if h.kind == hiGOT && (in.Op != rvLD && in.Op != rvLW) {
				return nil, nil, errAt(ErrUnsupportedRelocation, sec, lo.off, "GOT access with %s (want ld or lw)", in.Op)
			}
			if ferr = set(lo.off, func() *Error { return tr.indirect(in, lo.typ) }); ferr != nil {
				return nil, nil, ferr
			}
			continue
		}
		if h.kind == hiGOT {
			if (in.Op != rvLD && in.Op != rvLW) || lo.typ != elf.R_RISCV_PCREL_LO12_I || in.Rd == 0 {
				return nil, nil, errAt(ErrUnsupportedRelocation, sec, lo.off, "GOT access with %s (want ld or lw to a register)", in.Op)
			}
			ferr = set(lo.off, func() *Error {
				rd, e := tr.reg(in.Rd, in)
				if e != nil {
					return e
				}
				o := pvm.OpLoadU64
				if in.Op == rvLW {
					o = pvm.OpLoadI32
				}
				l.gotSlot(h.t)
				tr.emitFix(pvm.Inst{Op: o, Ra: rd}, fixGOT, h.t)
				return nil
			})
		} else {
			ferr = set(lo.off, func() *Error { return tr.absolute(in, h.t, lo.typ) })
		}
		if ferr != nil {
			return nil, nil, ferr
		}
	}
	var unused []uint64
	for off, h := range his {
		if !h.used {
			unused = append(unused, off)
		}
	}
	if len(unused) > 0 { // report the first one, so that the error is deterministic
		sort.Slice(unused, func(i, j int) bool { return unused[i] < unused[j] })
		return nil, nil, errAt(ErrUnsupportedRelocation, sec, unused[0], "auipc with a HI20 relocation to %s but no matching PCREL_LO12", his[unused[0]].t)
	}
	return ovr, imports, nil
}

// absolute translates the low half of an address materialisation: addi → load the
// address, load/store → the absolute-address forms (the base register is ignored,
// as polkavm-linker does). Only valid when the base provably holds the high half.
func (tr *translator) absolute(in rvInst, t target, typ elf.R_RISCV) *Error {
	switch {
	case in.Op == rvADDI || (in.Op == rvADDIW && typ == elf.R_RISCV_LO12_I):
		if typ == elf.R_RISCV_LO12_S {
			break
		}
		if in.Rd == 0 {
			return nil
		}
		rd, err := tr.reg(in.Rd, in)
		if err != nil {
			return err
		}
		tr.emitFix(pvm.Inst{Op: pvm.OpLoadImm, Ra: rd}, fixAddr, t)
		return nil
	case in.Op.isLoad():
		if typ == elf.R_RISCV_LO12_S {
			break
		}
		if in.Rd == 0 {
			return nil
		}
		rd, err := tr.reg(in.Rd, in)
		if err != nil {
			return err
		}
		tr.emitFix(pvm.Inst{Op: loadAbsOps[in.Op], Ra: rd}, fixDataAddr, t)
		return nil
	case in.Op.isStore():
		if typ == elf.R_RISCV_LO12_I || typ == elf.R_RISCV_PCREL_LO12_I {
			break
		}
		src, zero, err := tr.regOrZero(in.Rs2, in)
		if err != nil {
			return err
		}
		if zero {
			tr.emitFix(pvm.Inst{Op: storeImmAbsOps[in.Op]}, fixDataAddr, t)
		} else {
			tr.emitFix(pvm.Inst{Op: storeAbsOps[in.Op], Ra: src}, fixDataAddr, t)
		}
		return nil
	}
	return tr.errf(ErrUnsupportedRelocation, "%v on %s", typ, in.Op)
}

// indirect translates the low half when the base register may have been changed
// since the high half (an index added, a spill and reload): the high half then
// holds the full address (see materialise), so the low half is "base + 0", the
// exact relocation semantics with our addresses.
func (tr *translator) indirect(in rvInst, typ elf.R_RISCV) *Error {
	base, bz, err := tr.regOrZero(in.Rs1, in)
	if err != nil {
		return err
	}
	if bz {
		return tr.errf(ErrUnsupportedRelocation, "%v on %s with base x0", typ, in.Op)
	}
	switch {
	case (in.Op == rvADDI || in.Op == rvADDIW) && typ != elf.R_RISCV_LO12_S && typ != elf.R_RISCV_PCREL_LO12_S:
		if in.Rd == 0 {
			return nil
		}
		rd, err := tr.reg(in.Rd, in)
		if err != nil {
			return err
		}
		if in.Op == rvADDIW {
			tr.emit(pvm.Inst{Op: pvm.OpAddImm32, Ra: rd, Rb: base})
		} else if rd != base {
			tr.emit(pvm.Inst{Op: pvm.OpMoveReg, Rd: rd, Ra: base})
		}
		return nil
	case in.Op.isLoad() && typ != elf.R_RISCV_LO12_S && typ != elf.R_RISCV_PCREL_LO12_S:
		if in.Rd == 0 {
			return nil
		}
		rd, err := tr.reg(in.Rd, in)
		if err != nil {
			return err
		}
		tr.emit(pvm.Inst{Op: loadIndOps[in.Op], Ra: rd, Rb: base})
		return nil
	case in.Op.isStore() && (typ == elf.R_RISCV_LO12_S || typ == elf.R_RISCV_PCREL_LO12_S):
		src, zero, err := tr.regOrZero(in.Rs2, in)
		if err != nil {
			return err
		}
		if zero {
			tr.emit(pvm.Inst{Op: storeImmIndOps[in.Op], Ra: base})
		} else {
			tr.emit(pvm.Inst{Op: storeIndOps[in.Op], Ra: src, Rb: base})
		}
		return nil
	}
	return tr.errf(ErrUnsupportedRelocation, "%v on %s", typ, in.Op)
}

// linearInst is one instruction of a section in address order (for the base-register checks).
type linearInst struct {
	off uint64
	in  rvInst
	ok  bool
}

// linear decodes the section front to back (the import marker counts as one
// 12-byte instruction that writes nothing). idx[off/2] is the index of the
// instruction starting at the even offset off, or -1.
func linear(d []byte) ([]linearInst, []int32) {
	out := make([]linearInst, 0, len(d)/3+1)
	idx := make([]int32, len(d)/2+1)
	for i := range idx {
		idx[i] = -1
	}
	for off := uint64(0); off < uint64(len(d)); {
		idx[off/2] = int32(len(out))
		if w, ok := read32(d, off); ok && w == importMarker {
			out = append(out, linearInst{off: off, in: rvInst{Op: rvFENCE}, ok: true})
			off += 12
			continue
		}
		in, size, ok := decodeAt(d, off)
		if size == 0 {
			break
		}
		out = append(out, linearInst{off: off, in: in, ok: ok})
		off += uint64(size)
	}
	return out, idx
}

// writesOrJumps reports whether li may change register r or leave straight-line flow.
func (li linearInst) writesOrJumps(r uint8) bool {
	if !li.ok {
		return true
	}
	op := li.in.Op
	if op.isBranch() || op == rvJAL || op == rvJALR || op == rvUNIMP || op == rvECALL || op == rvEBREAK {
		return true
	}
	return li.in.Rd == r && !op.isStore()
}

// translate decodes and translates a whole code section.
func (l *linker) translate(sec *section) *Error {
	if sec.size%2 != 0 {
		return errAt(ErrMalformed, sec, 0, "code section size %d is odd", sec.size)
	}
	// About one op per 3 bytes of RISC-V code: sized once, not grown.
	tr := &translator{l: l, sec: sec, out: make([]lop, 0, sec.size/3+8)}
	ovr, imports, err := tr.harvest()
	if err != nil {
		return err
	}
	cs := &codeSection{starts: newOffsetSet(sec.size)}
	d := sec.data
	for off := uint64(0); off < sec.size; {
		tr.cur = off
		cs.starts.add(off)
		if w, ok := read32(d, off); ok && w == importMarker {
			ptrOff := off + 4
			if ptrOff+8 > sec.size {
				return errAt(ErrMalformed, sec, off, "truncated import (marker without its metadata pointer)")
			}
			mt, ok := imports[ptrOff]
			if !ok {
				return errAt(ErrImport, sec, off, "import marker without an R_RISCV_64 relocation for its metadata pointer")
			}
			n, err := l.importAt(mt, sec, off)
			if err != nil {
				return err
			}
			tr.emit(pvm.Inst{Op: pvm.OpEcalli, Imm: uint64(n)})
			tr.out[len(tr.out)-1].fix = fixImport
			off += 12
			continue
		}
		in, size, ok := decodeAt(d, off)
		if size == 0 {
			return errAt(ErrMalformed, sec, off, "truncated instruction at the end of the section")
		}
		if o, has := ovr[off]; has {
			tr.out = append(tr.out, o.ops...)
			off += uint64(size)
			continue
		}
		if !ok {
			if size == 2 {
				return errAt(ErrUnsupportedInstruction, sec, off, "unsupported compressed instruction 0x%04x", binary.LittleEndian.Uint16(d[off:]))
			}
			w, _ := read32(d, off)
			return errAt(ErrUnsupportedInstruction, sec, off, "unsupported instruction 0x%08x", w)
		}
		if in.Op == rvAUIPC {
			if n, err := tr.unrelocatedAuipc(in); err != nil {
				return err
			} else if n > 0 {
				off += uint64(size) + uint64(n)
				continue
			}
		}
		if err := tr.convert(in); err != nil {
			return err
		}
		off += uint64(size)
	}
	// A trap after the last instruction, so that a call at the very end still has a return block.
	tr.cur = sec.size
	cs.starts.add(sec.size)
	tr.emit(pvm.Inst{Op: pvm.OpTrap})
	cs.ops = tr.out
	sec.code = cs
	return nil
}

// unrelocatedAuipc handles the two auipc patterns compilers emit without a
// relocation: auipc+jalr (a call inside the section) and auipc+addi (the
// address of a location in the section). It returns the size of the consumed
// second instruction, or 0 when the pattern does not match.
func (tr *translator) unrelocatedAuipc(hi rvInst) (int, *Error) {
	sec := tr.sec
	nextOff := tr.cur + 4
	in, size, ok := decodeAt(sec.data, nextOff)
	if !ok || size == 0 {
		return 0, nil
	}
	switch {
	case in.Op == rvJALR && in.Rs1 == hi.Rd && hi.Rd != 0:
		t, err := tr.localTarget(hi.Imm + in.Imm)
		if err != nil {
			return 0, err
		}
		ret := target{sec: sec, off: nextOff + uint64(size)}
		if t.off == tr.cur {
			tr.emitFix(pvm.Inst{Op: pvm.OpJump}, fixJump, t) // an infinite loop: no usable return site
		} else if err := tr.jumpOrCall(in.Rd, in, t, ret); err != nil {
			return 0, err
		}
		return int(size), nil
	case in.Op == rvADDI && in.Rs1 == hi.Rd && hi.Rd != 0 && (in.Rd == hi.Rd || in.Rd == 0):
		t, err := tr.localTarget(hi.Imm + in.Imm)
		if err != nil {
			return 0, err
		}
		if t.off >= sec.size {
			return 0, tr.errf(ErrUnsupportedInstruction, "auipc+addi address outside the section")
		}
		if in.Rd != 0 {
			rd, err := tr.reg(in.Rd, in)
			if err != nil {
				return 0, err
			}
			tr.emitFix(pvm.Inst{Op: pvm.OpLoadImm, Ra: rd}, fixAddr, t)
		}
		return int(size), nil
	}
	return 0, nil
}

func (l *linker) targetName(o *object, sym uint32) string {
	n := o.symName(sym)
	if n == "" {
		return fmt.Sprintf("symbol #%d", sym)
	}
	return n
}
