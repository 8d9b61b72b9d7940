/* hosttest/main.c — runs the service natively (clang-19 for the host): the request on stdin,
 * the response on stdout. Used to test the C code before and besides the PVM build. */
#include <stdio.h>
#include <stdlib.h>
#include "../../../svcrt/c/svcrt.h"

uint64_t svc_host_gas(void) { return 0; }
void svc_host_log(const char *msg, size_t len) { (void)msg, (void)len; }

int main(void) {
  size_t cap = 1 << 20, n = 0;
  unsigned char *buf = malloc(cap);
  for (;;) {
    if (n == cap) buf = realloc(buf, cap *= 2);
    size_t k = fread(buf + n, 1, cap - n, stdin);
    if (k == 0) break;
    n += k;
  }
  size_t out_len;
  const uint8_t *out = svc_run(buf, n, &out_len);
  fwrite(out, 1, out_len, stdout);
  return 0;
}
