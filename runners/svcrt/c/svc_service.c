/* svc_service.c — request decoding, aligned input serialization, deserialization + state diff,
 * response encoding: the service's phases around the execution engine. */
#include "svcrt.h"
SVC_ZBB_BEGIN

/* ---------------------------------------------------------------- request decoding */

static int bad(svc_ctx *c, const char *why) {
  svc_fail(c, "MalformedRequest", why);
  c->status = SVC_BAD_REQUEST;
  return -1;
}

static uint64_t pad8(uint64_t n) { return (8 - (n & 7)) & 7; }

/* Fixed-size parts are bounds-checked once and read at fixed offsets: decoding is paid for
 * in PVM gas on every invocation. */
#define REQ_HEADER 72u /* magic .. n_accounts */
#define REQ_ACCOUNT 84u /* key, owner, lamports, rent_epoch, data length */

/* The phases stay separate functions (noinline): `sbpf-pvm pvm profile` then names them, and
 * svc_run spills less; inlining them saves nothing measurable. */
__attribute__((noinline)) static int decode_request(svc_ctx *c, const uint8_t *p, size_t len) {
  const uint8_t *end = p + len;
  svc_request *q = &c->req;
  if (len < 4 || svc_rd32(p) != SVC_REQ_MAGIC) return bad(c, "bad magic");
  if (len < REQ_HEADER) return bad(c, "truncated header");
  q->flags = svc_rd32(p + 4);
  q->compute_budget = svc_rd64(p + 8);
  q->heap_size = svc_rd64(p + 16);
  q->max_call_depth = svc_rd32(p + 24);
  q->stack_frame_size = svc_rd32(p + 28);
  q->min_version = p[32];
  q->max_version = p[33];
  q->log_bytes = (uint16_t)(p[34] | p[35] << 8);
  q->program_id = p + 36;
  q->n_accounts = svc_rd32(p + 68);
  p += REQ_HEADER;
  if (q->max_call_depth == 0 || q->max_call_depth > 1024) return bad(c, "max_call_depth out of range");
  /* m hidden from the optimizer: it would turn fs & (fs - 1) into a 25-instruction popcount */
  uint32_t fs = q->stack_frame_size, m = fs - 1;
  __asm__("" : "+r"(m));
  if (fs == 0 || fs > (1u << 20) || (fs & m)) return bad(c, "stack_frame_size must be a power of two up to 1 MiB");
  if (q->heap_size > (256u << 10)) return bad(c, "heap_size above 256 KiB");
  if (q->n_accounts > SVC_MAX_ACCOUNTS) return bad(c, "too many accounts");
  q->accounts = svc_alloc(sizeof(svc_account) * (q->n_accounts ? q->n_accounts : 1));
  if (!q->accounts) return bad(c, "arena exhausted");
  int mask_rent = (q->flags & SVC_FLAG_MASK_RENT_EPOCH) != 0;
  uint64_t in = 8; /* the input region's layout, laid out while decoding: account count */
  for (uint32_t i = 0; i < q->n_accounts; i++) {
    svc_account *a = &q->accounts[i];
    a->off = in;
    in += 8; /* a duplicate is its marker and 7 bytes of padding */
    if (end - p < 2) return bad(c, "truncated account");
    a->dup_of = p[0];
    uint8_t f = p[1];
    p += 2;
    if (f > 7) return bad(c, "unknown account flag bits");
    a->signer = f & 1, a->writable = (f >> 1) & 1, a->executable = (f >> 2) & 1;
    if (a->dup_of != 0xFF) {
      if (a->dup_of >= i || q->accounts[a->dup_of].dup_of != 0xFF) return bad(c, "duplicate refers to a later or duplicate account");
      continue;
    }
    if ((size_t)(end - p) < REQ_ACCOUNT) return bad(c, "truncated account");
    a->key = p;
    a->owner = p + 32;
    a->lamports = svc_rd64(p + 64);
    a->rent_epoch = mask_rent ? ~0ull : svc_rd64(p + 72);
    a->data_len = svc_rd32(p + 80);
    p += REQ_ACCOUNT;
    if (a->data_len > (size_t)(end - p)) return bad(c, "truncated account");
    a->data = p;
    p += a->data_len;
    if (a->data_len > MAX_PERMITTED_DATA_LENGTH) return bad(c, "account data above 10 MiB");
    in += SVC_IN_DATA - 8 + a->data_len + MAX_PERMITTED_DATA_INCREASE + pad8(a->data_len) + 8;
  }
  if (end - p < 4) return bad(c, "truncated instruction data");
  q->ix_len = svc_rd32(p);
  p += 4;
  if (q->ix_len > (size_t)(end - p) || (size_t)(end - p) - q->ix_len < 4) return bad(c, "truncated instruction data");
  q->ix_data = p;
  p += q->ix_len;
  q->input_size = in + 8 + q->ix_len + 32; /* instruction data length, data, program id */
  q->n_sysvars = svc_rd32(p);
  p += 4;
  if (q->n_sysvars > 64) return bad(c, "too many sysvars");
  /* only framed here; sol_get_*_sysvar walks the records (rare, and 4 of them at most) */
  q->sysvars = p;
  for (uint32_t i = 0; i < q->n_sysvars; i++) {
    if (end - p < 8) return bad(c, "truncated sysvars or program");
    uint32_t vlen = svc_rd32(p + 4);
    p += 8;
    if (vlen > (size_t)(end - p)) return bad(c, "truncated sysvars or program");
    p += vlen;
  }
  if (end - p < 4) return bad(c, "truncated sysvars or program");
  q->elf_len = svc_rd32(p);
  p += 4;
  if (q->elf_len > (size_t)(end - p)) return bad(c, "truncated sysvars or program");
  q->elf = p;
  if (p + q->elf_len != end) return bad(c, "trailing bytes");
  return 0;
}

