/* vm.c — the sBPF verifier (verifier.rs RequisiteVerifier), the pre-decoder and the
 * interpreter (interpreter.rs), and the svc_engine_* entry points of interp-svc.
 *
 * Speed on the PVM: every instruction is decoded once into a 16-byte form whose opcode is
 * already resolved for the program's version (no version tests in the loop), immediates are
 * pre-extended the way each instruction uses them, jump targets are absolute, and the loop is
 * one dense switch (a jump table). Memory accesses translate inline through the aligned
 * 5-region map (region = address >> 32). */
#include "sbpf.h"

#include "ops.h"

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

/* The interpreter is direct-threaded: every decoded instruction holds the address of its
 * handler, and each handler ends with a guaranteed tail call (musttail) to the next
 * instruction's handler. On the PVM that is one load and one indirect jump per sBPF
 * instruction, and one PVM basic block per handler. Registers are byte offsets into the
 * register file; immediates are sign-extended at use (free with lw). blk is the number of
 * instructions from this one to the end of its straight-line run (see "metering"). */
typedef struct dinsn dinsn;
typedef int (*handler)(dinsn *d, uint64_t *r, uint64_t left, svc_ctx *c);
struct dinsn {
  handler fn;
  uint8_t dst, src;
  uint16_t op;
  int32_t imm; /* LDDW: low half; OP_CALL: internal target or -1 */
  int32_t off; /* memory offset; jump: byte distance to the target; OP_CALL: syscall index or -1; LDDW: high half */
  uint32_t blk;
};

#define OPS_DECL_(name, fn, fp) \
  static int fn(dinsn *d, uint64_t *r, uint64_t left, svc_ctx *c); \
  static int fp(dinsn *d, uint64_t *r, uint64_t left, svc_ctx *c);
SBPF_OPS(OPS_DECL_)
#undef OPS_DECL_
static const handler handlers[OP_COUNT];

/* An opcode's table entry (see ops.h): its handler is right there, so decoding an
 * instruction is two dependent loads (word, entry), not three. 32 bytes: indexed by a shift. */
typedef struct optent {
  uint64_t t;
  handler fn[2];
  uint64_t pad;
} optent;
#include "optab.h"

/* ---------------------------------------------------------------- verifier and pre-decoder */

static int verr(svc_ctx *c, const char *variant) { return svc_fail(c, variant, variant); }

/* The second, third and fourth 8 bytes of a dinsn as the decoder writes them. */
_Static_assert(sizeof(dinsn) == 24 && __builtin_offsetof(dinsn, dst) == 8 && __builtin_offsetof(dinsn, src) == 9 &&
                   __builtin_offsetof(dinsn, op) == 10 && __builtin_offsetof(dinsn, imm) == 12 &&
                   __builtin_offsetof(dinsn, off) == 16 && __builtin_offsetof(dinsn, blk) == 20,
               "dinsn layout");
static inline void put(dinsn *o, handler fn, uint64_t dst, uint64_t src, uint64_t op, int32_t imm, int32_t off, uint32_t blk) {
  o->fn = fn;
  uint64_t a = dst | src << 8 | op << 16 | (uint64_t)(uint32_t)imm << 32, b = (uint32_t)off | (uint64_t)blk << 32;
  __builtin_memcpy(&o->dst, &a, 8);
  __builtin_memcpy(&o->off, &b, 8);
}

/* OP_CALL's operands: the syscall index and/or the internal target, or OP_INVALID when
 * neither resolves (the interpreter fails then, as interpreter.rs does). */
static __attribute__((noinline)) void decode_call(const sbpf_exe *x, uint64_t pc, uint64_t n, uint64_t dst, uint64_t src, int32_t imm, dinsn *o) {
  int v = x->version;
  int sys = -1;
  int64_t target = -1;
  if (!v_static_syscalls(v) || src == 0) sys = svc_syscall_lookup((uint32_t)imm);
  if (v_static_syscalls(v)) {
    int64_t t = (int64_t)pc + 1 + (int64_t)imm;
    if (t >= 0 && (uint64_t)t < n && src == 1) target = t;
  } else {
    uint32_t tpc;
    /* check_pc happens after push_frame: an out-of-range target is kept and fails then */
    if (sbpf_lookup_func(x, (uint32_t)imm, &tpc)) target = tpc > 0x7fffffff ? 0x7fffffff : tpc;
  }
  int op = sys < 0 && target < 0 ? OP_INVALID : OP_CALL;
  put(o, handlers[op], dst * 8, src * 8, op, (int32_t)target, sys, op == OP_CALL ? 1 : 0);
}

/* One instruction of RequisiteVerifier with its decoding, for everything verify_decode does
 * not handle inline: the next pc, or -1 with the error recorded. Errors come in
 * verifier.rs's order: opcode, the opcode's check, then the registers. */
