/* svc_core.c — arena, errors, memory translation, compute meter, logs, freestanding helpers. */
#include "svcrt.h"
SVC_ZBB_BEGIN

/* bss is zero on a fresh instance; svc_arena_reset re-zeroes what was used */
uint8_t svc_arena[SVC_ARENA_SIZE] __attribute__((aligned(16)));
size_t svc_arena_used;

void svc_arena_reset(void) {
  svc_memset(svc_arena, 0, svc_arena_used);
  svc_arena_used = 0;
}

/* ---------------------------------------------------------------- freestanding helpers */

/* svc_memcpy for n >= 64 (account data, up to 10 MiB): 64 bytes per iteration in two halves
 * of four words, then words, then one word ending at the last byte (loaded first, see
 * svc_memcpy). A separate function, tail-called, so that small copies keep a lean leaf. */
__attribute__((noinline)) static void *svc_memcpy_big(void *d, const void *s, size_t n) {
  uint8_t *dp = d;
  const uint8_t *sp = s;
  uint64_t last = svc_rd64(sp + n - 8);
  for (; n >= 64; dp += 64, sp += 64, n -= 64) {
    uint64_t a = svc_rd64(sp), b = svc_rd64(sp + 8), e = svc_rd64(sp + 16), f = svc_rd64(sp + 24);
    svc_wr64(dp, a), svc_wr64(dp + 8, b), svc_wr64(dp + 16, e), svc_wr64(dp + 24, f);
    a = svc_rd64(sp + 32), b = svc_rd64(sp + 40), e = svc_rd64(sp + 48), f = svc_rd64(sp + 56);
    svc_wr64(dp + 32, a), svc_wr64(dp + 40, b), svc_wr64(dp + 48, e), svc_wr64(dp + 56, f);
  }
  for (; n >= 8; dp += 8, sp += 8, n -= 8) svc_wr64(dp, svc_rd64(sp));
  svc_wr64(dp + n - 8, last); /* dp + n is still the end */
  return d;
}

/* Word-at-a-time: on the PVM every instruction is gas. The last (n mod 8) bytes are
 * covered by one more 8-byte copy ending at the last byte, loaded before anything is
 * stored, so that a forward-overlapping svc_memmove through here stays correct. */
void *svc_memcpy(void *d, const void *s, size_t n) {
  uint8_t *dp = d;
  const uint8_t *sp = s;
  if (n >= 64) __attribute__((musttail)) return svc_memcpy_big(d, s, n);
  if (n >= 8) {
    uint64_t last = svc_rd64(sp + n - 8);
    for (; n >= 8; dp += 8, sp += 8, n -= 8) svc_wr64(dp, svc_rd64(sp));
    svc_wr64(dp + n - 8, last);
    return d;
  }
  if (n >= 4) { /* two overlapping words cover 4..7 bytes */
    uint32_t a = svc_rd32(sp), b = svc_rd32(sp + n - 4);
    svc_wr32(dp, a), svc_wr32(dp + n - 4, b);
    return d;
  }
  if (n) { /* 1..3 bytes: first, middle, last */
    uint8_t a = sp[0], b = sp[n >> 1], e = sp[n - 1];
    dp[0] = a, dp[n >> 1] = b, dp[n - 1] = e;
  }
  return d;
}

void *svc_memmove(void *d, const void *s, size_t n) {
  uint8_t *dp = d;
  const uint8_t *sp = s;
  if (dp == sp || n == 0) return d;
  if (dp < sp || dp >= sp + n) return svc_memcpy(d, s, n);
  /* dst above src, overlapping: backwards */
  while (n >= 8) n -= 8, svc_wr64(dp + n, svc_rd64(sp + n));
  while (n--) dp[n] = sp[n];
  return d;
}

void *svc_memset(void *d, int v, size_t n) {
  uint8_t *dp = d;
  uint64_t w = (uint8_t)v * 0x0101010101010101ull;
  if (n >= 8) {
    svc_wr64(dp + n - 8, w);
    for (; n >= 8; dp += 8, n -= 8) svc_wr64(dp, w);
    return d;
  }
  while (n--) *dp++ = (uint8_t)v;
  return d;
}

/* svc_memcmp's tail: word-at-a-time from i until the first differing word, then bytewise
 * inside it: the result is the difference of the first differing bytes, as sol_memcmp_
 * needs. */
static inline int svc_memcmp_from(const uint8_t *x, const uint8_t *y, size_t i, size_t n) {
  for (; i + 8 <= n; i += 8)
    if (svc_rd64(x + i) != svc_rd64(y + i)) break;
  for (; i < n; i++)
    if (x[i] != y[i]) return (int)x[i] - (int)y[i];
  return 0;
}

/* svc_memcmp for n >= 64 (the diff compares whole accounts): 64 bytes per test while equal.
 * Tail-called, so that short compares (names, keys) keep a lean leaf. */
__attribute__((noinline)) static int svc_memcmp_big(const void *a, const void *b, size_t n) {
  const uint8_t *x = a, *y = b;
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    uint64_t d = 0;
    for (int k = 0; k < 64; k += 8) d |= svc_rd64(x + i + k) ^ svc_rd64(y + i + k);
    if (d) break;
  }
  return svc_memcmp_from(x, y, i, n);
}

