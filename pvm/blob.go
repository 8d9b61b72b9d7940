package pvm

import (
	"encoding/binary"
)

// Loader limits (polkavm's, spec §4.1).
const (
	MaxJumpTableEntries = 1 << 24
	MaxCodeLen          = 32 << 20
)

// Program is the Gray Paper program blob (deblob, spec §4.1): a dynamic jump table, the
// code bytes and the packed instruction-start bitmask (bit i = byte i/8, bit i%8).
type Program struct {
	JumpTable []uint32
	Code      []byte
	Bitmask   []byte
}

// jumpEntrySize is the least number of bytes holding every entry (at least 1 when the
// table is non-empty; spec §4.1 writer rule).
func (p *Program) jumpEntrySize() int {
	if len(p.JumpTable) == 0 {
		return 0
	}
	var max uint32
	for _, e := range p.JumpTable {
		if e > max {
			max = e
		}
	}
	switch {
	case max < 1<<8:
		return 1
	case max < 1<<16:
		return 2
	case max < 1<<24:
		return 3
	}
	return 4
}

// Marshal encodes the program as E(|j|) ++ E_1(z) ++ E(|c|) ++ j ++ c ++ k.
func (p *Program) Marshal() []byte {
	z := p.jumpEntrySize()
	out := make([]byte, 0, 16+z*len(p.JumpTable)+len(p.Code)+len(p.Bitmask))
	out = AppendVarint(out, uint64(len(p.JumpTable)))
	out = append(out, byte(z))
	out = AppendVarint(out, uint64(len(p.Code)))
	for _, e := range p.JumpTable {
		out = appendLE(out, uint64(e), z)
	}
	out = append(out, p.Code...)
	return append(out, p.Bitmask...)
}

// IsInstructionStart reports whether the bitmask marks byte i as an opcode.
func (p *Program) IsInstructionStart(i uint32) bool {
	return i < uint32(len(p.Code)) && p.Bitmask[i/8]>>(i%8)&1 == 1
}

// ParseProgram splits a program blob (spec §4.1) and checks its framing: header limits,
// exact length, bitmask length and zero padding. It does not look at the instructions;
// Decode does that. Over-long varints are accepted, as polkavm does.
func ParseProgram(blob []byte) (*Program, error) { return parseProgram(blob, false) }

// ParseProgramStrict is ParseProgram that also rejects non-canonical (over-long) varints
// in the header, following the Gray Paper's unique-decoding wording (ErrNonCanonical).
func ParseProgramStrict(blob []byte) (*Program, error) { return parseProgram(blob, true) }

func parseProgram(blob []byte, strict bool) (*Program, error) {
	const what = "program blob"
	off := 0
	nj, n := readVarint(blob)
	if n == 0 {
		return nil, formatErr(what, off, ErrTruncated, "jump table length")
	}
	if strict && len(AppendVarint(nil, nj)) != n {
		return nil, formatErr(what, off, ErrNonCanonical, "jump table length %d in %d bytes", nj, n)
	}
	off += n
	if nj > MaxJumpTableEntries {
		return nil, formatErr(what, 0, ErrTooLarge, "%d jump table entries (max %d)", nj, MaxJumpTableEntries)
	}
	if off >= len(blob) {
		return nil, formatErr(what, off, ErrTruncated, "jump table entry size")
	}
	z := int(blob[off])
	if z > 4 {
		return nil, formatErr(what, off, ErrBadJumpTable, "entry size %d (max 4)", z)
	}
	if z == 0 && nj > 0 {
		return nil, formatErr(what, off, ErrBadJumpTable, "entry size 0 with %d entries", nj)
	}
	off++
	nc, n := readVarint(blob[off:])
	if n == 0 {
		return nil, formatErr(what, off, ErrTruncated, "code length")
	}
	if strict && len(AppendVarint(nil, nc)) != n {
		return nil, formatErr(what, off, ErrNonCanonical, "code length %d in %d bytes", nc, n)
	}
	if nc > MaxCodeLen {
		return nil, formatErr(what, off, ErrTooLarge, "code length %d (max %d)", nc, MaxCodeLen)
	}
	off += n
	// All sizes are now bounded, so this arithmetic cannot overflow.
	need := int(nj)*z + int(nc) + (int(nc)+7)/8
	if len(blob)-off < need {
		return nil, formatErr(what, len(blob), ErrTruncated, "need %d more bytes, have %d", need, len(blob)-off)
	}
	if len(blob)-off > need {
		return nil, formatErr(what, off+need, ErrTrailingBytes, "%d bytes after the bitmask", len(blob)-off-need)
	}
	p := &Program{}
	if nj > 0 {
		p.JumpTable = make([]uint32, nj)
		for i := range p.JumpTable {
			p.JumpTable[i] = uint32(readLE(blob[off:], z))
			off += z
		}
	}
	p.Code = blob[off : off+int(nc) : off+int(nc)]
	off += int(nc)
	p.Bitmask = blob[off : off+(int(nc)+7)/8 : off+(int(nc)+7)/8]
	if rem := nc % 8; rem != 0 {
		last := p.Bitmask[len(p.Bitmask)-1]
		if last>>rem != 0 {
			return nil, formatErr(what, off+len(p.Bitmask)-1, ErrBadBitmask, "non-zero padding bits 0x%02x", last)
		}
	}
	return p, nil
}