static __attribute__((noinline)) int64_t verify_one(svc_ctx *c, const sbpf_exe *x, const optent *tab, uint64_t pc, uint64_t n,
                                                    dinsn *out) {
  const uint8_t *p = x->text;
  int v = x->version;
  int manual = v_manual_frames(v);
  uint64_t w;
  __builtin_memcpy(&w, p + pc * INSN_SIZE, 8);
  uint64_t opc = w & 0xff, dst = (w >> 8) & 15, src = (w >> 12) & 15;
  int32_t off = (int16_t)(w >> 16), imm = (int32_t)(w >> 32);
  uint64_t t = tab[opc].t;
  unsigned op = OPT_OP(t);
  if (op == OP_INVALID) return verr(c, "UnknownOpCode");
  handler fn = tab[opc].fn[(OPT_STORE(t) ? dst : src) == 10];
  if (!fn) {
    svc_fail(c, "ServiceBug", "operation without handler");
    c->status = SVC_FAULT;
    return -1;
  }
  dinsn *o = out + pc;
  switch (OPT_CK(t)) {
  case CK_NONE:
  case CK_NONZERO: /* the check comes first: the decoding is plain */
  default:
    if (OPT_CK(t) == CK_NONZERO && imm == 0) return verr(c, "DivisionByZero");
    put(o, fn, dst * 8, src * 8, op, imm, off, 0);
    break;
  case CK_SHIFT32:
    if ((uint32_t)imm >= 32) return verr(c, "ShiftWithOverflow");
    put(o, fn, dst * 8, src * 8, op, imm, off, 0);
    break;
  case CK_SHIFT64:
    if ((uint32_t)imm >= 64) return verr(c, "ShiftWithOverflow");
    put(o, fn, dst * 8, src * 8, op, imm, off, 0);
    break;
  case CK_ADD64:
    if (dst == 10 && manual && (imm & 63)) return verr(c, "UnalignedImmediate");
    put(o, fn, dst * 8, src * 8, op, imm, off, 0);
    break;
  case CK_NEGIMM:
    put(o, fn, dst * 8, src * 8, op, (int32_t)(0u - (uint32_t)imm), off, 0);
    break;
  case CK_JUMP: {
    int64_t to = (int64_t)pc + 1 + off;
    if (to < 0 || (uint64_t)to >= n) return verr(c, "JumpOutOfCode");
    if (p[to * INSN_SIZE] == 0) return verr(c, "JumpToMiddleOfLDDW");
    put(o, fn, dst * 8, src * 8, op, imm, (int32_t)((1 + (int64_t)off) * (int64_t)sizeof(dinsn)), 1);
    break;
  }
  case CK_LDDW: {
    if (pc + 1 >= n) return verr(c, "LDDWCannotBeLast");
    if (p[(pc + 1) * INSN_SIZE] != 0) return verr(c, "IncompleteLDDW");
    put(o, fn, dst * 8, src * 8, op, imm, (int32_t)svc_rd32(p + (pc + 1) * INSN_SIZE + 4), 0);
    put(o + 1, handlers[OP_INVALID], 0, 0, OP_INVALID, 0, 0, 2); /* opcode 0: reachable only by callx; blk 1 (marked 2 for decode) */
    pc++;
    break;
  }
  case CK_ENDIAN: {
    if (imm != 16 && imm != 32 && imm != 64) return verr(c, "UnsupportedLEBEArgument");
    unsigned k = imm == 16 ? 0 : imm == 32 ? 1 : 2;
    unsigned e = op == OP_LE16 ? (k == 0 ? OP_LE16 : k == 1 ? OP_LE32 : OP_NOP) : (k == 0 ? OP_BE16 : k == 1 ? OP_BE32 : OP_BE64);
    put(o, handlers[e], dst * 8, src * 8, e, imm, off, 0);
    break;
  }
  case CK_CALLX: {
    int64_t reg = v == SBPF_V2 ? (int64_t)src : v >= SBPF_V3 ? (int64_t)dst : imm;
    if (reg < 0 || reg >= 10) return verr(c, "InvalidRegister");
    put(o, fn, dst * 8, (uint64_t)(uint8_t)(8 * (v == SBPF_V2 ? src : v >= SBPF_V3 ? dst : (uint8_t)imm)), op, imm, off, 1);
    break;
  }
  case CK_CALL:
    decode_call(x, pc, n, dst, src, imm, o);
    break;
  case CK_EXIT:
    put(o, fn, dst * 8, src * 8, op, imm, off, 1);
    break;
  }
  /* check_registers */
  if (src > 10) return verr(c, "InvalidSourceRegister");
  if (dst == 10 && !OPT_STORE(t)) {
    if (!(manual && opc == ADD64_IMM)) return verr(c, "CannotWriteR10");
  } else if (dst > 10) {
    return verr(c, "InvalidDestinationRegister");
  }
  return (int64_t)pc + 1;
}

/* The verifier's inline path: decodes from q on while every instruction is an operation with
 * plain decoding and at most an immediate range check, or a jump to a valid target, with
 * registers regw passes (most of a program), and returns where it stopped (end, or an
 * instruction for verify_one, which also reports a bad jump). Out of line so that its loop
 * keeps everything in registers. */
