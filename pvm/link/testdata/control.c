/* Control flow: switch jump tables, function pointers (in .rodata and .data, and
 * passed as arguments), recursion (direct, mutual, deep), loops. */
#include "pvm.h"

PVM_MIN_STACK_SIZE(256 * 1024)

long sw(int x, long y) {
    switch (x) {
    case 0: return y * 3 + 1;
    case 1: return y * y;
    case 2: return 37 - y;
    case 3: return y << 4;
    case 4: return 55 ^ y;
    case 5: return 66 + y;
    case 6: return 71 * y;
    case 7: return y / 3;
    case 8: return y % 11;
    case 9: return -y;
    }
    return -1;
}

static long f_add(long a, long b) { return a + b; }
static long f_sub(long a, long b) { return a - b; }
static long f_mul(long a, long b) { return a * b; }
static long f_max(long a, long b) { return a > b ? a : b; }

static long (*const ro_table[])(long, long) = {f_add, f_sub, f_mul, f_max};
long (*rw_table[])(long, long) = {f_max, f_mul, f_sub, f_add};

__attribute__((noinline)) static long apply(long (*f)(long, long), long a, long b) { return f(a, b); }

long fptr(unsigned i, long a, long b) {
    long r = ro_table[i & 3](a, b) * 1000 + rw_table[(i >> 2) & 3](a, b);
    rw_table[i & 3] = ro_table[(i + 1) & 3]; /* function pointers written at run time */
    return r + apply(rw_table[i & 3], b, a);
}

__attribute__((noinline)) uint64_t fib(uint64_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

__attribute__((noinline)) uint64_t ackermann(uint64_t m, uint64_t n) {
    if (m == 0) return n + 1;
    if (n == 0) return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}

static int is_odd(unsigned n);
__attribute__((noinline)) static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
__attribute__((noinline)) static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }
int parity(unsigned n) { return is_even(n) * 2 + is_odd(n); }

/* Deep recursion: sum 1..n recursively (about 48 bytes of stack per level). */
__attribute__((noinline)) uint64_t rsum(uint64_t n) {
    volatile uint64_t pad = n;
    return n == 0 ? 0 : pad + rsum(n - 1);
}

/* Quicksort of a pseudo-random array; returns a checksum that depends on the order. */
static void qs(int64_t *a, long lo, long hi) {
    while (lo < hi) {
        int64_t p = a[(lo + hi) / 2];
        long i = lo, j = hi;
        while (i <= j) {
            while (a[i] < p) i++;
            while (a[j] > p) j--;
            if (i <= j) { int64_t t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
        }
        if (j - lo < hi - j) { qs(a, lo, j); lo = i; } else { qs(a, i, hi); hi = j; }
    }
}
static int64_t arr[1000];
uint64_t sort_checksum(uint64_t seed, uint64_t n) {
    if (n > 1000) n = 1000;
    for (uint64_t i = 0; i < n; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        arr[i] = (int64_t)(seed >> 20) - (1ll << 42);
    }
    qs(arr, 0, (long)n - 1);
    uint64_t h = 0;
    for (uint64_t i = 0; i < n; i++) {
        if (i && arr[i - 1] > arr[i]) return ~0ull;
        h = h * 31 + (uint64_t)arr[i];
    }
    return h;
}
