package pvm

import (
	"encoding/binary"
	"fmt"
)

// Memory geometry (Gray Paper constants Z_P, Z_Z, Z_I).
const (
	PageSize  = 4096
	ZoneSize  = 65536
	InputSize = 1 << 24
	numPages  = 1 << 20
	l2Bits    = 10
	l2Size    = 1 << l2Bits
)

// Access is a page's access mode.
type Access uint8

// Page access modes: inaccessible, read-only, read-write.
const (
	AccessNone Access = iota
	AccessRead
	AccessWrite
)

func (a Access) String() string {
	switch a {
	case AccessNone:
		return "none"
	case AccessRead:
		return "read"
	case AccessWrite:
		return "write"
	}
	return fmt.Sprintf("access(%d)", uint8(a))
}

type page struct {
	data   [PageSize]byte
	access Access
}

// accessLazyWrite marks the shared zero page of mapped-but-untouched writable memory: the
// interpreter's write fast path (access == AccessWrite) misses it, and the slow path
// gives the page a private copy first. Reads see zeros.
const accessLazyWrite Access = 3

type l2table [l2Size]*page

// noPage and emptyL2 are shared read-only sentinels: every lookup returns a non-nil page,
// so the interpreter's fast path needs no nil checks. zeroRead and zeroWrite stand for
// mapped pages that were never written, so mapping a large heap costs no memory.
var (
	noPage    page
	zeroRead  = page{access: AccessRead}
	zeroWrite = page{access: accessLazyWrite}
	emptyL2   l2table
)

func init() {
	for i := range emptyL2 {
		emptyL2[i] = &noPage
	}
}

func isShared(p *page) bool { return p == &noPage || p == &zeroRead || p == &zeroWrite }

// Memory is the 32-bit paged address space: a two-level page table of 4096-byte pages,
// each inaccessible, read-only or read-write. The zero value is not usable; use NewMemory.
type Memory struct {
	root [numPages / l2Size]*l2table
	// mapped counts allocated pages (for bounded-memory checks and statistics).
	mapped int
}

// NewMemory returns an address space with nothing mapped.
func NewMemory() *Memory {
	m := &Memory{}
	for i := range m.root {
		m.root[i] = &emptyL2
	}
	return m
}

func (m *Memory) pageAt(addr uint32) *page {
	return m.root[addr>>(12+l2Bits)][addr>>12&(l2Size-1)]
}

// slot returns the page-table slot of page index pi, allocating its second-level table.
func (m *Memory) slot(pi uint32) **page {
	l2 := m.root[pi>>l2Bits]
	if l2 == &emptyL2 {
		l2 = new(l2table)
		*l2 = emptyL2
		m.root[pi>>l2Bits] = l2
	}
	return &l2[pi&(l2Size-1)]
}

// ensurePage returns a private page for index pi (allocated zeroed if needed), keeping
// the access mode of a shared zero page it replaces.
func (m *Memory) ensurePage(pi uint32) *page {
	s := m.slot(pi)
	p := *s
	if isShared(p) {
		np := new(page)
		np.access = p.access
		if np.access == accessLazyWrite {
			np.access = AccessWrite
		}
		*s = np
		m.mapped++
		return np
	}
	return p
}

// MappedPages returns the number of pages with private storage (written or poked).
func (m *Memory) MappedPages() int { return m.mapped }

// PageAccess returns the access mode of the page containing addr.
func (m *Memory) PageAccess(addr uint32) Access {
	a := m.pageAt(addr).access
	if a == accessLazyWrite {
		return AccessWrite
	}
	return a
}

// Map sets the access mode of every page overlapping [addr, addr+length) (length 0 maps
// nothing). Newly allocated pages are zero; existing contents are kept.
func (m *Memory) Map(addr uint32, length uint64, access Access) {
	m.SetAccess(addr, length, access, false)
}

// SetAccess sets the access mode of the pages overlapping [addr, addr+length) and, when
// zero is set, clears their contents. Setting AccessNone keeps the pages allocated.
func (m *Memory) SetAccess(addr uint32, length uint64, access Access, zero bool) {
	if length == 0 {
		return
	}
	first := uint64(addr) >> 12
	last := (uint64(addr) + length - 1) >> 12
	if last >= numPages {
		last = numPages - 1
	}
	for pi := first; pi <= last; pi++ {
		cur := m.pageAt(uint32(pi) << 12)
		if cur == &noPage && access == AccessNone {
			continue
		}
		if isShared(cur) {
			// Never written: contents are zero either way, so just swap the sentinel.
			s := m.slot(uint32(pi))
			switch access {
			case AccessNone:
				*s = &noPage
			case AccessRead:
				*s = &zeroRead
			default:
				*s = &zeroWrite
			}
			continue
		}
		cur.access = access
		if zero {
			cur.data = [PageSize]byte{}
		}
	}
}

// MemoryError is returned by the checked host-side accessors.
type MemoryError struct {
	Addr  uint32 // lowest inaccessible address
	Write bool
}

func (e *MemoryError) Error() string {
	op := "read"
	if e.Write {
		op = "write"
	}
	return fmt.Sprintf("pvm: memory %s at 0x%08x not accessible", op, e.Addr)
}

