/* svc_crypto.c — SHA-256 (FIPS 180-4), Keccak-256 (original Keccak padding, as Solana's
 * sol_keccak256), BLAKE3 (unkeyed hash, 32-byte output) and the edwards25519 point
 * decompression check Solana uses to reject PDAs on the curve. Written for size and clarity. */
#include "svcrt.h"
SVC_ZBB_BEGIN

/* ---------------------------------------------------------------- SHA-256 */

typedef struct {
  uint32_t h[8];
  uint64_t len;
  uint8_t buf[64];
  uint32_t n;
} sha256_st;

_Static_assert(sizeof(sha256_st) <= SVC_SHA256_STATE, "sha256 state");

static const uint32_t K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
    0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
    0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
    0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
    0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
    0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static inline uint32_t ror32(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static void sha256_block(sha256_st *s, const uint8_t *p) {
  uint32_t w[64];
  for (int i = 0; i < 16; i++) w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
  for (int i = 16; i < 64; i++) {
    uint32_t s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4], f = s->h[5], g = s->h[6], h = s->h[7];
  /* unrolled by 8: the register rotation a..h becomes renaming instead of moves */
#pragma clang loop unroll_count(8)
  for (int i = 0; i < 64; i++) {
    uint32_t t1 = h + (ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25)) + ((e & f) ^ (~e & g)) + K256[i] + w[i];
    uint32_t t2 = (ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
  }
  s->h[0] += a, s->h[1] += b, s->h[2] += c, s->h[3] += d, s->h[4] += e, s->h[5] += f, s->h[6] += g, s->h[7] += h;
}

void svc_sha256_init(void *st) {
  static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  sha256_st *s = st;
  svc_memcpy(s->h, iv, sizeof iv);
  s->len = 0, s->n = 0;
}

void svc_sha256_update(void *st, const uint8_t *p, size_t n) {
  sha256_st *s = st;
  s->len += n;
  while (n) {
    if (s->n == 0 && n >= 64) {
      sha256_block(s, p);
      p += 64, n -= 64;
      continue;
    }
    size_t k = 64 - s->n < n ? 64 - s->n : n;
    svc_memcpy(s->buf + s->n, p, k);
    s->n += (uint32_t)k, p += k, n -= k;
    if (s->n == 64) sha256_block(s, s->buf), s->n = 0;
  }
}

void svc_sha256_final(void *st, uint8_t out[32]) {
  sha256_st *s = st;
  uint64_t bits = s->len * 8;
  uint8_t pad[72] = {0x80};
  size_t padn = (s->n < 56 ? 56 - s->n : 120 - s->n);
  for (int i = 0; i < 8; i++) pad[padn + i] = (uint8_t)(bits >> (56 - 8 * i));
  uint64_t keep = s->len;
  svc_sha256_update(s, pad, padn + 8);
  s->len = keep;
  for (int i = 0; i < 8; i++)
    out[4 * i] = s->h[i] >> 24, out[4 * i + 1] = s->h[i] >> 16, out[4 * i + 2] = s->h[i] >> 8, out[4 * i + 3] = s->h[i];
}

/* ---------------------------------------------------------------- Keccak-256 */

typedef struct {
  uint64_t a[25];
  uint32_t n;
  uint8_t buf[136];
} keccak_st;

_Static_assert(sizeof(keccak_st) <= SVC_KECCAK_STATE, "keccak state");

static const uint64_t KRC[24] = {0x0000000000000001, 0x0000000000008082, 0x800000000000808a, 0x8000000080008000, 0x000000000000808b,
                                 0x0000000080000001, 0x8000000080008081, 0x8000000000008009, 0x000000000000008a, 0x0000000000000088,
                                 0x0000000080008009, 0x000000008000000a, 0x000000008000808b, 0x800000000000008b, 0x8000000000008089,
                                 0x8000000000008003, 0x8000000000008002, 0x8000000000000080, 0x000000000000800a, 0x800000008000000a,
                                 0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008};
static const uint8_t KROT[25] = {0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14};

static inline uint64_t rol64(uint64_t x, int n) { return n ? (x << n) | (x >> (64 - n)) : x; }

static void keccak_f(uint64_t *a) {
  for (int r = 0; r < 24; r++) {
    uint64_t c[5], d[5], b[25];
    /* every loop fully unrolled: lane indices and rotation amounts become constants (one
     * Zbb rotate per lane; no table lookups, no i % 5) */
#pragma clang loop unroll(full)
    for (int x = 0; x < 5; x++) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
#pragma clang loop unroll(full)
    for (int x = 0; x < 5; x++) d[x] = c[(x + 4) % 5] ^ rol64(c[(x + 1) % 5], 1);
#pragma clang loop unroll(full)
    for (int y = 0; y < 5; y++)
#pragma clang loop unroll(full)
      for (int x = 0; x < 5; x++) a[x + 5 * y] ^= d[x];
#pragma clang loop unroll(full)
    for (int x = 0; x < 5; x++)
#pragma clang loop unroll(full)
      for (int y = 0; y < 5; y++) b[y + 5 * ((2 * x + 3 * y) % 5)] = rol64(a[x + 5 * y], KROT[x + 5 * y]);
#pragma clang loop unroll(full)
    for (int y = 0; y < 5; y++)
#pragma clang loop unroll(full)
      for (int x = 0; x < 5; x++) a[x + 5 * y] = b[x + 5 * y] ^ (~b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y]);
    a[0] ^= KRC[r];
  }
}

