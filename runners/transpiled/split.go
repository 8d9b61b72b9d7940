package transpiled

import (
	"bytes"
	"fmt"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
)

// Codegen units. A large program's functions are split into several LLVM modules that
// clang compiles in concurrent processes (Build) and pvm/link links like any objects:
// LLVM's work grows with the code, and one process uses one core. The number of units
// depends only on the program (its translated size), never on the machine, so that the
// same input gives the same blob and the same gas everywhere; Build runs as many clang
// processes at once as there are CPUs.
//
// A function called from another unit is defined hidden instead of internal (still
// fastcc) and declared where it is called; tr_dispatch, tr_run and the program's data
// live in unit 0. What a cross-unit call loses is interprocedural optimisation: inlining
// (functions above maxInlineInsns are noinline anyway), dead-argument elimination and
// IPSCCP of the call depth. Units are runs of consecutive entry points (in text order,
// which is how compilers lay out a translation unit's functions, so a caller and its
// helpers mostly stay together), balanced by translated instructions.
const (
	// splitMinInsns: programs with fewer translated instructions stay one unit. The
	// corpus programs (at most ~700) are all far below, so their blobs and gas do not
	// depend on splitting.
	splitMinInsns = 4000
	// unitInsns is the translated instructions per unit beyond the first (each clang
	// process costs ~0.1 s of start-up CPU).
	unitInsns = 3000
	maxUnits  = 8
)

// autoUnits is the number of codegen units for a program of total translated
// instructions.
func autoUnits(total int) int {
	if total < splitMinInsns {
		return 1
	}
	return min(maxUnits, max(2, total/unitInsns))
}

// funcKeys are the LLVM functions of the program in emission order: the entry points,
// then the universal function (key n) if there is one.
func (t *translator) funcKeys() []uint64 {
	keys := append([]uint64{}, t.entries...)
	if t.univ {
		keys = append(keys, t.n)
	}
	return keys
}

func (t *translator) size(e uint64) int {
	if e == t.n {
		return int(t.n)
	}
	return len(t.pcs[e])
}

// planUnits assigns every function to one of k units (k is lowered when there are fewer
// functions) and marks the functions and tr_dispatch that other units call.
func (t *translator) planUnits(k int) {
	keys := t.funcKeys()
	k = max(1, min(k, len(keys)))
	t.nunits = k
	t.unitOf = make(map[uint64]int, len(keys))
	t.exported = map[uint64]bool{}
	t.decls = make([]map[uint64]bool, k)
	for u := range t.decls {
		t.decls[u] = map[uint64]bool{}
	}
	total := 0
	for _, e := range keys {
		total += t.size(e)
	}
	// contiguous runs: function i goes to the unit its running size midpoint falls in
	acc := 0
	for _, e := range keys {
		s := t.size(e)
		t.unitOf[e] = min(k-1, (acc+s/2)*k/max(total, 1))
		acc += s
	}
	if k == 1 {
		return
	}
	need := func(u int, callee uint64) {
		if t.unitOf[callee] != u {
			t.exported[callee] = true
			t.decls[u][callee] = true
		}
	}
	for _, e := range keys {
		u := t.unitOf[e]
		for _, pc := range t.pcsOf(e) {
			switch t.ins[pc].op {
			case opCall:
				kind, target, _, ok := t.exe.ResolveCall(pc)
				if ok && (kind == sbpf.CallInternal || kind == sbpf.CallSyscallThenInternal) && target < t.n {
					need(u, target)
				}
			case opCallx:
				if u != 0 {
					t.dispatchExported = true
				}
			}
		}
	}
	// unit 0 holds tr_run (calls the entrypoint) and tr_dispatch (callx candidates and
	// the universal function)
	if t.exe.EntryPC < t.n {
		need(0, t.exe.EntryPC)
	}
	if t.hasCallx {
		for _, e := range t.entries {
			need(0, e)
		}
	}
	if t.univ {
		need(0, t.n)
	}
	t.depthOf = map[uint64]int64{}
	for e, d := range t.constDepths() {
		if t.exported[e] && d > 0 {
			t.depthOf[e] = d
		}
	}
}

// dlParam is the name of function e's depth parameter: an exported function whose depth
// is constant (constDepths) names it %dl.in and defines %dl as the constant (entryDepth).
func (t *translator) dlParam(e uint64) string {
	if _, ok := t.depthOf[e]; ok {
		return "%dl.in"
	}
	return "%dl"
}

// entryDepth writes the constant %dl of an exported function (see dlParam).
func (t *translator) entryDepth(e uint64) {
	if d, ok := t.depthOf[e]; ok {
		t.f("  %%dl = add i64 0, %d\n", d)
	}
}

// pcsOf lists the instructions of function e.
func (t *translator) pcsOf(e uint64) []uint64 {
	if e == t.n {
		out := make([]uint64, t.n)
		for pc := range out {
			out[pc] = uint64(pc)
		}
		return out
	}
	return t.pcs[e]
}

