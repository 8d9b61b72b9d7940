package link

import (
	"debug/elf"
	"encoding/binary"
)

// layout places RO data (then the GOT) at 0x10000 and RW data (spill area, data,
// bss) one zone above the RO region (spec §6.3). It returns the RO image (padded
// to the RO size) and the initialised RW image.
func (l *linker) layout() (ro, rw []byte, err *Error) {
	cur := uint64(roBase)
	place := func(s *section) {
		cur = alignUp(cur, s.align)
		s.base = uint32(cur)
		cur += s.size
	}
	for _, s := range l.secs {
		if s.live && s.class == secRO {
			place(s)
		}
	}
	if len(l.got) > 0 {
		cur = alignUp(cur, 8)
		l.gotBase = uint32(cur)
		cur += 8 * uint64(len(l.got))
	}
	if cur >= 1<<32 {
		return nil, nil, errf(ErrLayout, "read-only data does not fit the address space")
	}
	l.roSize = uint32(cur - roBase)
	ro = make([]byte, l.roSize)
	for _, s := range l.secs {
		if s.live && s.class == secRO {
			copy(ro[s.base-roBase:], s.data)
		}
	}

	rwBase := alignUp(roBase+uint64(l.roSize), zoneSize) + zoneSize
	l.rwBase = uint32(rwBase)
	cur = rwBase
	if l.needSpill {
		l.spillBase = uint32(cur)
		cur += 16
	}
	for _, s := range l.secs {
		if s.live && s.class == secRW {
			place(s)
		}
	}
	imageEnd := cur
	for _, s := range l.secs {
		if s.live && s.class == secBSS {
			place(s)
		}
	}
	if cur >= 1<<32 {
		return nil, nil, errf(ErrLayout, "read-write data does not fit the address space")
	}
	l.rwSize = uint32(cur - rwBase)
	l.heapBase = uint32(cur)
	rw = make([]byte, imageEnd-rwBase)
	for _, s := range l.secs {
		if s.live && s.class == secRW {
			copy(rw[uint64(s.base)-rwBase:], s.data)
		}
	}
	return ro, rw, nil
}

// addrOf is the run-time value of a reference: data address, absolute value, or
// code address 2·(slot+1) of a code location.
func (l *linker) addrOf(t target, from *section, fromOff uint64) (uint64, *Error) {
	switch {
	case t.sec == nil:
		return t.off, nil
	case t.sec.class == secCode:
		b := l.blockOf(t)
		if b < 0 || l.blocks[b].slot < 0 {
			return 0, errAt(ErrLayout, from, fromOff, "internal error: code location %s has no jump-table slot", t)
		}
		return 2 * uint64(l.blocks[b].slot+1), nil
	case t.sec.class == secRO || t.sec.class == secRW || t.sec.class == secBSS:
		if !t.sec.live {
			return 0, errAt(ErrLayout, from, fromOff, "internal error: reference to dropped section %s", t.sec.name)
		}
		return uint64(t.sec.base) + t.off, nil
	}
	return 0, errAt(ErrUnsupportedSection, from, fromOff, "reference to section %s, which is not loaded into memory", t.sec.name)
}

// dataAddrOf is addrOf restricted to data (absolute loads and stores).
func (l *linker) dataAddrOf(t target, from *section, fromOff uint64) (uint64, *Error) {
	if t.sec != nil && t.sec.class == secCode {
		return 0, errAt(ErrUnsupportedRelocation, from, fromOff, "load or store addresses code location %s", t)
	}
	return l.addrOf(t, from, fromOff)
}

func (l *linker) fillGOT(ro []byte) {
	for i, t := range l.got {
		v, _ := l.addrOf(t, nil, 0) // every GOT target was checked when its users were emitted
		binary.LittleEndian.PutUint64(ro[l.gotBase-roBase+uint32(8*i):], v)
	}
}

// applyDataRelocs patches the RO and RW images. Relocations at one offset are
// applied in order with the psABI meaning (SET: v = S+A, ADD: v += S+A, SUB:
// v -= S+A), starting from 0: a switch table entry ADD32(code)+SUB32(table)
// becomes code address minus table address, which the code adds back.
func (l *linker) applyDataRelocs(ro, rw []byte) *Error {
	for _, sec := range l.secs {
		if !sec.live || (sec.class != secRO && sec.class != secRW) {
			continue
		}
		var img []byte
		if sec.class == secRW {
			img = rw[sec.base-l.rwBase:]
		} else {
			img = ro[sec.base-roBase:]
		}
		img = img[:sec.size]
		rs := sec.relas
		for i := 0; i < len(rs); {
			j := i
			for j < len(rs) && rs[j].off == rs[i].off {
				j++
			}
			if err := l.applyAt(sec, img, rs[i:j]); err != nil {
				return err
			}
			i = j
		}
	}
	return nil
}

