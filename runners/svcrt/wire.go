// Package svcrt is the Go side of the shared C service runtime of sbpf-pvm's PVM runners
// (interp-svc and transpiled): the request/response wire format the host and the
// guest exchange, and the conversion from a corpus case to a request and from a response
// to a runners.Result.
//
// The C side lives in c/ (svcrt.h documents the same layout). Wire format version 2 (both messages); all
// integers little-endian, "bytes" = u32 length ++ raw bytes:
//
//	Request:
//	  "SVQ2" | flags u32 | compute_budget u64 | heap_size u64 | max_call_depth u32 |
//	  stack_frame_size u32 | min_version u8 | max_version u8 | log_bytes u16 |
//	  program_id [32] | n_accounts u32 | account* | instruction_data bytes |
//	  sysvar_mask u32 (bit k: kind k present, kinds 0..3) | the present values in kind
//	  order, each its fixed size (SysvarSize) | program_elf bytes
//	  account = dup_of u8 (0xFF: new; else index of the first occurrence) | flags u8
//	            (1 signer, 2 writable, 4 executable) | when new: key [32] | owner [32] |
//	            lamports u64 | rent_epoch u64 | data bytes
//	  flags: 1 mask rent_epoch, 2 stack frame gaps, 4 check_aligned, 8 reject broken ELFs,
//	         16 optimize_rodata
//	  log_bytes: bytes of the log lines the host logged before the service runs (its
//	         "Program <id> invoke [1]"); the service's log collector starts with them spent
//
//	Response (version 2: the logs right after the fixed header, where the guest writes
//	them as they are logged, so that answering copies none of them):
//	  "SVR2" | status u8 (0 ok, 1 program failure, 2 bad request, 3 service fault) |
//	  origin u8 (0 none, 1 load+verify, 2 VM setup, 3 VM fault, 4 syscall, 5 deserialization,
//	  6 balance check) | has_return_data u8 | reserved u8 (0) |
//	  exit_code u64 | compute_units u64 | instruction_count u64 | gas marks 5 × u64 |
//	  n_logs u32 | log bytes* |
//	  error_kind (u16 len + ASCII) | error_detail (u16 len + UTF-8) |
//	  [when has_return_data: program_id [32] | data bytes] |
//	  n_changed u32 | (index u32 | mask u8 (1 lamports, 2 data, 4 owner) | lamports u64 |
//	  owner [32] | [data bytes when mask&2])*
//	  (the logs are the lines logged while the service ran; the host adds its own lines
//	  before and after them)
//
// Every decoder here rejects truncated or trailing bytes with a *WireError; nothing
// allocates more than the input can describe.
package svcrt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Magic numbers of the two messages.
const (
	RequestMagic  = "SVQ2"
	ResponseMagic = "SVR2"
)

// Request flags.
const (
	FlagMaskRentEpoch    = 1
	FlagStackGaps        = 2
	FlagCheckAligned     = 4
	FlagRejectBrokenELFs = 8
	FlagOptimizeRodata   = 16
)

// NotDuplicate is Account.DupOf for an account's first occurrence.
const NotDuplicate = 0xFF

// Sysvar kinds.
const (
	SysvarClock           = 0
	SysvarRent            = 1
	SysvarEpochSchedule   = 2
	SysvarLastRestartSlot = 3
)

// SysvarSize is the size of each kind's value (its repr(C) struct): the wire format has
// no lengths for them, so the guest finds a value by adding sizes.
var SysvarSize = [4]int{40, 24, 40, 8}

// ErrBadSysvars is returned when the sysvars are not distinct known kinds of their size.
var ErrBadSysvars = errors.New("svcrt: sysvars must be distinct kinds 0..3, each of its fixed size")

// Response statuses.
const (
	StatusOK         = 0
	StatusFailure    = 1
	StatusBadRequest = 2
	StatusFault      = 3
)

// Failure origins.
const (
	OriginNone = iota
	OriginLoad
	OriginSetup
	OriginVM
	OriginSyscall
	OriginDeserialize
	OriginBalance
)

// Change mask bits.
const (
	ChangedLamports = 1
	ChangedData     = 2
	ChangedOwner    = 4
)

