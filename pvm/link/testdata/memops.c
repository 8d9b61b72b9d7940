/* memcpy/memmove/memset/memcmp-heavy code driven by the argument bytes: every 7-byte
 * record is (op, dst16, src16, n16). Returns the 4 KiB buffer followed by an 8-byte
 * memcmp accumulator. */
#include "pvm.h"

#define N 4096
static uint8_t buf[N + 8];

pvm_result memops(const uint8_t *arg, uint64_t len) {
    for (int i = 0; i < N; i++) buf[i] = (uint8_t)(i * 7 + 3);
    int64_t acc = 0;
    for (uint64_t p = 0; p + 7 <= len; p += 7) {
        unsigned op = arg[p] % 5;
        unsigned d = (arg[p + 1] | arg[p + 2] << 8) % N;
        unsigned s = (arg[p + 3] | arg[p + 4] << 8) % N;
        unsigned n = (arg[p + 5] | arg[p + 6] << 8) % 1024;
        if (d + n > N) n = N - d;
        if (s + n > N) n = N - s;
        switch (op) {
        case 0:
            if (d + n <= s || s + n <= d) memcpy(buf + d, buf + s, n);
            else memmove(buf + d, buf + s, n);
            break;
        case 1: memmove(buf + d, buf + s, n); break;
        case 2: memset(buf + d, arg[p + 3], n); break;
        case 3: {
            int c = memcmp(buf + d, buf + s, n);
            acc = acc * 3 + (c < 0 ? -1 : c > 0 ? 1 : 0);
            break;
        }
        case 4: { /* constant-size copies (inlined by the builtins) and a struct copy */
            struct blk { uint64_t w[5]; } t;
            if (d + 40 <= N && s + 40 <= N) {
                memcpy(&t, buf + s, sizeof t);
                memcpy(buf + d, &t, sizeof t);
            }
            break;
        }
        }
    }
    memcpy(buf + N, &acc, 8);
    return pvm_output(buf, N + 8);
}