/* ---------------------------------------------------------------- serialization */

/* program-runtime serialization.rs serialize_parameters_aligned, into the layout decoding
 * computed (svc_account.off, svc_request.input_size). The region comes zeroed from the
 * arena: padding and the realloc space are not written. */
__attribute__((noinline)) static int serialize_input(svc_ctx *c) {
  svc_request *q = &c->req;
  uint64_t size = q->input_size;
  uint8_t *m = svc_alloc(size);
  if (!m) {
    svc_fail(c, "ServiceArenaExhausted", "input region");
    c->status = SVC_FAULT;
    return -1;
  }
  svc_wr64(m, q->n_accounts);
  for (uint32_t i = 0; i < q->n_accounts; i++) {
    svc_account *a = &q->accounts[i];
    uint8_t *r = m + a->off;
    if (a->dup_of != 0xFF) {
      r[0] = a->dup_of;
      continue;
    }
    r[0] = 0xFF, r[1] = a->signer, r[2] = a->writable, r[3] = a->executable;
    svc_copy32(r + SVC_IN_KEY, a->key);
    svc_copy32(r + SVC_IN_OWNER, a->owner);
    svc_wr64(r + SVC_IN_LAMPORTS, a->lamports);
    svc_wr64(r + SVC_IN_DATA_LEN, a->data_len);
    if (a->data_len) svc_memcpy(r + SVC_IN_DATA, a->data, a->data_len);
    svc_wr64(r + SVC_IN_DATA + a->data_len + MAX_PERMITTED_DATA_INCREASE + pad8(a->data_len), a->rent_epoch);
  }
  uint8_t *t = m + size - 32 - q->ix_len - 8;
  svc_wr64(t, q->ix_len);
  if (q->ix_len) svc_memcpy(t + 8, q->ix_data, q->ix_len);
  svc_copy32(t + 8 + q->ix_len, q->program_id);
  c->input = m;
  c->input_len = size;
  c->regions[4] = (svc_region){m, MM_INPUT_START, size, 1, 63};
  return 0;
}

