/* engine.c — the execution engine of the transpiled runner: the svc_engine_* interface of
 * runners/svcrt implemented over a program translated to LLVM IR (runners/transpiled).
 *
 * The generated module defines the program's metadata (tr_version, tr_ro, ...) and tr_run,
 * the root frame; its syscall instructions pass svcrt's syscall index (fixed at translation,
 * runners/transpiled/sysindex.go). This file gives it the region table it translates
 * addresses with (tr_rt), the frame pointer base, the meter synchronisation around
 * syscalls and the error recording. */
#include "../../svcrt/c/svcrt.h"

#define HIDDEN __attribute__((visibility("hidden")))

SVC_ZBB_BEGIN

/* from the generated module */
extern const uint8_t tr_ro[] HIDDEN;
extern const uint64_t tr_ro_len HIDDEN, tr_ro_vaddr HIDDEN;
extern const int32_t tr_version HIDDEN, tr_gaps HIDDEN, tr_frame_size HIDDEN, tr_max_depth HIDDEN;
extern const char *const tr_load_kind HIDDEN;
extern const char *const tr_load_detail HIDDEN;
uint64_t tr_run(uint64_t rem) HIDDEN;

/* read by the generated code */
/* defined by the generated module, with the starts and limits of the read-only entry (when
 * it is region 0 or 1) and of the ungapped stack in place (translate.go regionTableIR) */
extern uint64_t tr_rt[8][16] HIDDEN;
HIDDEN svc_ctx *tr_ctx;
HIDDEN uint8_t *tr_stack_host;
HIDDEN uint64_t tr_r0;
static uint64_t tr_synced; /* the meter at the last synchronisation */
/* The generated code tests the meter's sign, so it runs with at most 2^62 units; the rest
 * (budgets no program can exhaust within the PVM's gas) is kept aside in tr_excess. */
#define TR_METER_MAX (1ull << 62)
static uint64_t tr_excess;

static uint64_t tr_clamp(uint64_t rem) {
  tr_excess = rem > TR_METER_MAX ? rem - TR_METER_MAX : 0;
  return rem - tr_excess;
}

/* fault kinds of translate.go */
static const char *const tr_kinds[] = {
    0, "ExceededMaxInstructions", "DivideByZero", "DivideOverflow", "CallDepthExceeded",
    "CallOutsideTextSegment", "UnsupportedInstruction", "ExecutionOverrun", "InvalidInstruction",
    "TranspiledCallxTarget",
};

/* svc_engine_load's failures, in Agave's order (out of line: the checks run on every
 * invocation and fail on none of the corpus's). */
__attribute__((noinline)) static int load_fail(svc_ctx *c, int gaps) {
  if (tr_load_kind) return svc_fail(c, tr_load_kind, tr_load_detail);
  if (c->req.max_call_depth != (uint32_t)tr_max_depth || c->req.stack_frame_size != (uint32_t)tr_frame_size || gaps != tr_gaps)
    return svc_fail(c, "TranspiledConfigMismatch", "the request's VM configuration differs from the translation's");
  return svc_fail(c, "UnsupportedSBPFVersion", "version not enabled");
}

int svc_engine_load(svc_ctx *c, const uint8_t *elf, size_t len) {
  (void)elf, (void)len; /* the program is compiled in; the request carries no ELF */
  int v = tr_version;
  c->version = v;
  /* the translation fixed the VM configuration; a request with another one cannot run.
   * All checks in one branch (gp080 prices every block): svc_stack_gapped without its
   * branch, then the load error, the configuration and the version range */
  int gaps = (v == SBPF_V0) & (int)(c->req.flags >> 1 & 1);
  _Static_assert(SVC_FLAG_STACK_GAPS == 2, "gaps is flags bit 1");
  /* max_call_depth and stack_frame_size: adjacent words, compared as one */
  _Static_assert(__builtin_offsetof(svc_request, stack_frame_size) == __builtin_offsetof(svc_request, max_call_depth) + 4, "adjacent");
  uint64_t cfg, want = (uint64_t)(uint32_t)tr_frame_size << 32 | (uint32_t)tr_max_depth;
  __builtin_memcpy(&cfg, &c->req.max_call_depth, 8);
  uint64_t bad = (uint64_t)(uintptr_t)tr_load_kind | (cfg ^ want) | (uint64_t)(gaps ^ tr_gaps) | (uint64_t)(c->req.min_version > v) |
                 (uint64_t)(c->req.max_version < v);
  if (bad) return load_fail(c, gaps);
  uint64_t ri = tr_ro_vaddr >> 32;
  if (ri <= 1) {
    /* read-only and not gapped (writable 0, gap_shift 63): preset (svc_service.c) */
    svc_region *r = &c->regions[ri];
    r->host = (uint8_t *)tr_ro, r->vm_addr = tr_ro_vaddr, r->len = tr_ro_len;
  } else if (ri < SVC_NREGIONS) {
    c->regions[ri] = (svc_region){(uint8_t *)tr_ro, tr_ro_vaddr, tr_ro_len, 0, 63};
  }
  return 0;
}

/* The region table entry of one region: an access of n bytes at a hits it iff
 * a - vm < lim[n] (lim = len - n + 1, 0 when it does not fit or, for stores, when the
 * region is read-only). The table is BSS and each instance runs one invocation, so what
 * is not written stays zero: the entries of unmapped and gapped regions (tr_mem and the
 * inline gapped path handle those) and of indices 5..7 (addresses of regions 8+), and
 * the store limits of read-only regions. Straight-line code: this runs on every
 * invocation. */