type fieldKind uint8

const (
	field8 fieldKind = iota
	field16
	field32
	field64
	field6
	fieldULEB
)

func (l *linker) applyAt(sec *section, img []byte, rs []rela) *Error {
	off := rs[0].off
	var v uint64
	var kind fieldKind
	haveKind := false
	for _, r := range rs {
		var k fieldKind
		op := 0 // 0 set, 1 add, 2 sub
		switch r.typ {
		case elf.R_RISCV_NONE, elf.R_RISCV_RELAX:
			continue
		case elf.R_RISCV_64:
			k = field64
		case elf.R_RISCV_32, elf.R_RISCV_SET32:
			k = field32
		case elf.R_RISCV_SET16:
			k = field16
		case elf.R_RISCV_SET8:
			k = field8
		case elf.R_RISCV_SET6:
			k = field6
		case rSetULEB128:
			k = fieldULEB
		case elf.R_RISCV_ADD8:
			k, op = field8, 1
		case elf.R_RISCV_ADD16:
			k, op = field16, 1
		case elf.R_RISCV_ADD32:
			k, op = field32, 1
		case elf.R_RISCV_ADD64:
			k, op = field64, 1
		case elf.R_RISCV_SUB8:
			k, op = field8, 2
		case elf.R_RISCV_SUB16:
			k, op = field16, 2
		case elf.R_RISCV_SUB32:
			k, op = field32, 2
		case elf.R_RISCV_SUB64:
			k, op = field64, 2
		case elf.R_RISCV_SUB6:
			k, op = field6, 2
		case rSubULEB128:
			k, op = fieldULEB, 2
		default:
			return errAt(ErrUnsupportedRelocation, sec, off, "relocation %v (to %s) is not supported in data", r.typ, l.targetName(sec.obj, r.sym))
		}
		if haveKind && k != kind {
			return errAt(ErrUnsupportedRelocation, sec, off, "relocations of different widths at one offset")
		}
		kind, haveKind = k, true
		t, err := l.resolveRela(sec, r)
		if err != nil {
			return err
		}
		if t.sec != nil && t.sec.class == secCode && k != field32 && k != field64 {
			return errAt(ErrUnsupportedRelocation, sec, off, "%v to code location %s: only 32- and 64-bit fields can hold a code address", r.typ, t)
		}
		s, err := l.addrOf(t, sec, off)
		if err != nil {
			return err
		}
		switch op {
		case 0:
			v = s
		case 1:
			v += s
		case 2:
			v -= s
		}
	}
	if !haveKind {
		return nil
	}
	need := map[fieldKind]uint64{field8: 1, field16: 2, field32: 4, field64: 8, field6: 1, fieldULEB: 1}[kind]
	if off+need > uint64(len(img)) {
		return errAt(ErrMalformed, sec, off, "relocated field beyond the end of the section")
	}
	switch kind {
	case field8:
		img[off] = byte(v)
	case field16:
		binary.LittleEndian.PutUint16(img[off:], uint16(v))
	case field32:
		if len(rs) == 1 && rs[0].typ == elf.R_RISCV_32 && v>>32 != 0 && v>>31 != 1<<33-1 {
			return errAt(ErrLayout, sec, off, "R_RISCV_32 value 0x%x does not fit 32 bits", v)
		}
		binary.LittleEndian.PutUint32(img[off:], uint32(v))
	case field64:
		binary.LittleEndian.PutUint64(img[off:], v)
	case field6:
		img[off] = img[off]&0xC0 | byte(v)&0x3F
	case fieldULEB:
		// Overwrite in place, keeping the encoded length.
		p := off
		for {
			if p >= uint64(len(img)) {
				return errAt(ErrMalformed, sec, off, "ULEB128 field runs past the section end")
			}
			if img[p]&0x80 != 0 {
				img[p] = 0x80 | byte(v)&0x7F
				v >>= 7
				p++
				continue
			}
			img[p] = byte(v) & 0x7F
			if v>>7 != 0 {
				return errAt(ErrLayout, sec, off, "ULEB128 value does not fit the field")
			}
			break
		}
	}
	return nil
}

// Relocation types debug/elf does not name (RISC-V psABI 1.0).
const (
	rSetULEB128 elf.R_RISCV = 60
	rSubULEB128 elf.R_RISCV = 61
)