int svc_stack_gapped(const svc_ctx *c) { return c->version == SBPF_V0 && (c->req.flags & SVC_FLAG_STACK_GAPS); }

__attribute__((noinline)) static int setup_stack_heap(svc_ctx *c) {
  svc_request *q = &c->req;
  uint64_t stack_len = (uint64_t)q->stack_frame_size * q->max_call_depth;
  uint8_t *stack = svc_alloc(stack_len);
  uint8_t *heap = svc_alloc(q->heap_size ? q->heap_size : 1);
  if (!stack || !heap) {
    svc_fail(c, "ServiceArenaExhausted", "stack or heap");
    c->status = SVC_FAULT;
    return -1;
  }
  uint8_t shift = 63;
  if (svc_stack_gapped(c)) shift = (uint8_t)__builtin_ctz(q->stack_frame_size);
  c->regions[2] = (svc_region){stack, MM_STACK_START, stack_len, 1, shift};
  c->regions[3] = (svc_region){heap, MM_HEAP_START, q->heap_size, 1, 63};
  return 0;
}

/* ---------------------------------------------------------------- deserialization + diff */

typedef struct svc_change {
  uint32_t index;
  uint8_t mask;
  uint64_t lamports;
  const uint8_t *owner;
  const uint8_t *data;
  uint64_t data_len;
} svc_change;

static svc_change *changes;
static uint32_t n_changes;

/* serialization.rs deserialize_parameters_aligned with the BorrowedAccount rules, in
 * Agave's order (the first violated rule is the one reported), then the lamport balance
 * check TransactionContext::pop makes. Mirrors solana/deserialize.go. */
#define MAX_ALLOCATIONS_PER_TX (20ull * 1024 * 1024)

static int is_zeroed(const uint8_t *p, uint64_t n) {
  for (uint64_t i = 0; i < n; i++)
    if (p[i]) return 0;
  return 1;
}

__attribute__((noinline)) static int deserialize_diff(svc_ctx *c) {
  svc_request *q = &c->req;
  changes = svc_alloc(sizeof(svc_change) * (q->n_accounts ? q->n_accounts : 1));
  n_changes = 0;
  if (!changes) {
    svc_fail(c, "ServiceArenaExhausted", "diff");
    c->status = SVC_FAULT;
    return -1;
  }
  int64_t resize_delta = 0;
  uint64_t pre_hi = 0, pre_lo = 0, post_hi = 0, post_lo = 0;
  for (uint32_t i = 0; i < q->n_accounts; i++) {
    svc_account *a = &q->accounts[i];
    if (a->dup_of != 0xFF) continue;
    int owned = svc_eq32(a->owner, q->program_id);
    const uint8_t *r = c->input + a->off;
    const uint8_t *owner = r + SVC_IN_OWNER;
    uint64_t lamports = svc_rd64(r + SVC_IN_LAMPORTS);
    svc_change ch = {i, 0, a->lamports, a->owner, a->data, a->data_len};
    if (lamports != a->lamports) {
      if (!owned && lamports < a->lamports) return svc_fail(c, "ExternalAccountLamportSpend", 0);
      if (!a->writable) return svc_fail(c, "ReadonlyLamportChange", 0);
      ch.lamports = lamports;
      ch.mask |= 1;
    }
    uint64_t post_len = svc_rd64(r + SVC_IN_DATA_LEN);
    if ((post_len > a->data_len && post_len - a->data_len > MAX_PERMITTED_DATA_INCREASE) || post_len > MAX_PERMITTED_DATA_LENGTH)
      return svc_fail(c, "InvalidRealloc", "account data grew beyond the realloc limit");
    const uint8_t *data = r + SVC_IN_DATA;
    int same = post_len == a->data_len && (post_len == 0 || svc_memcmp(data, a->data, post_len) == 0);
    const char *err = 0;
    if (post_len != a->data_len && !owned) err = "AccountDataSizeChanged";
    else if (resize_delta + (int64_t)post_len - (int64_t)a->data_len > (int64_t)MAX_ALLOCATIONS_PER_TX) err = "MaxAccountsDataAllocationsExceeded";
    else if (!a->writable) err = "ReadonlyDataModified";
    else if (!owned) err = "ExternalAccountDataModified";
    if (err) {
      if (!same) return svc_fail(c, err, 0);
    } else {
      resize_delta += (int64_t)post_len - (int64_t)a->data_len;
      if (!same) ch.data = data, ch.data_len = post_len, ch.mask |= 2;
    }
    if (!svc_eq32(owner, a->owner)) {
      if (!owned || !a->writable || !is_zeroed(ch.data, ch.data_len)) return svc_fail(c, "ModifiedProgramId", 0);
      ch.owner = owner;
      ch.mask |= 4;
    }
    uint64_t lo = pre_lo + a->lamports;
    pre_hi += lo < pre_lo, pre_lo = lo;
    lo = post_lo + ch.lamports;
    post_hi += lo < post_lo, post_lo = lo;
    if (ch.mask) changes[n_changes++] = ch;
  }
  if (pre_hi != post_hi || pre_lo != post_lo) {
    n_changes = 0;
    svc_fail(c, "UnbalancedInstruction", 0);
    c->origin = SVC_ORIGIN_BALANCE;
    return -1;
  }
  return 0;
}

