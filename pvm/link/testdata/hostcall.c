/* Host calls with fixed JAM indices: log (JIP-1, 100), gas (0) and a test host function (42). */
#include "pvm.h"

PVM_IMPORT(PVM_HOST_LOG, void, pvm_log, uint64_t, const void *, uint64_t, const void *, uint64_t)
PVM_IMPORT(PVM_HOST_GAS, uint64_t, pvm_gas)
PVM_IMPORT(42, uint64_t, host_mix, uint64_t, uint64_t, uint64_t)

static const char target[] = "test";

uint64_t hosty(uint64_t n) {
    static const char start[] = "start";
    pvm_log(PVM_LOG_INFO, 0, 0, start, sizeof start - 1);
    uint64_t acc = 1;
    for (uint64_t i = 0; i < n; i++) acc = host_mix(acc, i, n);
    char msg[16];
    for (int i = 0; i < 16; i++) msg[i] = "0123456789abcdef"[(acc >> (4 * i)) & 15];
    pvm_log(PVM_LOG_DEBUG, target, sizeof target - 1, msg, 16);
    return acc + (pvm_gas() != 0);
}
