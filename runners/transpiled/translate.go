// Package transpiled is the transpiled runner: each sBPF program is translated to LLVM
// IR (this file), compiled by clang-19 for rv64emac, linked with the shared service
// runtime (runners/svcrt) and a small engine glue (rt/engine.c) into one JAM service blob
// per program, and run on the Go PVM with the same wire format as interp-svc.
//
// The translation keeps every observable result of the native VM: registers live in SSA
// (allocas promoted by mem2reg), 32/64-bit semantics per version, memory accesses are
// translated inline through the region table with the canonical slow path for faults,
// the meter is charged per segment (a run of instructions that ends at the first one
// that can fault, sync the meter or transfer control), so that a segment the budget
// cannot pay for in full stops exactly where the native VM stops, and calls keep the
// native frame depth, frame pointer and saved registers.
package transpiled

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
)

// Fault kinds shared with rt/engine.c (tr_kinds).
const (
	kRecorded        = 0 // the runtime already recorded the error (memory)
	kExceeded        = 1
	kDivideByZero    = 2
	kDivideOverflow  = 3
	kCallDepth       = 4
	kCallOutside     = 5
	kUnsupported     = 6
	kOverrun         = 7
	kInvalidInsn     = 8
	kCallxNotEntered = 9
)

// Limits that keep the translation's memory proportional to the program: the IR is a few
// hundred bytes per instruction, and code reachable from several entry points is
// translated once per entry point.
const (
	MaxInsns      = 1 << 18 // 2 MiB of text
	maxDupFactor  = 4       // translated instructions per text instruction, over all functions
	maxDupReserve = 1 << 16
	// The universal function (callx to any slot) compiles slowly: one block per slot. For
	// a 114 KB program with callx, -O2 went from 5 s to 61 s and the blob from 0.6 to 2.4 MB,
	// so larger programs have none (callx to a non-entry slot is then TranspiledCallxTarget).
	maxUnivInsns = 4096
	// Functions larger than this are not inlined by LLVM: inlining chains of them into one
	// huge function made -O2 superlinear (a 110 KB program of 200 chained functions: 2.3 s
	// of clang CPU inlined, 1.0 s not) for no measurable gas over the corpus (median
	// execute gas/CU 5.42 vs 5.43 with every function out of line).
	maxInlineInsns = 32
)

// ErrTooLarge is returned for programs beyond the translation limits.
var ErrTooLarge = errors.New("transpiled: program too large to translate")

// Module is a translated program.
type Module struct {
	IR        []byte   // the whole module when it is one unit; unit 0 otherwise
	Units     [][]byte // the codegen units (split.go); Units[0] is IR
	Functions int      // LLVM functions made from sBPF entry points
	Insns     int      // sBPF instruction slots
}

// Region table layout (rt/engine.c tr_rt): per region 16 u64: vm_addr, host - vm_addr, load limits
// for sizes 1, 2, 4, 8, store limits for sizes 1, 2, 4, 8.
func limIndex(store bool, size int) int {
	i := map[int]int{1: 0, 2: 1, 4: 2, 8: 3}[size]
	if store {
		return 6 + i
	}
	return 2 + i
}

type insn struct {
	sbpf.Insn
	op   op
	cond cond
}

type translator struct {
	exe      *sbpf.Executable
	v        sbpf.Version
	ins      []insn
	n        uint64
	cfg      *sbpf.Config
	gaps     bool
	bump     uint64
	fixed    bool // fixed frames: r10 is the VM's
	entries  []uint64
	isEntry  map[uint64]bool
	sysIdx   map[uint32]int32 // svcrt's syscall index per key (sysindex.go)
	hasCallx bool
	univ     bool // the universal function f<n> exists: callx can enter any instruction
	liveIn   map[uint64]uint16
	retLive  map[uint64]uint16
	pcs      map[uint64][]uint64
	cur      uint64 // the function being emitted

	prov       map[uint64]*provState // frame-relative registers per instruction (provenance.go)
	entryHints map[uint64]*[10]uint8 // region hints of the registers at each function's entry
	regVal     map[uint8]string      // registers' SSA values in the current block (load, store)
	dirty      uint16                // registers stored in the current block
	provCur    provState             // ... before the instruction being emitted

	// metering on credit (emitBlock)
	// accesses checked once per block (groups.go): the groups whose check passed on the
	// current path, per instruction, and the suffix of labels in the block's second copy
	fastGrp  map[uint64]*memGroup
	loopHead map[uint64]bool // targets of backward jumps
	sfx      string

	blkRem string // the meter after charging the whole current block

	helpers map[*bytes.Buffer]map[int]bool // per unit, the memHelper kinds its code calls
	blkLen  uint64
	blkIdx  uint64 // instructions of the block before the current one
	stubs   []string
	nstub   int

	b   *bytes.Buffer
	tmp int

	// codegen units (split.go)
	nunits           int
	unitOf           map[uint64]int
	exported         map[uint64]bool   // functions other units call: hidden, not internal
	decls            []map[uint64]bool // per unit, the functions it declares
	dispatchExported bool
	depthOf          map[uint64]int64 // exported functions' constant depth (constDepths)
}

// Translate turns a loaded and verified executable into an LLVM IR module (one unit).
func Translate(exe *sbpf.Executable) (*Module, error) { return translate(exe, 1) }

// TranslateUnits is Translate split into units codegen units (0: autoUnits of the
// program's size), fewer when the program has fewer functions.
func TranslateUnits(exe *sbpf.Executable, units int) (*Module, error) { return translate(exe, units) }

func translate(exe *sbpf.Executable, units int) (*Module, error) {
	if !exe.Verified() {
		return nil, fmt.Errorf("transpiled: executable is not verified")
	}
	t := &translator{exe: exe, v: exe.Version, cfg: exe.Config(), isEntry: map[uint64]bool{}, b: &bytes.Buffer{}}
	idx, err := sysIndices()
	if err != nil {
		return nil, err
	}
	t.sysIdx = idx
	if len(exe.Text)/sbpf.InsnSize > MaxInsns {
		return nil, fmt.Errorf("%w: %d instructions (limit %d)", ErrTooLarge, len(exe.Text)/sbpf.InsnSize, MaxInsns)
	}
	dec := exe.Decoded()
	t.n = uint64(len(dec))
	t.ins = make([]insn, len(dec))
	for pc := uint64(0); pc < t.n; pc++ {
		o, c := resolve(dec[pc].Opc, t.v)
		t.ins[pc] = insn{Insn: dec[pc], op: o, cond: c}
		if o == opCallx {
			t.hasCallx = true
		}
		if o == opLddw && pc+1 < t.n {
			// the second slot: reachable only by callx (opcode 0 is unsupported)
			t.ins[pc+1] = insn{Insn: dec[pc+1], op: opInvalid}
			pc++
		}
	}
	t.gaps = t.v.StackFrameGaps() && t.cfg.EnableStackFrameGaps
	t.fixed = !t.v.ManualStackFrameBump()
	if t.fixed {
		t.bump = uint64(t.cfg.StackFrameSize)
		if t.gaps {
			t.bump *= 2
		}
	}
	t.findLoopHeads()
	t.findEntries()
	if err := t.analyze(); err != nil {
		return nil, err
	}
	t.propagateHints()
	if units <= 0 {
		total := 0
		for _, e := range t.funcKeys() {
			total += t.size(e)
		}
		units = autoUnits(total)
	}
	t.planUnits(units)
	bufs := t.emitModule()
	m := &Module{Functions: len(t.entries), Insns: int(t.n)}
	for _, b := range bufs {
		m.Units = append(m.Units, b.Bytes())
	}
	m.IR = m.Units[0]
	return m, nil
}

// findLoopHeads marks the targets of backward jumps whose loop (the text between the
// target and the jump) accesses memory: there the meter is made opaque to LLVM (emitBlock).
// A loop of plain arithmetic keeps a transparent meter, so that LLVM can still compute
// its trip count and the meter in closed form (asm/sum-1000: 192 gas instead of 6,167).
func (t *translator) findLoopHeads() {
	t.loopHead = map[uint64]bool{}
	for pc := uint64(0); pc < t.n; pc++ {
		in := &t.ins[pc]
		if (in.op != opJa && in.op != opJcc) || in.Off >= 0 {
			continue
		}
		h := uint64(int64(pc) + 1 + int64(in.Off))
		for q := h; q <= pc && !t.loopHead[h]; q++ {
			if _, _, _, _, ok := t.memAccess(q); ok {
				t.loopHead[h] = true
			}
		}
	}
}