/* ---------------------------------------------------------------- response */

static size_t str_len(const char *s, int ok) {
  size_t n = ok || !s ? 0 : svc_strlen(s);
  return n > 0xFFFF ? 0xFFFF : n;
}

/* The exact size of the response encode writes. */
static size_t response_size(svc_ctx *c, int with_state) {
  int ok = c->status == SVC_OK;
  size_t n = 4 + 1 + 1 + 2 + str_len(c->err_kind, ok) + 2 + str_len(c->err_detail, ok) + 8 * 3 + 8 * 5 + 1;
  if (c->has_return_data) n += 32 + 4 + c->return_len;
  n += 4;
  if (with_state)
    for (uint32_t i = 0; i < n_changes; i++) n += 4 + 1 + 8 + 32 + (changes[i].mask & 2 ? 4 + changes[i].data_len : 0);
  return n + 4 + svc_log_wire_size();
}

static uint8_t *put(uint8_t *p, const void *s, size_t n) {
  svc_memcpy(p, s, n);
  return p + n;
}
static uint8_t *put_str16(uint8_t *p, const char *s, size_t n) {
  p[0] = (uint8_t)n, p[1] = (uint8_t)(n >> 8);
  return n ? put(p + 2, s, n) : p + 2;
}

/* Writes the response into out, which holds response_size(c, with_state) bytes; returns
 * the end. One pass: the size is known before, so no field is bounds-checked. */
