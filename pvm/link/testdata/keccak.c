/* Keccak-256 (the original padding, as Ethereum and Solana's keccak syscall use) of
 * the argument bytes; the 32-byte digest is the output. */
#include "pvm.h"

static const uint64_t RC[24] = {
    0x0000000000000001ull, 0x0000000000008082ull, 0x800000000000808aull, 0x8000000080008000ull,
    0x000000000000808bull, 0x0000000080000001ull, 0x8000000080008081ull, 0x8000000000008009ull,
    0x000000000000008aull, 0x0000000000000088ull, 0x0000000080008009ull, 0x000000008000000aull,
    0x000000008000808bull, 0x800000000000008bull, 0x8000000000008089ull, 0x8000000000008003ull,
    0x8000000000008002ull, 0x8000000000000080ull, 0x000000000000800aull, 0x800000008000000aull,
    0x8000000080008081ull, 0x8000000000008080ull, 0x0000000080000001ull, 0x8000000080008008ull};
static const uint8_t ROT[25] = {0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14};

#define ROL(x, n) ((n) ? ((x) << (n)) | ((x) >> (64 - (n))) : (x))

static void keccakf(uint64_t a[25]) {
    for (int r = 0; r < 24; r++) {
        uint64_t c[5], d[5], b[25];
        for (int x = 0; x < 5; x++) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
        for (int x = 0; x < 5; x++) d[x] = c[(x + 4) % 5] ^ ROL(c[(x + 1) % 5], 1);
        for (int i = 0; i < 25; i++) a[i] ^= d[i % 5];
        for (int x = 0; x < 5; x++)
            for (int y = 0; y < 5; y++) b[y + 5 * ((2 * x + 3 * y) % 5)] = ROL(a[x + 5 * y], ROT[x + 5 * y]);
        for (int x = 0; x < 5; x++)
            for (int y = 0; y < 5; y++) a[x + 5 * y] = b[x + 5 * y] ^ (~b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y]);
        a[0] ^= RC[r];
    }
}

static uint8_t digest[32];

pvm_result keccak256(const uint8_t *msg, uint64_t len) {
    enum { RATE = 136 };
    uint64_t st[25];
    memset(st, 0, sizeof st);
    uint8_t *s = (uint8_t *)st;
    while (len >= RATE) {
        for (int i = 0; i < RATE; i++) s[i] ^= msg[i];
        keccakf(st);
        msg += RATE;
        len -= RATE;
    }
    for (uint64_t i = 0; i < len; i++) s[i] ^= msg[i];
    s[len] ^= 0x01;
    s[RATE - 1] ^= 0x80;
    keccakf(st);
    memcpy(digest, st, 32);
    return pvm_output(digest, 32);
}