static void keccak_absorb(keccak_st *s) {
  for (int i = 0; i < 17; i++) s->a[i] ^= svc_rd64(s->buf + 8 * i);
  keccak_f(s->a);
}

void svc_keccak256_init(void *st) { svc_memset(st, 0, sizeof(keccak_st)); }

void svc_keccak256_update(void *st, const uint8_t *p, size_t n) {
  keccak_st *s = st;
  while (n) {
    size_t k = 136 - s->n < n ? 136 - s->n : n;
    svc_memcpy(s->buf + s->n, p, k);
    s->n += (uint32_t)k, p += k, n -= k;
    if (s->n == 136) keccak_absorb(s), s->n = 0;
  }
}

void svc_keccak256_final(void *st, uint8_t out[32]) {
  keccak_st *s = st;
  svc_memset(s->buf + s->n, 0, 136 - s->n);
  s->buf[s->n] ^= 0x01;
  s->buf[135] ^= 0x80;
  keccak_absorb(s);
  for (int i = 0; i < 4; i++) svc_wr64(out + 8 * i, s->a[i]);
}

/* ---------------------------------------------------------------- BLAKE3 */

static const uint32_t B3IV[8] = {0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19};
static const uint8_t B3PERM[16] = {2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8};
enum { B3_CHUNK_START = 1, B3_CHUNK_END = 2, B3_PARENT = 4, B3_ROOT = 8 };

static inline void b3g(uint32_t *s, int a, int b, int c, int d, uint32_t mx, uint32_t my) {
  s[a] += s[b] + mx, s[d] = ror32(s[d] ^ s[a], 16);
  s[c] += s[d], s[b] = ror32(s[b] ^ s[c], 12);
  s[a] += s[b] + my, s[d] = ror32(s[d] ^ s[a], 8);
  s[c] += s[d], s[b] = ror32(s[b] ^ s[c], 7);
}

static void b3_compress(const uint32_t cv[8], const uint32_t blk[16], uint64_t counter, uint32_t len, uint32_t flags, uint32_t out[16]) {
  uint32_t s[16] = {cv[0], cv[1], cv[2], cv[3], cv[4], cv[5], cv[6], cv[7], B3IV[0], B3IV[1], B3IV[2], B3IV[3],
                    (uint32_t)counter, (uint32_t)(counter >> 32), len, flags};
  uint32_t m[16], t[16];
  for (int i = 0; i < 16; i++) m[i] = blk[i];
  /* fully unrolled: the message permutation becomes renaming, not a table-driven copy */
#pragma clang loop unroll(full)
  for (int r = 0; r < 7; r++) {
    b3g(s, 0, 4, 8, 12, m[0], m[1]);
    b3g(s, 1, 5, 9, 13, m[2], m[3]);
    b3g(s, 2, 6, 10, 14, m[4], m[5]);
    b3g(s, 3, 7, 11, 15, m[6], m[7]);
    b3g(s, 0, 5, 10, 15, m[8], m[9]);
    b3g(s, 1, 6, 11, 12, m[10], m[11]);
    b3g(s, 2, 7, 8, 13, m[12], m[13]);
    b3g(s, 3, 4, 9, 14, m[14], m[15]);
    if (r < 6) {
#pragma clang loop unroll(full)
      for (int i = 0; i < 16; i++) t[i] = m[B3PERM[i]];
#pragma clang loop unroll(full)
      for (int i = 0; i < 16; i++) m[i] = t[i];
    }
  }
  for (int i = 0; i < 8; i++) out[i] = s[i] ^ s[i + 8], out[i + 8] = s[i + 8] ^ cv[i];
}