static __attribute__((noinline)) const uint8_t *verify_span(const uint8_t *p, const uint8_t *q, const uint8_t *end, dinsn *o,
                                                            const optent *tab) {
  uint64_t size = (uint64_t)(end - p);
  for (; q < end; q += INSN_SIZE, o++) {
    uint64_t w;
    __builtin_memcpy(&w, q, 8);
    const optent *e = &tab[w & 0xff];
    uint64_t t = e->t;
    const uint32_t *rg = regw;
    __asm__ volatile("" : "+r"(rg)); /* the table's address is an immediate per instruction, not a spilled register */
    uint32_t rw = rg[(w >> 8) & 0xff]; /* independent of t: the two loads overlap */
    uint32_t s = rw >> (16 + OPT_STORE(t)); /* bit 0: registers fine; bit 2: the base register is r10 */
    /* one test: inline operation, registers and immediate range all fine */
    if (UNLIKELY(!((t >> 9) & s & ((uint32_t)((uint32_t)(w >> 32) - OPT_LO(t)) <= OPT_SPAN(t))))) break;
    int32_t off = (int16_t)(w >> 16);
    uint32_t blk = 0;
    if (t & OPT_JUMP) {
      const uint8_t *to = q + INSN_SIZE + (int64_t)off * INSN_SIZE;
      if ((uint64_t)(to - p) >= size || *to == 0) break; /* JumpOutOfCode, JumpToMiddleOfLDDW */
      off = (1 + off) * (int32_t)sizeof(dinsn), blk = 1;
    }
    unsigned op = OPT_OP(t);
    uint16_t regs = (uint16_t)rw; /* dst * 8, src * 8 */
    o->fn = e->fn[(s >> 2) & 1];
    __builtin_memcpy(&o->dst, &regs, 2);
    o->op = (uint16_t)op;
    o->imm = (int32_t)(w >> 32);
    o->off = off;
    o->blk = blk;
  }
  return q;
}

/* RequisiteVerifier fused with the decoder: one pass over the program, the opcode looked up
 * in optab.h, each accepted instruction decoded into out[pc] (an lddw also fills out[pc + 1])
 * with blk = 1 for terminators, 2 for an lddw's second slot and 0 for the rest; decode()
 * then fills in the run lengths. verify_span takes the common instructions, verify_one the
 * rest. */
static int verify_decode(svc_ctx *c, const sbpf_exe *x, dinsn *out) {
  /* a v0 program on a gapped stack gets the r10 handlers for the gapped stack from its table */
  const uint8_t *p = x->text;
  uint64_t len = x->text_len;
  if (len % INSN_SIZE) return verr(c, "ProgramLengthNotMultiple");
  if (len == 0) return verr(c, "NoProgram");
  const optent *tab = optab[svc_stack_gapped(c) ? OPT_GAPPED : OPT_CLASS(x->version)];
  uint64_t n = len / INSN_SIZE;
  const uint8_t *q = p, *end = p + len;
  for (;;) {
    q = verify_span(p, q, end, out + (uint64_t)(q - p) / INSN_SIZE, tab);
    if (q >= end) break;
    int64_t next = verify_one(c, x, tab, (uint64_t)(q - p) / INSN_SIZE, n, out);
    if (next < 0) return -1;
    q = p + (uint64_t)next * INSN_SIZE;
  }
  if (q != end) return verr(c, "JumpOutOfCode");
  return 0;
}

/* Verifies and decodes the program, then fills in the run lengths backwards (a terminator
 * has blk 1 already; an lddw's second slot gets 1 and its lddw continues after it). */
static dinsn *decode(svc_ctx *c, const sbpf_exe *x) {
  uint64_t n = x->text_len / INSN_SIZE;
  dinsn *d = svc_alloc(sizeof(dinsn) * (n + 1));
  if (!d) {
    svc_fail(c, "ServiceArenaExhausted", "decoded program");
    c->status = SVC_FAULT;
    return 0;
  }
  if (verify_decode(c, x, d)) return 0;
  put(d + n, handlers[OP_OVERRUN], 0, 0, OP_OVERRUN, 0, 0, 1);
  /* run: the blk of the next instruction (an lddw's second slot, marked 2, is skipped) */
  uint32_t run = 1;
#ifdef PVM_GP080
  /* gp080 charges a block by its pipeline cost: one branch-free block per instruction */
  for (dinsn *k = d + n; k-- > d;) { /* b is 0, 1 or 2 */
    uint32_t b = k->blk, is0 = b == 0, is1 = b == 1;
    run = ((run + is0) & (is1 - 1)) | is1;
    k->blk = (run & (0u - is0)) | (is0 ^ 1);
  }
#else
  /* gp072 charges per instruction: the branches are cheaper */
  for (dinsn *k = d + n; k-- > d;) {
    uint32_t b = k->blk;
    if (b == 0) k->blk = ++run;
    else if (b == 1) run = 1;
    else k->blk = 1;
  }
#endif
  return d;
}

/* ---------------------------------------------------------------- interpreter */

typedef struct frame {
  uint64_t saved[4];
  uint64_t fp;
  dinsn *ret;
} frame;

/* State the handlers rarely need (calls, exits, faults). */
static struct {
  dinsn *code;
  uint64_t n;
  frame *frames;
  uint64_t depth, frame_bump, text_vaddr;
  uint32_t max_depth;
  dinsn *patch;    /* the instruction replaced by h_meter_stop in limited mode */
  uint64_t synced; /* the meter at the last sync */
  /* Fast translation tables, one entry per region, for loads and for stores: an access at
   * a is served from host + (a - vm) when a - vm <= lim (lim = len - 8, so every size fits).
   * Gapped, short, absent or (for stores) read-only regions never match (vm = 2^63) and go
   * through h_mem_slow. */
  struct fr {
    uint64_t vm, lim;
    uint8_t *host;
    uint64_t pad;
  } rl[SVC_NREGIONS], rs[SVC_NREGIONS];
  /* the v0 stack with 4 KiB frames and gaps, for r10-relative accesses */
  uint8_t *stk;
  uint64_t stk_len, stk_span;
} G;

