/* compute: compute-heavy kernels; the result is returned as return data.
 * data[0]: 0 heap sort of 1000 u64 from an LCG seeded with u64 data[1..9]; returns
 *            u64 sum(i * a[i]) over the sorted array (wrapping)
 *          1 sieve of Eratosthenes up to u32 data[1..5] (< 32768); returns u64 count
 *          2 recursive fibonacci of data[1] (<= 30); returns u64 fib(n)
 *          3 256-bit multiply loop: x = seed (4 limbs = LCG outputs), repeat data[1]
 *            times x = x * x + 1 mod 2^256; returns the 32 bytes of x (little-endian) */
#include <sbpf.h>

#define HEAP ((uint8_t *)0x300000000UL)

static uint64_t lcg(uint64_t *s) {
  *s = *s * 6364136223846793005UL + 1442695040888963407UL;
  return *s;
}

static void sift(uint64_t *a, uint64_t start, uint64_t end) {
  uint64_t root = start;
  while (2 * root + 1 <= end) {
    uint64_t child = 2 * root + 1, sw = root;
    if (a[sw] < a[child]) sw = child;
    if (child + 1 <= end && a[sw] < a[child + 1]) sw = child + 1;
    if (sw == root) return;
    uint64_t t = a[root];
    a[root] = a[sw];
    a[sw] = t;
    root = sw;
  }
}

static uint64_t sort1000(uint64_t seed) {
  uint64_t *a = (uint64_t *)HEAP;
  const uint64_t n = 1000;
  for (uint64_t i = 0; i < n; i++) a[i] = lcg(&seed);
  for (uint64_t s = n / 2; s-- > 0;) sift(a, s, n - 1);
  for (uint64_t end = n - 1; end > 0; end--) {
    uint64_t t = a[0];
    a[0] = a[end];
    a[end] = t;
    sift(a, 0, end - 1);
  }
  uint64_t sum = 0;
  for (uint64_t i = 0; i < n; i++) {
    if (i > 0 && a[i - 1] > a[i]) sol_panic();
    sum += i * a[i];
  }
  return sum;
}

static uint64_t sieve(uint64_t n) {
  uint8_t *c = HEAP;
  for (uint64_t i = 0; i <= n; i++) c[i] = 1;
  uint64_t count = 0;
  for (uint64_t i = 2; i <= n; i++) {
    if (!c[i]) continue;
    count++;
    for (uint64_t j = i * i; j <= n; j += i) c[j] = 0;
  }
  return count;
}

__attribute__((noinline)) static uint64_t fib(uint64_t n) {
  if (n < 2) return n;
  return fib(n - 1) + fib(n - 2);
}

/* 64x64 -> 128 multiply from 32-bit halves (sBPF v0 has no high-multiply). */
static void mul64(uint64_t a, uint64_t b, uint64_t *lo, uint64_t *hi) {
  uint64_t al = a & 0xffffffff, ah = a >> 32, bl = b & 0xffffffff, bh = b >> 32;
  uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
  uint64_t mid = (ll >> 32) + (lh & 0xffffffff) + (hl & 0xffffffff);
  *lo = (ll & 0xffffffff) | (mid << 32);
  *hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

static void mul256(uint64_t x[4], uint64_t rounds) {
  for (uint64_t r = 0; r < rounds; r++) {
    uint64_t out[4] = {0, 0, 0, 0};
    for (int i = 0; i < 4; i++) {
      uint64_t carry = 0;
      for (int j = 0; i + j < 4; j++) {
        uint64_t lo, hi;
        mul64(x[i], x[j], &lo, &hi);
        uint64_t s = out[i + j] + lo;
        hi += s < lo;
        s += carry;
        hi += s < carry;
        out[i + j] = s;
        carry = hi;
      }
    }
    /* + 1 */
    for (int i = 0; i < 4; i++) {
      out[i] += 1;
      if (out[i] != 0) break;
    }
    for (int i = 0; i < 4; i++) x[i] = out[i];
  }
}

uint64_t entrypoint(const uint8_t *input) {
  SolInput in;
  sol_deserialize(input, &in);
  if (in.data_len < 2) return ERROR_INVALID_INSTRUCTION_DATA;
  switch (in.data[0]) {
  case 0:
    if (in.data_len != 9) return ERROR_INVALID_INSTRUCTION_DATA;
    sol_set_return_u64(sort1000(sol_read_u64(in.data + 1)));
    return SUCCESS;
  case 1: {
    if (in.data_len != 5) return ERROR_INVALID_INSTRUCTION_DATA;
    uint64_t n = (uint64_t)in.data[1] | (uint64_t)in.data[2] << 8 | (uint64_t)in.data[3] << 16 |
                 (uint64_t)in.data[4] << 24;
    if (n >= 32768) return ERROR_INVALID_INSTRUCTION_DATA;
    sol_set_return_u64(sieve(n));
    return SUCCESS;
  }
  case 2:
    if (in.data[1] > 30) return ERROR_INVALID_INSTRUCTION_DATA;
    sol_set_return_u64(fib(in.data[1]));
    return SUCCESS;
  case 3: {
    uint64_t seed = 42, x[4];
    for (int i = 0; i < 4; i++) x[i] = lcg(&seed);
    mul256(x, in.data[1]);
    uint8_t out[32];
    for (int i = 0; i < 4; i++) sol_write_u64(out + 8 * i, x[i]);
    sol_set_return_data(out, 32);
    return SUCCESS;
  }
  }
  return ERROR_INVALID_INSTRUCTION_DATA;
}