typedef struct {
  uint32_t cv[8];
  uint64_t chunk;
  uint8_t buf[64];
  uint32_t buf_len, blocks;
  uint32_t stack[54][8];
  uint32_t depth;
} b3_st;

_Static_assert(sizeof(b3_st) <= SVC_BLAKE3_STATE, "blake3 state");

static void b3_words(const uint8_t *p, uint32_t w[16]) {
  for (int i = 0; i < 16; i++) w[i] = svc_rd32(p + 4 * i);
}

static void b3_chunk_cv(b3_st *s, uint32_t flags_extra, uint32_t out[16]) {
  uint32_t w[16];
  b3_words(s->buf, w);
  uint32_t f = (s->blocks == 0 ? B3_CHUNK_START : 0) | B3_CHUNK_END | flags_extra;
  b3_compress(s->cv, w, flags_extra & B3_ROOT ? 0 : s->chunk, s->buf_len, f, out);
}

void svc_blake3_init(void *st) {
  b3_st *s = st;
  svc_memset(s, 0, sizeof *s);
  svc_memcpy(s->cv, B3IV, 32);
}

void svc_blake3_update(void *st, const uint8_t *p, size_t n) {
  b3_st *s = st;
  while (n) {
    if (s->blocks * 64 + s->buf_len == 1024) {
      uint32_t out[16], cv[8];
      b3_chunk_cv(s, 0, out);
      svc_memcpy(cv, out, 32);
      uint64_t total = s->chunk + 1;
      while ((total & 1) == 0) {
        uint32_t blk[16];
        svc_memcpy(blk, s->stack[--s->depth], 32);
        svc_memcpy(blk + 8, cv, 32);
        b3_compress(B3IV, blk, 0, 64, B3_PARENT, out);
        svc_memcpy(cv, out, 32);
        total >>= 1;
      }
      svc_memcpy(s->stack[s->depth++], cv, 32);
      s->chunk++;
      svc_memcpy(s->cv, B3IV, 32);
      s->blocks = 0, s->buf_len = 0;
      svc_memset(s->buf, 0, 64);
    }
    if (s->buf_len == 64) {
      uint32_t w[16], out[16];
      b3_words(s->buf, w);
      b3_compress(s->cv, w, s->chunk, 64, s->blocks == 0 ? B3_CHUNK_START : 0, out);
      svc_memcpy(s->cv, out, 32);
      s->blocks++, s->buf_len = 0;
      svc_memset(s->buf, 0, 64);
    }
    size_t want = 64 - s->buf_len;
    size_t room = 1024 - s->blocks * 64 - s->buf_len;
    if (want > room) want = room;
    size_t k = want < n ? want : n;
    svc_memcpy(s->buf + s->buf_len, p, k);
    s->buf_len += (uint32_t)k, p += k, n -= k;
  }
}

void svc_blake3_final(void *st, uint8_t out32[32]) {
  b3_st *s = st;
  uint32_t out[16];
  if (s->depth == 0) {
    b3_chunk_cv(s, B3_ROOT, out);
  } else {
    uint32_t cv[8], blk[16];
    b3_chunk_cv(s, 0, out);
    svc_memcpy(cv, out, 32);
    for (int i = (int)s->depth - 1; i >= 0; i--) {
      svc_memcpy(blk, s->stack[i], 32);
      svc_memcpy(blk + 8, cv, 32);
      b3_compress(B3IV, blk, 0, 64, B3_PARENT | (i == 0 ? B3_ROOT : 0), out);
      svc_memcpy(cv, out, 32);
    }
  }
  for (int i = 0; i < 8; i++) svc_wr32(out32 + 4 * i, out[i]);
}

/* ---------------------------------------------------------------- edwards25519 on-curve check */

/* Field elements mod p = 2^255 - 19 in five 51-bit limbs. */
typedef struct {
  uint64_t v[5];
} fe;

#define M51 ((1ull << 51) - 1)

