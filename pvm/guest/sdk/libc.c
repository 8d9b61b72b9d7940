/*
 * libc.c — the freestanding libc subset PVM guests link with: memcpy, memmove,
 * memset, memcmp (clang emits calls to them for struct copies and large
 * initialisers even with -ffreestanding), plus the 128-bit division helpers
 * __udivti3, __umodti3, __divti3, __modti3.
 *
 * Compiled with -fno-builtin so that the loops below are not turned back into
 * calls to themselves. Word-at-a-time when the pointers allow it: on the PVM
 * every instruction costs gas, so 8 bytes per load/store pair matters.
 */
#include <stddef.h>
#include <stdint.h>

typedef uint64_t __attribute__((__may_alias__)) pvm_word;

void *memcpy(void *restrict dst, const void *restrict src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0) {
        while (n >= 32) {
            pvm_word a = ((const pvm_word *)s)[0], b = ((const pvm_word *)s)[1];
            pvm_word c = ((const pvm_word *)s)[2], e = ((const pvm_word *)s)[3];
            ((pvm_word *)d)[0] = a;
            ((pvm_word *)d)[1] = b;
            ((pvm_word *)d)[2] = c;
            ((pvm_word *)d)[3] = e;
            d += 32;
            s += 32;
            n -= 32;
        }
        while (n >= 8) {
            *(pvm_word *)d = *(const pvm_word *)s;
            d += 8;
            s += 8;
            n -= 8;
        }
    }
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d == s || n == 0)
        return dst;
    if (d < s || d >= s + n) {
        /* Forward copy is safe. */
        if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0) {
            while (n >= 8) {
                *(pvm_word *)d = *(const pvm_word *)s;
                d += 8;
                s += 8;
                n -= 8;
            }
        }
        while (n--)
            *d++ = *s++;
        return dst;
    }
    /* Overlapping with dst above src: copy backwards. */
    d += n;
    s += n;
    if ((((uintptr_t)d | (uintptr_t)s) & 7) == 0) {
        while (n >= 8) {
            d -= 8;
            s -= 8;
            n -= 8;
            *(pvm_word *)d = *(const pvm_word *)s;
        }
    }
    while (n--)
        *--d = *--s;
    return dst;
}

void *memset(void *dst, int c, size_t n) {
    unsigned char *d = dst;
    unsigned char b = (unsigned char)c;
    while (n && ((uintptr_t)d & 7)) {
        *d++ = b;
        n--;
    }
    if (n >= 8) {
        pvm_word w = b * (pvm_word)0x0101010101010101ull;
        while (n >= 32) {
            ((pvm_word *)d)[0] = w;
            ((pvm_word *)d)[1] = w;
            ((pvm_word *)d)[2] = w;
            ((pvm_word *)d)[3] = w;
            d += 32;
            n -= 32;
        }
        while (n >= 8) {
            *(pvm_word *)d = w;
            d += 8;
            n -= 8;
        }
    }
    while (n--)
        *d++ = b;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n) {
    const unsigned char *x = a, *y = b;
    if ((((uintptr_t)x | (uintptr_t)y) & 7) == 0) {
        while (n >= 8 && *(const pvm_word *)x == *(const pvm_word *)y) {
            x += 8;
            y += 8;
            n -= 8;
        }
    }
    for (; n; n--, x++, y++) {
        if (*x != *y)
            return *x < *y ? -1 : 1;
    }
    return 0;
}

/*
 * 128-bit division and remainder: the only compiler-rt helpers clang-19 calls for
 * RV64IMAC code (for unsigned __int128 / and %). Shift-and-subtract, with a native
 * 64-bit fast path.
 */
typedef unsigned __int128 pvm_u128;
typedef __int128 pvm_i128;

static int pvm_clz128(pvm_u128 x) {
    uint64_t hi = (uint64_t)(x >> 64), lo = (uint64_t)x;
    return hi ? __builtin_clzll(hi) : 64 + __builtin_clzll(lo);
}

static pvm_u128 pvm_udivmod128(pvm_u128 n, pvm_u128 d, pvm_u128 *rem) {
    if (d == 0)
        __builtin_trap(); /* undefined in C; a panic is the honest answer */
    if ((n >> 64) == 0 && (d >> 64) == 0) {
        uint64_t a = (uint64_t)n, b = (uint64_t)d;
        *rem = a % b;
        return a / b;
    }
    if (n < d) {
        *rem = n;
        return 0;
    }
    int shift = pvm_clz128(d) - pvm_clz128(n);
    d <<= shift;
    pvm_u128 q = 0;
    for (int i = 0; i <= shift; i++) {
        q <<= 1;
        if (n >= d) {
            n -= d;
            q |= 1;
        }
        d >>= 1;
    }
    *rem = n;
    return q;
}

pvm_u128 __udivti3(pvm_u128 a, pvm_u128 b) {
    pvm_u128 r;
    return pvm_udivmod128(a, b, &r);
}

pvm_u128 __umodti3(pvm_u128 a, pvm_u128 b) {
    pvm_u128 r;
    pvm_udivmod128(a, b, &r);
    return r;
}

pvm_i128 __divti3(pvm_i128 a, pvm_i128 b) {
    pvm_u128 ua = a < 0 ? -(pvm_u128)a : (pvm_u128)a, ub = b < 0 ? -(pvm_u128)b : (pvm_u128)b, r;
    pvm_u128 q = pvm_udivmod128(ua, ub, &r);
    return (pvm_i128)(((a < 0) != (b < 0)) ? -q : q);
}

pvm_i128 __modti3(pvm_i128 a, pvm_i128 b) {
    pvm_u128 ua = a < 0 ? -(pvm_u128)a : (pvm_u128)a, ub = b < 0 ? -(pvm_u128)b : (pvm_u128)b, r;
    pvm_udivmod128(ua, ub, &r);
    return (pvm_i128)(a < 0 ? -r : r);
}