int svc_memcmp(const void *a, const void *b, size_t n) {
  if (n >= 64) __attribute__((musttail)) return svc_memcmp_big(a, b, n);
  return svc_memcmp_from(a, b, 0, n);
}

/* Unrolled by four: a load and a branch per byte (the strings are short: section and
 * symbol names, so word-at-a-time tricks do not pay). */
size_t svc_strlen(const char *s) {
  const char *p = s;
  for (;; p += 4) {
    if (!p[0]) return (size_t)(p - s);
    if (!p[1]) return (size_t)(p - s) + 1;
    if (!p[2]) return (size_t)(p - s) + 2;
    if (!p[3]) return (size_t)(p - s) + 3;
  }
}

/* Compilers lower struct copies and loops to these; a freestanding guest must provide them
 * unless the SDK does (SVC_NO_LIBC). */
#ifndef SVC_NO_LIBC
void *memcpy(void *d, const void *s, size_t n) { return svc_memcpy(d, s, n); }
void *memmove(void *d, const void *s, size_t n) { return svc_memmove(d, s, n); }
void *memset(void *d, int v, size_t n) { return svc_memset(d, v, n); }
int memcmp(const void *a, const void *b, size_t n) { return svc_memcmp(a, b, n); }
#endif

/* ---------------------------------------------------------------- errors */

static void svc_append(char *buf, size_t cap, size_t *pos, const char *s) {
  while (*s && *pos + 1 < cap) buf[(*pos)++] = *s++;
  buf[*pos] = 0;
}

static void svc_append_hex(char *buf, size_t cap, size_t *pos, uint64_t v) {
  char tmp[19];
  int n = 0;
  tmp[n++] = '0', tmp[n++] = 'x';
  int started = 0;
  for (int i = 60; i >= 0; i -= 4) {
    int d = (v >> i) & 15;
    if (d || started || i == 0) {
      tmp[n++] = "0123456789abcdef"[d];
      started = 1;
    }
  }
  tmp[n] = 0;
  svc_append(buf, cap, pos, tmp);
}

int svc_fail(svc_ctx *c, const char *kind, const char *detail) {
  c->status = SVC_FAIL;
  c->err_kind = kind;
  size_t pos = 0;
  c->err_detail[0] = 0;
  if (detail) svc_append(c->err_detail, sizeof c->err_detail, &pos, detail);
  return -1;
}

int svc_fail_addr(svc_ctx *c, const char *kind, const char *what, uint64_t addr, uint64_t len) {
  svc_fail(c, kind, what);
  size_t pos = svc_strlen(c->err_detail);
  svc_append(c->err_detail, sizeof c->err_detail, &pos, " at ");
  svc_append_hex(c->err_detail, sizeof c->err_detail, &pos, addr);
  svc_append(c->err_detail, sizeof c->err_detail, &pos, " len ");
  svc_append_hex(c->err_detail, sizeof c->err_detail, &pos, len);
  return -1;
}

/* ---------------------------------------------------------------- memory */

