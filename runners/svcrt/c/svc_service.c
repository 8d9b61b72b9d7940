/* svc_service.c — request decoding, aligned input serialization, deserialization + state diff,
 * response encoding: the service's phases around the execution engine. */
#include "svcrt.h"

/* ---------------------------------------------------------------- request decoding */

typedef struct rd {
  const uint8_t *p, *end;
  int bad;
} rd;

static const uint8_t *rd_take(rd *r, uint64_t n) {
  if (r->bad || (uint64_t)(r->end - r->p) < n) {
    r->bad = 1;
    return 0;
  }
  const uint8_t *q = r->p;
  r->p += n;
  return q;
}
static uint8_t rd_u8(rd *r) {
  const uint8_t *q = rd_take(r, 1);
  return q ? *q : 0;
}
static uint32_t rd_u32(rd *r) {
  const uint8_t *q = rd_take(r, 4);
  return q ? svc_rd32(q) : 0;
}
static uint64_t rd_u64(rd *r) {
  const uint8_t *q = rd_take(r, 8);
  return q ? svc_rd64(q) : 0;
}
static const uint8_t *rd_bytes(rd *r, uint32_t *len) {
  *len = rd_u32(r);
  return rd_take(r, *len);
}

static int bad(svc_ctx *c, const char *why) {
  svc_fail(c, "MalformedRequest", why);
  c->status = SVC_BAD_REQUEST;
  return -1;
}

static int decode_request(svc_ctx *c, const uint8_t *buf, size_t len) {
  rd r = {buf, buf + len, 0};
  svc_request *q = &c->req;
  if (rd_u32(&r) != SVC_REQ_MAGIC) return bad(c, "bad magic");
  q->flags = rd_u32(&r);
  q->compute_budget = rd_u64(&r);
  q->heap_size = rd_u64(&r);
  q->max_call_depth = rd_u32(&r);
  q->stack_frame_size = rd_u32(&r);
  q->min_version = rd_u8(&r);
  q->max_version = rd_u8(&r);
  q->log_bytes = rd_u8(&r);
  q->log_bytes |= (uint16_t)(rd_u8(&r) << 8);
  q->program_id = rd_take(&r, 32);
  q->n_accounts = rd_u32(&r);
  if (r.bad) return bad(c, "truncated header");
  if (q->max_call_depth == 0 || q->max_call_depth > 1024) return bad(c, "max_call_depth out of range");
  if (q->stack_frame_size == 0 || q->stack_frame_size > (1u << 20) || (q->stack_frame_size & (q->stack_frame_size - 1)))
    return bad(c, "stack_frame_size must be a power of two up to 1 MiB");
  if (q->heap_size > (256u << 10)) return bad(c, "heap_size above 256 KiB");
  if (q->n_accounts > SVC_MAX_ACCOUNTS) return bad(c, "too many accounts");
  q->accounts = svc_alloc(sizeof(svc_account) * (q->n_accounts ? q->n_accounts : 1));
  if (!q->accounts) return bad(c, "arena exhausted");
  for (uint32_t i = 0; i < q->n_accounts; i++) {
    svc_account *a = &q->accounts[i];
    a->dup_of = rd_u8(&r);
    uint8_t f = rd_u8(&r);
    if (f > 7) return bad(c, "unknown account flag bits");
    a->signer = f & 1, a->writable = (f >> 1) & 1, a->executable = (f >> 2) & 1;
    if (a->dup_of != 0xFF) {
      if (a->dup_of >= i || q->accounts[a->dup_of].dup_of != 0xFF) return bad(c, "duplicate refers to a later or duplicate account");
      continue;
    }
    a->key = rd_take(&r, 32);
    a->owner = rd_take(&r, 32);
    a->lamports = rd_u64(&r);
    a->rent_epoch = rd_u64(&r);
    a->data = rd_bytes(&r, &a->data_len);
    if (r.bad) return bad(c, "truncated account");
    if (a->data_len > MAX_PERMITTED_DATA_LENGTH) return bad(c, "account data above 10 MiB");
  }
  q->ix_data = rd_bytes(&r, &q->ix_len);
  q->n_sysvars = rd_u32(&r);
  if (r.bad) return bad(c, "truncated instruction data");
  if (q->n_sysvars > 64) return bad(c, "too many sysvars");
  q->sysvars = svc_alloc(sizeof(svc_sysvar) * (q->n_sysvars ? q->n_sysvars : 1));
  if (!q->sysvars) return bad(c, "arena exhausted");
  for (uint32_t i = 0; i < q->n_sysvars; i++) {
    q->sysvars[i].kind = rd_u32(&r);
    q->sysvars[i].value = rd_bytes(&r, &q->sysvars[i].len);
  }
  q->elf = rd_bytes(&r, &q->elf_len);
  if (r.bad) return bad(c, "truncated sysvars or program");
  if (r.p != r.end) return bad(c, "trailing bytes");
  return 0;
}

