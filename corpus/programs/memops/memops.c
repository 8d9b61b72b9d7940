/* memops: memory-operation heavy. data = [mode, u16 n] (n <= 8192).
 * mode 0 uses the sol_mem*_ syscalls, mode 1 the SDK's byte loops; both compute:
 *   A = heap[0..n], B = heap[8192..8192+n]
 *   memset(A, 0x5a, n); A[i] ^= (i * 7) & 0xff; memcpy(B, A, n);
 *   memmove(A + 1, A, n - 1); memmove(B, B + 3, n - 3); c = sign(memcmp(A, B, n))
 * and return u64 fnv1a64(A) ^ (fnv1a64(B) * 31) + (c + 1) as return data. */
#include <sbpf.h>

#define HEAP ((uint8_t *)0x300000000UL)

static uint64_t fnv1a(const uint8_t *p, uint64_t n) {
  uint64_t h = 0xcbf29ce484222325UL;
  for (uint64_t i = 0; i < n; i++) {
    h ^= p[i];
    h *= 0x100000001b3UL;
  }
  return h;
}

uint64_t entrypoint(const uint8_t *input) {
  SolInput in;
  sol_deserialize(input, &in);
  if (in.data_len != 3) return ERROR_INVALID_INSTRUCTION_DATA;
  uint64_t n = (uint64_t)in.data[1] | ((uint64_t)in.data[2] << 8);
  if (n < 4 || n > 8192) return ERROR_INVALID_INSTRUCTION_DATA;
  uint8_t *a = HEAP, *b = HEAP + 8192;
  int64_t c;
  if (in.data[0] == 0) {
    sol_memset_(a, 0x5a, n);
    for (uint64_t i = 0; i < n; i++) a[i] ^= (uint8_t)(i * 7);
    sol_memcpy_(b, a, n);
    sol_memmove_(a + 1, a, n - 1);
    sol_memmove_(b, b + 3, n - 3);
    int32_t r = 0;
    sol_memcmp_(a, b, n, &r);
    c = (r > 0) - (r < 0);
  } else if (in.data[0] == 1) {
    memset(a, 0x5a, n);
    for (uint64_t i = 0; i < n; i++) a[i] ^= (uint8_t)(i * 7);
    memcpy(b, a, n);
    memmove(a + 1, a, n - 1);
    memmove(b, b + 3, n - 3);
    int r = memcmp(a, b, n);
    c = (r > 0) - (r < 0);
  } else {
    return ERROR_INVALID_INSTRUCTION_DATA;
  }
  sol_set_return_u64((fnv1a(a, n) ^ (fnv1a(b, n) * 31)) + (uint64_t)(c + 1));
  return SUCCESS;
}
