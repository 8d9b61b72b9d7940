package host

import (
	"encoding/binary"
	"fmt"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
)

// Protocol constants used by the refine calls (GP 0.7.2, spec §5.6).
const (
	SegmentSize = 4104 // W_G
	MaxExports  = 3072 // W_X
	BaseGas     = 10
)

// FetchData holds the items fetch returns, by kind (0.7.2 numbering, spec §5.4). A nil
// item (or an index out of range) makes fetch return NONE.
type FetchData struct {
	Constants   []byte     // 0 (nil: ConstantsBlob())
	Entropy     []byte     // 1
	AuthTrace   []byte     // 2
	Extrinsics  [][][]byte // 3 [item][i]; 4 uses the current item
	Imports     [][][]byte // 5 [item][i]; 6 uses the current item
	WorkPackage []byte     // 7
	AuthConfig  []byte     // 8
	AuthToken   []byte     // 9
	Context     []byte     // 10
	Summaries   [][]byte   // 11 (all, length-prefixed) and 12 (one)
	Payloads    [][]byte   // 13
	Item        int        // the current work item (kinds 4 and 6)
	// Other answers kinds FetchData does not hold (e.g. 14, 15); nil means NONE.
	Other func(kind, a, b uint64) ([]byte, bool)
}

func pick[T any](xs []T, i uint64) (T, bool) {
	var zero T
	if i >= uint64(len(xs)) {
		return zero, false
	}
	return xs[i], true
}

// item returns the value of fetch kind with sub-indices a (ω11) and b (ω12).
func (f *FetchData) item(kind, a, b uint64) ([]byte, bool) {
	nonNil := func(v []byte) ([]byte, bool) { return v, v != nil }
	switch kind {
	case 0:
		if f.Constants == nil {
			return ConstantsBlob(), true
		}
		return f.Constants, true
	case 1:
		return nonNil(f.Entropy)
	case 2:
		return nonNil(f.AuthTrace)
	case 3, 5:
		set := f.Extrinsics
		if kind == 5 {
			set = f.Imports
		}
		if it, ok := pick(set, a); ok {
			return pick(it, b)
		}
		return nil, false
	case 4, 6:
		set := f.Extrinsics
		if kind == 6 {
			set = f.Imports
		}
		if it, ok := pick(set, uint64(f.Item)); ok {
			return pick(it, a)
		}
		return nil, false
	case 7:
		return nonNil(f.WorkPackage)
	case 8:
		return nonNil(f.AuthConfig)
	case 9:
		return nonNil(f.AuthToken)
	case 10:
		return nonNil(f.Context)
	case 11:
		if f.Summaries == nil {
			return nil, false
		}
		out := pvm.AppendVarint(nil, uint64(len(f.Summaries)))
		for _, s := range f.Summaries {
			out = append(out, s...)
		}
		return out, true
	case 12:
		return pick(f.Summaries, a)
	case 13:
		return pick(f.Payloads, a)
	}
	if f.Other != nil {
		return f.Other(kind, a, b)
	}
	return nil, false
}

// LogEntry is one JIP-1 log message.
type LogEntry struct {
	Level   uint64
	Target  string
	Message string
}

// Refine implements the refine host calls. Configure its fields, then pass it as the
// machine's HostCaller. It is not safe for concurrent use.
type Refine struct {
	Profile   pvm.Profile
	ServiceID uint64
	Fetch     FetchData
	// Lookup answers historical_lookup for a service and hash (nil: always NONE).
	Lookup func(service uint64, hash [32]byte) ([]byte, bool)
	// ExportOffset is the index of the first segment this item exports (ς).
	ExportOffset uint64
	// Exports collects exported segments (each SegmentSize bytes).
	Exports [][]byte
	// Logs collects JIP-1 messages; OnLog, if set, also receives them.
	Logs  []LogEntry
	OnLog func(LogEntry)
	// LogGas and LogReturnsWhat select the JIP-1 version: the current text charges 10
	// and sets ω7 = WHAT (the default, LegacyLog = false); the original charged 0 and
	// left ω7 alone.
	LegacyLog bool
	// Extra handles ids this type does not implement; nil means unknown (WHAT, 10 gas).
	Extra pvm.HostCaller
	// ChargeInnerGas makes invoke bill the outer machine for the gas its inner machine
	// uses (and caps the inner gas at the outer gas left), as later protocol versions do.
	// The Gray Paper 0.7.2 text (the default) charges the caller only the base 10.
	ChargeInnerGas bool
	// Calls counts host calls by function (diagnostics).
	Calls map[Call]int

	machines map[uint64]*pvm.Machine
}