/* ---------------------------------------------------------------- serialization */

static uint64_t pad8(uint64_t n) { return (8 - (n & 7)) & 7; }

/* program-runtime serialization.rs serialize_parameters_aligned */
static int serialize_input(svc_ctx *c) {
  svc_request *q = &c->req;
  uint64_t size = 8;
  for (uint32_t i = 0; i < q->n_accounts; i++) {
    svc_account *a = &q->accounts[i];
    size += 1;
    if (a->dup_of != 0xFF) size += 7;
    else size += 3 + 4 + 32 + 32 + 8 + 8 + 8 + a->data_len + MAX_PERMITTED_DATA_INCREASE + pad8(a->data_len);
  }
  size += 8 + q->ix_len + 32;
  uint8_t *m = svc_alloc(size);
  if (!m) {
    svc_fail(c, "ServiceArenaExhausted", "input region");
    c->status = SVC_FAULT;
    return -1;
  }
  uint64_t o = 0;
  svc_wr64(m + o, q->n_accounts), o += 8;
  for (uint32_t i = 0; i < q->n_accounts; i++) {
    svc_account *a = &q->accounts[i];
    if (a->dup_of != 0xFF) {
      m[o] = a->dup_of;
      o += 8;
      continue;
    }
    m[o++] = 0xFF;
    m[o++] = a->signer;
    m[o++] = a->writable;
    m[o++] = a->executable;
    o += 4;
    svc_memcpy(m + o, a->key, 32), o += 32;
    a->off_owner = o;
    svc_memcpy(m + o, a->owner, 32), o += 32;
    a->off_lamports = o;
    svc_wr64(m + o, a->lamports), o += 8;
    a->off_data_len = o;
    svc_wr64(m + o, a->data_len), o += 8;
    a->off_data = o;
    svc_memcpy(m + o, a->data, a->data_len);
    o += a->data_len + MAX_PERMITTED_DATA_INCREASE + pad8(a->data_len);
    svc_wr64(m + o, (q->flags & SVC_FLAG_MASK_RENT_EPOCH) ? ~0ull : a->rent_epoch), o += 8;
  }
  svc_wr64(m + o, q->ix_len), o += 8;
  svc_memcpy(m + o, q->ix_data, q->ix_len), o += q->ix_len;
  svc_memcpy(m + o, q->program_id, 32), o += 32;
  c->input = m;
  c->input_len = size;
  c->regions[4] = (svc_region){m, MM_INPUT_START, size, 1, 63};
  return 0;
}

static int setup_stack_heap(svc_ctx *c) {
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
  if (c->version == SBPF_V0 && (q->flags & SVC_FLAG_STACK_GAPS)) shift = (uint8_t)__builtin_ctz(q->stack_frame_size);
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

static int deserialize_diff(svc_ctx *c) {
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
    int owned = svc_memcmp(a->owner, q->program_id, 32) == 0;
    const uint8_t *owner = c->input + a->off_owner;
    uint64_t lamports = svc_rd64(c->input + a->off_lamports);
    svc_change ch = {i, 0, a->lamports, a->owner, a->data, a->data_len};
    if (lamports != a->lamports) {
      if (!owned && lamports < a->lamports) return svc_fail(c, "ExternalAccountLamportSpend", 0);
      if (!a->writable) return svc_fail(c, "ReadonlyLamportChange", 0);
      ch.lamports = lamports;
      ch.mask |= 1;
    }
    uint64_t post_len = svc_rd64(c->input + a->off_data_len);
    if ((post_len > a->data_len && post_len - a->data_len > MAX_PERMITTED_DATA_INCREASE) || post_len > MAX_PERMITTED_DATA_LENGTH)
      return svc_fail(c, "InvalidRealloc", "account data grew beyond the realloc limit");
    const uint8_t *data = c->input + a->off_data;
    int same = post_len == a->data_len && svc_memcmp(data, a->data, post_len) == 0;
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
    if (svc_memcmp(owner, a->owner, 32) != 0) {
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
  return put(p + 2, s, n);
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
    p = put(p, c->return_program_id, 32);
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
    p = put(p + 13, ch->owner, 32);
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
