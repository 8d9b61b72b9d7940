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

/* Fixed-size parts are bounds-checked once and read at fixed offsets: decoding is paid for
 * in PVM gas on every invocation. */
#define REQ_ACCOUNT 84u /* key, owner, lamports, rent_epoch, data length */

/* The input region's bytes for a (non-duplicate) account of n data bytes: header, data,
 * 10 KiB of realloc space, padding to 8, rent epoch. */
static uint64_t in_account_size(uint64_t n) { return SVC_IN_DATA + ((n + MAX_PERMITTED_DATA_INCREASE + 7) & ~7ull) + 8; }

/* The phases stay separate functions (noinline): `sbpf-pvm pvm profile` then names them, and
 * svc_run spills less; inlining them saves nothing measurable. */
__attribute__((noinline)) static int decode_request(svc_ctx *c, const uint8_t *p, size_t len) {
  const uint8_t *end = p + len;
  svc_request *q = &c->req;
  if (len < SVC_REQ_HEADER || svc_rd32(p) != SVC_REQ_MAGIC)
    return bad(c, len < 4 || svc_rd32(p) != SVC_REQ_MAGIC ? "bad magic" : "truncated header");
  /* svc_request starts with the wire header's layout: nine words (a memcpy call would be
   * the SDK's bytewise one) */
  for (unsigned k = 0; k < SVC_REQ_HEADER; k += 8) svc_wr64((uint8_t *)q + k, svc_rd64(p + k));
  p += SVC_REQ_HEADER;
  /* m hidden from the optimizer: it would turn fs & (fs - 1) into a 25-instruction popcount */
  uint32_t fs = q->stack_frame_size, m = fs - 1;
  __asm__("" : "+r"(m));
  uint32_t n = q->n_accounts;
  /* the range checks in one branch (fewer blocks: gp080 prices each); the message of the
   * first failing one after it */
  if ((q->max_call_depth - 1 >= 1024) | (m >= (1u << 20)) | ((fs & m) != 0) | (q->heap_size > (256u << 10)) |
      (n > SVC_MAX_ACCOUNTS)) {
    if (q->max_call_depth - 1 >= 1024) return bad(c, "max_call_depth out of range");
    if (m >= (1u << 20) || (fs & m)) return bad(c, "stack_frame_size must be a power of two up to 1 MiB");
    if (q->heap_size > (256u << 10)) return bad(c, "heap_size above 256 KiB");
    return bad(c, "too many accounts");
  }
  uint64_t in = 8; /* the input region's layout, laid out while decoding: account count */
  if (n) {
    svc_account *accs = svc_alloc(sizeof(svc_account) * n);
    if (!accs) return bad(c, "arena exhausted");
    q->accounts = accs;
    for (uint32_t i = 0; i < n; i++) {
      svc_account *a = &accs[i];
      a->off = in;
      if (end - p < 2) return bad(c, "truncated account");
      uint8_t dup = p[0], f = p[1];
      p += 2;
      if (f > 7) return bad(c, "unknown account flag bits");
      a->dup_of = dup, a->flags = f;
      if (dup != 0xFF) {
        if (dup >= i || accs[dup].dup_of != 0xFF) return bad(c, "duplicate refers to a later or duplicate account");
        in += 8; /* a duplicate is its marker and 7 bytes of padding */
        continue;
      }
      if ((size_t)(end - p) < REQ_ACCOUNT) return bad(c, "truncated account");
      uint32_t dl = svc_rd32(p + 80);
      a->rec = p;
      p += REQ_ACCOUNT;
      if (dl > (size_t)(end - p)) return bad(c, "truncated account");
      a->data = p, a->data_len = dl;
      p += dl;
      if (dl > MAX_PERMITTED_DATA_LENGTH) return bad(c, "account data above 10 MiB");
      in += in_account_size(dl);
    }
  }
  if (end - p < 4) return bad(c, "truncated instruction data");
  uint32_t ix = svc_rd32(p);
  p += 4;
  if (ix > (size_t)(end - p) || (size_t)(end - p) - ix < 4) return bad(c, "truncated instruction data");
  q->ix_len = ix;
  q->ix_data = p;
  p += ix;
  q->input_size = in + 8 + ix + 32; /* instruction data length, data, program id */
  uint32_t mask = svc_rd32(p);
  p += 4;
  if (mask > 15) return bad(c, "unknown sysvar kinds");
  uint32_t sv = svc_sysvar_bytes(mask);
  if ((size_t)(end - p) < sv + 4) return bad(c, "truncated sysvars or program");
  q->sysvar_mask = mask;
  q->sysvars = p;
  p += sv;
  uint32_t el = svc_rd32(p);
  p += 4;
  if (el != (size_t)(end - p)) return bad(c, el > (size_t)(end - p) ? "truncated sysvars or program" : "trailing bytes");
  q->elf = p;
  q->elf_len = el;
  return 0;
}