// linkage of function e (or tr_dispatch when dispatch is set) in the units plan.
func (t *translator) linkage(e uint64, dispatch bool) string {
	if (dispatch && t.dispatchExported) || (!dispatch && t.exported[e]) {
		return "hidden"
	}
	return "internal"
}

// paramTypes is function e's parameter list as a declaration writes it.
func (t *translator) paramTypes(e uint64) string {
	s := "i64, i64"
	for range t.params(e) {
		s += ", i64"
	}
	if !t.fixed {
		s += ", i64"
	}
	if e == t.n {
		s += ", i64"
	}
	return s
}

// emitDecls writes unit u's declarations of what other units define.
func (t *translator) emitDecls(u int) {
	for _, e := range t.funcKeys() {
		if t.decls[u][e] {
			t.f("declare hidden fastcc %s @f%d(%s)\n", t.retTy(e), e, t.paramTypes(e))
		}
	}
	if u != 0 && t.dispatchExported {
		t.f("declare hidden fastcc %s @tr_dispatch(i64, i64, i64%s)\n", fullRet, bytes.Repeat([]byte(", i64"), 11))
	}
}

// unitHeader is what every unit starts with: the runtime's symbols and intrinsics. Unit
// 0 defines the region table (its constant entries filled in, see regionTableIR); the
// others refer to it.
func (t *translator) unitHeader(u int) {
	t.f("; sBPF %s program translated by sbpf-pvm (runners/transpiled)\n", t.v)
	if u == 0 {
		t.f("%s", t.regionTableIR())
	} else {
		t.f("@tr_rt = external hidden global [8 x [16 x i64]]\n")
	}
	t.f("@tr_ctx = external hidden global ptr\n")
	t.f("@tr_stack_host = external hidden global ptr\n")
	t.f("@tr_r0 = external hidden global i64\n")
	t.f("declare hidden void @tr_fault(i32, i64)\n")
	t.f("declare hidden i64 @tr_syscall(i32, i64, i64, i64, i64, i64, i64)\n")
	t.f("declare hidden ptr @tr_mem(i64, i64, i32)\n")
	t.f("declare i16 @llvm.bswap.i16(i16)\ndeclare i32 @llvm.bswap.i32(i32)\ndeclare i64 @llvm.bswap.i64(i64)\n")
}

// unitTrailer is what every unit ends with: the attributes and metadata the code names.
func (t *translator) unitTrailer() {
	t.f("attributes #0 = { cold }\n!0 = !{}\n!1 = !{!\"branch_weights\", i32 2000, i32 1}\n!2 = !{!\"branch_weights\", i32 1, i32 2000}\n")
}

// unitPad is the relocation-free first function of a unit other than 0 (see emitModule).
func (t *translator) unitPad() {
	t.f("define internal void @tr_pad() noinline {\n  call void asm sideeffect \"nop\", \"\"()\n  ret void\n}\n")
	t.f("@llvm.used = appending global [1 x ptr] [ptr @tr_pad], section \"llvm.metadata\"\n")
}

// unitName names unit u's object for the linker.
func unitName(u int) string {
	if u == 0 {
		return "program.o"
	}
	return fmt.Sprintf("program-%d.o", u)
}

// constDepths finds the functions whose depth argument (dl) is the same constant on every
// path from tr_run, the way IPSCCP would in one module: tr_run passes MaxCallDepth, a
// call passes the caller's minus one, and tr_dispatch (callx) passes any. planUnits uses
// it for exported functions, where IPSCCP cannot see the callers: with the depth
// constant, r10 and the frame's host address fold to constants.
func (t *translator) constDepths() map[uint64]int64 {
	const unknown = -1
	callees := map[uint64][]uint64{}
	for _, e := range t.funcKeys() {
		for _, pc := range t.pcsOf(e) {
			if t.ins[pc].op != opCall {
				continue
			}
			kind, target, _, ok := t.exe.ResolveCall(pc)
			if ok && (kind == sbpf.CallInternal || kind == sbpf.CallSyscallThenInternal) && target < t.n {
				callees[e] = append(callees[e], target)
			}
		}
	}
	depth := map[uint64]int64{} // absent: no caller seen yet
	set := func(e uint64, d int64, work *[]uint64) {
		old, seen := depth[e]
		switch {
		case !seen:
			depth[e] = d
		case old != d && old != unknown:
			depth[e] = unknown
		default:
			return
		}
		*work = append(*work, e)
	}
	var work []uint64
	if t.hasCallx {
		for _, e := range t.funcKeys() {
			set(e, unknown, &work)
		}
	}
	if t.exe.EntryPC < t.n {
		set(t.exe.EntryPC, int64(t.cfg.MaxCallDepth), &work)
	}
	for len(work) > 0 {
		e := work[len(work)-1]
		work = work[:len(work)-1]
		d := depth[e]
		for _, c := range callees[e] {
			if d == unknown || d <= 1 {
				set(c, unknown, &work)
			} else {
				set(c, d-1, &work)
			}
		}
	}
	return depth
}