// Request is what the host hands the service.
type Request struct {
	Flags                   uint32
	ComputeBudget, HeapSize uint64
	MaxCallDepth, FrameSize uint32
	MinVersion, MaxVersion  uint8
	// LogBytes is the log budget the host already spent before the service runs (the
	// length of its "Program <id> invoke [1]" line).
	LogBytes        uint16
	ProgramID       [32]byte
	Accounts        []Account
	InstructionData []byte
	Sysvars         []Sysvar
	Program         []byte
}

// Account is one instruction account. For a duplicate (DupOf != NotDuplicate) only the
// flags are encoded.
type Account struct {
	DupOf                        uint8
	Signer, Writable, Executable bool
	Key, Owner                   [32]byte
	Lamports, RentEpoch          uint64
	Data                         []byte
}

// Sysvar is the VM representation of one sysvar (Encode sends them in kind order).
type Sysvar struct {
	Kind  uint32
	Value []byte
}

// Response is what the service answers.
type Response struct {
	Status           uint8
	Origin           uint8
	ErrorKind        string
	ErrorDetail      string
	ExitCode         uint64
	ComputeUnits     uint64
	InstructionCount uint64
	// GasMarks is the PVM gas left at: start, after load+verify, after serialization,
	// after execution, after deserialization and diff.
	GasMarks   [5]uint64
	ReturnData *ReturnData
	Changes    []Change
	Logs       []string
}

// ReturnData is what the program set with sol_set_return_data.
type ReturnData struct {
	ProgramID [32]byte
	Data      []byte
}

// Change is the new state of one account that changed.
type Change struct {
	Index    uint32
	Mask     uint8
	Lamports uint64
	Owner    [32]byte
	Data     []byte // only when Mask&ChangedData
}

// WireError is a message that does not decode.
type WireError struct {
	Msg    string
	Offset int
}

func (e *WireError) Error() string {
	return fmt.Sprintf("svcrt: malformed message at byte %d: %s", e.Offset, e.Msg)
}

// ErrTooLarge is returned when a field does not fit the u32/u16 length of the format.
var ErrTooLarge = errors.New("svcrt: field too large for the wire format")

type writer struct{ b []byte }

func (w *writer) u8(v uint8)   { w.b = append(w.b, v) }
func (w *writer) u16(v uint16) { w.b = binary.LittleEndian.AppendUint16(w.b, v) }
func (w *writer) u32(v uint32) { w.b = binary.LittleEndian.AppendUint32(w.b, v) }
func (w *writer) u64(v uint64) { w.b = binary.LittleEndian.AppendUint64(w.b, v) }
func (w *writer) raw(p []byte) { w.b = append(w.b, p...) }
func (w *writer) bytes(p []byte) error {
	if len(p) > math.MaxUint32 {
		return ErrTooLarge
	}
	w.u32(uint32(len(p)))
	w.raw(p)
	return nil
}
func (w *writer) str16(s string) error {
	if len(s) > math.MaxUint16 {
		return ErrTooLarge
	}
	w.u16(uint16(len(s)))
	w.b = append(w.b, s...)
	return nil
}