static sbpf_exe the_exe;
static dinsn *the_code;

#ifdef SVC_PROFILE
static void prof(const char *what) {
  char buf[64];
  uint64_t g = svc_host_gas();
  int n = 0;
  while (*what) buf[n++] = *what++;
  buf[n++] = ' ';
  char t[20];
  int k = 0;
  do t[k++] = (char)('0' + g % 10), g /= 10;
  while (g);
  while (k) buf[n++] = t[--k];
  svc_host_log(buf, (size_t)n);
}
#else
#define prof(x) ((void)0)
#endif

int svc_engine_load(svc_ctx *c, const uint8_t *elf, size_t len) {
  prof("load");
  if (sbpf_load(c, &the_exe, elf, len)) return -1;
  c->version = the_exe.version;
  prof("verify+decode");
  the_code = decode(c, &the_exe);
  prof("done");
  if (!the_code) return -1;
  uint64_t ri = the_exe.ro_vaddr >> 32;
  if (ri < SVC_NREGIONS) c->regions[ri] = (svc_region){the_exe.ro, the_exe.ro_vaddr, the_exe.ro_len, 0, 63};
  return 0;
}


/* Inline address translation without calls (so handlers need no stack frame). Anything
 * the tables do not serve returns NULL and the handler tail-calls h_mem_slow, which redoes
 * the access through svc_translate (gaps, region ends, the canonical errors). */
/* r10-relative accesses of v0 programs: the gapped stack (4 KiB frames, 4 KiB gaps). */
static inline uint8_t *xl_stack(uint64_t a) {
  uint64_t o = a - MM_STACK_START;
  if (UNLIKELY(o >= G.stk_span || (o & 4096))) return 0;
  uint64_t g = ((o >> 13) << 12) | (o & 4095);
  if (UNLIKELY(g > G.stk_len - 8)) return 0;
  return G.stk + g;
}

static inline uint8_t *xl(const struct fr *t, uint64_t a) {
  uint64_t idx = a >> 32;
  if (idx == 2 && G.stk_span) return xl_stack(a); /* stk_span is 0 unless the stack is gapped */
  if (UNLIKELY(idx >= SVC_NREGIONS)) return 0;
  const struct fr *e = &t[idx];
  uint64_t off = a - e->vm;
  if (LIKELY(off <= e->lim)) return e->host + off;
  return 0;
}

static void build_tables(svc_ctx *c) {
  for (int i = 0; i < SVC_NREGIONS; i++) {
    const svc_region *r = &c->regions[i];
    struct fr none = {1ull << 63, 0, 0, 0};
    struct fr e = {r->vm_addr, r->len - 8, r->host, 0};
    int ok = r->gap_shift == 63 && r->len >= 8 && r->host;
    G.rl[i] = ok ? e : none;
    G.rs[i] = ok && r->writable ? e : none;
  }
  const svc_region *st = &c->regions[2];
  int gapped = st->gap_shift == 12 && st->len >= 8;
  G.stk = st->host;
  G.stk_len = st->len;
  G.stk_span = gapped ? st->len * 2 : 0;
}

/* Metering. anza checks the meter before every instruction (ExceededMaxInstructions when
 * the instructions executed since the last sync reach the meter) and syncs around
 * syscalls. Here the meter (`left`) is charged with a whole straight-line run when it is
 * entered; runs end at every jump, call and exit, so a syscall always sees the exact meter.
 * A run the meter cannot pay for in full is entered in "limited" mode: the instruction
 * where anza would stop gets h_meter_stop. A fault inside a run gives back the
 * instructions after it. */
static int h_meter_stop(dinsn *d, uint64_t *r, uint64_t left, svc_ctx *c);

static uint64_t enter_limited(dinsn *t, uint64_t left) {
  dinsn *p = t;
  for (uint64_t i = 0; i < left; i++) p += p->op == OP_LDDW ? 2 : 1;
  G.patch = p;
  p->fn = h_meter_stop;
  return 0;
}

static uint64_t precharged(const dinsn *d) { return d->blk - 1 - (G.patch ? G.patch->blk : 0); }

__attribute__((noinline, cold)) static int finish_fail(dinsn *d, uint64_t left, svc_ctx *c, const char *kind) {
  if (kind) svc_fail(c, kind, 0);
  left += precharged(d);
  c->insn_count += G.synced - left;
  c->remaining = left;
  return -1;
}

#define H(name) static int name(dinsn *d, uint64_t *r, uint64_t left, svc_ctx *c)
#define DISPATCH(nd)                                  \
  do {                                                \
    dinsn *n_ = (nd);                                 \
    __attribute__((musttail)) return n_->fn(n_, r, left, c); \
  } while (0)
#define NEXT() DISPATCH(d + 1)
#define CHARGE_TO(t)                                                                \
  do {                                                                              \
    dinsn *t_ = (t);                                                                \
    uint64_t k_ = t_->blk;                                                          \
    if (UNLIKELY(left < k_)) { __attribute__((musttail)) return h_limited(t_, r, left, c); } \
    left -= k_;                                                                     \
    DISPATCH(t_);                                                                   \
  } while (0)
