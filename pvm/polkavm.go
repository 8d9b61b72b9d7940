package pvm

import (
	"encoding/binary"
	"unicode/utf8"
)

// polkavm container constants (spec §4.4).
var polkavmMagic = [4]byte{'P', 'V', 'M', 0}

// Instruction sets a .polkavm container can declare (its blob version byte).
const (
	ISAReviveV1 = 0
	ISALatest32 = 1
	ISALatest64 = 2
	ISAJamV1    = 3
)

const (
	secMemoryConfig = 1
	secROData       = 2
	secRWData       = 3
	secImports      = 4
	secExports      = 5
	secCode         = 6
	secEnd          = 0
	maxImports      = 1024
)

// Export is an entry point of a .polkavm module.
type Export struct {
	PC   uint32
	Name string
}

// Module is a parsed .polkavm container.
type Module struct {
	ISA       byte
	ROSize    uint32 // declared in-memory sizes (the images may be shorter)
	RWSize    uint32
	StackSize uint32
	RO, RW    []byte
	Imports   []string
	Exports   []Export
	Code      *Program
}

// Profile maps the container's instruction set to an interpreter profile: Latest64 ->
// Latest64, JamV1 -> GP080. Other ISAs are not supported.
func (m *Module) Profile() (Profile, bool) {
	switch m.ISA {
	case ISALatest64:
		return Latest64, true
	case ISAJamV1:
		return GP080, true
	}
	return 0, false
}

// Export finds an export by name.
func (m *Module) Export(name string) (Export, bool) {
	for _, e := range m.Exports {
		if e.Name == name {
			return e, true
		}
	}
	return Export{}, false
}

// StandardProgram converts the module into a JAM standard program (spec §4.5).
func (m *Module) StandardProgram() *StandardProgram {
	ro := make([]byte, m.ROSize)
	copy(ro, m.RO)
	return &StandardProgram{
		RO:        ro,
		RW:        m.RW,
		HeapPages: uint32((alignPage(uint64(m.RWSize)) - alignPage(uint64(len(m.RW)))) / PageSize),
		StackSize: m.StackSize,
		Code:      m.Code,
	}
}

// polkavmReader reads the container with polkavm's varints (at most 4 extra bytes).
type polkavmReader struct {
	b   []byte
	off int
}

func (r *polkavmReader) err(e error, detail string, args ...any) error {
	return formatErr("polkavm container", r.off, e, detail, args...)
}

func (r *polkavmReader) byte() (byte, error) {
	if r.off >= len(r.b) {
		return 0, r.err(ErrTruncated, "expected a byte")
	}
	r.off++
	return r.b[r.off-1], nil
}

func (r *polkavmReader) varint() (uint32, error) {
	if r.off < len(r.b) && r.b[r.off] >= 0xF8 {
		return 0, r.err(ErrBadSection, "varint wider than 32 bits")
	}
	v, n := readVarint(r.b[r.off:])
	if n == 0 {
		return 0, r.err(ErrTruncated, "varint")
	}
	r.off += n
	return uint32(v), nil
}

func (r *polkavmReader) slice(n uint32) ([]byte, error) {
	if uint64(n) > uint64(len(r.b)-r.off) {
		return nil, r.err(ErrTruncated, "need %d bytes, have %d", n, len(r.b)-r.off)
	}
	s := r.b[r.off : r.off+int(n) : r.off+int(n)]
	r.off += int(n)
	return s, nil
}

// section reads one section payload if the current id is want; it returns the next id.
func (r *polkavmReader) section(id *byte, want byte) ([]byte, error) {
	if *id != want {
		return nil, nil
	}
	n, err := r.varint()
	if err != nil {
		return nil, err
	}
	s, err := r.slice(n)
	if err != nil {
		return nil, err
	}
	*id, err = r.byte()
	return s, err
}

