package link

import (
	"encoding/binary"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
)

// collectCodeRefs records every code location that must start a basic block,
// and whether its code address (a jump-table slot) is needed (spec §6.5, §6.7).
func (l *linker) collectCodeRefs() *Error {
	add := func(t target, slot bool, from *section, off uint64) {
		l.codeRefs = append(l.codeRefs, codeRef{t: t, needSlot: slot, from: from, fromOff: off})
	}
	for _, sec := range l.secs {
		if !sec.live {
			continue
		}
		switch sec.class {
		case secCode:
			for _, op := range sec.code.ops {
				switch op.fix {
				case fixJump:
					add(op.t, false, sec, op.off)
				case fixCall:
					add(op.t, false, sec, op.off)
					add(op.ret, true, sec, op.off)
				case fixCallInd:
					add(op.ret, true, sec, op.off)
				case fixAddr:
					if op.t.sec != nil && op.t.sec.class == secCode {
						add(op.t, true, sec, op.off)
					}
				}
			}
		case secRO, secRW:
			for _, r := range sec.relas {
				if skipInGC(sec, r) {
					continue
				}
				t, err := l.resolveRela(sec, r)
				if err != nil {
					return err
				}
				if t.sec != nil && t.sec.class == secCode {
					add(t, true, sec, r.off)
				}
			}
		}
	}
	for _, t := range l.got {
		if t.sec != nil && t.sec.class == secCode {
			add(t, true, nil, 0)
		}
	}
	return nil
}

// blockOf returns the block starting at code location t, or -1.
func (l *linker) blockOf(t target) int {
	m := l.blockAt[t.sec]
	if m == nil {
		return -1
	}
	b, ok := m[t.sec.code.opIndex(t.off)]
	if !ok {
		return -1
	}
	return b
}

// buildBlocks splits the live code sections into basic blocks and assigns the
// jump-table slots in block order.
func (l *linker) buildBlocks() *Error {
	// starts[sec][i]: a block starts at op i (one flag per op, not a map: large
	// objects have hundreds of thousands of ops).
	starts := map[*section][]bool{}
	for _, sec := range l.secs {
		if sec.live && sec.class == secCode {
			m := make([]bool, len(sec.code.ops)+1)
			m[0] = true
			for i, op := range sec.code.ops {
				if op.inst.Op.IsTerminator() {
					m[i+1] = true
				}
			}
			starts[sec] = m
		}
	}
	slotWanted := map[target]bool{}
	for _, r := range l.codeRefs {
		t := r.t
		if t.sec == nil || t.sec.class != secCode || !t.sec.live {
			return errAt(ErrLayout, r.from, r.fromOff, "internal error: code reference to %s", t)
		}
		if !t.sec.code.starts.has(t.off) {
			return errAt(ErrUnsupportedInstruction, r.from, r.fromOff, "jump or address target %s (%s) is not the start of an instruction",
				t, t.sec.obj.symbolAt(t.sec, t.off))
		}
		starts[t.sec][t.sec.code.opIndex(t.off)] = true
		if r.needSlot {
			slotWanted[t] = true
		}
	}
	for _, sec := range l.secs {
		m := starts[sec]
		if m == nil {
			continue
		}
		var idx []int
		for i, ok := range m[:len(sec.code.ops)] {
			if ok {
				idx = append(idx, i)
			}
		}
		bm := make(map[int]int, len(idx))
		for k, i := range idx {
			end := len(sec.code.ops)
			if k+1 < len(idx) {
				end = idx[k+1]
			}
			bm[i] = len(l.blocks)
			l.blocks = append(l.blocks, &block{sec: sec, first: i, end: end, slot: -1})
		}
		l.blockAt[sec] = bm
	}
	for t := range slotWanted {
		l.blocks[l.blockOf(t)].needsSlot = true
	}
	slot := 0
	for _, b := range l.blocks {
		if b.needsSlot {
			b.slot = slot
			slot++
		}
	}
	return nil
}

// emInst is an instruction ready for encoding; jump >= 0 names the block whose
// pc goes into the instruction's target field.
type emInst struct {
	inst   pvm.Inst
	jump   int
	force5 bool // dispatch-table jump padded to a 4-byte offset
}

func (b *block) pc(p *pvm.Program) uint32 { return b.pcVal }