#define JUMP_IF(cond) CHARGE_TO((cond) ? (dinsn *)((char *)d + d->off) : d + 1)
#define FAIL(kind) return finish_fail(d, left, c, kind)
#define RD (*(uint64_t *)((char *)r + d->dst))
#define RS (*(uint64_t *)((char *)r + d->src))
#define IMM ((int64_t)d->imm)
#define UIMM ((uint64_t)(int64_t)d->imm)

/* Entering a run the meter cannot pay for in full (out of line: keeps handlers frameless). */
__attribute__((noinline)) static int h_limited(dinsn *d, uint64_t *r, uint64_t left, svc_ctx *c) {
  left = enter_limited(d, left);
  DISPATCH(d);
}

/* The memory access of d through svc_translate: the canonical error, or (for what the
 * inline path does not handle) the access itself. */
__attribute__((noinline)) static int h_mem_slow(dinsn *d, uint64_t *r, uint64_t left, svc_ctx *c) {
  int op = d->op;
  int store = op >= OP_STI1 && op <= OP_STX8;
  static const uint8_t sizes[] = {1, 2, 4, 8};
  uint64_t sz = sizes[store ? (op - OP_STI1) & 3 : op - OP_LDX1];
  uint64_t a = (store ? RD : RS) + (uint64_t)(int64_t)d->off;
  uint8_t *h = svc_translate(c, store ? SVC_STORE : SVC_LOAD, a, sz);
  if (!h) FAIL(0);
  if (store) {
    uint64_t v = op <= OP_STI8 ? UIMM : RS;
    __builtin_memcpy(h, &v, sz);
  } else {
    uint64_t v = 0;
    __builtin_memcpy(&v, h, sz);
    RD = v;
  }
  NEXT();
}
#define SX32(e) ((uint64_t)(int64_t)(int32_t)(e))
#define ZX32(e) ((uint64_t)(uint32_t)(e))
#define ALU(name, expr) \
  H(name) {             \
    expr;               \
    NEXT();             \
  }
#define LOADH(name, T, sz, XL)                       \
  H(name) {                                          \
    uint64_t a = RS + (uint64_t)(int64_t)d->off;     \
    uint8_t *h = XL;                                 \
    if (UNLIKELY(!h)) { __attribute__((musttail)) return h_mem_slow(d, r, left, c); } \
    T v_;                                            \
    __builtin_memcpy(&v_, h, sz);                    \
    RD = v_;                                         \
    NEXT();                                          \
  }
#define STOREH(name, T, sz, val, XL)                 \
  H(name) {                                          \
    uint64_t a = RD + (uint64_t)(int64_t)d->off;     \
    uint8_t *h = XL;                                 \
    if (UNLIKELY(!h)) { __attribute__((musttail)) return h_mem_slow(d, r, left, c); } \
    T v_ = (T)(val);                                 \
    __builtin_memcpy(h, &v_, sz);                    \
    NEXT();                                          \
  }
#define JMPH(name, cond) \
  H(name) { JUMP_IF(cond); }

H(h_lddw) {
  RD = (uint64_t)(uint32_t)d->imm | ((uint64_t)(uint32_t)d->off << 32);
  DISPATCH(d + 2);
}
LOADH(h_ldx1, uint8_t, 1, xl(G.rl, a))
LOADH(h_ldx2, uint16_t, 2, xl(G.rl, a))
LOADH(h_ldx4, uint32_t, 4, xl(G.rl, a))
LOADH(h_ldx8, uint64_t, 8, xl(G.rl, a))
STOREH(h_sti1, uint8_t, 1, d->imm, xl(G.rs, a))
STOREH(h_sti2, uint16_t, 2, d->imm, xl(G.rs, a))
STOREH(h_sti4, uint32_t, 4, d->imm, xl(G.rs, a))
STOREH(h_sti8, uint64_t, 8, IMM, xl(G.rs, a))
STOREH(h_stx1, uint8_t, 1, RS, xl(G.rs, a))
STOREH(h_stx2, uint16_t, 2, RS, xl(G.rs, a))
STOREH(h_stx4, uint32_t, 4, RS, xl(G.rs, a))
STOREH(h_stx8, uint64_t, 8, RS, xl(G.rs, a))
/* the same with the base register r10 on a v0 gapped stack */
LOADH(h_ldx1_fp, uint8_t, 1, xl_stack(a))
LOADH(h_ldx2_fp, uint16_t, 2, xl_stack(a))
LOADH(h_ldx4_fp, uint32_t, 4, xl_stack(a))
LOADH(h_ldx8_fp, uint64_t, 8, xl_stack(a))
STOREH(h_sti1_fp, uint8_t, 1, d->imm, xl_stack(a))
STOREH(h_sti2_fp, uint16_t, 2, d->imm, xl_stack(a))
STOREH(h_sti4_fp, uint32_t, 4, d->imm, xl_stack(a))
STOREH(h_sti8_fp, uint64_t, 8, IMM, xl_stack(a))
STOREH(h_stx1_fp, uint8_t, 1, RS, xl_stack(a))
STOREH(h_stx2_fp, uint16_t, 2, RS, xl_stack(a))
STOREH(h_stx4_fp, uint32_t, 4, RS, xl_stack(a))
STOREH(h_stx8_fp, uint64_t, 8, RS, xl_stack(a))

