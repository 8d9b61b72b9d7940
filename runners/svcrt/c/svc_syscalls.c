/* svc_syscalls.c — the Solana syscalls with Agave's costs, argument translation and errors
 * (programs/bpf_loader/src/syscalls: mod.rs, logging.rs, mem_ops.rs, sysvar.rs). */
#include "svcrt.h"
SVC_ZBB_BEGIN

/* ---------------------------------------------------------------- translation helpers */

static int check_aligned(svc_ctx *c) { return (c->req.flags & SVC_FLAG_CHECK_ALIGNED) != 0; }

static uint8_t empty_slice[1];

/* translate_slice::<T>: an empty slice is never translated. */
static uint8_t *tr_slice(svc_ctx *c, int access, uint64_t addr, uint64_t count, uint64_t elem, uint64_t align) {
  if (count == 0) return empty_slice;
  uint64_t total;
  if (__builtin_mul_overflow(count, elem, &total)) total = ~0ull;
  if (total > (uint64_t)INT64_MAX) {
    svc_fail(c, "InvalidLength", "slice length overflows");
    return 0;
  }
  uint8_t *p = svc_translate(c, access, addr, total);
  if (!p) return 0;
  if (check_aligned(c) && align > 1 && (addr & (align - 1))) {
    svc_fail_addr(c, "UnalignedPointer", "slice", addr, total);
    return 0;
  }
  return p;
}

/* translate_type::<T> */
static uint8_t *tr_type(svc_ctx *c, int access, uint64_t addr, uint64_t size, uint64_t align) {
  uint8_t *p = svc_translate(c, access, addr, size);
  if (!p) return 0;
  if (check_aligned(c) && align > 1 && (addr & (align - 1))) {
    svc_fail_addr(c, "UnalignedPointer", "value", addr, size);
    return 0;
  }
  return p;
}