// StandardProgram is the JAM standard program (spec §4.2):
// E_3(|o|) ++ E_3(|w|) ++ E_2(z) ++ E_3(s) ++ o ++ w ++ E_4(|c|) ++ c.
type StandardProgram struct {
	RO        []byte   // o: read-only data, mapped at 0x10000
	RW        []byte   // w: initialised read-write data
	HeapPages uint32   // z: zero-filled RW pages after w (16-bit field)
	StackSize uint32   // s: stack bytes (24-bit field)
	Code      *Program // c: the program blob
}

// Validate checks that every field fits its encoding.
func (s *StandardProgram) Validate() error {
	const what = "standard program"
	switch {
	case len(s.RO) >= 1<<24:
		return formatErr(what, -1, ErrTooLarge, "read-only data %d bytes (max 2^24-1)", len(s.RO))
	case len(s.RW) >= 1<<24:
		return formatErr(what, -1, ErrTooLarge, "read-write data %d bytes (max 2^24-1)", len(s.RW))
	case s.HeapPages >= 1<<16:
		return formatErr(what, -1, ErrTooLarge, "heap pages %d (max 65535)", s.HeapPages)
	case s.StackSize >= 1<<24:
		return formatErr(what, -1, ErrTooLarge, "stack size %d (max 2^24-1)", s.StackSize)
	case s.Code == nil:
		return formatErr(what, -1, ErrTruncated, "no code")
	}
	return nil
}

// Marshal encodes the standard program. It panics if Validate fails (a caller bug: the
// fields do not fit their fixed-width encodings).
func (s *StandardProgram) Marshal() []byte {
	if err := s.Validate(); err != nil {
		panic(err)
	}
	code := s.Code.Marshal()
	out := make([]byte, 0, 15+len(s.RO)+len(s.RW)+len(code))
	out = appendLE(out, uint64(len(s.RO)), 3)
	out = appendLE(out, uint64(len(s.RW)), 3)
	out = appendLE(out, uint64(s.HeapPages), 2)
	out = appendLE(out, uint64(s.StackSize), 3)
	out = append(out, s.RO...)
	out = append(out, s.RW...)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(code)))
	return append(out, code...)
}

// MarshalServiceCode encodes the on-chain code preimage E(|m|) ++ m ++ standard program.
func (s *StandardProgram) MarshalServiceCode(metadata []byte) []byte {
	out := AppendVarint(nil, uint64(len(metadata)))
	out = append(out, metadata...)
	return append(out, s.Marshal()...)
}

// ParseStandardProgram splits a standard program and parses its program blob.
func ParseStandardProgram(blob []byte) (*StandardProgram, error) {
	const what = "standard program"
	if len(blob) < 11 {
		return nil, formatErr(what, len(blob), ErrTruncated, "header needs 11 bytes")
	}
	no := int(readLE(blob[0:], 3))
	nw := int(readLE(blob[3:], 3))
	s := &StandardProgram{
		HeapPages: uint32(readLE(blob[6:], 2)),
		StackSize: uint32(readLE(blob[8:], 3)),
	}
	off := 11
	if len(blob)-off < no+nw+4 {
		return nil, formatErr(what, len(blob), ErrTruncated, "data sections need %d bytes", no+nw+4)
	}
	s.RO = blob[off : off+no : off+no]
	off += no
	s.RW = blob[off : off+nw : off+nw]
	off += nw
	nc := uint64(binary.LittleEndian.Uint32(blob[off:]))
	off += 4
	if uint64(len(blob)-off) < nc {
		return nil, formatErr(what, len(blob), ErrTruncated, "program blob needs %d bytes, have %d", nc, len(blob)-off)
	}
	if uint64(len(blob)-off) > nc {
		return nil, formatErr(what, off+int(nc), ErrTrailingBytes, "%d bytes after the program blob", uint64(len(blob)-off)-nc)
	}
	p, err := ParseProgram(blob[off:])
	if err != nil {
		return nil, err
	}
	s.Code = p
	return s, nil
}

// ParseServiceCode parses a service code preimage E(|m|) ++ m ++ standard program and
// returns the metadata and the program.
func ParseServiceCode(blob []byte) ([]byte, *StandardProgram, error) {
	nm, n := readVarint(blob)
	if n == 0 {
		return nil, nil, formatErr("service code", 0, ErrTruncated, "metadata length")
	}
	if nm > uint64(len(blob)-n) {
		return nil, nil, formatErr("service code", len(blob), ErrTruncated, "metadata needs %d bytes", nm)
	}
	sp, err := ParseStandardProgram(blob[n+int(nm):])
	if err != nil {
		return nil, nil, err
	}
	return blob[n : n+int(nm)], sp, nil
}