func (t *translator) addEntry(pc uint64) {
	if pc < t.n && !t.isEntry[pc] {
		t.isEntry[pc] = true
		t.entries = append(t.entries, pc)
	}
}

// findEntries collects the LLVM functions: the entrypoint, every internal call target,
// every registered function and, when the program has callx, every text address that a
// lddw or an aligned word of the read-only data names (function pointers).
func (t *translator) findEntries() {
	t.addEntry(t.exe.EntryPC)
	for pc := uint64(0); pc < t.n; pc++ {
		if t.ins[pc].op != opCall {
			continue
		}
		kind, target, _, ok := t.exe.ResolveCall(pc)
		if ok && (kind == sbpf.CallInternal || kind == sbpf.CallSyscallThenInternal) {
			t.addEntry(target)
		}
	}
	if t.exe.Functions != nil {
		for _, k := range t.exe.Functions.Keys() {
			if _, pc, ok := t.exe.Functions.Lookup(k); ok {
				t.addEntry(pc)
			}
		}
	}
	if t.hasCallx {
		textLen := t.n * sbpf.InsnSize
		inText := func(a uint64) (uint64, bool) {
			if a >= t.exe.TextVaddr && a-t.exe.TextVaddr < textLen && (a-t.exe.TextVaddr)%sbpf.InsnSize == 0 {
				return (a - t.exe.TextVaddr) / sbpf.InsnSize, true
			}
			return 0, false
		}
		for pc := uint64(0); pc < t.n; pc++ {
			if t.ins[pc].op == opLddw {
				if p, ok := inText(uint64(t.ins[pc].Imm)); ok {
					t.addEntry(p)
				}
				pc++
			}
		}
		ro := t.exe.Rodata
		for off := 0; off+8 <= len(ro); off += 8 {
			va := t.exe.RodataVaddr + uint64(off)
			if va >= t.exe.TextVaddr && va < t.exe.TextVaddr+textLen {
				continue
			}
			w := uint64(ro[off]) | uint64(ro[off+1])<<8 | uint64(ro[off+2])<<16 | uint64(ro[off+3])<<24 |
				uint64(ro[off+4])<<32 | uint64(ro[off+5])<<40 | uint64(ro[off+6])<<48 | uint64(ro[off+7])<<56
			if p, ok := inText(w); ok {
				t.addEntry(p)
			}
		}
	}
	sort.Slice(t.entries, func(i, j int) bool { return t.entries[i] < t.entries[j] })
}

func (t *translator) f(format string, args ...any) { fmt.Fprintf(t.b, format, args...) }

func (t *translator) v_() string {
	t.tmp++
	return fmt.Sprintf("%%t%d", t.tmp)
}

// width is the number of slots of the instruction at pc (2 for lddw).
func (t *translator) width(pc uint64) uint64 {
	if t.ins[pc].op == opLddw {
		return 2
	}
	return 1
}

// succ lists the intra-function successors of the instruction at pc.
func (t *translator) succ(pc uint64) []uint64 {
	if pc >= t.n {
		return nil
	}
	in := &t.ins[pc]
	next := pc + t.width(pc)
	switch in.op {
	case opInvalid, opExit:
		return nil
	case opJa:
		return []uint64{uint64(int64(pc) + 1 + int64(in.Off))}
	case opJcc:
		return []uint64{uint64(int64(pc) + 1 + int64(in.Off)), next}
	case opCall:
		kind, target, _, ok := t.exe.ResolveCall(pc)
		if !ok || kind == sbpf.CallUnresolved || kind == sbpf.CallInternalOutside {
			return nil
		}
		if kind == sbpf.CallSyscallThenInternal && target >= t.n {
			return nil
		}
		return []uint64{next}
	case opLe, opBe:
		if in.Imm != 16 && in.Imm != 32 && in.Imm != 64 {
			return nil
		}
	}
	return []uint64{next}
}

// leaderAfter reports whether the instruction at pc ends its basic block.
func (t *translator) endsBlock(pc uint64) bool {
	switch t.ins[pc].op {
	case opInvalid, opJa, opJcc, opCall, opCallx, opExit:
		return true
	}
	return len(t.succ(pc)) == 0
}

// fullRet is the return type of tr_dispatch: r0..r5 and the meter.
const fullRet = "{ i64, i64, i64, i64, i64, i64, i64 }"
const fullRetErr = fullRet + " { i64 0, i64 0, i64 0, i64 0, i64 0, i64 0, i64 -1 }"

// emitModule writes the units planned by planUnits, one buffer each.
func (t *translator) emitModule() []*bytes.Buffer {
	bufs := make([]*bytes.Buffer, t.nunits)
	for u := range bufs {
		bufs[u] = &bytes.Buffer{}
		t.b = bufs[u]
		t.unitHeader(u)
		t.emitDecls(u)
		if u > 0 {
			t.unitPad()
		}
	}
	t.helpers = map[*bytes.Buffer]map[int]bool{}
	t.b = bufs[0]
	t.emitMeta("", "")
	// A relocation-free first function (see svcrt.h: pvm/link's import-marker check).
	t.f("define internal void @tr_pad() noinline {\n  call void asm sideeffect \"nop\", \"\"()\n  ret void\n}\n")
	t.f("@llvm.used = appending global [2 x ptr] [ptr @tr_pad, ptr @tr_min_stack], section \"llvm.metadata\"\n")
	t.f("@tr_min_stack = internal constant i32 1048576, section \".polkavm_min_stack_size\"\n")
	for _, e := range t.funcKeys() {
		t.b = bufs[t.unitOf[e]]
		t.emitFunction(e)
	}
	t.b = bufs[0]
	t.emitDispatch()
	// C entry: the root frame.
	r10 := sbpf.MMStackStart + uint64(t.cfg.StackFrameSize)
	if !t.fixed {
		r10 = sbpf.MMStackStart + uint64(t.cfg.StackFrameSize)*uint64(t.cfg.MaxCallDepth)
	}
	entry := t.exe.EntryPC
	t.f("define hidden i64 @tr_run(i64 %%rem) {\n")
	if entry < t.n {
		args := t.callArgs(entry, func(r uint8) string {
			if r == 1 {
				return fmt.Sprintf("%d", sbpf.MMInputStart)
			}
			return "0"
		}, fmt.Sprintf("%d", r10), "%rem", fmt.Sprintf("%d", t.cfg.MaxCallDepth))
		ty := t.retTy(entry)
		nret := len(regsOf(t.retLive[entry] & maskArgs))
		t.f("  %%r = call fastcc %s @f%d(%s)\n", ty, entry, args)
		t.f("  %%r0 = extractvalue %s %%r, 0\n  store i64 %%r0, ptr @tr_r0\n  %%m = extractvalue %s %%r, %d\n  ret i64 %%m\n}\n", ty, ty, nret)
	} else {
		t.f("  call void @tr_fault(i32 %d, i64 %%rem)\n  ret i64 -1\n}\n", kOverrun)
	}
	for _, b := range bufs {
		t.b = b
		for _, k := range []int{1, 2, 4, 8, 17, 18, 20, 24} {
			if t.helpers[b][k] {
				t.memHelper(k)
			}
		}
		t.unitTrailer()
	}
	return bufs
}

// emitMeta writes the data the glue reads: version, configuration, read-only region and,
// for a program that does not load, the error.
func (t *translator) emitMeta(loadKind, loadDetail string) {
	var ro []byte
	var roVaddr uint64
	var version, gaps int
	frame, depth := 4096, 64
	if t.exe != nil {
		ro, roVaddr, version = t.exe.Rodata, t.exe.RodataVaddr, int(t.v)
		frame, depth = t.cfg.StackFrameSize, t.cfg.MaxCallDepth
		if t.gaps {
			gaps = 1
		}
	}
	t.f("@tr_ro = hidden constant [%d x i8] c\"%s\", align 16\n", len(ro), irString(ro))
	t.f("@tr_ro_len = hidden constant i64 %d\n@tr_ro_vaddr = hidden constant i64 %d\n", len(ro), roVaddr)
	t.f("@tr_version = hidden constant i32 %d\n@tr_gaps = hidden constant i32 %d\n", version, gaps)
	t.f("@tr_frame_size = hidden constant i32 %d\n@tr_max_depth = hidden constant i32 %d\n", frame, depth)
	if loadKind == "" {
		t.f("@tr_load_kind = hidden constant ptr null\n@tr_load_detail = hidden constant ptr null\n")
	} else {
		t.f("@.lk = private constant [%d x i8] c\"%s\\00\"\n", len(loadKind)+1, irString([]byte(loadKind)))
		t.f("@.ld = private constant [%d x i8] c\"%s\\00\"\n", len(loadDetail)+1, irString([]byte(loadDetail)))
		t.f("@tr_load_kind = hidden constant ptr @.lk\n@tr_load_detail = hidden constant ptr @.ld\n")
	}
}