static uint8_t *encode(svc_ctx *c, uint8_t *p, int with_state) {
  int ok = c->status == SVC_OK;
  svc_wr32(p, SVC_RESP_MAGIC);
  p[4] = (uint8_t)c->status;
  p[5] = (uint8_t)c->origin;
  p = put_str16(p + 6, c->err_kind, str_len(c->err_kind, ok));
  p = put_str16(p, c->err_detail, str_len(c->err_detail, ok));
  svc_wr64(p, c->exit_code);
  svc_wr64(p + 8, c->req.compute_budget - c->remaining);
  svc_wr64(p + 16, c->insn_count);
  p += 24;
  for (int i = 0; i < 5; i++, p += 8) svc_wr64(p, c->gas_marks[i]);
  /* return data is reported whether or not the program succeeded, as Agave does */
  *p++ = c->has_return_data;
  if (c->has_return_data) {
    svc_copy32(p, c->return_program_id);
    p += 32;
    svc_wr32(p, c->return_len);
    p = put(p + 4, c->return_data, c->return_len);
  }
  uint32_t nch = with_state ? n_changes : 0;
  svc_wr32(p, nch);
  p += 4;
  for (uint32_t i = 0; i < nch; i++) {
    svc_change *ch = &changes[i];
    svc_wr32(p, ch->index);
    p[4] = ch->mask;
    svc_wr64(p + 5, ch->lamports);
    svc_copy32(p + 13, ch->owner);
    p += 45;
    if (ch->mask & 2) {
      svc_wr32(p, (uint32_t)ch->data_len);
      p = put(p + 4, ch->data, ch->data_len);
    }
  }
  svc_wr32(p, svc_log_count());
  p += 4;
  const uint8_t *wire;
  uint32_t size;
  for (void *e = svc_log_first(); e;) {
    e = svc_log_next(e, &wire, &size);
    p = put(p, wire, size);
  }
  return p;
}

static svc_ctx the_ctx;

const uint8_t *svc_run(const uint8_t *buf, size_t len, size_t *out_len) {
  svc_ctx *c = &the_ctx;
  /* A PVM invocation starts from zeroed memory; only a host process that serves several
   * requests needs the context cleared again. */
  static int used;
  if (used) svc_memset(c, 0, sizeof *c);
  used = 1;
  changes = 0;
  n_changes = 0;
  c->gas_marks[0] = svc_host_gas();
  int ok = decode_request(c, buf, len) == 0;
  /* The host logs "Program <id> invoke [1]" itself; the budget starts with its bytes. */
  svc_logs_reset(ok ? c->req.log_bytes : 0);
  if (ok) {
    c->remaining = c->req.compute_budget;
    ok = svc_engine_load(c, c->req.elf, c->req.elf_len) == 0;
    if (!ok) c->origin = SVC_ORIGIN_LOAD;
  }
  c->gas_marks[1] = svc_host_gas();
  if (ok) {
    /* Agave charges the heap above the first 32 KiB before the program starts. */
    uint64_t pages = (c->req.heap_size + 32767) / 32768;
    uint64_t heap_cost = pages ? (pages - 1) * CU_HEAP_COST : 0;
    ok = setup_stack_heap(c) == 0 && serialize_input(c) == 0 && svc_consume(c, heap_cost) == 0;
    if (!ok) c->origin = SVC_ORIGIN_SETUP;
  }
  c->gas_marks[2] = svc_host_gas();
  if (ok) {
    c->origin = SVC_ORIGIN_VM; /* the engine sets SVC_ORIGIN_SYSCALL for syscall failures */
    ok = svc_engine_execute(c) == 0;
    if (ok) c->origin = SVC_ORIGIN_NONE;
  }
  c->gas_marks[3] = svc_host_gas();
  /* Agave deserializes only after a program that returned SUCCESS (0). */
  if (ok && c->exit_code == 0) {
    ok = deserialize_diff(c) == 0;
    if (!ok && c->origin == SVC_ORIGIN_NONE) c->origin = SVC_ORIGIN_DESERIALIZE;
  }
  c->gas_marks[4] = svc_host_gas();
  if (ok) c->status = SVC_OK;

  size_t need = response_size(c, ok);
  uint8_t *out = svc_alloc(need);
  if (!out) {
    /* Not even room for the answer: drop the state and logs, keep the verdict. */
    svc_logs_reset(0);
    c->status = SVC_FAULT;
    c->err_kind = "ServiceArenaExhausted";
    c->err_detail[0] = 0;
    c->has_return_data = 0;
    static uint8_t small[256];
    *out_len = (size_t)(encode(c, small, 0) - small);
    return small;
  }
  *out_len = (size_t)(encode(c, out, ok) - out);
  return out;
}

const svc_ctx *svc_last_ctx(void) { return &the_ctx; }

SVC_ZBB_END