/* Rust's str::from_utf8 */
static int valid_utf8(const uint8_t *s, uint64_t n) {
  uint64_t i = 0;
  while (i < n) {
    /* ASCII eight bytes at a time */
    while (n - i >= 8 && (svc_rd64(s + i) & 0x8080808080808080ull) == 0) i += 8;
    if (i == n) break;
    uint8_t b = s[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    int k;
    uint32_t cp;
    if (b >= 0xC2 && b <= 0xDF) k = 1, cp = b & 0x1F;
    else if (b >= 0xE0 && b <= 0xEF) k = 2, cp = b & 0x0F;
    else if (b >= 0xF0 && b <= 0xF4) k = 3, cp = b & 0x07;
    else return 0;
    if (n - i <= (uint64_t)k) return 0;
    for (int j = 1; j <= k; j++) {
      if ((s[i + j] & 0xC0) != 0x80) return 0;
      cp = (cp << 6) | (s[i + j] & 0x3F);
    }
    if ((k == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (k == 3 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
    i += k + 1;
  }
  return 1;
}

/* InvalidString's Display needs the bytes: the detail carries them in hex (the host
 * formats Rust's Utf8Error text from them). */
static int fail_invalid_string(svc_ctx *c, const uint8_t *s, uint64_t n) {
  svc_fail(c, "InvalidString", 0);
  uint64_t max = (sizeof c->err_detail - 1) / 2;
  if (n > max) n = max;
  for (uint64_t i = 0; i < n; i++) {
    c->err_detail[2 * i] = "0123456789abcdef"[s[i] >> 4];
    c->err_detail[2 * i + 1] = "0123456789abcdef"[s[i] & 15];
  }
  c->err_detail[2 * n] = 0;
  return -1;
}

static int is_nonoverlapping(uint64_t src, uint64_t src_len, uint64_t dst, uint64_t dst_len) {
  if (src > dst) return src - dst >= dst_len;
  return dst - src >= src_len;
}

/* ---------------------------------------------------------------- formatting */

typedef struct sb {
  char *p;
  size_t n, cap;
} sb;

static void sb_str(sb *b, const char *s, size_t n) {
  if (n > b->cap - b->n) n = b->cap - b->n;
  svc_memcpy(b->p + b->n, s, n);
  b->n += n;
}
static void sb_cstr(sb *b, const char *s) { sb_str(b, s, svc_strlen(s)); }
/* a string literal, its length known at compile time */
#define sb_lit(b, s) sb_str(b, s, sizeof(s) - 1)
/* "0x" and the digits without leading zeros (Rust's {:#x}) at p; returns the end. */
static char *fmt_hex(char *p, uint64_t v) {
  int n = (67 - __builtin_clzll(v | 1)) >> 2; /* hex digits: one Zbb clz, no loop */
  p[0] = '0', p[1] = 'x';
  for (int i = n + 1; i > 1; i--, v >>= 4) p[i] = "0123456789abcdef"[v & 15];
  return p + 2 + n;
}
static void sb_hex(sb *b, uint64_t v) {
  char t[18];
  sb_str(b, t, (size_t)(fmt_hex(t, v) - t));
}
static void sb_dec(sb *b, uint64_t v) {
  char t[20];
  int i = 20;
  do t[--i] = (char)('0' + v % 10), v /= 10;
  while (v);
  sb_str(b, t + i, 20 - i);
}
/* Base58 (Bitcoin alphabet) of a 32-byte key: the number, in eight big-endian 32-bit limbs,
 * is divided by 58^5 per pass, which yields five digits at a time (the PVM divides in one
 * instruction); limbs that have become zero are skipped. */
static void sb_base58(sb *b, const uint8_t k[32]) {
  static const char alpha[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  uint32_t limb[8];
  for (int i = 0; i < 8; i++) limb[i] = (uint32_t)k[4 * i] << 24 | (uint32_t)k[4 * i + 1] << 16 | (uint32_t)k[4 * i + 2] << 8 | k[4 * i + 3];
  uint8_t digits[50];
  int nd = 0, top = 0;
  while (top < 8 && limb[top] == 0) top++;
  while (top < 8) {
    uint64_t rem = 0;
    for (int i = top; i < 8; i++) {
      uint64_t cur = rem << 32 | limb[i];
      limb[i] = (uint32_t)(cur / 656356768u);
      rem = cur % 656356768u;
    }
    for (int j = 0; j < 5; j++) digits[nd++] = (uint8_t)(rem % 58), rem /= 58;
    while (top < 8 && limb[top] == 0) top++;
  }
  while (nd > 0 && digits[nd - 1] == 0) nd--;
  char out[82];
  int n = 0;
  for (int i = 0; i < 32 && k[i] == 0; i++) out[n++] = '1';
  while (nd) out[n++] = alpha[digits[--nd]];
  sb_str(b, out, n);
}

static void sb_base64(sb *b, const uint8_t *s, uint64_t n) {
  static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  uint64_t i = 0;
  for (; i + 3 <= n; i += 3) {
    uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
    char o[4] = {t[v >> 18], t[(v >> 12) & 63], t[(v >> 6) & 63], t[v & 63]};
    sb_str(b, o, 4);
  }
  if (n - i == 1) {
    uint32_t v = (uint32_t)s[i] << 16;
    char o[4] = {t[v >> 18], t[(v >> 12) & 63], '=', '='};
    sb_str(b, o, 4);
  } else if (n - i == 2) {
    uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8;
    char o[4] = {t[v >> 18], t[(v >> 12) & 63], t[(v >> 6) & 63], '='};
    sb_str(b, o, 4);
  }
}

/* A log line needs up to prefix + the message; logs above 10,000 bytes are truncated by
 * the collector anyway, so lines are built in an arena buffer of the right size. */
static sb sb_new(size_t cap) {
  sb b = {svc_alloc(cap ? cap : 1), 0, cap};
  if (!b.p) b.cap = 0;
  return b;
}

/* ---------------------------------------------------------------- syscalls */


static int sys_abort(svc_ctx *c, const uint64_t *a, uint64_t *r0) {
  (void)a, (void)r0;
  return svc_fail(c, "Abort", "program aborted");
}

/* The detail is "<file hex>:<line>:<column>" (the file name may hold any UTF-8, NULs
 * included); the host formats SyscallError::Panic's Display from it. */
static int sys_panic(svc_ctx *c, const uint64_t *a, uint64_t *r0) {
  (void)r0;
  if (svc_consume(c, a[1])) return -1;
  uint8_t *s = tr_slice(c, SVC_LOAD, a[0], a[1], 1, 1);
  if (!s) return -1;
  if (!valid_utf8(s, a[1])) return fail_invalid_string(c, s, a[1]);
  svc_fail(c, "Panic", 0);
  uint64_t n = a[1], max = (sizeof c->err_detail - 48) / 2;
  if (n > max) n = max;
  sb b = {c->err_detail, 0, sizeof c->err_detail - 1};
  for (uint64_t i = 0; i < n; i++) {
    char h[2] = {"0123456789abcdef"[s[i] >> 4], "0123456789abcdef"[s[i] & 15]};
    sb_str(&b, h, 2);
  }
  sb_lit(&b, ":");
  sb_dec(&b, a[2]);
  sb_lit(&b, ":");
  sb_dec(&b, a[3]);
  c->err_detail[b.n] = 0;
  return -1;
}

static int sys_log(svc_ctx *c, const uint64_t *a, uint64_t *r0) {
  uint64_t cost = a[1] > CU_SYSCALL_BASE ? a[1] : CU_SYSCALL_BASE;
  if (svc_consume(c, cost)) return -1;
  uint8_t *s = tr_slice(c, SVC_LOAD, a[0], a[1], 1, 1);
  if (!s) return -1;
  if (!valid_utf8(s, a[1])) return fail_invalid_string(c, s, a[1]);
  svc_log2(c, "Program log: ", 13, (const char *)s, a[1]);
  *r0 = 0;
  return 0;
}

static int sys_log_64(svc_ctx *c, const uint64_t *a, uint64_t *r0) {
  if (svc_consume(c, CU_LOG_64)) return -1;
  char buf[13 + 5 * 18 + 4 * 2];
  __builtin_memcpy(buf, "Program log: ", 13);
  char *p = fmt_hex(buf + 13, a[0]);
  for (int i = 1; i < 5; i++) {
    p[0] = ',', p[1] = ' ';
    p = fmt_hex(p + 2, a[i]);
  }
  svc_log(c, buf, (size_t)(p - buf));
  *r0 = 0;
  return 0;
}

static int sys_log_cu(svc_ctx *c, const uint64_t *a, uint64_t *r0) {
  (void)a;
  if (svc_consume(c, CU_SYSCALL_BASE)) return -1;
  char buf[80];
  sb b = {buf, 0, sizeof buf};
  sb_lit(&b, "Program consumption: ");
  sb_dec(&b, c->remaining);
  sb_lit(&b, " units remaining");
  svc_log(c, b.p, b.n);
  *r0 = 0;
  return 0;
}

static int sys_log_pubkey(svc_ctx *c, const uint64_t *a, uint64_t *r0) {
  if (svc_consume(c, CU_LOG_PUBKEY)) return -1;
  uint8_t *k = tr_type(c, SVC_LOAD, a[0], 32, 1);
  if (!k) return -1;
  char buf[64];
  sb b = {buf, 0, sizeof buf};
  sb_lit(&b, "Program log: ");
  sb_base58(&b, k);
  svc_log(c, b.p, b.n);
  *r0 = 0;
  return 0;
}

static int sys_log_data(svc_ctx *c, const uint64_t *a, uint64_t *r0) {
  if (svc_consume(c, CU_SYSCALL_BASE)) return -1;
  uint8_t *fields = tr_slice(c, SVC_LOAD, a[0], a[1], 16, 8);
  if (!fields) return -1;
  uint64_t per;
  if (__builtin_mul_overflow((uint64_t)CU_SYSCALL_BASE, a[1], &per)) per = ~0ull;
  if (svc_consume(c, per)) return -1;
  uint64_t total = 0;
  for (uint64_t i = 0; i < a[1]; i++) {
    uint64_t l = svc_rd64(fields + 16 * i + 8);
    total = total + l < total ? ~0ull : total + l;
  }
  if (svc_consume(c, total)) return -1;
  sb b = sb_new(14 + (total / 3 + 2) * 4 + a[1] + 16 > 20000 ? 20000 : 14 + (total / 3 + 2) * 4 + a[1] + 16);
  sb_lit(&b, "Program data: ");
  for (uint64_t i = 0; i < a[1]; i++) {
    uint64_t p = svc_rd64(fields + 16 * i), l = svc_rd64(fields + 16 * i + 8);
    uint8_t *s = tr_slice(c, SVC_LOAD, p, l, 1, 1);
    if (!s) return -1;
    if (i) sb_lit(&b, " ");
    sb_base64(&b, s, l);
  }
  svc_log(c, b.p, b.n);
  *r0 = 0;
  return 0;
}

/* mem_ops.rs */
static int mem_op_consume(svc_ctx *c, uint64_t n) {
  uint64_t cost = n / CU_CPI_BYTES_PER_UNIT;
  if (cost < CU_MEM_OP_BASE) cost = CU_MEM_OP_BASE;
  return svc_consume(c, cost);
}

static int sys_memcpy(svc_ctx *c, const uint64_t *a, uint64_t *r0) {
  if (mem_op_consume(c, a[2])) return -1;
  if (!is_nonoverlapping(a[1], a[2], a[0], a[2])) return svc_fail(c, "CopyOverlapping", "sol_memcpy_ ranges overlap");
  uint8_t *d = tr_slice(c, SVC_STORE, a[0], a[2], 1, 1);
  if (!d) return -1;
  uint8_t *s = tr_slice(c, SVC_LOAD, a[1], a[2], 1, 1);
  if (!s) return -1;
  svc_memmove(d, s, a[2]);
  *r0 = 0;
  return 0;
}

static int sys_memmove(svc_ctx *c, const uint64_t *a, uint64_t *r0) {
  if (mem_op_consume(c, a[2])) return -1;
  uint8_t *d = tr_slice(c, SVC_STORE, a[0], a[2], 1, 1);
  if (!d) return -1;
  uint8_t *s = tr_slice(c, SVC_LOAD, a[1], a[2], 1, 1);
  if (!s) return -1;
  svc_memmove(d, s, a[2]);
  *r0 = 0;
  return 0;
}

static int sys_memcmp(svc_ctx *c, const uint64_t *a, uint64_t *r0) {
  if (mem_op_consume(c, a[2])) return -1;
  uint8_t *x = tr_slice(c, SVC_LOAD, a[0], a[2], 1, 1);
  if (!x) return -1;
  uint8_t *y = tr_slice(c, SVC_LOAD, a[1], a[2], 1, 1);
  if (!y) return -1;
  uint8_t *res = tr_type(c, SVC_STORE, a[3], 4, 4);
  if (!res) return -1;
  int32_t v = 0;
  for (uint64_t i = 0; i < a[2]; i++)
    if (x[i] != y[i]) {
      v = (int32_t)x[i] - (int32_t)y[i];
      break;
    }
  svc_wr32(res, (uint32_t)v);
  *r0 = 0;
  return 0;
}

static int sys_memset(svc_ctx *c, const uint64_t *a, uint64_t *r0) {
  if (mem_op_consume(c, a[2])) return -1;
  uint8_t *d = tr_slice(c, SVC_STORE, a[0], a[2], 1, 1);
  if (!d) return -1;
  svc_memset(d, (int)(uint8_t)a[1], a[2]);
  *r0 = 0;
  return 0;
}

/* SyscallHash for sha256, keccak256, blake3 (all priced like sha256) */
static int hash_syscall(svc_ctx *c, const uint64_t *a, uint64_t *r0, int which) {
  if (a[1] > CU_SHA256_MAX_SLICES) {
    static const char *const names[] = {"Sha256", "Keccak256", "Blake3"};
    char buf[96];
    sb b = {buf, 0, sizeof buf};
    sb_cstr(&b, names[which]);
    sb_lit(&b, " Hashing ");
    sb_dec(&b, a[1]);
    sb_lit(&b, " sequences in one syscall is over the limit ");
    sb_dec(&b, CU_SHA256_MAX_SLICES);
    svc_log(c, b.p, b.n);
    return svc_fail(c, "TooManySlices", "Hashing too many sequences");
  }
  if (svc_consume(c, CU_SHA256_BASE)) return -1;
  uint8_t *out = tr_slice(c, SVC_STORE, a[2], 32, 1, 1);
  if (!out) return -1;
  static uint8_t st[SVC_BLAKE3_STATE] __attribute__((aligned(16)));
  if (which == 0) svc_sha256_init(st);
  else if (which == 1) svc_keccak256_init(st);
  else svc_blake3_init(st);
  if (a[1] > 0) {
    uint8_t *vals = tr_slice(c, SVC_LOAD, a[0], a[1], 16, 8);
    if (!vals) return -1;
    for (uint64_t i = 0; i < a[1]; i++) {
      uint64_t p = svc_rd64(vals + 16 * i), l = svc_rd64(vals + 16 * i + 8);
      uint8_t *s = tr_slice(c, SVC_LOAD, p, l, 1, 1);
      if (!s) return -1;
      uint64_t cost = CU_SHA256_BYTE * (l / 2);
      if (cost < CU_MEM_OP_BASE) cost = CU_MEM_OP_BASE;
      if (svc_consume(c, cost)) return -1;
      if (which == 0) svc_sha256_update(st, s, l);
      else if (which == 1) svc_keccak256_update(st, s, l);
      else svc_blake3_update(st, s, l);
    }
  }
  uint8_t h[32];
  if (which == 0) svc_sha256_final(st, h);
  else if (which == 1) svc_keccak256_final(st, h);
  else svc_blake3_final(st, h);
  svc_memcpy(out, h, 32);
  *r0 = 0;
  return 0;
}
static int sys_sha256(svc_ctx *c, const uint64_t *a, uint64_t *r0) { return hash_syscall(c, a, r0, 0); }
static int sys_keccak256(svc_ctx *c, const uint64_t *a, uint64_t *r0) { return hash_syscall(c, a, r0, 1); }
static int sys_blake3(svc_ctx *c, const uint64_t *a, uint64_t *r0) { return hash_syscall(c, a, r0, 2); }

/* ---------------------------------------------------------------- program derived addresses */

#define MAX_SEEDS 16
#define MAX_SEED_LEN 32

typedef struct seeds {
  uint64_t n;
  const uint8_t *p[MAX_SEEDS + 1];
  uint64_t len[MAX_SEEDS + 1];
} seeds;

static int translate_seeds(svc_ctx *c, const uint64_t *a, seeds *sd, const uint8_t **program_id) {
  uint8_t *desc = tr_slice(c, SVC_LOAD, a[0], a[1], 16, 8);
  if (!desc) return -1;
  if (a[1] > MAX_SEEDS) return svc_fail(c, "BadSeeds", "MaxSeedLengthExceeded");
  sd->n = a[1];
  for (uint64_t i = 0; i < a[1]; i++) {
    uint64_t p = svc_rd64(desc + 16 * i), l = svc_rd64(desc + 16 * i + 8);
    if (l > MAX_SEED_LEN) return svc_fail(c, "BadSeeds", "MaxSeedLengthExceeded");
    uint8_t *s = tr_slice(c, SVC_LOAD, p, l, 1, 1);
    if (!s) return -1;
    sd->p[i] = s, sd->len[i] = l;
  }
  *program_id = tr_type(c, SVC_LOAD, a[2], 32, 1);
  return *program_id ? 0 : -1;
}

/* Pubkey::create_program_address: 0 and the address, or -1 (InvalidSeeds / too long). */
static int create_pda(const seeds *sd, const uint8_t *program_id, uint8_t out[32]) {
  if (sd->n > MAX_SEEDS) return -1;
  for (uint64_t i = 0; i < sd->n; i++)
    if (sd->len[i] > MAX_SEED_LEN) return -1;
  uint8_t st[SVC_SHA256_STATE] __attribute__((aligned(16)));
  svc_sha256_init(st);
  for (uint64_t i = 0; i < sd->n; i++) svc_sha256_update(st, sd->p[i], sd->len[i]);
  svc_sha256_update(st, program_id, 32);
  svc_sha256_update(st, (const uint8_t *)"ProgramDerivedAddress", 21);
  svc_sha256_final(st, out);
  return svc_ed25519_on_curve(out) ? -1 : 0;
}

static int sys_create_program_address(svc_ctx *c, const uint64_t *a, uint64_t *r0) {
  if (svc_consume(c, CU_CREATE_PROGRAM_ADDRESS)) return -1;
  seeds sd;
  const uint8_t *pid;
  if (translate_seeds(c, a, &sd, &pid)) return -1;
  uint8_t addr[32];
  if (create_pda(&sd, pid, addr)) {
    *r0 = 1;
    return 0;
  }
  uint8_t *out = tr_slice(c, SVC_STORE, a[3], 32, 1, 1);
  if (!out) return -1;
  svc_memcpy(out, addr, 32);
  *r0 = 0;
  return 0;
}

static int sys_try_find_program_address(svc_ctx *c, const uint64_t *a, uint64_t *r0) {
  if (svc_consume(c, CU_CREATE_PROGRAM_ADDRESS)) return -1;
  seeds sd;
  const uint8_t *pid;
  if (translate_seeds(c, a, &sd, &pid)) return -1;
  uint8_t bump = 0xFF;
  sd.p[sd.n] = &bump;
  sd.len[sd.n] = 1;
  sd.n++;
  for (int i = 0; i < 255; i++) {
    uint8_t addr[32];
    if (create_pda(&sd, pid, addr) == 0) {
      uint8_t *bump_out = tr_type(c, SVC_STORE, a[4], 1, 1);
      if (!bump_out) return -1;
      uint8_t *out = tr_slice(c, SVC_STORE, a[3], 32, 1, 1);
      if (!out) return -1;
      if (!is_nonoverlapping((uint64_t)(uintptr_t)bump_out, 1, (uint64_t)(uintptr_t)out, 32))
        return svc_fail(c, "CopyOverlapping", "bump seed overlaps the address");
      *bump_out = bump;
      svc_memcpy(out, addr, 32);
      *r0 = 0;
      return 0;
    }
    bump--;
    if (svc_consume(c, CU_CREATE_PROGRAM_ADDRESS)) return -1;
  }
  *r0 = 1;
  return 0;
}

/* ---------------------------------------------------------------- sysvars, return data, misc */

static int get_sysvar(svc_ctx *c, uint32_t kind, uint64_t size, uint64_t addr, uint64_t *r0) {
  uint32_t mask = c->req.sysvar_mask;
  if (!(mask >> kind & 1)) return svc_fail(c, "UnsupportedSysvar", "sysvar not provided");
  const uint8_t *value = c->req.sysvars + svc_sysvar_bytes(mask & ((1u << kind) - 1));
  if (svc_consume(c, CU_SYSVAR_BASE + size)) return -1;
  uint8_t *out = tr_type(c, SVC_STORE, addr, size, 8);
  if (!out) return -1;
  svc_memcpy(out, value, size);
  *r0 = 0;
  return 0;
}
static int sys_clock(svc_ctx *c, const uint64_t *a, uint64_t *r0) { return get_sysvar(c, SVC_SYSVAR_CLOCK, 40, a[0], r0); }
static int sys_rent(svc_ctx *c, const uint64_t *a, uint64_t *r0) { return get_sysvar(c, SVC_SYSVAR_RENT, 24, a[0], r0); }
static int sys_epoch_schedule(svc_ctx *c, const uint64_t *a, uint64_t *r0) {
  return get_sysvar(c, SVC_SYSVAR_EPOCH_SCHEDULE, 40, a[0], r0);
}

static int sys_last_restart_slot(svc_ctx *c, const uint64_t *a, uint64_t *r0) {
  return get_sysvar(c, SVC_SYSVAR_LAST_RESTART_SLOT, 8, a[0], r0);
}

/* One top-level instruction has no processed siblings: base cost, nothing written, 0. */
static int sys_processed_sibling(svc_ctx *c, const uint64_t *a, uint64_t *r0) {
  (void)a;
  if (svc_consume(c, CU_SYSCALL_BASE)) return -1;
  *r0 = 0;
  return 0;
}

static int sys_set_return_data(svc_ctx *c, const uint64_t *a, uint64_t *r0) {
  uint64_t cost = a[1] / CU_CPI_BYTES_PER_UNIT + CU_SYSCALL_BASE;
  if (svc_consume(c, cost)) return -1;
  if (a[1] > MAX_RETURN_DATA) {
    char buf[80];
    sb b = {buf, 0, sizeof buf - 1};
    sb_lit(&b, "Return data too large (");
    sb_dec(&b, a[1]);
    sb_lit(&b, " > 1024)");
    buf[b.n] = 0;
    return svc_fail(c, "ReturnDataTooLarge", buf);
  }
  uint8_t *s = a[1] ? tr_slice(c, SVC_LOAD, a[0], a[1], 1, 1) : empty_slice;
  if (!s) return -1;
  if (a[1]) svc_memcpy(c->return_data, s, a[1]);
  c->return_len = (uint32_t)a[1];
  svc_copy32(c->return_program_id, c->req.program_id);
  c->has_return_data = 1;
  *r0 = 0;
  return 0;
}

static int sys_get_return_data(svc_ctx *c, const uint64_t *a, uint64_t *r0) {
  if (svc_consume(c, CU_SYSCALL_BASE)) return -1;
  uint64_t full = c->has_return_data ? c->return_len : 0;
  uint64_t len = a[1] < full ? a[1] : full;
  if (len) {
    if (svc_consume(c, (len + 32) / CU_CPI_BYTES_PER_UNIT)) return -1;
    uint8_t *out = tr_slice(c, SVC_STORE, a[0], len, 1, 1);
    if (!out) return -1;
    uint8_t *pid = tr_type(c, SVC_STORE, a[2], 32, 1);
    if (!pid) return -1;
    if (!is_nonoverlapping((uint64_t)(uintptr_t)out, len, (uint64_t)(uintptr_t)pid, 32))
      return svc_fail(c, "CopyOverlapping", "return data overlaps the program id");
    svc_memcpy(out, c->return_data, len);
    if (c->has_return_data) svc_memcpy(pid, c->return_program_id, 32);
    else svc_memset(pid, 0, 32);
  }
  *r0 = full;
  return 0;
}

static int sys_stack_height(svc_ctx *c, const uint64_t *a, uint64_t *r0) {
  (void)a;
  if (svc_consume(c, CU_SYSCALL_BASE)) return -1;
  *r0 = 1; /* a top-level instruction */
  return 0;
}

static int sys_remaining_cu(svc_ctx *c, const uint64_t *a, uint64_t *r0) {
  (void)a;
  if (svc_consume(c, CU_SYSCALL_BASE)) return -1;
  *r0 = c->remaining;
  return 0;
}

/* BpfAllocator: bump allocation in the heap region, no free. */
static int sys_alloc_free(svc_ctx *c, const uint64_t *a, uint64_t *r0) {
  uint64_t align = check_aligned(c) ? 8 : 1, size = a[0];
  *r0 = 0;
  if (size > (uint64_t)INT64_MAX - (align - 1)) return 0; /* Layout::from_size_align fails */
  if (a[1] != 0) return 0;
  uint64_t pad = (align - (c->heap_pos & (align - 1))) & (align - 1);
  uint64_t start = c->heap_pos + pad;
  if (start < c->heap_pos || start > c->req.heap_size || size > c->req.heap_size - start) return 0;
  c->heap_pos = start + size;
  *r0 = MM_HEAP_START + start;
  return 0;
}

static int sys_invoke(svc_ctx *c, const uint64_t *a, uint64_t *r0) {
  (void)a, (void)r0;
  if (svc_consume(c, CU_INVOKE)) return -1;
  return svc_fail(c, "UnsupportedCPI", "cross-program invocation is not supported");
}

/* Registered so that programs importing them load as on Agave; calling one fails naming
 * itself (one stub per syscall: the dispatch is a bare indirect call, with no test). */
#define UNSUPPORTED(fn, name)                                               \
  static int fn(svc_ctx *c, const uint64_t *a, uint64_t *r0) {              \
    (void)a, (void)r0;                                                      \
    return svc_fail(c, "UnsupportedSyscall", name);                         \
  }
UNSUPPORTED(sys_secp256k1_recover, "sol_secp256k1_recover")
UNSUPPORTED(sys_curve_validate_point, "sol_curve_validate_point")
UNSUPPORTED(sys_curve_group_op, "sol_curve_group_op")
UNSUPPORTED(sys_curve_multiscalar_mul, "sol_curve_multiscalar_mul")
UNSUPPORTED(sys_epoch_rewards, "sol_get_epoch_rewards_sysvar")
UNSUPPORTED(sys_alt_bn128_group_op, "sol_alt_bn128_group_op")
UNSUPPORTED(sys_big_mod_exp, "sol_big_mod_exp")
UNSUPPORTED(sys_poseidon, "sol_poseidon")
UNSUPPORTED(sys_alt_bn128_compression, "sol_alt_bn128_compression")
UNSUPPORTED(sys_get_sysvar, "sol_get_sysvar")
UNSUPPORTED(sys_get_epoch_stake, "sol_get_epoch_stake")

/* ---------------------------------------------------------------- registry */

/* key = murmur3_32(name, 0) (ebpf::hash_symbol_name), precomputed with package sbpf's
 * HashSymbolName; the agreement specs call every syscall by its hashed name. */
const svc_syscall_row svc_syscall_table[] = {
    {"abort", sys_abort, 0xb6fc1a11},
    {"sol_panic_", sys_panic, 0x686093bb},
    {"sol_log_", sys_log, 0x207559bd},
    {"sol_log_64_", sys_log_64, 0x5c2a3178},
    {"sol_log_compute_units_", sys_log_cu, 0x52ba5096},
    {"sol_log_pubkey", sys_log_pubkey, 0x7ef088ca},
    {"sol_log_data", sys_log_data, 0x7317b434},
    {"sol_create_program_address", sys_create_program_address, 0x9377323c},
    {"sol_try_find_program_address", sys_try_find_program_address, 0x48504a38},
    {"sol_sha256", sys_sha256, 0x11f49d86},
    {"sol_keccak256", sys_keccak256, 0xd7793abb},
    {"sol_blake3", sys_blake3, 0x174c5122},
    {"sol_get_clock_sysvar", sys_clock, 0xd56b5fe9},
    {"sol_get_epoch_schedule_sysvar", sys_epoch_schedule, 0x23a29a61},
    {"sol_get_rent_sysvar", sys_rent, 0xbf7188f6},
    {"sol_memcpy_", sys_memcpy, 0x717cc4a3},
    {"sol_memmove_", sys_memmove, 0x434371f8},
    {"sol_memcmp_", sys_memcmp, 0x5fdcde31},
    {"sol_memset_", sys_memset, 0x3770fb22},
    {"sol_get_stack_height", sys_stack_height, 0x85532d94},
    {"sol_set_return_data", sys_set_return_data, 0xa226d3eb},
    {"sol_get_return_data", sys_get_return_data, 0x5d2245e4},
    {"sol_invoke_signed_c", sys_invoke, 0xa22b9c85},
    {"sol_invoke_signed_rust", sys_invoke, 0xd7449092},
    {"sol_alloc_free_", sys_alloc_free, 0x83f00e8f},
    {"sol_remaining_compute_units", sys_remaining_cu, 0xedef5aee},
    {"sol_secp256k1_recover", sys_secp256k1_recover, 0x17e40350},
    {"sol_curve_validate_point", sys_curve_validate_point, 0xaa2607ca},
    {"sol_curve_group_op", sys_curve_group_op, 0xdd1c41a6},
    {"sol_curve_multiscalar_mul", sys_curve_multiscalar_mul, 0x60a40880},
    {"sol_get_last_restart_slot", sys_last_restart_slot, 0x188a0031},
    {"sol_get_epoch_rewards_sysvar", sys_epoch_rewards, 0xfdba2b3b},
    {"sol_get_processed_sibling_instruction", sys_processed_sibling, 0xadb8efc8},
    {"sol_alt_bn128_group_op", sys_alt_bn128_group_op, 0xae0c318b},
    {"sol_big_mod_exp", sys_big_mod_exp, 0x780e4c15},
    {"sol_poseidon", sys_poseidon, 0xc4947c21},
    {"sol_alt_bn128_compression", sys_alt_bn128_compression, 0x334fd5ed},
    {"sol_get_sysvar", sys_get_sysvar, 0x13c1b505},
    {"sol_get_epoch_stake", sys_get_epoch_stake, 0x5be92f4a},
};

/* A switch over the precomputed keys, returning the row of svc_syscall_table (generated from it; keep
 * the two in step): clang turns it into a compare tree, with no table to build on first use.
 * The interp-svc agreement specs call every syscall by its hashed name. */
int svc_syscall_lookup(uint32_t key) {
  switch (key) {
    case 0xb6fc1a11u: return 0; /* abort */
    case 0x686093bbu: return 1; /* sol_panic_ */
    case 0x207559bdu: return 2; /* sol_log_ */
    case 0x5c2a3178u: return 3; /* sol_log_64_ */
    case 0x52ba5096u: return 4; /* sol_log_compute_units_ */
    case 0x7ef088cau: return 5; /* sol_log_pubkey */
    case 0x7317b434u: return 6; /* sol_log_data */
    case 0x9377323cu: return 7; /* sol_create_program_address */
    case 0x48504a38u: return 8; /* sol_try_find_program_address */
    case 0x11f49d86u: return 9; /* sol_sha256 */
    case 0xd7793abbu: return 10; /* sol_keccak256 */
    case 0x174c5122u: return 11; /* sol_blake3 */
    case 0xd56b5fe9u: return 12; /* sol_get_clock_sysvar */
    case 0x23a29a61u: return 13; /* sol_get_epoch_schedule_sysvar */
    case 0xbf7188f6u: return 14; /* sol_get_rent_sysvar */
    case 0x717cc4a3u: return 15; /* sol_memcpy_ */
    case 0x434371f8u: return 16; /* sol_memmove_ */
    case 0x5fdcde31u: return 17; /* sol_memcmp_ */
    case 0x3770fb22u: return 18; /* sol_memset_ */
    case 0x85532d94u: return 19; /* sol_get_stack_height */
    case 0xa226d3ebu: return 20; /* sol_set_return_data */
    case 0x5d2245e4u: return 21; /* sol_get_return_data */
    case 0xa22b9c85u: return 22; /* sol_invoke_signed_c */
    case 0xd7449092u: return 23; /* sol_invoke_signed_rust */
    case 0x83f00e8fu: return 24; /* sol_alloc_free_ */
    case 0xedef5aeeu: return 25; /* sol_remaining_compute_units */
    case 0x17e40350u: return 26; /* sol_secp256k1_recover */
    case 0xaa2607cau: return 27; /* sol_curve_validate_point */
    case 0xdd1c41a6u: return 28; /* sol_curve_group_op */
    case 0x60a40880u: return 29; /* sol_curve_multiscalar_mul */
    case 0x188a0031u: return 30; /* sol_get_last_restart_slot */
    case 0xfdba2b3bu: return 31; /* sol_get_epoch_rewards_sysvar */
    case 0xadb8efc8u: return 32; /* sol_get_processed_sibling_instruction */
    case 0xae0c318bu: return 33; /* sol_alt_bn128_group_op */
    case 0x780e4c15u: return 34; /* sol_big_mod_exp */
    case 0xc4947c21u: return 35; /* sol_poseidon */
    case 0x334fd5edu: return 36; /* sol_alt_bn128_compression */
    case 0x13c1b505u: return 37; /* sol_get_sysvar */
    case 0x5be92f4au: return 38; /* sol_get_epoch_stake */
  }
  return -1;
}

const char *svc_syscall_name(int idx) { return svc_syscall_table[idx].name; }

SVC_ZBB_END
