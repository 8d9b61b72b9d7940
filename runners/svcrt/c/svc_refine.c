/* svc_refine.c — the JAM service shape: refine_ext (entry pc 0) decodes its arguments,
 * runs the service on the work item's payload (part of the arguments) and returns the
 * response as the refine output. Gas markers come from the `gas` host call and
 * logs leave through the JIP-1 `log` host call. Build for gp080 with -DPVM_GP080. */
#include "pvm.h"
#include "svcrt.h"
SVC_ZBB_BEGIN

PVM_IMPORT(PVM_HOST_GAS, uint64_t, pvm_gas)
PVM_IMPORT(PVM_HOST_LOG, uint64_t, pvm_log, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t)


uint64_t svc_host_gas(void) { return pvm_gas(); }

void svc_host_log(const char *msg, size_t len) {
  static const char target[] = "sbpf";
  pvm_log(PVM_LOG_INFO, (uint64_t)(uintptr_t)target, sizeof target - 1, (uint64_t)(uintptr_t)msg, len);
}

/* GP compact natural (spec pvm.md §4.1): the first byte's leading ones (l, one Zbb clz)
 * count the bytes that follow, little-endian, and its remaining low bits are the top. */
static inline int varint(const uint8_t **p, const uint8_t *end, uint64_t *v) {
  const uint8_t *s = *p;
  if (s >= end) return -1;
  uint32_t b = s[0];
  if (b < 0x80) { /* one byte: the usual case (core, item, small service ids) */
    *v = b;
    *p = s + 1;
    return 0;
  }
  uint32_t l = (uint32_t)__builtin_clz(~(b << 24)); /* 1..8 */
  if ((uint64_t)(end - s - 1) < l) return -1;
  uint64_t x = 0;
  if (end - s > 8) /* one word read, masked to l bytes */
    x = svc_rd64(s + 1) & (~0ull >> (64 - 8 * l));
  else
    for (uint32_t i = 0; i < l; i++) x |= (uint64_t)s[1 + i] << (8 * i);
  /* l == 8: no bits left in the first byte (the double shift avoids a shift by 64) */
  x |= ((uint64_t)(b & (0x7Fu >> l)) << (8 * l - 1)) << 1;
  *v = x;
  *p = s + 1 + l;
  return 0;
}

static const uint8_t bad_args[] = "SVR2\x02";

/* The arguments are E(core) E(item) E(service) E(|payload|) payload H(package) (pvm.md
 * §5.5): the request is read where it lies (read-only memory; the service only reads it),
 * with no fetch and no copy. */
pvm_result refine_ext(const uint8_t *arg, uint64_t len) {
  const uint8_t *p = arg, *end = arg + len;
  uint64_t core, item, service, n;
  uint64_t w = len >= 8 ? svc_rd64(arg) : 0;
  uint32_t b = (uint32_t)(w >> 24) & 0xFF, l = (uint32_t)__builtin_clz(~(b << 24));
  if (len >= 8 && (w & 0x808080) == 0 && l <= 3) {
    /* What the host sends: core, item and service one byte each, the payload length in
     * at most 4 bytes (below 2^28), all in the first word: no loop, few blocks. */
    p = arg + 4 + l;
    n = ((w >> 32) & ((1ull << (8 * l)) - 1)) | (uint64_t)(b & (0x7Fu >> l)) << (8 * l);
    if (n > (uint64_t)(end - p)) return pvm_output(bad_args, sizeof bad_args - 1);
  } else {
    if (varint(&p, end, &core) || varint(&p, end, &item) || varint(&p, end, &service) || varint(&p, end, &n) ||
        n > (uint64_t)(end - p))
      return pvm_output(bad_args, sizeof bad_args - 1);
  }
  svc_out o = svc_serve(p, n);
  return pvm_output(o.p, o.len);
}

PVM_EXPORT(pvm_result, refine_ext, const uint8_t *, uint64_t)
PVM_MIN_STACK_SIZE(256 * 1024)

SVC_ZBB_END
