package sbpf

import (
	"encoding/binary"
	"errors"
	"math"
	"math/bits"
	"sort"
)

// AccessType is the kind of memory access (memory_region.rs AccessType).
type AccessType uint8

// Access types.
const (
	Load AccessType = iota
	Store
)

// String is the Display form used in error messages: "reading" or "writing".
func (a AccessType) String() string {
	if a == Store {
		return "writing"
	}
	return "reading"
}

// Name is the Rust variant name: "Load" or "Store".
func (a AccessType) Name() string {
	if a == Store {
		return "Store"
	}
	return "Load"
}

const noGapShift = 63 // vm_gap_shift of a continuous region

// MemoryRegion maps Host bytes at VMAddr. With VMGapShift < 63 the guest view
// is split into frames of 1<<VMGapShift bytes separated by unmapped gaps of the
// same size (v0 stack). Host slices are shared, not copied.
type MemoryRegion struct {
	VMAddr     uint64
	Host       []byte
	Writable   bool
	VMGapShift uint8
}

// NewRegionReadonly maps b read-only at vmAddr.
func NewRegionReadonly(b []byte, vmAddr uint64) MemoryRegion {
	return MemoryRegion{VMAddr: vmAddr, Host: b, VMGapShift: noGapShift}
}

// NewRegionWritable maps b read-write at vmAddr.
func NewRegionWritable(b []byte, vmAddr uint64) MemoryRegion {
	return MemoryRegion{VMAddr: vmAddr, Host: b, Writable: true, VMGapShift: noGapShift}
}

// NewRegionWritableGapped maps b read-write at vmAddr with gaps of gapSize
// (a power of two; 0 means no gaps).
func NewRegionWritableGapped(b []byte, vmAddr uint64, gapSize uint64) MemoryRegion {
	r := NewRegionWritable(b, vmAddr)
	if gapSize > 0 {
		r.VMGapShift = uint8(63 - bits.LeadingZeros64(gapSize))
	}
	return r
}

// GapSize is the frame/gap size, 0 for continuous regions.
func (r *MemoryRegion) GapSize() uint64 {
	if r.VMGapShift >= noGapShift {
		return 0
	}
	return 1 << r.VMGapShift
}

// VMEnd is the end of the guest range covered (twice the length when gapped), saturating.
func (r *MemoryRegion) VMEnd() uint64 {
	n := uint64(len(r.Host))
	if r.VMGapShift < noGapShift {
		hi, lo := bits.Mul64(n, 2)
		if hi != 0 {
			n = math.MaxUint64
		} else {
			n = lo
		}
	}
	return satAddU64(r.VMAddr, n)
}

func (r *MemoryRegion) contains(a uint64) bool { return a >= r.VMAddr && a < r.VMEnd() }

// hostRange is vm_to_host_buffer: the host [begin, end) of a guest access, or ok=false.
func (r *MemoryRegion) hostRange(vmAddr, n uint64) (begin, end uint64, ok bool) {
	if vmAddr < r.VMAddr {
		return 0, 0, false
	}
	off := vmAddr - r.VMAddr
	if r.VMGapShift < noGapShift {
		sh := r.VMGapShift
		if (off>>sh)&1 == 1 {
			return 0, 0, false
		}
		mask := ^uint64(0) << sh
		off = (off&mask)>>1 | off&^mask
	}
	e, c := bits.Add64(off, n, 0)
	if c != 0 || e > uint64(len(r.Host)) {
		return 0, 0, false
	}
	return off, e, true
}

// AccessViolationHandler may grow or redirect a region before an access fails
// (memory_region.rs AccessViolationHandler). maxLen is the room up to the next region.
type AccessViolationHandler func(region *MemoryRegion, maxLen uint64, access AccessType, vmAddr, length uint64)

// MemoryMapping translates guest addresses (memory_region.rs MemoryMapping).
// With Config.AlignedMemoryMapping or v4+ it is the aligned mapping (region index
// = vaddr>>32); otherwise the unaligned one (region = the highest start <= vaddr).
type MemoryMapping struct {
	regions []MemoryRegion // sorted by VMAddr; aligned: index == vaddr>>32
	aligned bool

	// slots is the interpreter's lookup table by vaddr>>32 (see rebuild).
	slots []MemoryRegion

	maxCallDepth   int64
	stackFrameSize int64
	version        Version

	// OnAccessViolation is called by Load/Store (not Translate) before failing.
	OnAccessViolation AccessViolationHandler
}

// ErrAddressTranslationDisabled: Config.EnableAddressTranslation=false maps raw
// host pointers in anza, which a Go VM cannot do.
var ErrAddressTranslationDisabled = errors.New("sbpf: Config.EnableAddressTranslation=false is not supported")