static void svc_append_dec(char *buf, size_t cap, size_t *pos, int64_t v) {
  char tmp[21];
  int n = 0;
  uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
  do tmp[n++] = (char)('0' + u % 10), u /= 10;
  while (u);
  if (v < 0) svc_append(buf, cap, pos, "-");
  char out[21];
  for (int i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
  out[n] = 0;
  svc_append(buf, cap, pos, out);
}

/* memory_region.rs generate_access_violation: a stack-frame-shaped address gives
 * StackAccessViolation unless the version bumps frames manually (v1, v2). The detail is
 * error.rs' Display text. */
int svc_access_violation(svc_ctx *c, int access, uint64_t vm_addr, uint64_t len) {
  int64_t a = (int64_t)vm_addr, s = (int64_t)MM_STACK_START, diff;
  if (__builtin_sub_overflow(a, s, &diff)) diff = INT64_MIN;
  int64_t frame = diff / (int64_t)c->req.stack_frame_size;
  int manual = c->version == SBPF_V1 || c->version == SBPF_V2;
  char *d = c->err_detail;
  size_t cap = sizeof c->err_detail, pos = 0;
  c->status = SVC_FAIL;
  d[0] = 0;
  if (!manual && frame >= -1 && frame <= (int64_t)c->req.max_call_depth) {
    c->err_kind = "StackAccessViolation";
    svc_append(d, cap, &pos, "Access violation in stack frame ");
    svc_append_dec(d, cap, &pos, frame);
    svc_append(d, cap, &pos, " at address ");
    svc_append_hex(d, cap, &pos, vm_addr);
    svc_append(d, cap, &pos, " of size ");
    svc_append_dec(d, cap, &pos, (int64_t)len);
    return -1;
  }
  c->err_kind = "AccessViolation";
  const char *region = "unallocated";
  uint64_t idx = vm_addr >> 32;
  if (idx < SVC_NREGIONS) {
    const svc_region *r = &c->regions[idx];
    uint64_t span = r->gap_shift == 63 ? r->len : r->len * 2;
    if (vm_addr >= r->vm_addr && vm_addr - r->vm_addr < span) {
      static const char *const names[] = {"allocated", "program", "stack", "heap", "input"};
      region = names[idx];
    }
  }
  svc_append(d, cap, &pos, "Access violation ");
  svc_append(d, cap, &pos, access == SVC_STORE ? "writing " : "reading ");
  svc_append_dec(d, cap, &pos, (int64_t)len);
  svc_append(d, cap, &pos, " bytes at address ");
  svc_append_hex(d, cap, &pos, vm_addr);
  svc_append(d, cap, &pos, " (in ");
  svc_append(d, cap, &pos, region);
  svc_append(d, cap, &pos, " region)");
  return -1;
}

uint8_t *svc_translate(svc_ctx *c, int access, uint64_t vm_addr, uint64_t len) {
  uint64_t idx = vm_addr >> 32;
  if (idx < SVC_NREGIONS) {
    svc_region *r = &c->regions[idx];
    if (r->writable || access != SVC_STORE) {
      if (vm_addr >= r->vm_addr) {
        uint64_t off = vm_addr - r->vm_addr;
        if (r->gap_shift == 63) {
          if (off <= r->len && len <= r->len - off) return r->host + off;
        } else {
          int in_gap = (off >> r->gap_shift) & 1;
          uint64_t mask = ~0ull << r->gap_shift;
          uint64_t g = ((off & mask) >> 1) | (off & ~mask);
          if (!in_gap && g <= r->len && len <= r->len - g) return r->host + g;
        }
      }
    }
  }
  svc_access_violation(c, access, vm_addr, len);
  return 0;
}

/* ---------------------------------------------------------------- meter */

/* svc_consume's failure (out of line: the charge itself is inline at every syscall). */
int svc_consume_fail(svc_ctx *c) {
  c->remaining = 0;
  return svc_fail(c, "ComputationalBudgetExceeded", "syscall cost exceeds the remaining compute units");
}

/* ---------------------------------------------------------------- logs */

svc_logstate svc_logs;
uint8_t svc_resp[SVC_RESP_CAP] __attribute__((aligned(8)));

/* Appends the line a ++ b (built in place: no intermediate buffer). */
static void svc_log_push(const char *a, size_t na, const char *b, size_t nb) {
  size_t len = na + nb;
  uint32_t at = svc_logs.wire;
  if (len + 4 > SVC_LOG_BUF - at) return; /* unreachable: see SVC_LOG_BUF */
  uint8_t *e = svc_resp + SVC_RESP_LOGS + at;
  svc_wr32(e, (uint32_t)len);
  svc_memcpy(e + 4, a, na);
  if (nb) svc_memcpy(e + 4 + na, b, nb);
  svc_logs.wire = at + 4 + (uint32_t)len;
  svc_logs.n++;
  svc_host_log((const char *)e + 4, len);
}

void svc_log2(svc_ctx *c, const char *a, size_t na, const char *b, size_t nb) {
  (void)c;
  uint64_t written = svc_logs.bytes + na + nb;
  if (written >= SVC_LOG_BYTES_LIMIT) {
    if (!svc_logs.truncated) {
      svc_logs.truncated = 1;
      svc_log_push("Log truncated", 13, 0, 0);
    }
    return;
  }
  svc_logs.bytes = written;
  svc_log_push(a, na, b, nb);
}


/* Starts an empty log whose budget already holds the bytes of the lines the host logged
 * before the service ran ("Program <id> invoke [1]"), as one Agave collector would. */
void svc_logs_reset(uint64_t host_bytes) {
  svc_logs.n = 0;
  svc_logs.wire = 0;
  svc_logs.bytes = host_bytes;
  svc_logs.truncated = 0;
}

/* ---------------------------------------------------------------- murmur3 (ebpf::hash_symbol_name) */

uint32_t svc_murmur3_32(const uint8_t *data, size_t len, uint32_t seed) {
  uint32_t h = seed;
  size_t i = 0;
  for (; i + 4 <= len; i += 4) {
    uint32_t k = (uint32_t)data[i] | (uint32_t)data[i + 1] << 8 | (uint32_t)data[i + 2] << 16 | (uint32_t)data[i + 3] << 24;
    k *= 0xcc9e2d51u;
    k = (k << 15) | (k >> 17);
    k *= 0x1b873593u;
    h ^= k;
    h = (h << 13) | (h >> 19);
    h = h * 5 + 0xe6546b64u;
  }
  uint32_t k = 0;
  switch (len & 3) {
  case 3: k ^= (uint32_t)data[i + 2] << 16; /* fallthrough */
  case 2: k ^= (uint32_t)data[i + 1] << 8;  /* fallthrough */
  case 1:
    k ^= data[i];
    k *= 0xcc9e2d51u;
    k = (k << 15) | (k >> 17);
    k *= 0x1b873593u;
    h ^= k;
  }
  h ^= (uint32_t)len;
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

SVC_ZBB_END