ALU(h_add32i_s, RD = SX32((uint32_t)RD + (uint32_t)d->imm))
ALU(h_add32r_s, RD = SX32((uint32_t)RD + (uint32_t)RS))
ALU(h_sub32r_s, RD = SX32((uint32_t)RD - (uint32_t)RS))
ALU(h_mul32i_s, RD = SX32((uint32_t)RD * (uint32_t)d->imm))
ALU(h_mul32r_s, RD = SX32((uint32_t)RD * (uint32_t)RS))
ALU(h_add32i_z, RD = ZX32((uint32_t)RD + (uint32_t)d->imm))
ALU(h_add32r_z, RD = ZX32((uint32_t)RD + (uint32_t)RS))
ALU(h_sub32r_z, RD = ZX32((uint32_t)RD - (uint32_t)RS))
ALU(h_rsub32i_z, RD = ZX32((uint32_t)d->imm - (uint32_t)RD))
ALU(h_div32i, RD = (uint32_t)RD / (uint32_t)d->imm)
H(h_div32r) {
  if (UNLIKELY((uint32_t)RS == 0)) FAIL("DivideByZero");
  RD = (uint32_t)RD / (uint32_t)RS;
  NEXT();
}
ALU(h_mod32i, RD = (uint32_t)RD % (uint32_t)d->imm)
H(h_mod32r) {
  if (UNLIKELY((uint32_t)RS == 0)) FAIL("DivideByZero");
  RD = (uint32_t)RD % (uint32_t)RS;
  NEXT();
}
ALU(h_or32i, RD = (uint32_t)RD | (uint32_t)d->imm)
ALU(h_or32r, RD = (uint32_t)RD | (uint32_t)RS)
ALU(h_and32i, RD = (uint32_t)RD & (uint32_t)d->imm)
ALU(h_and32r, RD = (uint32_t)RD & (uint32_t)RS)
ALU(h_xor32i, RD = (uint32_t)RD ^ (uint32_t)d->imm)
ALU(h_xor32r, RD = (uint32_t)RD ^ (uint32_t)RS)
ALU(h_lsh32i, RD = (uint32_t)((uint32_t)RD << (d->imm & 31)))
ALU(h_lsh32r, RD = (uint32_t)((uint32_t)RD << (RS & 31)))
ALU(h_rsh32i, RD = (uint32_t)RD >> (d->imm & 31))
ALU(h_rsh32r, RD = (uint32_t)RD >> (RS & 31))
ALU(h_arsh32i, RD = (uint32_t)((int32_t)RD >> (d->imm & 31)))
ALU(h_arsh32r, RD = (uint32_t)((int32_t)RD >> (RS & 31)))
ALU(h_neg32, RD = (uint32_t)(0u - (uint32_t)RD))
ALU(h_mov32i, RD = (uint32_t)d->imm)
ALU(h_mov32r_z, RD = (uint32_t)RS)
ALU(h_mov32r_s, RD = SX32(RS))
ALU(h_le16, RD = (uint16_t)RD)
ALU(h_le32, RD = (uint32_t)RD)
ALU(h_nop, (void)0)
ALU(h_be16, RD = (uint64_t)__builtin_bswap16((uint16_t)RD))
ALU(h_be32, RD = __builtin_bswap32((uint32_t)RD))
ALU(h_be64, RD = __builtin_bswap64(RD))
H(h_badend) { FAIL("InvalidInstruction"); }

ALU(h_add64i, RD += UIMM)
ALU(h_add64r, RD += RS)
ALU(h_sub64i, RD -= UIMM)
ALU(h_sub64r, RD -= RS)
ALU(h_rsub64i, RD = UIMM - RD)
ALU(h_mul64i, RD *= UIMM)
ALU(h_mul64r, RD *= RS)
ALU(h_div64i, RD /= UIMM)
ALU(h_div64iz, RD /= (uint32_t)d->imm)
H(h_div64r) {
  if (UNLIKELY(RS == 0)) FAIL("DivideByZero");
  RD /= RS;
  NEXT();
}
ALU(h_mod64i, RD %= UIMM)
ALU(h_mod64iz, RD %= (uint32_t)d->imm)
H(h_mod64r) {
  if (UNLIKELY(RS == 0)) FAIL("DivideByZero");
  RD %= RS;
  NEXT();
}
ALU(h_or64i, RD |= UIMM)
ALU(h_or64r, RD |= RS)
ALU(h_and64i, RD &= UIMM)
ALU(h_and64r, RD &= RS)
ALU(h_xor64i, RD ^= UIMM)
ALU(h_xor64r, RD ^= RS)
ALU(h_lsh64i, RD <<= (d->imm & 63))
ALU(h_lsh64r, RD <<= (RS & 63))
ALU(h_rsh64i, RD >>= (d->imm & 63))
ALU(h_rsh64r, RD >>= (RS & 63))
ALU(h_arsh64i, RD = (uint64_t)((int64_t)RD >> (d->imm & 63)))
ALU(h_arsh64r, RD = (uint64_t)((int64_t)RD >> (RS & 63)))
ALU(h_neg64, RD = 0 - RD)
ALU(h_mov64i, RD = UIMM)
ALU(h_mov64r, RD = RS)
ALU(h_hor64, RD |= (uint64_t)(uint32_t)d->imm << 32)