// emit produces the final instruction stream and encodes it until every
// instruction has its minimal size (spec §6.8).
func (l *linker) emit(entries []target, importIdx []uint32) (*pvm.Program, int, *Error) {
	n := len(entries) + len(l.blocks)
	for _, b := range l.blocks {
		n += b.end - b.first
	}
	out := make([]emInst, 0, n)
	for i, t := range entries {
		out = append(out, emInst{inst: pvm.Inst{Op: pvm.OpJump}, jump: l.blockOf(t), force5: i < len(entries)-1})
	}
	codeAddr := func(t target, sec *section, off uint64) (uint64, *Error) { return l.addrOf(t, sec, off) }
	for bi, b := range l.blocks {
		b.firstEmit = len(out)
		ops := b.sec.code.ops[b.first:b.end]
		for k, op := range ops {
			e := emInst{inst: op.inst, jump: -1}
			var err *Error
			switch op.fix {
			case fixAddr:
				var v uint64
				if v, err = l.addrOf(op.t, b.sec, op.off); err == nil {
					e.inst.Imm = v
					if v != uint64(int64(int32(v))) {
						e.inst.Op = pvm.OpLoadImm64
					}
				}
			case fixDataAddr:
				e.inst.Imm, err = l.dataAddrOf(op.t, b.sec, op.off)
			case fixGOT:
				if op.t.sec != nil && op.t.sec.class != secCode {
					_, err = l.addrOf(op.t, b.sec, op.off)
				}
				e.inst.Imm = uint64(l.gotBase) + 8*uint64(l.gotIndex[op.t])
			case fixJump:
				e.jump = l.blockOf(op.t)
				if e.inst.Op == pvm.OpJump && k == len(ops)-1 && e.jump == bi+1 {
					e = emInst{inst: pvm.Inst{Op: pvm.OpFallthrough}, jump: -1}
				}
			case fixCall:
				e.jump = l.blockOf(op.t)
				e.inst.Imm, err = codeAddr(op.ret, b.sec, op.off)
			case fixCallInd:
				e.inst.Imm, err = codeAddr(op.ret, b.sec, op.off)
			case fixHeapBase:
				e.inst.Imm = uint64(l.heapBase)
				if l.heapBase >= 1<<31 {
					e.inst.Op = pvm.OpLoadImm64
				}
			case fixSpill:
				e.inst.Imm += uint64(l.spillBase)
			case fixImport:
				e.inst.Imm = uint64(importIdx[op.inst.Imm])
			}
			if err != nil {
				return nil, 0, err
			}
			out = append(out, e)
		}
		if last := ops[len(ops)-1]; !last.inst.Op.IsTerminator() {
			out = append(out, emInst{inst: pvm.Inst{Op: pvm.OpFallthrough}, jump: -1})
		}
	}

	p := l.opts.Profile
	jumpOp, _ := p.Encode(pvm.OpJump)
	sizes := make([]uint32, len(out))
	pcs := make([]uint32, len(out)+1)
	target := func(e emInst) uint32 { return pcs[l.blocks[e.jump].firstEmit] }
	encode := func(code []byte, mask []bool, i int) ([]byte, []bool, *Error) {
		e := out[i]
		if e.force5 {
			code = append(code, jumpOp)
			code = binary.LittleEndian.AppendUint32(code, target(e)-pcs[i])
			return code, append(mask, true, false, false, false, false), nil
		}
		in := e.inst
		if e.jump >= 0 {
			if in.Op.Format() == pvm.FmtRegImmOffset {
				in.Imm2 = uint64(target(e))
			} else {
				in.Imm = uint64(target(e))
			}
		}
		code, mask, err := pvm.AppendInst(p, code, mask, pcs[i], in)
		if err != nil {
			return nil, nil, &Error{Kind: ErrLayout, Msg: "encoding " + in.String() + ": " + err.Error()}
		}
		return code, mask, nil
	}
	var scratch []byte
	var smask []bool
	for iter := 0; ; iter++ {
		for i := range out {
			pcs[i+1] = pcs[i] + sizes[i]
		}
		if pcs[len(out)] > pvm.MaxCodeLen {
			return nil, 0, errf(ErrLayout, "code is %d bytes, more than the %d polkavm accepts", pcs[len(out)], pvm.MaxCodeLen)
		}
		changed := false
		for i := range out {
			var err *Error
			scratch, smask, err = encode(scratch[:0], smask[:0], i)
			if err != nil {
				return nil, 0, err
			}
			if n := uint32(len(scratch)); n != sizes[i] {
				sizes[i] = n
				changed = true
			}
		}
		if !changed {
			break
		}
		if iter > 64 {
			return nil, 0, errf(ErrLayout, "internal error: instruction sizes do not converge")
		}
	}
	code := make([]byte, 0, pcs[len(out)])
	mask := make([]bool, 0, pcs[len(out)])
	for i := range out {
		var err *Error
		if code, mask, err = encode(code, mask, i); err != nil {
			return nil, 0, err
		}
	}
	// Every block must start where the PVM starts one (pc 0 or after a terminator),
	// or its jumps and jump-table entries would panic.
	for _, b := range l.blocks {
		if i := b.firstEmit; i > 0 && !out[i-1].inst.Op.IsTerminator() && !out[i-1].force5 {
			return nil, 0, errf(ErrLayout, "internal error: block at %s+0x%x does not follow a terminator", b.sec.name, b.sec.code.ops[b.first].off)
		}
	}
	l.pcs = pcs
	var jt []uint32
	for _, b := range l.blocks {
		b.pcVal = pcs[b.firstEmit]
		if b.slot >= 0 {
			jt = append(jt, b.pcVal)
		}
	}
	return &pvm.Program{JumpTable: jt, Code: code, Bitmask: pvm.PackBitmask(mask)}, len(out), nil
}