/* ---------------------------------------------------------------- serialization */

static int fault(svc_ctx *c, const char *what) {
  svc_fail(c, "ServiceArenaExhausted", what);
  c->status = SVC_FAULT;
  return -1;
}

static uint64_t up16(uint64_t n) { return (n + 15) & ~15ull; }

/* The input region's first 4 bytes of a non-duplicate account (dup marker 0xFF, signer,
 * writable, executable), by the request's flag byte. */
static const uint32_t acc_head[8] = {
    0x000000FF, 0x000001FF, 0x000100FF, 0x000101FF, 0x010000FF, 0x010001FF, 0x010100FF, 0x010101FF,
};

/* The stack, heap and input regions (one arena allocation; the arena is zero, so only what
 * is not zero is written) and the input: program-runtime serialization.rs
 * serialize_parameters_aligned, into the layout decoding computed (svc_account.off,
 * svc_request.input_size); padding and the realloc space are not written. */
__attribute__((noinline)) static int serialize_input(svc_ctx *c) {
  svc_request *q = &c->req;
  uint64_t stack_len = (uint64_t)q->stack_frame_size * q->max_call_depth, heap_len = q->heap_size;
  uint64_t size = q->input_size, sh = up16(stack_len) + up16(heap_len);
  size_t start = up16(svc_arena_used);
  if (sh + size > SVC_ARENA_SIZE - start) return fault(c, sh > SVC_ARENA_SIZE - start ? "stack or heap" : "input region");
  svc_arena_used = start + sh + size;
  uint8_t *stack = svc_arena + start, *heap = stack + up16(stack_len), *m = heap + up16(heap_len);
  /* vm_addr, writable and gap_shift 63 are preset (the_ctx's initializer) */
  c->regions[2].host = stack, c->regions[2].len = stack_len;
  if (svc_stack_gapped(c)) c->regions[2].gap_shift = (uint8_t)__builtin_ctz(q->stack_frame_size);
  c->regions[3].host = heap, c->regions[3].len = heap_len;
  c->regions[4].host = m, c->regions[4].len = size;
  /* Agave charges the heap above the first 32 KiB before the program starts (nothing for
   * the default 32 KiB) */
  uint64_t pages = (heap_len + 32767) >> 15;
  if (pages > 1 && svc_consume(c, (pages - 1) * CU_HEAP_COST)) return -1;

  uint32_t ix = q->ix_len;
  uint8_t *t = m + size - 32 - ix - 8;
  svc_wr64(t, ix);
  if (ix > 32) {
    svc_memcpy(t + 8, q->ix_data, ix);
  } else {
    /* whole words: the last one may run up to 7 bytes into the program id, written next,
     * and read up to 7 bytes past the data, into the request's sysvar count and ELF
     * length (8 bytes that always follow it) */
    for (uint32_t k = 0; k < ix; k += 8) svc_wr64(t + 8 + k, svc_rd64(q->ix_data + k));
  }
  svc_copy32(t + 8 + ix, q->program_id);
  uint32_t n = q->n_accounts;
  svc_wr64(m, n);
  if (n) {
    int mask_rent = (q->flags & SVC_FLAG_MASK_RENT_EPOCH) != 0;
    for (svc_account *a = q->accounts, *e = a + n; a < e; a++) {
      uint8_t *r = m + a->off;
      if (a->dup_of != 0xFF) {
        r[0] = a->dup_of;
        continue;
      }
      const uint8_t *s = a->rec;
      uint64_t dl = a->data_len;
      svc_wr32(r, acc_head[a->flags]);
      /* key, owner, lamports: 72 bytes in the same order */
      for (int k = 0; k < 72; k += 8) svc_wr64(r + SVC_IN_KEY + k, svc_rd64(s + k));
      svc_wr64(r + SVC_IN_DATA_LEN, dl);
      if (dl) svc_memcpy(r + SVC_IN_DATA, a->data, dl);
      svc_wr64(r + in_account_size(dl) - 8, mask_rent ? ~0ull : svc_rd64(s + SVC_REC_RENT_EPOCH));
    }
  }
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

/* Runs only when there are accounts (with none there is nothing to diff and the balances
 * agree). */
__attribute__((noinline)) static int deserialize_diff(svc_ctx *c) {
  svc_request *q = &c->req;
  uint32_t n = q->n_accounts;
  svc_change *chs = svc_alloc(sizeof(svc_change) * n);
  if (!chs) return fault(c, "diff");
  changes = chs;
  uint32_t nc = 0;
  int64_t resize_delta = 0;
  uint64_t pre_hi = 0, pre_lo = 0, post_hi = 0, post_lo = 0;
  for (uint32_t i = 0; i < n; i++) {
    svc_account *a = &q->accounts[i];
    if (a->dup_of != 0xFF) continue;
    const uint8_t *s = a->rec, *pre_owner = s + SVC_REC_OWNER;
    uint64_t pre_lamports = svc_rd64(s + SVC_REC_LAMPORTS), pre_len = a->data_len;
    const uint8_t *r = c->regions[4].host + a->off;
    const uint8_t *owner = r + SVC_IN_OWNER, *data = r + SVC_IN_DATA;
    uint64_t lamports = svc_rd64(r + SVC_IN_LAMPORTS), post_len = svc_rd64(r + SVC_IN_DATA_LEN);
    int same = post_len == pre_len && (post_len == 0 || svc_memcmp(data, a->data, post_len) == 0);
    /* Unchanged: no rule below can fail, resize_delta stays, and the account adds the same
     * lamports to both balances (exact 128-bit sums), so it is skipped. */
    if (same && lamports == pre_lamports && svc_eq32(owner, pre_owner)) continue;
    int owned = svc_eq32(pre_owner, q->program_id), writable = svc_acc_writable(a);
    svc_change ch = {i, 0, pre_lamports, pre_owner, a->data, pre_len};
    if (lamports != pre_lamports) {
      if (!owned && lamports < pre_lamports) return svc_fail(c, "ExternalAccountLamportSpend", 0);
      if (!writable) return svc_fail(c, "ReadonlyLamportChange", 0);
      ch.lamports = lamports;
      ch.mask |= 1;
    }
    if ((post_len > pre_len && post_len - pre_len > MAX_PERMITTED_DATA_INCREASE) || post_len > MAX_PERMITTED_DATA_LENGTH)
      return svc_fail(c, "InvalidRealloc", "account data grew beyond the realloc limit");
    const char *err = 0;
    if (post_len != pre_len && !owned) err = "AccountDataSizeChanged";
    else if (resize_delta + (int64_t)post_len - (int64_t)pre_len > (int64_t)MAX_ALLOCATIONS_PER_TX) err = "MaxAccountsDataAllocationsExceeded";
    else if (!writable) err = "ReadonlyDataModified";
    else if (!owned) err = "ExternalAccountDataModified";
    if (err) {
      if (!same) return svc_fail(c, err, 0);
    } else {
      resize_delta += (int64_t)post_len - (int64_t)pre_len;
      if (!same) ch.data = data, ch.data_len = post_len, ch.mask |= 2;
    }
    if (!svc_eq32(owner, pre_owner)) {
      if (!owned || !writable || !is_zeroed(ch.data, ch.data_len)) return svc_fail(c, "ModifiedProgramId", 0);
      ch.owner = owner;
      ch.mask |= 4;
    }
    uint64_t lo = pre_lo + pre_lamports;
    pre_hi += lo < pre_lo, pre_lo = lo;
    lo = post_lo + ch.lamports;
    post_hi += lo < post_lo, post_lo = lo;
    if (ch.mask) chs[nc++] = ch;
  }
  n_changes = nc;
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

/* Writes what follows the logs (error strings, return data, changes) at p, which holds
 * its exact size; returns the end. kn, dn: the error strings' lengths; nch: the changes
 * reported. */
static uint8_t *encode_tail(svc_ctx *c, uint8_t *p, size_t kn, size_t dn, uint32_t nch) {
  p[0] = (uint8_t)kn, p[1] = (uint8_t)(kn >> 8);
  p += 2;
  if (kn) svc_memcpy(p, c->err_kind, kn);
  p += kn;
  p[0] = (uint8_t)dn, p[1] = (uint8_t)(dn >> 8);
  p += 2;
  if (dn) svc_memcpy(p, c->err_detail, dn);
  p += dn;
  /* return data is reported whether or not the program succeeded, as Agave does */
  if (c->has_return_data) {
    uint32_t n = c->return_len;
    svc_copy32(p, c->return_program_id);
    svc_wr32(p + 32, n);
    p += 36;
    if (n) svc_memcpy(p, c->return_data, n);
    p += n;
  }
  svc_wr32(p, nch);
  p += 4;
  for (svc_change *ch = changes, *e = ch + nch; ch < e; ch++) {
    svc_wr32(p, ch->index);
    p[4] = ch->mask;
    svc_wr64(p + 5, ch->lamports);
    svc_copy32(p + 13, ch->owner);
    p += 45;
    if (ch->mask & 2) {
      uint32_t n = (uint32_t)ch->data_len;
      svc_wr32(p, n);
      p += 4;
      if (n) svc_memcpy(p, ch->data, n);
      p += n;
    }
  }
  return p;
}

/* Completes the response: the header (the gas marks are already there), then what follows
 * the logs, in svc_resp when it fits, else in an arena copy; when not even that fits, the
 * verdict alone (no state, no logs). */
__attribute__((noinline)) static svc_out respond(svc_ctx *c, int ok) {
  uint32_t nch = ok ? n_changes : 0;
  if (c->status == SVC_OK && nch == 0) {
    /* the common answer: no error strings, no changes; the rest (at most 1,068 bytes) fits
     * in svc_resp after the logs */
    uint8_t *p = svc_resp + SVC_RESP_LOGS + svc_logs.wire;
    svc_wr64(svc_resp, SVC_RESP_MAGIC | (uint64_t)(uint8_t)c->origin << 40 | (uint64_t)c->has_return_data << 48);
    svc_wr64(svc_resp + 8, c->exit_code);
    svc_wr64(svc_resp + 16, c->req.compute_budget - c->remaining);
    svc_wr64(svc_resp + 24, c->insn_count);
    svc_wr32(svc_resp + SVC_RESP_LOGS - 4, svc_logs.n);
    svc_wr32(p, 0); /* empty error kind and detail */
    p += 4;
    if (c->has_return_data) {
      uint32_t n = c->return_len;
      svc_copy32(p, c->return_program_id);
      svc_wr32(p + 32, n);
      p += 36;
      /* whole words, no call: svc_resp has room for the last one's overrun (after the
       * answer's end, or under the change count written next), and the over-read stays in
       * the context (return_len and status follow return_data) */
      for (uint32_t k = 0; k < n; k += 8) svc_wr64(p + k, svc_rd64(c->return_data + k));
      p += n;
    }
    svc_wr32(p, 0);
    return (svc_out){svc_resp, (size_t)(p + 4 - svc_resp)};
  }
  int st_ok = c->status == SVC_OK;
  size_t kn = str_len(c->err_kind, st_ok), dn = str_len(c->err_detail, st_ok);
  size_t tail = 2 + kn + 2 + dn + 4;
  if (c->has_return_data) tail += 32 + 4 + c->return_len;
  for (uint32_t i = 0; i < nch; i++) tail += 45 + (changes[i].mask & 2 ? 4 + changes[i].data_len : 0);
  uint8_t *out = svc_resp;
  size_t head = SVC_RESP_LOGS + svc_logs.wire;
  if (tail > SVC_RESP_CAP - head) {
    out = svc_alloc(head + tail);
    if (!out) {
      svc_logs_reset(0);
      c->status = SVC_FAULT;
      c->err_kind = "ServiceArenaExhausted";
      c->err_detail[0] = 0;
      c->has_return_data = 0;
      out = svc_resp, head = SVC_RESP_LOGS, kn = str_len(c->err_kind, 0), dn = 0, nch = 0;
    } else {
      svc_memcpy(out + SVC_RESP_GAS, svc_resp + SVC_RESP_GAS, head - SVC_RESP_GAS);
    }
  }
  svc_wr64(out, SVC_RESP_MAGIC | (uint64_t)(uint8_t)c->status << 32 | (uint64_t)(uint8_t)c->origin << 40 |
                    (uint64_t)c->has_return_data << 48);
  svc_wr64(out + 8, c->exit_code);
  svc_wr64(out + 16, c->req.compute_budget - c->remaining);
  svc_wr64(out + 24, c->insn_count);
  svc_wr32(out + SVC_RESP_LOGS - 4, svc_logs.n);
  return (svc_out){out, (size_t)(encode_tail(c, out + head, kn, dn, nch) - out)};
}

/* The regions' constant fields are data, not code: a PVM instance starts with them. */
#define SVC_CTX_INIT                                                                                                  \
  {                                                                                                                 \
    .regions = {                                                                                                    \
        [0] = {0, 0, 0, 0, 63}, [1] = {0, 0, 0, 0, 63}, [2] = {0, MM_STACK_START, 0, 1, 63},                          \
        [3] = {0, MM_HEAP_START, 0, 1, 63}, [4] = {0, MM_INPUT_START, 0, 1, 63},                                      \
    }                                                                                                               \
  }
static svc_ctx the_ctx = SVC_CTX_INIT;
static const svc_ctx ctx_init = SVC_CTX_INIT;

svc_out svc_serve(const uint8_t *buf, size_t len) {
  svc_ctx *c = &the_ctx;
  /* A PVM invocation starts from zeroed memory; only a host process that serves several
   * requests needs the context cleared again. */
  static int used;
  if (used) *c = ctx_init, changes = 0, n_changes = 0, svc_logs_reset(0);
  used = 1;
  svc_wr64(svc_resp + SVC_RESP_GAS + 8 * 0, svc_host_gas());
  int ok = decode_request(c, buf, len) == 0;
  if (ok) {
    /* The host logs "Program <id> invoke [1]" itself; the budget starts with its bytes. */
    svc_logs.bytes = c->req.log_bytes;
    c->remaining = c->req.compute_budget;
    ok = svc_engine_load(c, c->req.elf, c->req.elf_len) == 0;
    if (!ok) c->origin = SVC_ORIGIN_LOAD;
  }
  svc_wr64(svc_resp + SVC_RESP_GAS + 8 * 1, svc_host_gas());
  if (ok) {
    ok = serialize_input(c) == 0;
    if (!ok) c->origin = SVC_ORIGIN_SETUP;
  }
  svc_wr64(svc_resp + SVC_RESP_GAS + 8 * 2, svc_host_gas());
  if (ok) {
    c->origin = SVC_ORIGIN_VM; /* the engine sets SVC_ORIGIN_SYSCALL for syscall failures */
    ok = svc_engine_execute(c) == 0;
    if (ok) c->origin = SVC_ORIGIN_NONE;
  }
  svc_wr64(svc_resp + SVC_RESP_GAS + 8 * 3, svc_host_gas());
  /* Agave deserializes only after a program that returned SUCCESS (0). */
  if (ok && c->exit_code == 0 && c->req.n_accounts) {
    ok = deserialize_diff(c) == 0;
    if (!ok && c->origin == SVC_ORIGIN_NONE) c->origin = SVC_ORIGIN_DESERIALIZE;
  }
  svc_wr64(svc_resp + SVC_RESP_GAS + 8 * 4, svc_host_gas());
  if (ok) c->status = SVC_OK;
  return respond(c, ok);
}

const uint8_t *svc_run(const uint8_t *buf, size_t len, size_t *out_len) {
  svc_out o = svc_serve(buf, len);
  *out_len = o.len;
  return o.p;
}

const svc_ctx *svc_last_ctx(void) { return &the_ctx; }

SVC_ZBB_END