static void fe_frombytes(fe *h, const uint8_t s[32]) {
  uint64_t w[4];
  for (int i = 0; i < 4; i++) w[i] = svc_rd64(s + 8 * i);
  w[3] &= 0x7FFFFFFFFFFFFFFFull; /* the sign bit is not part of y */
  h->v[0] = w[0] & M51;
  h->v[1] = ((w[0] >> 51) | (w[1] << 13)) & M51;
  h->v[2] = ((w[1] >> 38) | (w[2] << 26)) & M51;
  h->v[3] = ((w[2] >> 25) | (w[3] << 39)) & M51;
  h->v[4] = (w[3] >> 12) & M51;
}

static void fe_carry(fe *h) {
  for (int k = 0; k < 2; k++) {
    uint64_t c;
    for (int i = 0; i < 4; i++) c = h->v[i] >> 51, h->v[i] &= M51, h->v[i + 1] += c;
    c = h->v[4] >> 51, h->v[4] &= M51, h->v[0] += c * 19;
  }
}

/* Products of limbs below 2^52 (one limb below 2^52 + 2^13, the others below 2^51 after
 * the single carry chain below) stay far below 2^128; the final carry of r4 (times 19) is
 * folded into limb 0 and carried once into limb 1, which keeps every output limb below
 * 2^52: outputs can be fed back in without a full reduction. */
static void fe_reduce(fe *h, unsigned __int128 r0, unsigned __int128 r1, unsigned __int128 r2, unsigned __int128 r3,
                      unsigned __int128 r4) {
  r1 += (uint64_t)(r0 >> 51);
  r2 += (uint64_t)(r1 >> 51);
  r3 += (uint64_t)(r2 >> 51);
  r4 += (uint64_t)(r3 >> 51);
  uint64_t c = (uint64_t)(r4 >> 51);
  uint64_t h0 = ((uint64_t)r0 & M51) + c * 19;
  h->v[0] = h0 & M51;
  h->v[1] = ((uint64_t)r1 & M51) + (h0 >> 51);
  h->v[2] = (uint64_t)r2 & M51, h->v[3] = (uint64_t)r3 & M51, h->v[4] = (uint64_t)r4 & M51;
}

static void fe_mul(fe *h, const fe *f, const fe *g) {
  typedef unsigned __int128 u128;
  const uint64_t *a = f->v, *b = g->v;
  uint64_t b1 = b[1] * 19, b2 = b[2] * 19, b3 = b[3] * 19, b4 = b[4] * 19;
  u128 r0 = (u128)a[0] * b[0] + (u128)a[1] * b4 + (u128)a[2] * b3 + (u128)a[3] * b2 + (u128)a[4] * b1;
  u128 r1 = (u128)a[0] * b[1] + (u128)a[1] * b[0] + (u128)a[2] * b4 + (u128)a[3] * b3 + (u128)a[4] * b2;
  u128 r2 = (u128)a[0] * b[2] + (u128)a[1] * b[1] + (u128)a[2] * b[0] + (u128)a[3] * b4 + (u128)a[4] * b3;
  u128 r3 = (u128)a[0] * b[3] + (u128)a[1] * b[2] + (u128)a[2] * b[1] + (u128)a[3] * b[0] + (u128)a[4] * b4;
  u128 r4 = (u128)a[0] * b[4] + (u128)a[1] * b[3] + (u128)a[2] * b[2] + (u128)a[3] * b[1] + (u128)a[4] * b[0];
  fe_reduce(h, r0, r1, r2, r3, r4);
}

/* h = f^2 with the symmetric products shared: 15 multiplications instead of 25. */
static void fe_sq(fe *h, const fe *f) {
  typedef unsigned __int128 u128;
  const uint64_t *a = f->v;
  uint64_t d0 = 2 * a[0], d1 = 2 * a[1], d2 = 2 * a[2], a3_19 = 19 * a[3], a4_19 = 19 * a[4];
  u128 r0 = (u128)a[0] * a[0] + (u128)d1 * a4_19 + (u128)d2 * a3_19;
  u128 r1 = (u128)d0 * a[1] + (u128)d2 * a4_19 + (u128)a[3] * a3_19;
  u128 r2 = (u128)d0 * a[2] + (u128)a[1] * a[1] + (u128)(2 * a[3]) * a4_19;
  u128 r3 = (u128)d0 * a[3] + (u128)d1 * a[2] + (u128)a[4] * a4_19;
  u128 r4 = (u128)d0 * a[4] + (u128)d1 * a[3] + (u128)a[2] * a[2];
  fe_reduce(h, r0, r1, r2, r3, r4);
}