// ParsePolkaVM parses a .polkavm container (spec §4.4) and its code section.
func ParsePolkaVM(blob []byte) (*Module, error) {
	r := &polkavmReader{b: blob}
	if len(blob) < 13 || [4]byte(blob[:4]) != polkavmMagic {
		return nil, r.err(ErrBadMagic, "not a .polkavm container")
	}
	m := &Module{ISA: blob[4]}
	if m.ISA > ISAJamV1 {
		return nil, r.err(ErrBadSection, "unknown blob version %d", m.ISA)
	}
	if binary.LittleEndian.Uint64(blob[5:13]) != uint64(len(blob)) {
		return nil, formatErr("polkavm container", 5, ErrTruncated, "declared length %d, file has %d bytes", binary.LittleEndian.Uint64(blob[5:13]), len(blob))
	}
	r.off = 13
	id, err := r.byte()
	if err != nil {
		return nil, err
	}
	if id == secMemoryConfig {
		n, err := r.varint()
		if err != nil {
			return nil, err
		}
		start := r.off
		for _, p := range []*uint32{&m.ROSize, &m.RWSize, &m.StackSize} {
			if *p, err = r.varint(); err != nil {
				return nil, err
			}
		}
		if r.off-start != int(n) {
			return nil, r.err(ErrBadSection, "memory config section is %d bytes, fields use %d", n, r.off-start)
		}
		if id, err = r.byte(); err != nil {
			return nil, err
		}
	}
	if m.RO, err = r.section(&id, secROData); err != nil {
		return nil, err
	}
	if m.RW, err = r.section(&id, secRWData); err != nil {
		return nil, err
	}
	if uint64(len(m.RO)) > uint64(m.ROSize) || uint64(len(m.RW)) > uint64(m.RWSize) {
		return nil, r.err(ErrBadSection, "data image larger than its declared size")
	}
	if id == secImports {
		if err := r.imports(m); err != nil {
			return nil, err
		}
		if id, err = r.byte(); err != nil {
			return nil, err
		}
	}
	exports, err := r.section(&id, secExports)
	if err != nil {
		return nil, err
	}
	if exports != nil {
		if m.Exports, err = parseExports(exports); err != nil {
			return nil, err
		}
	}
	code, err := r.section(&id, secCode)
	if err != nil {
		return nil, err
	}
	for id&0x80 != 0 { // optional sections (debug info and unknown ones) are skipped
		n, err := r.varint()
		if err != nil {
			return nil, err
		}
		if _, err := r.slice(n); err != nil {
			return nil, err
		}
		if id, err = r.byte(); err != nil {
			return nil, err
		}
	}
	if id != secEnd {
		return nil, formatErr("polkavm container", r.off-1, ErrBadSection, "unexpected section %d", id)
	}
	if r.off != len(blob) {
		return nil, r.err(ErrTrailingBytes, "after the end-of-file section")
	}
	if code == nil {
		return nil, r.err(ErrBadSection, "no code section")
	}
	if m.Code, err = ParseProgram(code); err != nil {
		return nil, err
	}
	return m, nil
}

func (r *polkavmReader) imports(m *Module) error {
	n, err := r.varint()
	if err != nil {
		return err
	}
	body, err := r.slice(n)
	if err != nil {
		return err
	}
	sub := &polkavmReader{b: body}
	count, err := sub.varint()
	if err != nil {
		return err
	}
	if count > maxImports {
		return r.err(ErrTooLarge, "%d imports (max %d)", count, maxImports)
	}
	offs, err := sub.slice(count * 4)
	if err != nil {
		return err
	}
	symbols := body[sub.off:]
	for i := uint32(0); i < count; i++ {
		start := binary.LittleEndian.Uint32(offs[4*i:])
		end := uint32(len(symbols))
		if i+1 < count {
			end = binary.LittleEndian.Uint32(offs[4*i+4:])
		}
		if start > end || end > uint32(len(symbols)) {
			return r.err(ErrBadSection, "import %d symbol range %d..%d", i, start, end)
		}
		m.Imports = append(m.Imports, string(symbols[start:end]))
	}
	return nil
}

func parseExports(b []byte) ([]Export, error) {
	r := &polkavmReader{b: b}
	count, err := r.varint()
	if err != nil {
		return nil, err
	}
	var out []Export
	for i := uint32(0); i < count; i++ {
		pc, err := r.varint()
		if err != nil {
			return nil, err
		}
		n, err := r.varint()
		if err != nil {
			return nil, err
		}
		name, err := r.slice(n)
		if err != nil {
			return nil, err
		}
		if !utf8.Valid(name) {
			return nil, r.err(ErrBadSection, "export name is not UTF-8")
		}
		out = append(out, Export{PC: pc, Name: string(name)})
	}
	if r.off != len(b) {
		return nil, r.err(ErrTrailingBytes, "after %d exports", count)
	}
	return out, nil
}

// Marshal writes the module as a .polkavm container (for polkavm's tools).
func (m *Module) Marshal() []byte {
	out := append([]byte{}, polkavmMagic[:]...)
	out = append(out, m.ISA)
	out = append(out, make([]byte, 8)...) // length, patched below
	sec := func(id byte, payload []byte) {
		out = append(out, id)
		out = AppendVarint(out, uint64(len(payload)))
		out = append(out, payload...)
	}
	if m.ROSize != 0 || m.RWSize != 0 || m.StackSize != 0 {
		var cfg []byte
		cfg = AppendVarint(cfg, uint64(m.ROSize))
		cfg = AppendVarint(cfg, uint64(m.RWSize))
		cfg = AppendVarint(cfg, uint64(m.StackSize))
		sec(secMemoryConfig, cfg)
	}
	if len(m.RO) > 0 {
		sec(secROData, m.RO)
	}
	if len(m.RW) > 0 {
		sec(secRWData, m.RW)
	}
	if len(m.Imports) > 0 {
		imp := AppendVarint(nil, uint64(len(m.Imports)))
		off := uint32(0)
		for _, s := range m.Imports {
			imp = binary.LittleEndian.AppendUint32(imp, off)
			off += uint32(len(s))
		}
		for _, s := range m.Imports {
			imp = append(imp, s...)
		}
		sec(secImports, imp)
	}
	if len(m.Exports) > 0 {
		exp := AppendVarint(nil, uint64(len(m.Exports)))
		for _, e := range m.Exports {
			exp = AppendVarint(exp, uint64(e.PC))
			exp = AppendVarint(exp, uint64(len(e.Name)))
			exp = append(exp, e.Name...)
		}
		sec(secExports, exp)
	}
	if m.Code != nil {
		sec(secCode, m.Code.Marshal())
	}
	out = append(out, secEnd)
	binary.LittleEndian.PutUint64(out[5:13], uint64(len(out)))
	return out
}