// NewMemoryMapping sorts and checks the regions (a copy of the slice is kept;
// host bytes are shared). Overlaps or clashing aligned slots are InvalidMemoryRegion.
func NewMemoryMapping(regions []MemoryRegion, cfg *Config, v Version) (*MemoryMapping, error) {
	if !cfg.EnableAddressTranslation {
		return nil, ErrAddressTranslationDisabled
	}
	m := &MemoryMapping{
		aligned:        v >= V4 || cfg.AlignedMemoryMapping,
		maxCallDepth:   int64(cfg.MaxCallDepth),
		stackFrameSize: int64(cfg.StackFrameSize),
		version:        v,
	}
	rs := append([]MemoryRegion(nil), regions...)
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].VMAddr < rs[j].VMAddr })
	if m.aligned {
		var out []MemoryRegion
		for i := 0; i < len(rs); {
			expected := uint64(len(out))
			actual := rs[i].VMAddr >> VirtualAddressBits
			switch {
			case actual > expected:
				out = append(out, NewRegionReadonly(nil, expected*MMRegionSize))
			case actual < expected:
				return nil, &EbpfError{Kind: ErrInvalidMemoryRegion, Index: actual}
			default:
				out = append(out, rs[i])
				i++
			}
		}
		rs = out
	} else {
		for i := 1; i < len(rs); i++ {
			if rs[i-1].VMEnd() > rs[i].VMAddr {
				return nil, &EbpfError{Kind: ErrInvalidMemoryRegion, Index: uint64(i)}
			}
		}
	}
	m.regions = rs
	m.rebuild()
	return m, nil
}

// rebuild refreshes the slot table after the regions changed. In the
// unaligned mapping a slot gets its region only when that region is the only
// one starting in the slot and no lower region reaches into it: then the slot
// lookup equals the canonical "highest start <= address" search. Other slots
// hold a filler that sends every access to the canonical path.
func (m *MemoryMapping) rebuild() {
	if m.aligned {
		m.slots = m.regions
		return
	}
	const maxSlots = 64
	filler := MemoryRegion{VMAddr: math.MaxUint64, VMGapShift: noGapShift}
	var count [maxSlots]int
	var spanned [maxSlots]bool
	last := -1
	for i := range m.regions {
		r := &m.regions[i]
		idx := r.VMAddr >> VirtualAddressBits
		if idx >= maxSlots {
			continue
		}
		count[idx]++
		end := idx
		if e := r.VMEnd(); e > r.VMAddr {
			end = (e - 1) >> VirtualAddressBits
		}
		for s := idx + 1; s <= end && s < maxSlots; s++ {
			spanned[s] = true
		}
		if int(end) > last {
			last = int(min(end, maxSlots-1))
		}
	}
	slots := make([]MemoryRegion, last+1)
	for i := range slots {
		slots[i] = filler
	}
	for i := range m.regions {
		r := &m.regions[i]
		idx := r.VMAddr >> VirtualAddressBits
		if idx < maxSlots && count[idx] == 1 && !spanned[idx] {
			slots[idx] = *r
		}
	}
	m.slots = slots
}

// Regions returns the regions in address order (aligned: including the empty
// fillers). Treat as read-only; use ReplaceRegion to change one.
func (m *MemoryMapping) Regions() []MemoryRegion { return m.regions }

// Aligned reports whether this is the aligned mapping.
func (m *MemoryMapping) Aligned() bool { return m.aligned }

// FindRegion returns the index of the region that may contain vmAddr (find_region).
func (m *MemoryMapping) FindRegion(vmAddr uint64) (int, bool) {
	if m.aligned {
		idx := vmAddr >> VirtualAddressBits
		if idx < uint64(len(m.regions)) {
			return int(idx), true
		}
		return 0, false
	}
	i := sort.Search(len(m.regions), func(i int) bool { return m.regions[i].VMAddr > vmAddr })
	if i == 0 {
		return 0, false
	}
	return i - 1, true
}

// ReplaceRegion swaps region index for r (replace_region): same start, must not
// reach the next region, and in the aligned mapping must stay in its slot.
func (m *MemoryMapping) ReplaceRegion(index int, r MemoryRegion) error {
	bad := &EbpfError{Kind: ErrInvalidMemoryRegion, Index: uint64(index)}
	if index < 0 || index >= len(m.regions) {
		return bad
	}
	next := uint64(math.MaxUint64)
	if index+1 < len(m.regions) {
		next = m.regions[index+1].VMAddr
	}
	if m.regions[index].VMAddr != r.VMAddr || r.VMEnd() > next {
		return bad
	}
	if m.aligned {
		begin := r.VMAddr >> VirtualAddressBits
		end := satAddU64(r.VMAddr, satSubU64(uint64(len(r.Host)), 1)) >> VirtualAddressBits
		if begin != uint64(index) || end != uint64(index) {
			return bad
		}
	}
	m.regions[index] = r
	m.rebuild()
	return nil
}

