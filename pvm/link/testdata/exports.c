/* Entry points from PVM_EXPORT (no -e on the command line), imports without indices
 * (numbered by symbol name), and a min-stack request. */
#include "pvm.h"

PVM_IMPORT_NAMED(uint64_t, zeta, uint64_t)
PVM_IMPORT_NAMED(uint64_t, alpha, uint64_t)
PVM_MIN_STACK_SIZE(65536)

pvm_result first(const uint8_t *arg, uint64_t len) {
    static uint8_t out[8];
    uint64_t v = alpha(len) + zeta(arg[0]);
    memcpy(out, &v, 8);
    return pvm_output(out, 8);
}
PVM_EXPORT(pvm_result, first, const uint8_t *, uint64_t)

uint64_t second(uint64_t a, uint64_t b) { return a * b + 1; }
PVM_EXPORT(uint64_t, second, uint64_t, uint64_t)