func b2u8(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

// Encode serializes the request.
func (q *Request) Encode() ([]byte, error) {
	w := &writer{b: make([]byte, 0, 128+len(q.Program)+len(q.InstructionData))}
	w.raw([]byte(RequestMagic))
	w.u32(q.Flags)
	w.u64(q.ComputeBudget)
	w.u64(q.HeapSize)
	w.u32(q.MaxCallDepth)
	w.u32(q.FrameSize)
	w.u8(q.MinVersion)
	w.u8(q.MaxVersion)
	w.u16(q.LogBytes)
	w.raw(q.ProgramID[:])
	if len(q.Accounts) > math.MaxUint32 {
		return nil, ErrTooLarge
	}
	w.u32(uint32(len(q.Accounts)))
	for i := range q.Accounts {
		a := &q.Accounts[i]
		w.u8(a.DupOf)
		w.u8(b2u8(a.Signer) | b2u8(a.Writable)<<1 | b2u8(a.Executable)<<2)
		if a.DupOf != NotDuplicate {
			continue
		}
		w.raw(a.Key[:])
		w.raw(a.Owner[:])
		w.u64(a.Lamports)
		w.u64(a.RentEpoch)
		if err := w.bytes(a.Data); err != nil {
			return nil, err
		}
	}
	if err := w.bytes(q.InstructionData); err != nil {
		return nil, err
	}
	var values [4][]byte
	var mask uint32
	for _, s := range q.Sysvars {
		if s.Kind >= 4 || mask&(1<<s.Kind) != 0 || len(s.Value) != SysvarSize[s.Kind] {
			return nil, ErrBadSysvars
		}
		mask |= 1 << s.Kind
		values[s.Kind] = s.Value
	}
	w.u32(mask)
	for _, v := range values {
		w.raw(v)
	}
	if err := w.bytes(q.Program); err != nil {
		return nil, err
	}
	return w.b, nil
}

// Encode serializes the response (the guest does this in C; Go needs it for tests).
func (r *Response) Encode() ([]byte, error) {
	w := &writer{}
	w.raw([]byte(ResponseMagic))
	w.u8(r.Status)
	w.u8(r.Origin)
	w.u8(b2u8(r.ReturnData != nil))
	w.u8(0)
	w.u64(r.ExitCode)
	w.u64(r.ComputeUnits)
	w.u64(r.InstructionCount)
	for _, g := range r.GasMarks {
		w.u64(g)
	}
	w.u32(uint32(len(r.Logs)))
	for _, l := range r.Logs {
		if err := w.bytes([]byte(l)); err != nil {
			return nil, err
		}
	}
	if err := w.str16(r.ErrorKind); err != nil {
		return nil, err
	}
	if err := w.str16(r.ErrorDetail); err != nil {
		return nil, err
	}
	if r.ReturnData != nil {
		w.raw(r.ReturnData.ProgramID[:])
		if err := w.bytes(r.ReturnData.Data); err != nil {
			return nil, err
		}
	}
	w.u32(uint32(len(r.Changes)))
	for _, c := range r.Changes {
		w.u32(c.Index)
		w.u8(c.Mask)
		w.u64(c.Lamports)
		w.raw(c.Owner[:])
		if c.Mask&ChangedData != 0 {
			if err := w.bytes(c.Data); err != nil {
				return nil, err
			}
		}
	}
	return w.b, nil
}

type reader struct {
	b   []byte
	off int
	err *WireError
}

func (r *reader) fail(msg string) {
	if r.err == nil {
		r.err = &WireError{Msg: msg, Offset: r.off}
	}
}

func (r *reader) take(n int, what string) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b)-r.off {
		r.fail("truncated " + what)
		return nil
	}
	p := r.b[r.off : r.off+n]
	r.off += n
	return p
}

func (r *reader) u8(what string) uint8 {
	if p := r.take(1, what); p != nil {
		return p[0]
	}
	return 0
}
func (r *reader) u16(what string) uint16 {
	if p := r.take(2, what); p != nil {
		return binary.LittleEndian.Uint16(p)
	}
	return 0
}
func (r *reader) u32(what string) uint32 {
	if p := r.take(4, what); p != nil {
		return binary.LittleEndian.Uint32(p)
	}
	return 0
}
func (r *reader) u64(what string) uint64 {
	if p := r.take(8, what); p != nil {
		return binary.LittleEndian.Uint64(p)
	}
	return 0
}
func (r *reader) bytes(what string) []byte {
	n := r.u32(what + " length")
	if r.err != nil {
		return nil
	}
	if uint64(n) > uint64(len(r.b)-r.off) {
		r.fail("truncated " + what)
		return nil
	}
	return append([]byte{}, r.take(int(n), what)...)
}
func (r *reader) str16(what string) string {
	n := r.u16(what + " length")
	return string(r.take(int(n), what))
}
func (r *reader) key(what string) (k [32]byte) {
	copy(k[:], r.take(32, what))
	return k
}

// count reads a u32 element count and checks that at least min bytes per element remain,
// so a forged count cannot make the decoder allocate.
func (r *reader) count(what string, min int) int {
	n := r.u32(what)
	if r.err != nil {
		return 0
	}
	if uint64(n)*uint64(min) > uint64(len(r.b)-r.off) {
		r.fail(what + " larger than the message")
		return 0
	}
	return int(n)
}