/* h = f^(2^n) */
static void fe_sqn(fe *h, const fe *f, int n) {
  fe_sq(h, f);
  while (--n > 0) fe_sq(h, h);
}

/* Canonical little-endian value (fully reduced). */
static void fe_tobytes(uint8_t out[32], const fe *f) {
  fe h = *f;
  fe_carry(&h);
  /* subtract p if h >= p */
  uint64_t q = (h.v[0] + 19) >> 51;
  q = (h.v[1] + q) >> 51;
  q = (h.v[2] + q) >> 51;
  q = (h.v[3] + q) >> 51;
  q = (h.v[4] + q) >> 51;
  h.v[0] += 19 * q;
  uint64_t c;
  for (int i = 0; i < 4; i++) c = h.v[i] >> 51, h.v[i] &= M51, h.v[i + 1] += c;
  h.v[4] &= M51;
  uint64_t w0 = h.v[0] | h.v[1] << 51, w1 = h.v[1] >> 13 | h.v[2] << 38, w2 = h.v[2] >> 26 | h.v[3] << 25, w3 = h.v[3] >> 39 | h.v[4] << 12;
  svc_wr64(out, w0), svc_wr64(out + 8, w1), svc_wr64(out + 16, w2), svc_wr64(out + 24, w3);
}

/* ---- Jacobi symbol by batched "positive divsteps"
 *
 * jac_symbol(x) for 0 < x < p computes (x | p) without exponentiation, the variable-time
 * Jacobi algorithm of libsecp256k1 (secp256k1_jacobi64_maybe_var, built on Bernstein and
 * Yang's divsteps; see its doc/safegcd_implementation.md), re-derived here for p = 2^255 - 19.
 *
 * State: f odd, f > 0, g >= 0, and J = (g | f) * (-1)^jac is invariant, starting from f = p,
 * g = x, jac = 0, so J = (x | p). Each posdivstep applies one of three moves, each of which
 * keeps J (Jacobi-symbol rules for odd positive f):
 *   g <- g / 2      when g is even:  (2 | f) = -1 iff f = 3 or 5 (mod 8), so jac flips then;
 *   (f, g) <- (g, f) when both odd:  quadratic reciprocity, (g | f)(f | g) = -1 iff
 *                                    f = g = 3 (mod 4), so jac flips then;
 *   g <- g + w f    with w >= 0:     (g + w f | f) = (g | f).
 * None of them negates anything, so f, g and the batch matrix entries stay non-negative.
 * Moves only need the low bits of f and g, so 62 of them at a time run on the low 64 bits
 * (jac_steps62: the bits it reads are always exact, see below) and are then applied to the
 * full numbers as a 2x2 matrix divided by 2^62 (jac_apply). gcd(f, g) = gcd(p, x) = 1 is kept
 * (up to the powers of two the moves divide out; f stays odd), and the walk ends at f = g = 1,
 * where (g | 1) = 1, so the symbol is (-1)^jac. The answer is taken only when f = 1 is seen,
 * so its correctness rests on the invariant alone; convergence only decides whether the
 * exponentiation fallback is needed (libsecp256k1 bounds 1550 steps "except extremely rarely";
 * JAC_ROUNDS batches are tried before falling back).
 *
 * Exactness of the low bits inside a batch: after k of its 62 steps, g has been shifted right
 * k times, so the local g (and any f swapped in from it) has 64 - k = 2 + i exact low bits,
 * i >= 1 being the steps left whenever a move is chosen. The moves read at most bits 0..2 of f
 * (mod 8 for the halving rule, taken while i >= 0 with f set when i >= 1: 3 exact bits) and
 * min(i, 6) bits of g and f to pick w, which is why the batch is fed f mod 2^64, not 2^62. */
#ifndef JAC_ROUNDS
#define JAC_ROUNDS 25
#endif
#define M62 (~0ull >> 2)

typedef struct {
  uint64_t u, v, q, r; /* [f', g'] * 2^62 = [[u, v], [q, r]] [f, g]; all >= 0, u + v <= 2^62 */
} jac_mat;