func satSubU64(a, b uint64) uint64 {
	if a < b {
		return 0
	}
	return a - b
}

func satSubI64(a, b int64) int64 {
	d := a - b
	if (d < a) == (b > 0) {
		return d
	}
	if b > 0 {
		return math.MinInt64
	}
	return math.MaxInt64
}

// Translate maps [vmAddr, vmAddr+length) to host bytes (MemoryMapping::map),
// without the access violation handler.
func (m *MemoryMapping) Translate(access AccessType, vmAddr, length uint64) ([]byte, error) {
	if i, ok := m.FindRegion(vmAddr); ok {
		r := &m.regions[i]
		if r.Writable || access != Store {
			if b, e, ok := r.hostRange(vmAddr, length); ok {
				return r.Host[b:e:e], nil
			}
		}
	}
	return nil, m.accessViolation(access, vmAddr, length)
}

// translateHandled is map_with_access_violation_handler.
func (m *MemoryMapping) translateHandled(access AccessType, vmAddr, length uint64) ([]byte, error) {
	if i, ok := m.FindRegion(vmAddr); ok {
		r := &m.regions[i]
		if r.Writable || access != Store {
			if b, e, ok := r.hostRange(vmAddr, length); ok {
				return r.Host[b:e:e], nil
			}
		}
		if m.OnAccessViolation != nil {
			nr := *r
			maxLen := uint64(math.MaxUint64)
			if i+1 < len(m.regions) {
				maxLen = m.regions[i+1].VMAddr
			}
			maxLen = satSubU64(maxLen, nr.VMAddr)
			m.OnAccessViolation(&nr, maxLen, access, vmAddr, length)
			if nr.Writable || access != Store {
				if b, e, ok := nr.hostRange(vmAddr, length); ok {
					if err := m.ReplaceRegion(i, nr); err != nil {
						return nil, err
					}
					return nr.Host[b:e:e], nil
				}
			}
		}
	}
	return nil, m.accessViolation(access, vmAddr, length)
}

var errAccessSize = errors.New("sbpf: access size must be 1, 2, 4 or 8")

func validSize(size int) bool { return size == 1 || size == 2 || size == 4 || size == 8 }

// Load reads a little-endian value of size 1, 2, 4 or 8 bytes.
func (m *MemoryMapping) Load(vmAddr uint64, size int) (uint64, error) {
	if !validSize(size) {
		return 0, errAccessSize
	}
	b, err := m.translateHandled(Load, vmAddr, uint64(size))
	if err != nil {
		return 0, err
	}
	return loadLE(b, size), nil
}

// Store writes the low size bytes (1, 2, 4 or 8) of v little-endian.
func (m *MemoryMapping) Store(vmAddr uint64, size int, v uint64) error {
	if !validSize(size) {
		return errAccessSize
	}
	b, err := m.translateHandled(Store, vmAddr, uint64(size))
	if err != nil {
		return err
	}
	storeLE(b, size, v)
	return nil
}

func loadLE(b []byte, size int) uint64 {
	switch size {
	case 1:
		return uint64(b[0])
	case 2:
		return uint64(binary.LittleEndian.Uint16(b))
	case 4:
		return uint64(binary.LittleEndian.Uint32(b))
	default:
		return binary.LittleEndian.Uint64(b)
	}
}

func storeLE(b []byte, size int, v uint64) {
	switch size {
	case 1:
		b[0] = byte(v)
	case 2:
		binary.LittleEndian.PutUint16(b, uint16(v))
	case 4:
		binary.LittleEndian.PutUint32(b, uint32(v))
	default:
		binary.LittleEndian.PutUint64(b, v)
	}
}

// accessViolation is generate_access_violation.
func (m *MemoryMapping) accessViolation(access AccessType, vmAddr, length uint64) *EbpfError {
	var frame int64
	if m.stackFrameSize != 0 {
		frame = satSubI64(int64(vmAddr), int64(MMStackStart)) / m.stackFrameSize
	}
	if !m.version.ManualStackFrameBump() && frame >= -1 && frame <= m.maxCallDepth {
		return &EbpfError{Kind: ErrStackAccessViolation, Access: access, Addr: vmAddr, Len: length, Frame: frame}
	}
	name := "unallocated"
	if i, ok := m.FindRegion(vmAddr); ok && m.regions[i].contains(vmAddr) {
		switch vmAddr &^ (MMBytecodeStart - 1) {
		case MMBytecodeStart:
			name = "program"
		case MMStackStart:
			name = "stack"
		case MMHeapStart:
			name = "heap"
		case MMInputStart:
			name = "input"
		default:
			name = "allocated"
		}
	}
	return &EbpfError{Kind: ErrAccessViolation, Access: access, Addr: vmAddr, Len: length, Region: name}
}