func (r *reader) done() error {
	if r.err == nil && r.off != len(r.b) {
		r.fail("trailing bytes")
	}
	if r.err != nil {
		return r.err
	}
	return nil
}

// DecodeRequest parses a request with the same rules as the guest's decoder.
func DecodeRequest(b []byte) (*Request, error) {
	r := &reader{b: b}
	if string(r.take(4, "magic")) != RequestMagic {
		r.fail("bad magic")
		return nil, r.err
	}
	q := &Request{}
	q.Flags = r.u32("flags")
	q.ComputeBudget = r.u64("compute budget")
	q.HeapSize = r.u64("heap size")
	q.MaxCallDepth = r.u32("max call depth")
	q.FrameSize = r.u32("stack frame size")
	q.MinVersion = r.u8("min version")
	q.MaxVersion = r.u8("max version")
	q.LogBytes = r.u16("log bytes")
	q.ProgramID = r.key("program id")
	n := r.count("account count", 2)
	for i := 0; i < n && r.err == nil; i++ {
		a := Account{DupOf: r.u8("dup marker")}
		f := r.u8("account flags")
		if f > 7 {
			r.fail("unknown account flag bits")
		}
		a.Signer, a.Writable, a.Executable = f&1 != 0, f&2 != 0, f&4 != 0
		if a.DupOf != NotDuplicate {
			if int(a.DupOf) >= i || q.Accounts[a.DupOf].DupOf != NotDuplicate {
				r.fail("duplicate refers to a later or duplicate account")
			}
			q.Accounts = append(q.Accounts, a)
			continue
		}
		a.Key = r.key("account key")
		a.Owner = r.key("account owner")
		a.Lamports = r.u64("lamports")
		a.RentEpoch = r.u64("rent epoch")
		a.Data = r.bytes("account data")
		q.Accounts = append(q.Accounts, a)
	}
	q.InstructionData = r.bytes("instruction data")
	mask := r.u32("sysvar mask")
	if mask > 15 {
		r.fail("unknown sysvar kinds")
	}
	for k := uint32(0); k < 4 && r.err == nil; k++ {
		if mask&(1<<k) != 0 {
			q.Sysvars = append(q.Sysvars, Sysvar{Kind: k, Value: append([]byte{}, r.take(SysvarSize[k], "sysvar value")...)})
		}
	}
	q.Program = r.bytes("program")
	if err := r.done(); err != nil {
		return nil, err
	}
	return q, nil
}

// DecodeResponse parses the guest's answer.
func DecodeResponse(b []byte) (*Response, error) {
	r := &reader{b: b}
	if string(r.take(4, "magic")) != ResponseMagic {
		r.fail("bad magic")
		return nil, r.err
	}
	p := &Response{}
	p.Status = r.u8("status")
	p.Origin = r.u8("origin")
	hasReturn := r.u8("return data flag")
	if r.u8("reserved byte") != 0 {
		r.fail("reserved byte is not 0")
	}
	if hasReturn > 1 {
		r.fail("return data flag is not 0 or 1")
	}
	p.ExitCode = r.u64("exit code")
	p.ComputeUnits = r.u64("compute units")
	p.InstructionCount = r.u64("instruction count")
	for i := range p.GasMarks {
		p.GasMarks[i] = r.u64("gas mark")
	}
	nl := r.count("log count", 4)
	for i := 0; i < nl && r.err == nil; i++ {
		p.Logs = append(p.Logs, string(r.bytes("log")))
	}
	p.ErrorKind = r.str16("error kind")
	p.ErrorDetail = r.str16("error detail")
	if hasReturn == 1 {
		p.ReturnData = &ReturnData{ProgramID: r.key("return program id"), Data: r.bytes("return data")}
	}
	n := r.count("change count", 45)
	for i := 0; i < n && r.err == nil; i++ {
		c := Change{Index: r.u32("change index"), Mask: r.u8("change mask"), Lamports: r.u64("new lamports"), Owner: r.key("new owner")}
		if c.Mask&ChangedData != 0 {
			c.Data = r.bytes("new data")
		}
		p.Changes = append(p.Changes, c)
	}
	if err := r.done(); err != nil {
		return nil, err
	}
	return p, nil
}