// ErrMemory marks a host call that touched inaccessible guest memory (the run panics).
var ErrMemory = fmt.Errorf("%w: guest memory not accessible", pvm.ErrHostPanic)

// HostCall dispatches id according to r.Profile.
func (r *Refine) HostCall(id uint64, m *pvm.Machine) (bool, error) {
	c, known := CallOf(r.Profile, id)
	if r.Calls == nil {
		r.Calls = map[Call]int{}
	}
	if known {
		r.Calls[c]++
	}
	switch {
	case known && c == Log:
		return r.log(m)
	case known && c == GrowHeap:
		return r.growHeap(m)
	}
	if !known || !r.implements(c) {
		if r.Extra != nil {
			return r.Extra.HostCall(id, m)
		}
		if err := m.ChargeGas(BaseGas); err != nil {
			return false, err
		}
		m.Regs[7] = WHAT
		return true, nil
	}
	if err := m.ChargeGas(BaseGas); err != nil {
		return false, err
	}
	var err error
	switch c {
	case Gas:
		m.Regs[7] = uint64(m.Gas)
	case Fetch:
		v, ok := r.Fetch.item(m.Regs[10], m.Regs[11], m.Regs[12])
		err = copyOut(m, v, ok, m.Regs[7], m.Regs[8], m.Regs[9])
	case HistoricalLookup:
		err = r.historicalLookup(m)
	case Export:
		err = r.export(m)
	case Machine:
		err = r.machine(m)
	case Peek:
		err = r.peekPoke(m, true)
	case Poke:
		err = r.peekPoke(m, false)
	case Pages:
		r.pages(m)
	case Invoke:
		err = r.invoke(m)
	case Expunge:
		r.expunge(m)
	}
	if err != nil {
		return false, err
	}
	return true, nil
}

func (r *Refine) implements(c Call) bool {
	switch c {
	case Gas, Fetch, HistoricalLookup, Export, Machine, Peek, Poke, Pages, Invoke, Expunge:
		return true
	}
	return false
}

// copyOut implements the general "copy a value out" rule: ω7 = |v| (or NONE), and
// v[f .. f+l) is written to out, where f = min(offset, |v|), l = min(maxLen, |v| - f).
func copyOut(m *pvm.Machine, v []byte, ok bool, out, offset, maxLen uint64) error {
	if !ok {
		m.Regs[7] = NONE
		return nil
	}
	f := min(offset, uint64(len(v)))
	l := min(maxLen, uint64(len(v))-f)
	if l > 0 {
		if out+l > 1<<32 {
			return ErrMemory
		}
		if err := m.WriteMemory(uint32(out), v[f:f+l]); err != nil {
			return fmt.Errorf("%w: %v", ErrMemory, err)
		}
	}
	m.Regs[7] = uint64(len(v))
	return nil
}

// readGuest reads n bytes at addr (n bounded by the caller), or ErrMemory. Access is
// checked before anything is allocated.
func readGuest(m *pvm.Machine, addr, n uint64) ([]byte, error) {
	if addr+n > 1<<32 || checkAccess(m.Mem, addr, n, false) != nil {
		return nil, ErrMemory
	}
	buf := make([]byte, n)
	if err := m.ReadMemory(uint32(addr), buf); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMemory, err)
	}
	return buf, nil
}

func (r *Refine) historicalLookup(m *pvm.Machine) error {
	h, err := readGuest(m, m.Regs[8], 32)
	if err != nil {
		return err
	}
	service := m.Regs[7]
	if service == NONE {
		service = r.ServiceID
	}
	var v []byte
	ok := false
	if r.Lookup != nil {
		v, ok = r.Lookup(service, [32]byte(h))
	}
	return copyOut(m, v, ok, m.Regs[9], m.Regs[10], m.Regs[11])
}