// LoadErrorModule is the module of a program the native loader or verifier rejects: the
// engine's load step fails with the same error kind.
func LoadErrorModule(kind, detail string) *Module {
	t := &translator{b: &bytes.Buffer{}}
	t.f("; a program that does not load: %s\n", kind)
	t.emitMeta(kind, detail)
	t.f("@tr_rt = hidden global [8 x [16 x i64]] zeroinitializer, align 8\n")
	t.f("define internal void @tr_pad() noinline {\n  call void asm sideeffect \"nop\", \"\"()\n  ret void\n}\n")
	t.f("@llvm.used = appending global [1 x ptr] [ptr @tr_pad], section \"llvm.metadata\"\n")
	t.f("define hidden i64 @tr_run(i64 %%rem) {\n  ret i64 -1\n}\n")
	return &Module{IR: t.b.Bytes(), Units: [][]byte{t.b.Bytes()}}
}

func irString(b []byte) string {
	var s strings.Builder
	for _, c := range b {
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
			s.WriteByte(c)
		} else {
			fmt.Fprintf(&s, "\\%02X", c)
		}
	}
	return s.String()
}

// blocks returns the leaders of the function entered at e, in pc order.
func (t *translator) blocks(e uint64) []uint64 {
	if e == t.n {
		// the universal function: every slot (and the end of the text) is a leader
		out := make([]uint64, 0, t.n+1)
		for pc := uint64(0); pc <= t.n; pc++ {
			out = append(out, pc)
		}
		return out
	}
	leader := map[uint64]bool{e: true}
	seen := map[uint64]bool{}
	work := []uint64{e}
	for len(work) > 0 {
		pc := work[len(work)-1]
		work = work[:len(work)-1]
		for !seen[pc] {
			seen[pc] = true
			if pc >= t.n {
				leader[pc] = true
				break
			}
			s := t.succ(pc)
			if t.endsBlock(pc) {
				for _, x := range s {
					leader[x] = true
					work = append(work, x)
				}
				break
			}
			pc = s[0]
		}
	}
	out := make([]uint64, 0, len(leader))
	for pc := range leader {
		out = append(out, pc)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func regName(r uint8) string { return fmt.Sprintf("%%r%d", r) }

func (t *translator) emitFunction(e uint64) {
	t.tmp = 0
	t.nstub = 0
	t.cur = e
	t.f("\ndefine %s fastcc %s @f%d(i64 %%rem0, i64 %s", t.linkage(e, false), t.retTy(e), e, t.dlParam(e))
	passed := map[uint8]bool{}
	for _, r := range t.params(e) {
		t.f(", i64 %%a%d", r)
		passed[r] = true
	}
	if !t.fixed {
		t.f(", i64 %%a10")
		passed[10] = true
	}
	if e == t.n {
		t.f(", i64 %%tpc")
	}
	if e == t.n || len(t.pcs[e]) > maxInlineInsns {
		t.f(") noinline {\nentry:\n")
	} else {
		t.f(") {\nentry:\n")
	}
	t.entryDepth(e)
	if t.fixed {
		// r10 follows from the depth: the root frame is at depth 0 (dl = max depth)
		t.f("  %%dd = sub i64 %d, %%dl\n  %%db = mul i64 %%dd, %d\n  %%a10 = add i64 %%db, %d\n", t.cfg.MaxCallDepth, t.bump, sbpf.MMStackStart+uint64(t.cfg.StackFrameSize))
		passed[10] = true
	}
	for r := 0; r <= 10; r++ {
		if passed[uint8(r)] {
			t.f("  %%r%d = alloca i64\n  store i64 %%a%d, ptr %%r%d\n", r, r, r)
		} else {
			t.f("  %%r%d = alloca i64\n  store i64 0, ptr %%r%d\n", r, r)
		}
	}
	t.f("  %%rem = alloca i64\n  store i64 %%rem0, ptr %%rem\n")
	if t.fixed {
		t.f("  %%sh = load ptr, ptr @tr_stack_host, !invariant.load !0\n")
		if t.gaps {
			t.f("  %%fo0 = sub i64 %%a10, %d\n  %%fo = lshr i64 %%fo0, 1\n", sbpf.MMStackStart-uint64(t.cfg.StackFrameSize))
		} else {
			t.f("  %%fo = sub i64 %%a10, %d\n", sbpf.MMStackStart)
		}
		t.f("  %%fph = getelementptr i8, ptr %%sh, i64 %%fo\n")
	}
	leaders := t.blocks(e)
	t.prov = t.frameProvenance(e)
	if e == t.n {
		// tr_dispatch checked tpc < n
		t.f("  switch i64 %%tpc, label %%b%d [", t.n)
		for pc := uint64(0); pc < t.n; pc++ {
			t.f(" i64 %d, label %%b%d", pc, pc)
		}
		t.f(" ]\n")
	} else {
		t.f("  br label %%b%d\n", e)
	}
	isLeader := map[uint64]bool{}
	for _, l := range leaders {
		isLeader[l] = true
	}
	for _, l := range leaders {
		t.emitBlock(l, isLeader)
	}
	// shared exits
	retErr := t.retErrOf(e)
	t.f("exhaust:\n  call void @tr_fault(i32 %d, i64 0)\n  ret %s\n", kExceeded, retErr)
	for k := kRecorded; k <= kCallxNotEntered; k++ {
		if k == kExceeded {
			continue
		}
		m := t.v_()
		t.f("fault%d:\n  %s = load i64, ptr %%rem\n  call void @tr_fault(i32 %d, i64 %s)\n  ret %s\n", k, m, k, m, retErr)
	}
	t.f("propagate:\n  ret %s\n}\n", retErr)
}

// emitBlock writes the basic block starting at leader l, metered on credit: the whole
// block is charged at its entry and the meter may go negative. Nothing observable or
// unbounded happens on credit: the meter's sign is tested before every call, callx,
// syscall and exit and on every backward edge (every loop has one), and a fault at
// position k of the block is real only if the meter before the block paid for
// instructions 0..k (tr_fault and tr_mem test the meter after instruction k, and report
// ExceededMaxInstructions otherwise, as the native VM, which checks before every
// instruction, would have stopped earlier). Stores executed on credit are never seen:
// such an invocation fails, and its state is discarded.
func (t *translator) emitBlock(l uint64, isLeader map[uint64]bool) {
	t.f("b%d:\n", l)
	t.regVal, t.dirty = map[uint8]string{}, 0
	var pcs []uint64
	if l < t.n {
		for pc := l; ; {
			pcs = append(pcs, pc)
			if t.endsBlock(pc) {
				break
			}
			next := pc + t.width(pc)
			if next >= t.n || isLeader[next] {
				break
			}
			pc = next
		}
	}
	length := uint64(len(pcs))
	if l >= t.n {
		length = 1
	}
	m, m2 := t.v_(), t.v_()
	t.f("  %s = load i64, ptr %%rem\n", m)
	if t.loopHead[l] && length < 2048 {
		// At a loop header the block's charge is an opaque instruction: the meter is then
		// no induction variable for LLVM's loop strength reduction, which otherwise folds
		// it into the loop's other variables and tests its sign in 3-4 instructions
		// instead of one.
		t.f("  %s = call i64 asm \"addi $0, $1, -%d\", \"=r,r\"(i64 %s)\n", m2, length, m)
	} else {
		t.f("  %s = sub i64 %s, %d\n", m2, m, length)
	}
	t.f("  store i64 %s, ptr %%rem\n", m2)
	t.blkRem, t.blkLen, t.blkIdx, t.stubs = m2, length, 0, nil
	if l >= t.n {
		t.f("  br label %%%s\n", t.faultTo(kOverrun))
		return
	}
	t.provCur = provState{}
	if p := t.prov[l]; p != nil {
		t.provCur = *p
	}
	from := 0
	if gs, first, last := t.planGroups(pcs); gs != nil {
		t.emitGrouped(pcs, gs, first, last)
		from = last + 1
	}
	t.emitSeq(pcs, from, isLeader)
	for _, st := range t.stubs {
		t.f("%s", st)
	}
	t.stubs = nil
}

// emitSeq emits the instructions pcs[from:] of the current block and its exit.
func (t *translator) emitSeq(pcs []uint64, from int, isLeader map[uint64]bool) {
	for i := from; i < len(pcs); i++ {
		t.step(pcs[i])
	}
	pc := pcs[len(pcs)-1]
	if !t.endsBlock(pc) {
		t.flush()
		t.f("  br label %%b%d\n", pc+t.width(pc))
	}
}

// step emits one instruction and advances the per-instruction state.
func (t *translator) step(pc uint64) {
	t.emitInsn(pc)
	t.provStep(pc, &t.provCur)
	t.blkIdx++
}

// faultTo is the label a fault of kind k at the current instruction branches to: the
// shared fault block, which reports the meter kept in %rem, or a stub that first gives
// back the instructions of the block after this one.
func (t *translator) faultTo(k int) string {
	adj := t.adj()
	if adj == 0 {
		return fmt.Sprintf("fault%d", k)
	}
	t.nstub++
	lbl := fmt.Sprintf("fs%d", t.nstub)
	t.stubs = append(t.stubs, fmt.Sprintf("%s:\n  %%fsv%d = add i64 %s, %d\n  store i64 %%fsv%d, ptr %%rem\n  br label %%fault%d\n", lbl, t.nstub, t.blkRem, adj, t.nstub, k))
	return lbl
}

// adj is the number of instructions of the current block after the current one.
func (t *translator) adj() int64 { return int64(t.blkLen) - int64(t.blkIdx) - 1 }

// remHere is the meter after charging the current instruction (the block charged in full
// at its entry, less the instructions after this one).
func (t *translator) remHere() string {
	if a := t.adj(); a != 0 {
		return t.bin("add", "i64", t.blkRem, fmt.Sprintf("%d", a))
	}
	return t.blkRem
}

// paid stops with ExceededMaxInstructions unless the meter paid for the whole block so
// far on credit: before anything observable (calls, syscalls, exit) or a backward edge.
func (t *translator) paid(pc uint64, tag string) {
	c := t.v_()
	t.f("  %s = icmp slt i64 %s, 0\n  br i1 %s, label %%exhaust, label %%pd%d%s, !prof !2\npd%d%s:\n", c, t.blkRem, c, pc, tag, pc, tag)
}

// load returns the value of register r: within a block, the SSA value last loaded or
// stored (every point of the block's straight line is dominated by the earlier ones).
func (t *translator) load(r uint8) string {
	if v, ok := t.regVal[r]; ok {
		return v
	}
	v := t.v_()
	t.f("  %s = load i64, ptr %s\n", v, regName(r))
	t.regVal[r] = v
	return v
}

// store sets register r; the alloca is written when the block is left (flush).
func (t *translator) store(r uint8, v string) {
	t.regVal[r] = v
	t.dirty |= 1 << r
}

// flush writes the registers set in this block to their allocas, before a branch to
// another block.
func (t *translator) flush() {
	for r := uint8(0); r <= 10; r++ {
		if t.dirty&(1<<r) != 0 {
			t.f("  store i64 %s, ptr %s\n", t.regVal[r], regName(r))
		}
	}
	t.dirty = 0
}

func (t *translator) bin(opname, ty, a, b string) string {
	v := t.v_()
	t.f("  %s = %s %s %s, %s\n", v, opname, ty, a, b)
	return v
}

func (t *translator) conv(opname, from, v, to string) string {
	x := t.v_()
	t.f("  %s = %s %s %s to %s\n", x, opname, from, v, to)
	return x
}

func (t *translator) lo32(v string) string { return t.conv("trunc", "i64", v, "i32") }

// alu32 computes a 32-bit operation of dst and b (an i32 operand) and extends it.
func (t *translator) alu32(in *insn, opname string, b string, signExt bool) {
	a := t.lo32(t.load(in.Dst))
	r := t.bin(opname, "i32", a, b)
	ext := "zext"
	if signExt {
		ext = "sext"
	}
	t.store(in.Dst, t.conv(ext, "i32", r, "i64"))
}

func (t *translator) alu64(in *insn, opname string, b string) {
	a := t.load(in.Dst)
	t.store(in.Dst, t.bin(opname, "i64", a, b))
}

func imm32(in *insn) string { return fmt.Sprintf("%d", int32(in.Imm)) }
func imm64(in *insn) string { return fmt.Sprintf("%d", in.Imm) }
func zimm(in *insn) string  { return fmt.Sprintf("%d", uint64(uint32(in.Imm))) }

func (t *translator) check(cond string, fault int, pc uint64, tag string) {
	tag += t.sfx
	t.f("  br i1 %s, label %%%s, label %%ok%d%s, !prof !2\nok%d%s:\n", cond, t.faultTo(fault), pc, tag, pc, tag)
}

func (t *translator) emitInsn(pc uint64) {
	in := &t.ins[pc]
	srcR := func() string { return t.load(in.Src) }
	src32 := func() string { return t.lo32(t.load(in.Src)) }
	switch in.op {
	case opInvalid:
		t.f("  br label %%%s\n", t.faultTo(kUnsupported))
	case opLddw:
		t.store(in.Dst, imm64(in))
	case opLdx1, opLdx2, opLdx4, opLdx8:
		p := t.addr(pc, in.Src, in.Off, memSize(in.op), false)
		ty := fmt.Sprintf("i%d", 8*memSize(in.op))
		v := t.v_()
		t.f("  %s = load %s, ptr %s, align 1\n", v, ty, p)
		if ty != "i64" {
			v = t.conv("zext", ty, v, "i64")
		}
		t.store(in.Dst, v)
	case opSti1, opSti2, opSti4, opSti8, opStx1, opStx2, opStx4, opStx8:
		size := memSize(in.op)
		var val string
		if in.op >= opStx1 {
			val = t.load(in.Src)
		} else {
			val = imm64(in)
		}
		p := t.addr(pc, in.Dst, in.Off, size, true)
		ty := fmt.Sprintf("i%d", 8*size)
		if ty != "i64" {
			val = t.conv("trunc", "i64", val, ty)
		}
		t.f("  store %s %s, ptr %s, align 1\n", ty, val, p)
	case opAdd32IS:
		if in.Opc == 0x14 {
			t.alu32(in, "sub", imm32(in), true)
		} else {
			t.alu32(in, "add", imm32(in), true)
		}
	case opAdd32RS:
		t.alu32(in, "add", src32(), true)
	case opSub32RS:
		t.alu32(in, "sub", src32(), true)
	case opMul32IS:
		t.alu32(in, "mul", imm32(in), true)
	case opMul32RS:
		t.alu32(in, "mul", src32(), true)
	case opAdd32IZ:
		t.alu32(in, "add", imm32(in), false)
	case opAdd32RZ:
		t.alu32(in, "add", src32(), false)
	case opSub32RZ:
		t.alu32(in, "sub", src32(), false)
	case opRsub32IZ:
		a := t.lo32(t.load(in.Dst))
		t.store(in.Dst, t.conv("zext", "i32", t.bin("sub", "i32", imm32(in), a), "i64"))
	case opDiv32I, opMod32I:
		name := map[op]string{opDiv32I: "udiv", opMod32I: "urem"}[in.op]
		t.alu32(in, name, imm32(in), false)
	case opDiv32R, opMod32R:
		b := src32()
		z := t.bin("icmp eq", "i32", b, "0")
		t.check(z, kDivideByZero, pc, "")
		name := map[op]string{opDiv32R: "udiv", opMod32R: "urem"}[in.op]
		t.alu32(in, name, b, false)
	case opOr32I:
		t.alu32(in, "or", imm32(in), false)
	case opOr32R:
		t.alu32(in, "or", src32(), false)
	case opAnd32I:
		t.alu32(in, "and", imm32(in), false)
	case opAnd32R:
		t.alu32(in, "and", src32(), false)
	case opXor32I:
		t.alu32(in, "xor", imm32(in), false)
	case opXor32R:
		t.alu32(in, "xor", src32(), false)
	case opLsh32I, opRsh32I, opArsh32I:
		name := map[op]string{opLsh32I: "shl", opRsh32I: "lshr", opArsh32I: "ashr"}[in.op]
		t.alu32(in, name, fmt.Sprintf("%d", uint32(in.Imm)&31), false)
	case opLsh32R, opRsh32R, opArsh32R:
		name := map[op]string{opLsh32R: "shl", opRsh32R: "lshr", opArsh32R: "ashr"}[in.op]
		s := t.bin("and", "i32", src32(), "31")
		t.alu32(in, name, s, false)
	case opNeg32:
		a := t.lo32(t.load(in.Dst))
		t.store(in.Dst, t.conv("zext", "i32", t.bin("sub", "i32", "0", a), "i64"))
	case opMov32I:
		t.store(in.Dst, zimm(in))
	case opMov32RZ:
		t.store(in.Dst, t.conv("zext", "i32", src32(), "i64"))
	case opMov32RS:
		t.store(in.Dst, t.conv("sext", "i32", src32(), "i64"))
	case opLe, opBe:
		t.endian(in)
	case opAdd64I:
		t.alu64(in, "add", imm64(in))
	case opAdd64R:
		t.alu64(in, "add", srcR())
	case opSub64I:
		t.alu64(in, "sub", imm64(in))
	case opSub64R:
		t.alu64(in, "sub", srcR())
	case opRsub64I:
		a := t.load(in.Dst)
		t.store(in.Dst, t.bin("sub", "i64", imm64(in), a))
	case opMul64I:
		t.alu64(in, "mul", imm64(in))
	case opMul64R:
		t.alu64(in, "mul", srcR())
	case opDiv64I:
		t.alu64(in, "udiv", imm64(in))
	case opMod64I:
		t.alu64(in, "urem", imm64(in))
	case opDiv64IZ:
		t.alu64(in, "udiv", zimm(in))
	case opMod64IZ:
		t.alu64(in, "urem", zimm(in))
	case opDiv64R, opMod64R:
		b := srcR()
		z := t.bin("icmp eq", "i64", b, "0")
		t.check(z, kDivideByZero, pc, "")
		t.alu64(in, map[op]string{opDiv64R: "udiv", opMod64R: "urem"}[in.op], b)
	case opOr64I:
		t.alu64(in, "or", imm64(in))
	case opOr64R:
		t.alu64(in, "or", srcR())
	case opAnd64I:
		t.alu64(in, "and", imm64(in))
	case opAnd64R:
		t.alu64(in, "and", srcR())
	case opXor64I:
		t.alu64(in, "xor", imm64(in))
	case opXor64R:
		t.alu64(in, "xor", srcR())
	case opLsh64I, opRsh64I, opArsh64I:
		name := map[op]string{opLsh64I: "shl", opRsh64I: "lshr", opArsh64I: "ashr"}[in.op]
		t.alu64(in, name, fmt.Sprintf("%d", uint64(in.Imm)&63))
	case opLsh64R, opRsh64R, opArsh64R:
		name := map[op]string{opLsh64R: "shl", opRsh64R: "lshr", opArsh64R: "ashr"}[in.op]
		s := t.bin("and", "i64", srcR(), "63")
		t.alu64(in, name, s)
	case opNeg64:
		a := t.load(in.Dst)
		t.store(in.Dst, t.bin("sub", "i64", "0", a))
	case opMov64I:
		t.store(in.Dst, imm64(in))
	case opMov64R:
		t.store(in.Dst, srcR())
	case opHor64:
		t.alu64(in, "or", fmt.Sprintf("%d", int64(uint64(uint32(in.Imm))<<32)))
	case opLmul32I:
		t.alu32(in, "mul", imm32(in), false)
	case opLmul32R:
		t.alu32(in, "mul", src32(), false)
	case opUhmul64I, opUhmul64R, opShmul64I, opShmul64R:
		ext := "zext"
		if in.op == opShmul64I || in.op == opShmul64R {
			ext = "sext"
		}
		a := t.conv(ext, "i64", t.load(in.Dst), "i128")
		var b string
		switch in.op {
		case opUhmul64I:
			b = zimm(in)
		case opShmul64I:
			b = imm64(in)
		default:
			b = t.conv(ext, "i64", srcR(), "i128")
		}
		p := t.bin("mul", "i128", a, b)
		h := t.bin("lshr", "i128", p, "64")
		t.store(in.Dst, t.conv("trunc", "i128", h, "i64"))
	case opSdiv32I, opSrem32I, opSdiv32R, opSrem32R:
		t.sdiv(pc, in, true)
	case opSdiv64I, opSrem64I, opSdiv64R, opSrem64R:
		t.sdiv(pc, in, false)
	case opJa:
		if in.Off < 0 {
			t.paid(pc, "")
		}
		t.flush()
		t.f("  br label %%b%d\n", uint64(int64(pc)+1+int64(in.Off)))
	case opJcc:
		t.jcc(pc, in)
	case opExit:
		t.paid(pc, "")
		t.ret()
	case opCall:
		t.call(pc, in)
	case opCallx:
		t.callx(pc, in)
	default:
		panic(fmt.Sprintf("transpiled: unhandled op %d", in.op))
	}
}

func (t *translator) endian(in *insn) {
	a := t.load(in.Dst)
	switch {
	case in.op == opLe && in.Imm == 16:
		t.store(in.Dst, t.bin("and", "i64", a, "65535"))
	case in.op == opLe && in.Imm == 32:
		t.store(in.Dst, t.bin("and", "i64", a, "4294967295"))
	case in.op == opLe && in.Imm == 64:
	case in.op == opBe && (in.Imm == 16 || in.Imm == 32):
		ty := fmt.Sprintf("i%d", in.Imm)
		x := t.conv("trunc", "i64", a, ty)
		s := t.v_()
		t.f("  %s = call %s @llvm.bswap.%s(%s %s)\n", s, ty, ty, ty, x)
		t.store(in.Dst, t.conv("zext", ty, s, "i64"))
	case in.op == opBe && in.Imm == 64:
		s := t.v_()
		t.f("  %s = call i64 @llvm.bswap.i64(i64 %s)\n", s, a)
		t.store(in.Dst, s)
	default:
		t.f("  br label %%%s\n", t.faultTo(kInvalidInsn))
	}
}

func (t *translator) sdiv(pc uint64, in *insn, is32 bool) {
	ty, min := "i64", "-9223372036854775808"
	if is32 {
		ty, min = "i32", "-2147483648"
	}
	a := t.load(in.Dst)
	if is32 {
		a = t.lo32(a)
	}
	imm := in.op == opSdiv32I || in.op == opSrem32I || in.op == opSdiv64I || in.op == opSrem64I
	var b string
	if imm {
		if is32 {
			b = imm32(in)
		} else {
			b = imm64(in)
		}
		if in.Imm == -1 {
			o := t.bin("icmp eq", ty, a, min)
			t.check(o, kDivideOverflow, pc, "o")
		}
	} else {
		b = t.load(in.Src)
		if is32 {
			b = t.lo32(b)
		}
		z := t.bin("icmp eq", ty, b, "0")
		t.check(z, kDivideByZero, pc, "z")
		o1 := t.bin("icmp eq", ty, a, min)
		o2 := t.bin("icmp eq", ty, b, "-1")
		o := t.bin("and", "i1", o1, o2)
		t.check(o, kDivideOverflow, pc, "o")
	}
	name := "sdiv"
	if in.op == opSrem32I || in.op == opSrem32R || in.op == opSrem64I || in.op == opSrem64R {
		name = "srem"
	}
	r := t.bin(name, ty, a, b)
	if is32 {
		r = t.conv("zext", "i32", r, "i64")
	}
	t.store(in.Dst, r)
}

func (t *translator) jcc(pc uint64, in *insn) {
	if in.Off < 0 {
		t.paid(pc, "")
	}
	c := in.cond
	a := t.load(in.Dst)
	var b string
	ty := "i64"
	if c.isImm {
		b = imm64(in)
	} else {
		b = t.load(in.Src)
	}
	if c.is32 {
		ty = "i32"
		a = t.lo32(a)
		if c.isImm {
			b = imm32(in)
		} else {
			b = t.lo32(b)
		}
	}
	var x string
	if c.pred == "set" {
		x = t.bin("icmp ne", ty, t.bin("and", ty, a, b), "0")
	} else {
		x = t.bin("icmp "+c.pred, ty, a, b)
	}
	t.flush()
	t.f("  br i1 %s, label %%b%d, label %%b%d\n", x, uint64(int64(pc)+1+int64(in.Off)), pc+1)
}

// ret returns r0..r5 and the meter to the caller.
func (t *translator) ret() {
	ty := t.retTy(t.cur)
	acc := "undef"
	i := 0
	for _, r := range regsOf(t.retLive[t.cur] & maskArgs) {
		v := t.load(r)
		x := t.v_()
		t.f("  %s = insertvalue %s %s, i64 %s, %d\n", x, ty, acc, v, i)
		acc = x
		i++
	}
	m := t.v_()
	t.f("  %s = load i64, ptr %%rem\n", m)
	x := t.v_()
	t.f("  %s = insertvalue %s %s, i64 %s, %d\n  ret %s %s\n", x, ty, acc, m, i, ty, x)
}

// callArgs builds the argument list of a call of function e: the meter, the depth left,
// the registers e reads (values from val) and, with manual frames, r10.
func (t *translator) callArgs(e uint64, val func(uint8) string, r10, rem, dl string) string {
	args := "i64 " + rem + ", i64 " + dl
	for _, r := range t.params(e) {
		args += ", i64 " + val(r)
	}
	if !t.fixed {
		args += ", i64 " + r10
	}
	return args
}

// pushFrame emits the depth check of push_frame and returns the callee's r10.
func (t *translator) pushFrame(pc uint64, tag string) string {
	deep := t.v_()
	t.f("  %s = icmp eq i64 %%dl, 1\n", deep)
	t.check(deep, kCallDepth, pc, tag)
	r10 := t.load(10)
	if t.fixed {
		r10 = t.bin("add", "i64", r10, fmt.Sprintf("%d", t.bump))
	}
	return r10
}

// invoke calls function target (or, when target is nil, tr_dispatch with tpc) with the
// registers, then continues at pc+1.
func (t *translator) invoke(pc uint64, target *uint64, tpc, r10 string) {
	m := t.v_()
	t.f("  %s = load i64, ptr %%rem\n", m)
	dl := t.bin("sub", "i64", "%dl", "1")
	res := t.v_()
	var ty string
	var rets []uint8
	if target != nil {
		ty = t.retTy(*target)
		rets = regsOf(t.retLive[*target] & maskArgs)
		args := t.callArgs(*target, func(r uint8) string { return t.load(r) }, r10, m, dl)
		t.f("  %s = call fastcc %s @f%d(%s)\n", res, ty, *target, args)
	} else {
		ty = fullRet
		rets = regsOf(maskArgs)
		args := "i64 " + tpc + ", i64 " + m + ", i64 " + dl
		for r := uint8(0); r <= 9; r++ {
			args += ", i64 " + t.load(r)
		}
		args += ", i64 " + r10
		t.f("  %s = call fastcc %s @tr_dispatch(%s)\n", res, ty, args)
	}
	nm := t.v_()
	t.f("  %s = extractvalue %s %s, %d\n", nm, ty, res, len(rets))
	e := t.bin("icmp eq", "i64", nm, "-1")
	t.f("  br i1 %s, label %%propagate, label %%ret%d, !prof !2\nret%d:\n", e, pc, pc)
	for i, r := range rets {
		v := t.v_()
		t.f("  %s = extractvalue %s %s, %d\n", v, ty, res, i)
		t.store(r, v)
	}
	t.flush()
	t.f("  store i64 %s, ptr %%rem\n  br label %%b%d\n", nm, pc+1)
}

func (t *translator) call(pc uint64, in *insn) {
	kind, target, _, ok := t.exe.ResolveCall(pc)
	if !ok || kind == sbpf.CallUnresolved {
		t.f("  br label %%%s\n", t.faultTo(kUnsupported))
		return
	}
	t.paid(pc, "")
	if kind == sbpf.CallSyscall || kind == sbpf.CallSyscallThenInternal {
		// svcrt's index of the syscall, fixed here (-1: svcrt lacks it, tr_syscall fails)
		slot, known := t.sysIdx[uint32(in.Imm)]
		if !known {
			slot = -1
		}
		m := t.v_()
		t.f("  %s = load i64, ptr %%rem\n", m)
		args := ""
		for r := uint8(1); r <= 5; r++ {
			args += ", i64 " + t.load(r)
		}
		nm := t.v_()
		t.f("  %s = call i64 @tr_syscall(i32 %d, i64 %s%s)\n", nm, slot, m, args)
		e := t.bin("icmp eq", "i64", nm, "-1")
		t.f("  br i1 %s, label %%propagate, label %%sys%d, !prof !2\nsys%d:\n", e, pc, pc)
		t.f("  store i64 %s, ptr %%rem\n", nm)
		r0 := t.v_()
		t.f("  %s = load i64, ptr @tr_r0\n", r0)
		t.store(0, r0)
		if kind == sbpf.CallSyscall {
			t.flush()
			t.f("  br label %%b%d\n", pc+1)
			return
		}
	}
	r10 := t.pushFrame(pc, "d")
	if kind == sbpf.CallInternalOutside || target >= t.n {
		t.f("  br label %%%s\n", t.faultTo(kCallOutside))
		return
	}
	t.invoke(pc, &target, "", r10)
}

func (t *translator) callx(pc uint64, in *insn) {
	t.paid(pc, "")
	target := t.load(t.callxReg(in))
	r10 := t.pushFrame(pc, "d")
	off := t.bin("sub", "i64", target, fmt.Sprintf("%d", t.exe.TextVaddr))
	tpc := t.bin("udiv", "i64", off, "8")
	out := t.bin("icmp uge", "i64", tpc, fmt.Sprintf("%d", t.n))
	t.check(out, kCallOutside, pc, "x")
	t.invoke(pc, nil, tpc, r10)
}

func (t *translator) emitDispatch() {
	t.f("\ndefine %s fastcc %s @tr_dispatch(i64 %%tpc, i64 %%rem, i64 %%dl", t.linkage(0, true), fullRet)
	for r := 0; r <= 10; r++ {
		t.f(", i64 %%a%d", r)
	}
	t.f(") {\nentry:\n  switch i64 %%tpc, label %%bad [")
	if t.hasCallx {
		for _, e := range t.entries {
			t.f(" i64 %d, label %%e%d", e, e)
		}
	}
	t.f(" ]\n")
	if t.hasCallx {
		for _, e := range t.entries {
			// every callx candidate returns r0..r5 (analyze), so its type is fullRet
			args := t.callArgs(e, func(r uint8) string { return fmt.Sprintf("%%a%d", r) }, "%a10", "%rem", "%dl")
			t.f("e%d:\n  %%x%d = tail call fastcc %s @f%d(%s)\n  ret %s %%x%d\n", e, e, fullRet, e, args, fullRet, e)
		}
	}
	if t.univ {
		// any other instruction of the text: the universal function continues there
		args := t.callArgs(t.n, func(r uint8) string { return fmt.Sprintf("%%a%d", r) }, "%a10", "%rem", "%dl")
		t.f("bad:\n  %%xu = tail call fastcc %s @f%d(%s, i64 %%tpc)\n  ret %s %%xu\n}\n", fullRet, t.n, args, fullRet)
		return
	}
	t.f("bad:\n  call void @tr_fault(i32 %d, i64 %%rem)\n  ret %s\n}\n", kCallxNotEntered, fullRetErr)
}

// addr emits the translation of base register + off for an access of size bytes and
// returns the host pointer; a fault branches to fault0 (the error already recorded).
func (t *translator) addr(pc uint64, base uint8, off int16, size int, store bool) string {
	fo := int64(off)
	rel := base == 10
	if base < 10 && t.provCur[base].ok {
		// the base register holds r10 + c (provenance.go)
		rel, fo = true, t.provCur[base].c+int64(off)
	}
	if rel && t.fixed && fo >= -int64(t.cfg.StackFrameSize) && fo <= -int64(size) {
		// r10 is the VM's frame pointer: the access lies inside the current frame.
		p := t.v_()
		t.f("  %s = getelementptr i8, ptr %%fph, i64 %d\n", p, fo)
		return p
	}
	if g := t.fastGrp[pc]; g != nil {
		// the block checked every access through this base at once (groups.go)
		p := t.v_()
		t.f("  %s = getelementptr i8, ptr %s, i64 %d\n", p, g.hb, off)
		return p
	}
	b := t.load(base)
	a := t.bin("add", "i64", b, fmt.Sprintf("%d", off))
	tag := fmt.Sprintf("m%d%s", pc, t.sfx)
	var inc []string // the phi's incoming host addresses
	hint := uint8(2)
	if base < 10 {
		hint = t.provCur[base].hint
	}
	// A hint decides which region is checked inline; a miss goes out of line (tr_mem
	// translates any address, so a wrong hint costs gas, never correctness).
	slow := tag + "s"
	switch {
	case t.gaps && hint == 2:
		// a pointer into the v0 stack with gaps: first the current frame (mostly a
		// pointer into a local buffer advanced in a loop: one subtraction and compare
		// against r10, ~4 instructions instead of the gapped translation's ~13), then the
		// gapped translation
		if t.fixed && (base == 10 || t.provCur[base].local) {
			inc = append(inc, fmt.Sprintf("[ %s, %%%sfr ]", t.frameCheck(b, off, size, tag), tag))
		}
		inc = append(inc, fmt.Sprintf("[ %s, %%%sgk ]", t.gapped(a, size, tag), tag))
		slow = tag + "c"
	case hint >= 1 && hint < 5:
		// the base register probably points into region hint (provenance.go): its
		// entry's loads are from a constant address, so LLVM can hoist them
		vm, lim := "", ""
		if v, ok := t.regionStart(uint64(hint)); ok {
			vm = fmt.Sprintf("%d", v)
		}
		if l, ok := t.regionLimit(uint64(hint), size, store); ok {
			lim = fmt.Sprintf("%d", l)
		}
		p, ok := t.regionCheck(a, fmt.Sprintf("%d", hint), vm, lim, size, store)
		t.f("  br i1 %s, label %%%sh, label %%%ss, !prof !1\n%sh:\n", ok, tag, tag, tag)
		inc = append(inc, fmt.Sprintf("[ %s, %%%sh ]", t.regionHost(a, p), tag))
		t.f("  br label %%%sj\n%ss:\n", tag, tag)
	default:
		// The table entry is chosen by the base register, not by the address: the check
		// accepts only an access that lies inside the entry's region whichever entry it
		// is, and accesses through the same base then share the entry's loads. A base
		// computed in this block as another register plus an offset or index (a pointer
		// advanced in a loop) takes that register's entry, which LLVM can then hoist.
		{
			guess := uint64(sbpf.MMInputStart >> 32)
			// No hint (mostly a pointer loaded from memory: account data, keys and
			// lamports the deserialized account infos point to): the input region is
			// tried first, with a constant entry and start and the limit of an 8-byte
			// access whatever the size (fewer loop-invariant values for LLVM to keep; an
			// access in the last 7 bytes takes the indexed check below). Over the corpus
			// (gp072) this took the execute gas/CU median from 4.34 to 3.91; stack and heap
			// pointers pay ~4 more instructions (mul256 +20%).
			isz := 8
			if size == 1 {
				isz = 1 // byte loops over the input's end (the program id) stay inline
			}
			p, ok := t.regionCheck(a, fmt.Sprintf("%d", guess), fmt.Sprintf("%d", guess<<32), "", isz, store)
			t.f("  br i1 %s, label %%%sh, label %%%sd, !prof !1\n%sh:\n", ok, tag, tag, tag)
			inc = append(inc, fmt.Sprintf("[ %s, %%%sh ]", t.regionHost(a, p), tag))
			t.f("  br label %%%sj\n%sd:\n", tag, tag)
		}
		// The other tiers (the entry indexed by the address's upper bits, the gapped
		// v0 stack, tr_mem) are one shared out-of-line helper per access kind
		// (memHelper): a miss of the input check costs a call, but each access is a
		// few IR lines instead of ~30.
		inc = append(inc, fmt.Sprintf("[ %s, %%%sd ]", t.slowCall(a, size, store, tag+"j"), tag))
		p := t.v_()
		t.f("  %s = phi ptr %s\n", p, strings.Join(inc, ", "))
		return p
	}
	inc = append(inc, fmt.Sprintf("[ %s, %%%s ]", t.slowAddr(a, size, store, tag+"j"), slow))
	p := t.v_()
	t.f("  %s = phi ptr %s\n", p, strings.Join(inc, ", "))
	return p
}

// regionTableIR defines the region table tr_rt (rt/engine.c fills it per invocation)
// with the read-only region's entry already in place when that region is 0 or 1, as
// loader-made ELFs have it, and the ungapped stack's: their starts and limits are fixed
// at translation, so an invocation only sets their host offsets.
func (t *translator) regionTableIR() string {
	ri := t.exe.RodataVaddr >> 32
	if ri > 1 {
		return "@tr_rt = hidden global [8 x [16 x i64]] zeroinitializer, align 8\n"
	}
	n := uint64(len(t.exe.Rodata))
	// (the host offset, @tr_ro - vaddr, is set by engine.c: pvm/link takes no reference
	// outside its section)
	ent := fmt.Sprintf("[16 x i64] [i64 %d, i64 0", t.exe.RodataVaddr)
	for _, size := range []uint64{1, 2, 4, 8} {
		l := uint64(0)
		if n >= size {
			l = n - size + 1
		}
		ent += fmt.Sprintf(", i64 %d", l)
	}
	ent += strings.Repeat(", i64 0", 10) + "]"
	rows := make([]string, 8)
	for i := range rows {
		rows[i] = "[16 x i64] zeroinitializer"
	}
	rows[ri] = ent
	if !t.gaps {
		// the stack without gaps: its start and limits are fixed too (engine.c checked
		// the request's frame size and depth)
		st := fmt.Sprintf("[16 x i64] [i64 %d, i64 0", sbpf.MMStackStart)
		lims := ""
		for _, size := range []int{1, 2, 4, 8} {
			l, _ := t.regionLimit(2, size, false)
			lims += fmt.Sprintf(", i64 %d", l)
		}
		rows[2] = st + lims + lims + strings.Repeat(", i64 0", 6) + "]"
	}
	return fmt.Sprintf("@tr_rt = hidden global [8 x [16 x i64]] [%s], align 8\n", strings.Join(rows, ", "))
}

// regionStart is the start of region h as rt/engine.c's table holds it, when it is known
// at translation: the read-only region's is its vaddr, the stack's, heap's and input's are
// fixed (svcrt maps them at their region's base). The others are unmapped (their limits
// are zero, so any start fails the check); their start is loaded.
func (t *translator) regionStart(h uint64) (uint64, bool) {
	if h == t.exe.RodataVaddr>>32 {
		return t.exe.RodataVaddr, true
	}
	if h >= 2 && h <= 4 {
		return h << 32, true
	}
	return 0, false
}

// regionLimit is the table's limit for an access of size bytes into region h when it is
// known at translation: the read-only region's (its length; no stores) and, without gaps,
// the stack's (frame size × depth, fixed by the translation; engine.c rejects a request
// with another configuration). As a constant a store into the read-only region folds to
// the out-of-line path.
func (t *translator) regionLimit(h uint64, size int, store bool) (uint64, bool) {
	lim := func(n uint64) uint64 {
		if n < uint64(size) {
			return 0
		}
		return n - uint64(size) + 1
	}
	switch {
	case h == t.exe.RodataVaddr>>32:
		if store {
			return 0, true
		}
		return lim(uint64(len(t.exe.Rodata))), true
	case h == 2 && !t.gaps:
		return lim(uint64(t.cfg.StackFrameSize) * uint64(t.cfg.MaxCallDepth)), true
	}
	return 0, false
}

// regionCheck emits the check of an access of size bytes at a against the region table
// entry ix (a constant or a value) whose region starts at vm and whose limit for this
// access is lim (constants or values; "" loads them from the entry): it returns the entry
// and the i1 "inside". What is known at translation stays out of registers; a constant
// entry's fields are addressed by constant expressions (no instructions for LLVM to fold).
func (t *translator) regionCheck(a, ix, vm, lim string, size int, store bool) (string, string) {
	e := "#" + ix
	if _, err := strconv.Atoi(ix); err != nil {
		e = t.v_()
		t.f("  %s = getelementptr inbounds [8 x [16 x i64]], ptr @tr_rt, i64 0, i64 %s\n", e, ix)
	}
	if vm == "" {
		vm = t.v_()
		t.f("  %s = load i64, ptr %s, !invariant.load !0\n", vm, t.entryField(e, 0))
	}
	o := t.bin("sub", "i64", a, vm)
	if lim == "" {
		lim = t.v_()
		t.f("  %s = load i64, ptr %s, !invariant.load !0\n", lim, t.entryField(e, limIndex(store, size)))
	}
	return e, t.bin("icmp ult", "i64", o, lim)
}

// entryField is a pointer to field i of region table entry e: a constant expression for
// a constant entry ("#ix"), else a getelementptr emitted here.
func (t *translator) entryField(e string, i int) string {
	if ix, err := strconv.Atoi(strings.TrimPrefix(e, "#")); err == nil && e[0] == '#' {
		if off := (ix*16 + i) * 8; off != 0 {
			return fmt.Sprintf("getelementptr inbounds (i8, ptr @tr_rt, i64 %d)", off)
		}
		return "@tr_rt"
	}
	if i == 0 {
		return e
	}
	p := t.v_()
	t.f("  %s = getelementptr inbounds [16 x i64], ptr %s, i64 0, i64 %d\n", p, e, i)
	return p
}

// regionHost emits the host address of a inside the region of table entry e.
func (t *translator) regionHost(a, e string) string {
	h, p := t.v_(), t.v_()
	t.f("  %s = load ptr, ptr %s, !invariant.load !0\n", h, t.entryField(e, 1))
	t.f("  %s = getelementptr i8, ptr %s, i64 %s\n", p, h, a)
	return p
}

// frameCheck emits the check that an access of size bytes at base b + off lies inside
// the current frame [r10 - frame size, r10): the host address in block tag+"fr" (which
// continues at tag+"j"); otherwise the block tag+"fm" is open. The host address is the
// frame's plus b - r10 plus off, so that accesses through the same base share b - r10
// and the offset folds into the load or store.
func (t *translator) frameCheck(b string, off int16, size int, tag string) string {
	fs := int64(t.cfg.StackFrameSize)
	d := t.bin("sub", "i64", b, t.load(10))
	x := t.bin("add", "i64", d, fmt.Sprintf("%d", fs+int64(off)))
	in := t.bin("icmp ult", "i64", x, fmt.Sprintf("%d", fs-int64(size)+1))
	p, q := t.v_(), t.v_()
	t.f("  br i1 %s, label %%%sfr, label %%%sfm, !prof !1\n%sfr:\n  %s = getelementptr i8, ptr %%fph, i64 %s\n  %s = getelementptr i8, ptr %s, i64 %d\n  br label %%%sj\n%sfm:\n", in, tag, tag, tag, p, d, q, p, off, tag, tag)
	return q
}

// gapped emits the gapped v0 stack translation of a: the host address in block tag+"gk"
// (which continues at tag+"j"), or on a miss the block tag+"c" is open.
func (t *translator) gapped(a string, size int, tag string) string {
	fs := uint64(t.cfg.StackFrameSize)
	rlen := fs * uint64(t.cfg.MaxCallDepth)
	g0, gin := t.v_(), t.v_()
	t.f("  %s = sub i64 %s, %d\n  %s = icmp ult i64 %s, %d\n  br i1 %s, label %%%sg, label %%%sc\n%sg:\n", g0, a, sbpf.MMStackStart, gin, g0, 2*rlen, gin, tag, tag, tag)
	gb := t.bin("and", "i64", g0, fmt.Sprintf("%d", fs))
	hi := t.bin("lshr", "i64", t.bin("and", "i64", g0, fmt.Sprintf("%d", -int64(fs))), "1")
	g := t.bin("or", "i64", hi, t.bin("and", "i64", g0, fmt.Sprintf("%d", fs-1)))
	end := t.bin("add", "i64", g, fmt.Sprintf("%d", size))
	ok := t.bin("and", "i1", t.bin("icmp ule", "i64", end, fmt.Sprintf("%d", rlen)), t.bin("icmp eq", "i64", gb, "0"))
	p3 := t.v_()
	t.f("  br i1 %s, label %%%sgk, label %%%sc\n%sgk:\n  %s = getelementptr i8, ptr %%sh, i64 %s\n  br label %%%sj\n%sc:\n", ok, tag, tag, tag, p3, g, tag, tag)
	return p3
}

// slowAddr emits the out-of-line translation of a (tr_mem: gapped stack, other regions,
// the canonical fault) and continues at label cont, or returns from the function after a
// fault (recorded by tr_mem).
func (t *translator) slowAddr(a string, size int, store bool, cont string) string {
	kind := memKind(size, store)
	rk := t.remHere()
	p := t.v_()
	t.f("  %s = call ptr @tr_mem(i64 %s, i64 %s, i32 %d) #0\n", p, a, rk, kind)
	return t.propagateNull(p, cont)
}

// propagateNull returns from the function (through %propagate) when the host pointer p
// from tr_mem or a tr_memx helper is null (a fault, already recorded) and otherwise
// continues at label cont with p.
func (t *translator) propagateNull(p, cont string) string {
	nul := t.v_()
	t.f("  %s = icmp eq ptr %s, null\n  br i1 %s, label %%propagate, label %%%s, !prof !2\n%s:\n", nul, p, nul, cont, cont)
	return p
}

// memKind is tr_mem's access kind: the size, | 16 for a store.
func memKind(size int, store bool) int {
	if store {
		return size | 16
	}
	return size
}

// slowCall emits the call of the shared out-of-line translation (memHelper) of an
// access of size bytes at a and continues at label cont, or returns from the function
// after a fault (recorded by tr_mem).
func (t *translator) slowCall(a string, size int, store bool, cont string) string {
	kind := memKind(size, store)
	if t.helpers[t.b] == nil {
		t.helpers[t.b] = map[int]bool{}
	}
	t.helpers[t.b][kind] = true
	rk := t.remHere()
	p := t.v_()
	t.f("  %s = call fastcc ptr @tr_memx%d(i64 %s, i64 %s)\n", p, kind, a, rk)
	return t.propagateNull(p, cont)
}

// memHelper defines @tr_memx<kind>(a, rem), the tiers of an unhinted access after the
// inline input check: the region table entry indexed by a's upper bits, the gapped v0
// stack, then tr_mem (which translates any address or records the fault; null then).
func (t *translator) memHelper(kind int) {
	size, store := kind&15, kind&16 != 0
	t.f("define internal fastcc ptr @tr_memx%d(i64 %%a, i64 %%rem) noinline {\n", kind)
	i0 := t.bin("lshr", "i64", "%a", "32")
	ix := t.bin("and", "i64", i0, "7")
	vm := ""
	if t.exe.RodataVaddr&(sbpf.MMRegionSize-1) == 0 {
		// every mapped region starts at its index << 32 (regionStart)
		vm = t.bin("shl", "i64", ix, "32")
	}
	e, ok := t.regionCheck("%a", ix, vm, "", size, store)
	t.f("  br i1 %s, label %%f, label %%s, !prof !1\nf:\n", ok)
	t.f("  ret ptr %s\ns:\n", t.regionHost("%a", e))
	p := t.v_()
	if !t.gaps {
		t.f("  %s = call ptr @tr_mem(i64 %%a, i64 %%rem, i32 %d) #0\n  ret ptr %s\n}\n", p, kind, p)
		return
	}
	t.f("  %%sh = load ptr, ptr @tr_stack_host, !invariant.load !0\n")
	g := t.gapped("%a", size, "x")
	// (gapped continues at xj on a hit; block xc is open)
	t.f("  %s = call ptr @tr_mem(i64 %%a, i64 %%rem, i32 %d) #0\n  br label %%xj\nxj:\n", p, kind)
	q := t.v_()
	t.f("  %s = phi ptr [ %s, %%xgk ], [ %s, %%xc ]\n  ret ptr %s\n}\n", q, g, p, q)
}
