/* Integer arithmetic of every width: one entry per type, op selected by a switch
 * (which clang turns into a jump table). Wrapping operations go through uint64_t so
 * that nothing is undefined in C; division by zero and MIN/-1 are avoided by the
 * caller. */
#include "pvm.h"

#define OPS(T)                                                    \
    switch (op) {                                                 \
    case 0: return (T)((uint64_t)a + (uint64_t)b);                \
    case 1: return (T)((uint64_t)a - (uint64_t)b);                \
    case 2: return (T)((uint64_t)a * (uint64_t)b);                \
    case 3: return (T)(a / b);                                    \
    case 4: return (T)(a % b);                                    \
    case 5: return (T)(a & b);                                    \
    case 6: return (T)(a | b);                                    \
    case 7: return (T)(a ^ b);                                    \
    case 8: return (T)((uint64_t)a << (b & (8 * sizeof(T) - 1))); \
    case 9: return (T)(a >> (b & (8 * sizeof(T) - 1)));           \
    case 10: return a < b;                                        \
    case 11: return a <= b;                                       \
    case 12: return a == b;                                       \
    case 13: return (T)(0 - (uint64_t)a);                         \
    case 14: return (T)(~a);                                      \
    case 15: return a > b ? a : b;                                \
    }                                                             \
    return 0;

#define ENTRY(name, T) \
    int64_t name(uint64_t op, T a, T b) { OPS(T) }

ENTRY(op_u8, uint8_t)
ENTRY(op_i8, int8_t)
ENTRY(op_u16, uint16_t)
ENTRY(op_i16, int16_t)
ENTRY(op_u32, uint32_t)
ENTRY(op_i32, int32_t)
ENTRY(op_u64, uint64_t)
ENTRY(op_i64, int64_t)

/* 64-bit multiply high parts (mulh, mulhu, mulhsu) through __int128. */
uint64_t mulhu(uint64_t a, uint64_t b) { return (uint64_t)(((unsigned __int128)a * b) >> 64); }
int64_t mulh(int64_t a, int64_t b) { return (int64_t)(((__int128)a * b) >> 64); }
int64_t mulhsu(int64_t a, uint64_t b) { return (int64_t)(((__int128)a * (unsigned __int128)b) >> 64); }

/* Mixed-width expression chain (sign/zero extensions between widths). */
int64_t mixed(int8_t a, uint16_t b, int32_t c, uint64_t d) {
    int32_t x = a * (int32_t)b - c; /* the caller keeps |c| < 2^30 */
    uint32_t y = (uint32_t)x >> 3;
    int64_t z = (int64_t)x * (int64_t)(int32_t)y;
    int16_t s = (int16_t)((uint16_t)a << 9);
    return (int64_t)((uint64_t)z + d / ((uint64_t)b | 1) - d % 97 + (uint64_t)(int64_t)s);
}

/* 128-bit division and remainder (libc.c's __udivti3 & co.): the argument is a and b,
 * 16 bytes little-endian each; the output is a/b, a%b unsigned, then a/b, a%b signed. */
pvm_result div128(const uint8_t *arg, uint64_t len) {
    static unsigned __int128 out[4];
    unsigned __int128 a, b;
    if (len < 32) return pvm_output(out, 0);
    memcpy(&a, arg, 16);
    memcpy(&b, arg + 16, 16);
    out[0] = a / b;
    out[1] = a % b;
    out[2] = (unsigned __int128)((__int128)a / (__int128)b);
    out[3] = (unsigned __int128)((__int128)a % (__int128)b);
    return pvm_output(out, sizeof out);
}