ALU(h_lmul32i, RD = (uint32_t)((uint32_t)RD * (uint32_t)d->imm))
ALU(h_lmul32r, RD = (uint32_t)((uint32_t)RD * (uint32_t)RS))
ALU(h_uhmul64i, RD = (uint64_t)(((unsigned __int128)RD * (uint32_t)d->imm) >> 64))
ALU(h_uhmul64r, RD = (uint64_t)(((unsigned __int128)RD * RS) >> 64))
ALU(h_shmul64i, RD = (uint64_t)(((__int128)(int64_t)RD * IMM) >> 64))
ALU(h_shmul64r, RD = (uint64_t)(((__int128)(int64_t)RD * (int64_t)RS) >> 64))
H(h_sdiv32i) {
  if (UNLIKELY((int32_t)RD == INT32_MIN && d->imm == -1)) FAIL("DivideOverflow");
  RD = (uint32_t)((int32_t)RD / d->imm);
  NEXT();
}
H(h_sdiv32r) {
  if (UNLIKELY((int32_t)RS == 0)) FAIL("DivideByZero");
  if (UNLIKELY((int32_t)RD == INT32_MIN && (int32_t)RS == -1)) FAIL("DivideOverflow");
  RD = (uint32_t)((int32_t)RD / (int32_t)RS);
  NEXT();
}
H(h_sdiv64i) {
  if (UNLIKELY((int64_t)RD == INT64_MIN && IMM == -1)) FAIL("DivideOverflow");
  RD = (uint64_t)((int64_t)RD / IMM);
  NEXT();
}
H(h_sdiv64r) {
  if (UNLIKELY(RS == 0)) FAIL("DivideByZero");
  if (UNLIKELY((int64_t)RD == INT64_MIN && (int64_t)RS == -1)) FAIL("DivideOverflow");
  RD = (uint64_t)((int64_t)RD / (int64_t)RS);
  NEXT();
}
H(h_srem32i) {
  if (UNLIKELY((int32_t)RD == INT32_MIN && d->imm == -1)) FAIL("DivideOverflow");
  RD = (uint32_t)((int32_t)RD % d->imm);
  NEXT();
}
H(h_srem32r) {
  if (UNLIKELY((int32_t)RS == 0)) FAIL("DivideByZero");
  if (UNLIKELY((int32_t)RD == INT32_MIN && (int32_t)RS == -1)) FAIL("DivideOverflow");
  RD = (uint32_t)((int32_t)RD % (int32_t)RS);
  NEXT();
}
H(h_srem64i) {
  if (UNLIKELY((int64_t)RD == INT64_MIN && IMM == -1)) FAIL("DivideOverflow");
  RD = (uint64_t)((int64_t)RD % IMM);
  NEXT();
}
H(h_srem64r) {
  if (UNLIKELY(RS == 0)) FAIL("DivideByZero");
  if (UNLIKELY((int64_t)RD == INT64_MIN && (int64_t)RS == -1)) FAIL("DivideOverflow");
  RD = (uint64_t)((int64_t)RD % (int64_t)RS);
  NEXT();
}

H(h_ja) { CHARGE_TO((dinsn *)((char *)d + d->off)); }
JMPH(h_jeqi, RD == UIMM)
JMPH(h_jeqr, RD == RS)
JMPH(h_jgti, RD > UIMM)
JMPH(h_jgtr, RD > RS)
JMPH(h_jgei, RD >= UIMM)
JMPH(h_jger, RD >= RS)
JMPH(h_jlti, RD < UIMM)
JMPH(h_jltr, RD < RS)
JMPH(h_jlei, RD <= UIMM)
JMPH(h_jler, RD <= RS)
JMPH(h_jseti, (RD & UIMM) != 0)
JMPH(h_jsetr, (RD & RS) != 0)
JMPH(h_jnei, RD != UIMM)
JMPH(h_jner, RD != RS)
JMPH(h_jsgti, (int64_t)RD > IMM)
JMPH(h_jsgtr, (int64_t)RD > (int64_t)RS)
JMPH(h_jsgei, (int64_t)RD >= IMM)
JMPH(h_jsger, (int64_t)RD >= (int64_t)RS)
JMPH(h_jslti, (int64_t)RD < IMM)
JMPH(h_jsltr, (int64_t)RD < (int64_t)RS)
JMPH(h_jslei, (int64_t)RD <= IMM)
JMPH(h_jsler, (int64_t)RD <= (int64_t)RS)
JMPH(h_jeq32i, (uint32_t)RD == (uint32_t)d->imm)
JMPH(h_jeq32r, (uint32_t)RD == (uint32_t)RS)
JMPH(h_jgt32i, (uint32_t)RD > (uint32_t)d->imm)
JMPH(h_jgt32r, (uint32_t)RD > (uint32_t)RS)
JMPH(h_jge32i, (uint32_t)RD >= (uint32_t)d->imm)
JMPH(h_jge32r, (uint32_t)RD >= (uint32_t)RS)
JMPH(h_jlt32i, (uint32_t)RD < (uint32_t)d->imm)
JMPH(h_jlt32r, (uint32_t)RD < (uint32_t)RS)
JMPH(h_jle32i, (uint32_t)RD <= (uint32_t)d->imm)
JMPH(h_jle32r, (uint32_t)RD <= (uint32_t)RS)
JMPH(h_jset32i, ((uint32_t)RD & (uint32_t)d->imm) != 0)
JMPH(h_jset32r, ((uint32_t)RD & (uint32_t)RS) != 0)
JMPH(h_jne32i, (uint32_t)RD != (uint32_t)d->imm)
JMPH(h_jne32r, (uint32_t)RD != (uint32_t)RS)
JMPH(h_jsgt32i, (int32_t)RD > d->imm)
JMPH(h_jsgt32r, (int32_t)RD > (int32_t)RS)
JMPH(h_jsge32i, (int32_t)RD >= d->imm)
JMPH(h_jsge32r, (int32_t)RD >= (int32_t)RS)
JMPH(h_jslt32i, (int32_t)RD < d->imm)
JMPH(h_jslt32r, (int32_t)RD < (int32_t)RS)
JMPH(h_jsle32i, (int32_t)RD <= d->imm)
JMPH(h_jsle32r, (int32_t)RD <= (int32_t)RS)