// check finds the lowest byte of [addr, addr+n) (mod 2^32) lacking the access; ok if none.
func (m *Memory) check(addr uint32, n uint64, write bool) (uint32, bool) {
	need := AccessRead
	if write {
		need = AccessWrite
	}
	lowest, found := uint32(0), false
	// Walk page by page; the range may wrap past 2^32.
	for done := uint64(0); done < n; {
		a := addr + uint32(done)
		p := m.pageAt(a)
		span := min(uint64(PageSize-a&(PageSize-1)), n-done)
		if p.access < need {
			if !found || a < lowest {
				lowest, found = a, true
			}
		}
		done += span
	}
	return lowest, !found
}

// Read copies guest memory at addr into buf, honouring read access.
func (m *Memory) Read(addr uint32, buf []byte) error {
	if bad, ok := m.check(addr, uint64(len(buf)), false); !ok {
		return &MemoryError{Addr: bad}
	}
	m.copyOut(addr, buf)
	return nil
}

// Write copies data into guest memory at addr, honouring write access.
func (m *Memory) Write(addr uint32, data []byte) error {
	if bad, ok := m.check(addr, uint64(len(data)), true); !ok {
		return &MemoryError{Addr: bad, Write: true}
	}
	m.copyIn(addr, data)
	return nil
}

// Poke writes data ignoring write protection (a host/loader write); every touched page
// must be mapped (readable).
func (m *Memory) Poke(addr uint32, data []byte) error {
	if bad, ok := m.check(addr, uint64(len(data)), false); !ok {
		return &MemoryError{Addr: bad, Write: true}
	}
	m.copyIn(addr, data)
	return nil
}

func (m *Memory) copyOut(addr uint32, buf []byte) {
	for len(buf) > 0 {
		p := m.pageAt(addr)
		off := addr & (PageSize - 1)
		n := copy(buf, p.data[off:])
		buf = buf[n:]
		addr += uint32(n)
	}
}

func (m *Memory) copyIn(addr uint32, data []byte) {
	for len(data) > 0 {
		p := m.pageAt(addr)
		if isShared(p) {
			p = m.ensurePage(addr >> 12)
		}
		off := addr & (PageSize - 1)
		n := copy(p.data[off:], data)
		data = data[n:]
		addr += uint32(n)
	}
}

// Chunk is a run of bytes at an address.
type Chunk struct {
	Address  uint32
	Contents []byte
}

// NonZeroRuns returns every maximal run of non-zero bytes in accessible pages, in address
// order (the test vectors' memory comparison). Runs continue across adjacent pages.
func (m *Memory) NonZeroRuns() []Chunk {
	var out []Chunk
	var cur *Chunk
	var next uint64 // address following cur
	for ri, l2 := range m.root {
		if l2 == &emptyL2 {
			continue
		}
		for li, p := range l2 {
			if isShared(p) || p.access == AccessNone {
				continue
			}
			base := uint64(ri)<<(12+l2Bits) | uint64(li)<<12
			for i, b := range p.data {
				a := base + uint64(i)
				if b == 0 {
					cur = nil
					continue
				}
				if cur == nil || next != a {
					out = append(out, Chunk{Address: uint32(a)})
					cur = &out[len(out)-1]
				}
				cur.Contents = append(cur.Contents, b)
				next = a + 1
			}
		}
	}
	return out
}

// Clone returns a deep copy of the address space.
func (m *Memory) Clone() *Memory {
	c := NewMemory()
	for ri, l2 := range m.root {
		if l2 == &emptyL2 {
			continue
		}
		for li, p := range l2 {
			if p == &noPage {
				continue
			}
			s := c.slot(uint32(ri)<<l2Bits | uint32(li))
			if isShared(p) {
				*s = p
				continue
			}
			np := new(page)
			*np = *p
			*s = np
			c.mapped++
		}
	}
	return c
}

// load reads n (1, 2, 4 or 8) bytes little-endian at addr for the interpreter's slow path.
// ok is false when some byte is not readable; bad is then the lowest such address.
func (m *Memory) load(addr uint32, n uint32) (v uint64, bad uint32, ok bool) {
	if bad, ok = m.check(addr, uint64(n), false); !ok {
		return 0, bad, false
	}
	var buf [8]byte
	m.copyOut(addr, buf[:n])
	return binary.LittleEndian.Uint64(buf[:]), 0, true
}

// store writes the low n bytes of v at addr for the interpreter's slow path.
func (m *Memory) store(addr uint32, n uint32, v uint64) (bad uint32, ok bool) {
	if bad, ok = m.check(addr, uint64(n), true); !ok {
		return bad, false
	}
	var buf [8]byte
	binary.LittleEndian.PutUint64(buf[:], v)
	m.copyIn(addr, buf[:n])
	return 0, true
}

// CountAccess returns how many pages in [firstPage, endPage) have exactly access mode a
// (a != AccessNone). It skips unpopulated regions of the page table.
func (m *Memory) CountAccess(firstPage, endPage uint32, a Access) int {
	if endPage > numPages {
		endPage = numPages
	}
	n := 0
	for pi := firstPage; pi < endPage; {
		l2 := m.root[pi>>l2Bits]
		if l2 == &emptyL2 {
			pi = (pi>>l2Bits + 1) << l2Bits
			continue
		}
		if p := l2[pi&(l2Size-1)]; p != &noPage && (p.access == a || (p.access == accessLazyWrite && a == AccessWrite)) {
			n++
		}
		pi++
	}
	return n
}