static int64_t jac_steps62(int64_t eta, uint64_t f, uint64_t g, jac_mat *t, unsigned *jac) {
  uint64_t u = 1, v = 0, q = 0, r = 1;
  unsigned j = *jac;
  int i = 62;
  for (;;) {
    /* halve g as often as it is even, but at most i times (the sentinel bits) */
    int z = __builtin_ctzll(g | (~0ull << i));
    g >>= z, u <<= z, v <<= z;
    eta -= z, i -= z;
    j ^= (unsigned)z & (unsigned)((f >> 1) ^ (f >> 2));
    if (i == 0) break;
    uint64_t w, m;
    int lim;
    if (eta < 0) {
      uint64_t x;
      eta = -eta;
      x = f, f = g, g = x;
      x = u, u = q, q = x;
      x = v, v = r, r = x;
      j ^= (unsigned)((f & g) >> 1);
      lim = (int)eta + 1 > i ? i : (int)eta + 1;
      m = (~0ull >> (64 - lim)) & 63; /* clear up to 6 low bits of g: w = -g/f mod 2^6 */
      w = (f * g * (f * f - 2)) & m;
    } else {
      lim = (int)eta + 1 > i ? i : (int)eta + 1;
      m = (~0ull >> (64 - lim)) & 15; /* clear up to 4 low bits of g: w = -g/f mod 2^4 */
      w = f + (((f + 1) & 4) << 1);
      w = (-w * g) & m;
    }
    g += f * w, q += u * w, r += v * w;
  }
  t->u = u, t->v = v, t->q = q, t->r = r;
  *jac = j;
  return eta;
}

/* [f, g] <- t [f, g] / 2^62 on len limbs of 62 bits (the low 62 bits of the products are zero by
 * construction of t). Entries <= 2^62 and limbs < 2^62 keep every sum below 2^126. */
static void jac_apply(int len, uint64_t f[5], uint64_t g[5], const jac_mat *t) {
  typedef unsigned __int128 u128;
  u128 cf = (u128)t->u * f[0] + (u128)t->v * g[0];
  u128 cg = (u128)t->q * f[0] + (u128)t->r * g[0];
  cf >>= 62, cg >>= 62;
  for (int k = 1; k < len; k++) {
    cf += (u128)t->u * f[k] + (u128)t->v * g[k];
    cg += (u128)t->q * f[k] + (u128)t->r * g[k];
    f[k - 1] = (uint64_t)cf & M62, g[k - 1] = (uint64_t)cg & M62;
    cf >>= 62, cg >>= 62;
  }
  f[len - 1] = (uint64_t)cf, g[len - 1] = (uint64_t)cg;
}

/* (x | p) for the canonical little-endian x, 0 < x < p: 1 or -1; 0 if it did not converge in
 * JAC_ROUNDS batches (the caller then decides by exponentiation). */
static int jac_symbol(const uint8_t xb[32]) {
  uint64_t w0 = svc_rd64(xb), w1 = svc_rd64(xb + 8), w2 = svc_rd64(xb + 16), w3 = svc_rd64(xb + 24);
  uint64_t g[5] = {w0 & M62, (w0 >> 62 | w1 << 2) & M62, (w1 >> 60 | w2 << 4) & M62, (w2 >> 58 | w3 << 6) & M62, w3 >> 56};
  uint64_t f[5] = {M62 - 18, M62, M62, M62, 127}; /* p = 2^255 - 19 */
  int len = 5;
  int64_t eta = -1;
  unsigned jac = 0;
  for (int round = 0; round < JAC_ROUNDS; round++) {
    jac_mat t;
    eta = jac_steps62(eta, f[0] | f[1] << 62, g[0] | g[1] << 62, &t, &jac);
    jac_apply(len, f, g, &t);
    if (f[0] == 1) {
      uint64_t hi = 0;
      for (int k = 1; k < len; k++) hi |= f[k];
      if (hi == 0) return (jac & 1) ? -1 : 1;
    }
    /* drop a top limb once it is zero in both: limbs above len stay zero, so f[1], g[1] read
     * above are right even when len is 1 */
    if (len > 1 && (f[len - 1] | g[len - 1]) == 0) len--;
  }
  return 0;
}

/* Euler's criterion, the fallback: is w (canonical bytes wb, nonzero) a square? w^((p-1)/2) =
 * w^(2^254 - 10) = (w^(2^250 - 1))^(2^4) * w^6, with ref10's addition chain for w^(2^250 - 1):
 * 254 squarings and 13 multiplications. */
