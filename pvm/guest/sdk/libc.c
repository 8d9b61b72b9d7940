/*
 * libc.c — the freestanding libc subset PVM guests link with: memcpy, memmove,
 * memset, memcmp (clang emits calls to them for struct copies and large
 * initialisers even with -ffreestanding).
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
