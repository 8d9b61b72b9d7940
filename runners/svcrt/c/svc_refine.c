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

/* GP compact natural (spec pvm.md §4.1) */
static int varint(const uint8_t **p, const uint8_t *end, uint64_t *v) {
  if (*p >= end) return -1;
  uint8_t b = *(*p)++;
  if (b < 0x80) { /* one byte: the usual case (core, item, small service ids) */
    *v = b;
    return 0;
  }
  int l = 0;
  while (l < 8 && (b & (0x80 >> l))) l++;
  if ((uint64_t)(end - *p) < (uint64_t)l) return -1;
  uint64_t x = 0;
  for (int i = 0; i < l; i++) x |= (uint64_t)(*p)[i] << (8 * i);
  *p += l;
  if (l < 8) x |= (uint64_t)(b & (0xFF >> (l + 1))) << (8 * l);
  *v = x;
  return 0;
}

static const uint8_t bad_args[] = "SVR1\x02";

/* The arguments are E(core) E(item) E(service) E(|payload|) payload H(package) (pvm.md
 * §5.5): the request is read where it lies (read-only memory; the service only reads it),
 * with no fetch and no copy. */
pvm_result refine_ext(const uint8_t *arg, uint64_t len) {
  const uint8_t *p = arg, *end = arg + len;
  uint64_t core, item, service, n;
  if (varint(&p, end, &core) || varint(&p, end, &item) || varint(&p, end, &service) || varint(&p, end, &n) ||
      n > (uint64_t)(end - p))
    return pvm_output(bad_args, sizeof bad_args - 1);
  size_t out_len;
  const uint8_t *out = svc_run(p, n, &out_len);
  return pvm_output(out, out_len);
}

PVM_EXPORT(pvm_result, refine_ext, const uint8_t *, uint64_t)
PVM_MIN_STACK_SIZE(256 * 1024)

SVC_ZBB_END