static inline void fill_entry(uint64_t *e, const svc_region *r) {
  if (r->gap_shift != 63 || !r->host) return;
  uint64_t len = r->len;
  e[0] = r->vm_addr;
  e[1] = (uint64_t)(uintptr_t)r->host - r->vm_addr; /* host address = a + e[1] */
  /* len - min(len, n - 1): one Zbb minu and a subtraction each, no branch */
  uint64_t l2 = len - (len < 1 ? len : 1), l4 = len - (len < 3 ? len : 3), l8 = len - (len < 7 ? len : 7);
  e[2] = len, e[3] = l2, e[4] = l4, e[5] = l8;
  if (r->writable) e[6] = len, e[7] = l2, e[8] = l4, e[9] = l8;
}

/* The entry of a mapped, ungapped, writable region of at least 7 bytes (the input, a heap
 * of 7 bytes or more: svcrt maps them so): the limits need no saturation. */
static inline void fill_rw(uint64_t *e, const svc_region *r) {
  uint64_t len = r->len;
  e[0] = r->vm_addr;
  e[1] = (uint64_t)(uintptr_t)r->host - r->vm_addr;
  e[2] = e[6] = len, e[3] = e[7] = len - 1, e[4] = e[8] = len - 3, e[5] = e[9] = len - 7;
}

int svc_engine_execute(svc_ctx *c) {
  tr_ctx = c;
  /* svc_service.c maps the stack (2, gapped on v0 with gaps, as the translation's
   * tr_gaps: load checked), the heap (3, possibly empty) and the input (4, at least its
   * account count, instruction data length and program id: 48 bytes); the read-only
   * region is where its vaddr says: region 1 (v0-v2) or 0 (v3) for loader-made ELFs,
   * whose entry the generated module defines (translate.go regionTableIR). */
  uint64_t ri = tr_ro_vaddr >> 32;
  if (ri <= 1) {
    tr_rt[ri][1] = (uint64_t)(uintptr_t)tr_ro - tr_ro_vaddr;
    if (!tr_gaps) tr_rt[2][1] = (uint64_t)(uintptr_t)c->regions[2].host - c->regions[2].vm_addr;
    if (c->regions[3].len >= 7) fill_rw(tr_rt[3], &c->regions[3]);
    else fill_entry(tr_rt[3], &c->regions[3]);
    fill_rw(tr_rt[4], &c->regions[4]);
  } else {
    for (int i = 0; i < SVC_NREGIONS; i++) fill_entry(tr_rt[i], &c->regions[i]);
  }
  tr_stack_host = c->regions[2].host;
  tr_synced = c->remaining;
  uint64_t rem = tr_run(tr_clamp(c->remaining));
  if (rem == ~0ull) return -1;
  rem += tr_excess;
  c->exit_code = tr_r0;
  c->insn_count += tr_synced - rem;
  c->remaining = rem;
  return 0;
}

/* A VM fault at the current instruction; rem is the meter after charging it. The code
 * runs on credit (translate.go emitBlock): a negative meter means the native VM would
 * have stopped earlier, with ExceededMaxInstructions. */
HIDDEN void tr_fault(int kind, int64_t rem) {
  svc_ctx *c = tr_ctx;
  if (rem < 0) kind = 1, rem = 0;
  if (kind) svc_fail(c, tr_kinds[kind], 0);
  uint64_t r = (uint64_t)rem;
  if (kind != 1) r += tr_excess; /* ExceededMaxInstructions: the meter is empty */
  c->insn_count += tr_synced - r;
  c->remaining = r;
}

/* The out-of-line memory translation (every access the inline region check misses: the
 * gapped v0 stack, unmapped or short regions): kind is the size, | 16 for a store; rem is
 * the meter after charging the access. Returns the host address, or 0 after recording
 * the fault (ExceededMaxInstructions when the access was reached on credit). */
HIDDEN uint8_t *tr_mem(uint64_t a, int64_t rem, int kind) {
  if (rem < 0) {
    tr_fault(1, 0);
    return 0;
  }
  uint8_t *p = svc_translate(tr_ctx, kind >> 4, a, (uint64_t)(kind & 15));
  if (!p) tr_fault(0, rem);
  return p;
}

/* A syscall (interpreter.rs dispatch_syscall); idx is svcrt's index (svc_syscall_lookup of
 * its key, -1 when svcrt lacks it), fixed at translation. The meter is synchronised before and
 * re-read after. Returns the new meter, or ~0 after a failure (recorded). */
HIDDEN uint64_t tr_syscall(int idx, uint64_t rem, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5) {
  svc_ctx *c = tr_ctx;
  rem += tr_excess;
  c->insn_count += tr_synced - rem;
  c->remaining = rem;
  tr_synced = rem;
  if (idx < 0) {
    svc_fail(c, "UnsupportedInstruction", 0);
    return ~0ull;
  }
  /* r0 is written in place (the generated code reads tr_r0 only after a success) */
  uint64_t args[5] = {a1, a2, a3, a4, a5};
  tr_r0 = 0;
  if (svc_syscall_call(c, idx, args, &tr_r0)) {
    c->origin = SVC_ORIGIN_SYSCALL;
    return ~0ull;
  }
  tr_synced = c->remaining;
  return tr_clamp(c->remaining);
}

SVC_ZBB_END