static int fe_is_square(const fe *w) {
  fe z2, z9, z11, t0, t1, t2, r;
  fe_sq(&z2, w);                  /* w^2 */
  fe_sqn(&t0, &z2, 2);            /* w^8 */
  fe_mul(&z9, &t0, w);            /* w^9 */
  fe_mul(&z11, &z9, &z2);         /* w^11 */
  fe_sq(&t0, &z11);               /* w^22 */
  fe_mul(&t0, &t0, &z9);          /* w^(2^5 - 1) */
  fe_sqn(&t1, &t0, 5);
  fe_mul(&t0, &t1, &t0);          /* w^(2^10 - 1) */
  fe_sqn(&t1, &t0, 10);
  fe_mul(&t1, &t1, &t0);          /* w^(2^20 - 1) */
  fe_sqn(&t2, &t1, 20);
  fe_mul(&t1, &t2, &t1);          /* w^(2^40 - 1) */
  fe_sqn(&t1, &t1, 10);
  fe_mul(&t0, &t1, &t0);          /* w^(2^50 - 1) */
  fe_sqn(&t1, &t0, 50);
  fe_mul(&t1, &t1, &t0);          /* w^(2^100 - 1) */
  fe_sqn(&t2, &t1, 100);
  fe_mul(&t1, &t2, &t1);          /* w^(2^200 - 1) */
  fe_sqn(&t1, &t1, 50);
  fe_mul(&t0, &t1, &t0);          /* w^(2^250 - 1) */
  fe_sqn(&t0, &t0, 4);            /* w^(2^254 - 16) */
  fe_sq(&t1, &z2);                /* w^4 */
  fe_mul(&t1, &t1, &z2);          /* w^6 */
  fe_mul(&r, &t0, &t1);           /* w^(2^254 - 10) */
  uint8_t rb[32];
  static const uint8_t one[32] = {1};
  fe_tobytes(rb, &r);
  return svc_memcmp(rb, one, 32) == 0;
}

/* curve25519-dalek CompressedEdwardsY::decompress succeeds iff sqrt_ratio_i(u, v) reports a
 * square, u = y^2 - 1, v = d y^2 + 1, y the low 255 bits taken mod p (the sign bit never
 * rejects): that is u = 0 (sqrt_ratio_i returns "square" with root 0) or u / v a nonzero square.
 * v is never 0: d y^2 = -1 would make -1/d a square, but -1 is a square mod p (p = 1 mod 4)
 * and d is not (curve_test.go checks both with math/big), so -1/d is not. Then
 * chi(u / v) = chi(u) chi(v)^-1 = chi(u v), and u v = 0 iff u = 0: the point is valid iff
 * w = u v is 0 or (w | p) = 1. */
int svc_ed25519_on_curve(const uint8_t p[32]) {
  static const uint8_t d_bytes[32] = {0xa3, 0x78, 0x59, 0x13, 0xca, 0x4d, 0xeb, 0x75, 0xab, 0xd8, 0x41, 0x41, 0x4d, 0x0a, 0x70, 0x00,
                                      0x98, 0xe8, 0x79, 0x77, 0x79, 0x40, 0xc7, 0x8c, 0x73, 0xfe, 0x6f, 0x2b, 0xee, 0x6c, 0x03, 0x52};
  fe y, y2, d, u, v, w;
  fe_frombytes(&y, p);
  fe_frombytes(&d, d_bytes);
  fe_mul(&y2, &y, &y);
  u = y2;
  /* u = y^2 - 1 computed as y^2 + (2p - 1) to stay non-negative */
  u.v[0] += 0xFFFFFFFFFFFDAull - 1; /* 2p limbs: 2^52-38, 2^52-2, ... */
  u.v[1] += 0xFFFFFFFFFFFFEull;
  u.v[2] += 0xFFFFFFFFFFFFEull;
  u.v[3] += 0xFFFFFFFFFFFFEull;
  u.v[4] += 0xFFFFFFFFFFFFEull;
  fe_carry(&u);
  fe_mul(&v, &d, &y2);
  v.v[0] += 1;
  fe_carry(&v);
  fe_mul(&w, &u, &v);
  uint8_t wb[32];
  static const uint8_t zero[32] = {0};
  fe_tobytes(wb, &w);
  if (svc_memcmp(wb, zero, 32) == 0) return 1;
  int chi = jac_symbol(wb);
  if (chi != 0) return chi > 0;
  return fe_is_square(&w);
}

SVC_ZBB_END