func (r *Refine) export(m *pvm.Machine) error {
	n := min(m.Regs[8], SegmentSize)
	data, err := readGuest(m, m.Regs[7], n)
	if err != nil {
		return err
	}
	if r.ExportOffset+uint64(len(r.Exports)) >= MaxExports {
		m.Regs[7] = FULL
		return nil
	}
	seg := make([]byte, SegmentSize)
	copy(seg, data)
	m.Regs[7] = r.ExportOffset + uint64(len(r.Exports))
	r.Exports = append(r.Exports, seg)
	return nil
}

func (r *Refine) log(m *pvm.Machine) (bool, error) {
	if !r.LegacyLog {
		if err := m.ChargeGas(BaseGas); err != nil {
			return false, err
		}
	}
	str := func(ptr, n uint64) string {
		if n == 0 {
			return ""
		}
		if n > 1<<20 {
			return "<too long>"
		}
		b, err := readGuest(m, ptr, n)
		if err != nil {
			return "<unreadable>"
		}
		return string(b)
	}
	e := LogEntry{Level: m.Regs[7], Target: str(m.Regs[8], m.Regs[9]), Message: str(m.Regs[10], m.Regs[11])}
	r.Logs = append(r.Logs, e)
	if r.OnLog != nil {
		r.OnLog(e)
	}
	if !r.LegacyLog {
		m.Regs[7] = WHAT
	}
	return true, nil
}

// growHeap is the 0.8 draft's grow_heap (spec §5.4).
func (r *Refine) growHeap(m *pvm.Machine) (bool, error) {
	const base = 100
	if m.Gas < base {
		return false, pvm.ErrOutOfGas
	}
	l := m.Layout
	a := uint64(l.RWAddress / pvm.PageSize)
	b := uint64(l.HeapLimit / pvm.PageSize)
	c := uint64(m.Mem.CountAccess(uint32(a), uint32(b), pvm.AccessWrite))
	want := m.Regs[7]
	h := max(a, want)
	g := uint64(base)
	if want > a+c {
		g += 10 * (want - a - c)
		if g < base { // overflow: an absurd request
			g = ^uint64(0)
		}
	}
	if l.RWAddress != 0 && h <= b && uint64(m.Gas) >= g {
		m.Gas -= int64(g)
		m.Mem.Map(uint32(a*pvm.PageSize), (h-a)*pvm.PageSize, pvm.AccessWrite)
		m.Regs[7] = max(a+c, h)
		return true, nil
	}
	m.Gas -= base
	m.Regs[7] = a + c
	return true, nil
}

// Inner machines (machine, peek, poke, pages, invoke, expunge).

func (r *Refine) machine(m *pvm.Machine) error {
	if m.Regs[8] > pvm.MaxCodeLen*2 {
		m.Regs[7] = HUH
		return nil
	}
	blob, err := readGuest(m, m.Regs[7], m.Regs[8])
	if err != nil {
		return err
	}
	prog, err := pvm.ParseProgram(blob)
	if err != nil {
		m.Regs[7] = HUH
		return nil
	}
	dec, err := pvm.Decode(m.Program().Profile, prog)
	if err != nil {
		m.Regs[7] = HUH
		return nil
	}
	if r.machines == nil {
		r.machines = map[uint64]*pvm.Machine{}
	}
	n := uint64(0)
	for r.machines[n] != nil {
		n++
	}
	inner := pvm.NewMachine(dec, nil, 0)
	inner.PC = uint32(m.Regs[9])
	if m.Regs[9] > 0xFFFFFFFF {
		inner.PC = 0xFFFFFFFF // not an instruction: the first invoke panics
	}
	r.machines[n] = inner
	m.Regs[7] = n
	return nil
}

func (r *Refine) peekPoke(m *pvm.Machine, peek bool) error {
	inner := r.machines[m.Regs[7]]
	outer, innerAddr, n := m.Regs[8], m.Regs[9], m.Regs[10]
	// The outer side must be accessible (else the caller panics) before the handle is
	// looked at, as in the Gray Paper.
	if n > 1<<32 || outer+n > 1<<32 {
		return ErrMemory
	}
	if err := checkAccess(m.Mem, outer, n, peek); err != nil {
		return err
	}
	if inner == nil {
		m.Regs[7] = WHO
		return nil
	}
	if innerAddr+n > 1<<32 {
		m.Regs[7] = OOB
		return nil
	}
	src, dst := inner.Mem, m.Mem
	from, to := innerAddr, outer
	if !peek {
		src, dst, from, to = m.Mem, inner.Mem, outer, innerAddr
	}
	if checkAccess(inner.Mem, innerAddr, n, !peek) != nil {
		m.Regs[7] = OOB
		return nil
	}
	// Copy in page-sized chunks: n may be as large as the mapped address space.
	var buf [pvm.PageSize]byte
	for done := uint64(0); done < n; {
		k := min(n-done, pvm.PageSize)
		_ = src.Read(uint32(from+done), buf[:k])
		_ = dst.Write(uint32(to+done), buf[:k])
		done += k
	}
	m.Regs[7] = OK
	return nil
}