/* push_frame: save r6..r9 and r10, bump r10 with fixed frames. 0, or -1 at the limit. */
static inline int push_frame(dinsn *d, uint64_t *r) {
  frame *f = &G.frames[G.depth];
  f->saved[0] = r[6], f->saved[1] = r[7], f->saved[2] = r[8], f->saved[3] = r[9];
  f->fp = r[10];
  f->ret = d + 1;
  G.depth++;
  if (UNLIKELY(G.depth == G.max_depth)) return -1;
  r[10] += G.frame_bump;
  return 0;
}

H(h_call) {
  /* a terminator: `left` is the exact meter here */
  if (d->off >= 0) {
    /* interpreter.rs dispatch_syscall: the meter is synchronised around the call */
    c->insn_count += G.synced - left;
    c->remaining = left;
    uint64_t args[5] = {r[1], r[2], r[3], r[4], r[5]}, r0 = 0;
    int rc = svc_syscall_call(c, d->off, args, &r0);
    left = G.synced = c->remaining;
    if (rc) {
      c->origin = SVC_ORIGIN_SYSCALL;
      return -1;
    }
    r[0] = r0;
  }
  if (d->imm >= 0) {
    if (push_frame(d, r)) FAIL("CallDepthExceeded");
    if (UNLIKELY((uint64_t)d->imm >= G.n)) FAIL("CallOutsideTextSegment");
    CHARGE_TO(G.code + d->imm);
  }
  CHARGE_TO(d + 1);
}

H(h_callx) {
  uint64_t target = RS;
  if (push_frame(d, r)) FAIL("CallDepthExceeded");
  uint64_t tpc = (target - G.text_vaddr) / INSN_SIZE;
  if (UNLIKELY(tpc >= G.n)) FAIL("CallOutsideTextSegment");
  CHARGE_TO(G.code + tpc);
}

H(h_exit) {
  if (G.depth == 0) {
    c->exit_code = r[0];
    c->insn_count += G.synced - left;
    c->remaining = left;
    return 0;
  }
  frame *f = &G.frames[--G.depth];
  r[10] = f->fp;
  r[6] = f->saved[0], r[7] = f->saved[1], r[8] = f->saved[2], r[9] = f->saved[3];
  CHARGE_TO(f->ret);
}

H(h_meter_stop) {
  /* the meter is exhausted exactly here: this instruction is not counted */
  (void)d, (void)r, (void)left;
  c->insn_count += G.synced;
  c->remaining = 0;
  svc_fail(c, "ExceededMaxInstructions", 0);
  return -1;
}
H(h_overrun) { FAIL("ExecutionOverrun"); }
H(h_invalid) { FAIL("UnsupportedInstruction"); }

static const handler handlers[OP_COUNT] = {
#define OPS_FN_(name, fn, fp) [OP_##name] = fn,
    SBPF_OPS(OPS_FN_)
#undef OPS_FN_
};

int svc_engine_execute(svc_ctx *c) {
  const sbpf_exe *x = &the_exe;
  G.code = the_code;
  G.n = x->text_len / INSN_SIZE;
  G.max_depth = c->req.max_call_depth;
  G.frame_bump = 0;
  if (!v_manual_frames(x->version))
    G.frame_bump = (uint64_t)c->req.stack_frame_size * (svc_stack_gapped(c) ? 2 : 1);
  G.frames = svc_alloc(sizeof(frame) * G.max_depth);
  if (!G.frames) {
    svc_fail(c, "ServiceArenaExhausted", "call frames");
    c->status = SVC_FAULT;
    return -1;
  }
  G.depth = 0;
  G.patch = 0;
  build_tables(c);
  G.text_vaddr = x->text_vaddr;
  uint64_t r[11] = {0};
  r[1] = MM_INPUT_START;
  r[10] = MM_STACK_START + (v_manual_frames(x->version) ? (uint64_t)c->req.stack_frame_size * G.max_depth : c->req.stack_frame_size);
  uint64_t left = c->remaining;
  G.synced = left;
  dinsn *d = G.code + (x->entry_pc < G.n ? x->entry_pc : G.n);
  uint64_t k = d->blk;
  if (left < k) return h_limited(d, r, left, c);
  left -= k;
  return d->fn(d, r, left, c);
}
