/* Globals in .data, .bss and .rodata, pointers between them (R_RISCV_64 data→data),
 * strings, static locals, struct copies. */
#include "pvm.h"

struct point { int32_t x, y; int64_t z; };

int32_t counter = 7;                              /* .data */
uint64_t big[64];                                 /* .bss */
static uint8_t small_bss[3];                      /* .bss, odd size */
const uint16_t primes[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29}; /* .rodata */
const char greeting[] = "hello, pvm";             /* .rodata string */
struct point origin = {1, -2, 3};                 /* .data struct */
struct point *const origin_ptr = &origin;         /* pointer in .data.rel.ro */
int32_t *counter_ptr = &counter;                  /* pointer in .data */
const char *const names[] = {"zero", "one", "two", "three"};

uint64_t globals(uint64_t k) {
    static uint64_t calls;                        /* static local in .bss */
    calls++;
    *counter_ptr += (int32_t)k;
    for (int i = 0; i < 64; i++) big[i] += (uint64_t)i * k + primes[i % 10];
    small_bss[k % 3] += 1;
    struct point p = *origin_ptr;                 /* struct copy */
    p.z += k;
    origin = p;
    uint64_t h = 0;
    for (const char *s = greeting; *s; s++) h = h * 131 + (uint8_t)*s;
    for (const char *s = names[k & 3]; *s; s++) h = h * 7 + (uint8_t)*s;
    uint64_t sum = 0;
    for (int i = 0; i < 64; i++) sum += big[i];
    return h ^ (sum << 1) ^ ((uint64_t)counter << 40) ^ ((uint64_t)origin.z << 20) ^ (calls << 56) ^
           (uint64_t)(small_bss[0] + 2 * small_bss[1] + 4 * small_bss[2]);
}