// checkAccess verifies that [addr, addr+n) is readable (or writable) page by page
// without allocating n bytes.
func checkAccess(mem *pvm.Memory, addr, n uint64, write bool) error {
	if n == 0 {
		return nil
	}
	need := pvm.AccessRead
	if write {
		need = pvm.AccessWrite
	}
	for p := addr &^ (pvm.PageSize - 1); p < addr+n; p += pvm.PageSize {
		if mem.PageAccess(uint32(p)) < need {
			return ErrMemory
		}
	}
	return nil
}

func (r *Refine) pages(m *pvm.Machine) {
	inner := r.machines[m.Regs[7]]
	p, c, mode := m.Regs[8], m.Regs[9], m.Regs[10]
	if inner == nil {
		m.Regs[7] = WHO
		return
	}
	if mode > 4 || p < 16 || p+c >= 1<<20 || p+c < p {
		m.Regs[7] = HUH
		return
	}
	if mode >= 3 {
		for pi := p; pi < p+c; pi++ {
			if inner.Mem.PageAccess(uint32(pi)*pvm.PageSize) == pvm.AccessNone {
				m.Regs[7] = HUH
				return
			}
		}
	}
	access := [...]pvm.Access{pvm.AccessNone, pvm.AccessRead, pvm.AccessWrite, pvm.AccessRead, pvm.AccessWrite}[mode]
	inner.Mem.SetAccess(uint32(p)*pvm.PageSize, c*pvm.PageSize, access, mode < 3)
	m.Regs[7] = OK
}

func (r *Refine) invoke(m *pvm.Machine) error {
	inner := r.machines[m.Regs[7]]
	ptr := m.Regs[8]
	if checkAccess(m.Mem, ptr, 112, true) != nil || ptr+112 > 1<<32 {
		return ErrMemory
	}
	state := make([]byte, 112)
	_ = m.ReadMemory(uint32(ptr), state)
	if inner == nil {
		m.Regs[7] = WHO
		return nil
	}
	g := binary.LittleEndian.Uint64(state)
	inner.Gas = int64(min(g, 1<<63-1))
	if r.ChargeInnerGas {
		inner.Gas = min(inner.Gas, m.Gas)
	}
	innerStart := inner.Gas
	for i := range inner.Regs {
		inner.Regs[i] = binary.LittleEndian.Uint64(state[8+8*i:])
	}
	inner.Host = nil
	ex := inner.Run()
	if r.ChargeInnerGas {
		m.Gas -= innerStart - max(inner.Gas, 0)
	}
	binary.LittleEndian.PutUint64(state, uint64(max(inner.Gas, 0)))
	for i, v := range inner.Regs {
		binary.LittleEndian.PutUint64(state[8+8*i:], v)
	}
	_ = m.WriteMemory(uint32(ptr), state)
	switch ex.Status {
	case pvm.StatusHalt:
		m.Regs[7] = InnerHalt
	case pvm.StatusPanic:
		m.Regs[7] = InnerPanic
	case pvm.StatusPageFault:
		m.Regs[7], m.Regs[8] = InnerFault, uint64(ex.FaultAddr)
	case pvm.StatusHostCall:
		m.Regs[7], m.Regs[8] = InnerHost, ex.HostID
	case pvm.StatusOutOfGas:
		m.Regs[7] = InnerOOG
	}
	return nil
}

func (r *Refine) expunge(m *pvm.Machine) {
	inner := r.machines[m.Regs[7]]
	if inner == nil {
		m.Regs[7] = WHO
		return
	}
	delete(r.machines, m.Regs[7])
	m.Regs[7] = uint64(inner.PC)
}
