/* hosttest/main.c — runs the service natively (clang-19 for the host). Without arguments:
 * one request on stdin, its response on stdout. With -loop: a stream of requests, each
 * framed as u32 length ++ bytes, answered in the same framing (fuzzing and fast specs).
 * Used to test the C code besides the PVM build. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../../svcrt/c/svcrt.h"

uint64_t svc_host_gas(void) { return 0; }
void svc_host_log(const char *msg, size_t len) { (void)msg, (void)len; }

static int read_full(unsigned char *p, size_t n) {
  while (n) {
    size_t k = fread(p, 1, n, stdin);
    if (k == 0) return -1;
    p += k, n -= k;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "-loop") == 0) {
    for (;;) {
      unsigned char hdr[4];
      if (read_full(hdr, 4)) return 0;
      uint32_t n = (uint32_t)hdr[0] | (uint32_t)hdr[1] << 8 | (uint32_t)hdr[2] << 16 | (uint32_t)hdr[3] << 24;
      unsigned char *buf = malloc(n ? n : 1);
      if (!buf || read_full(buf, n)) return 1;
      size_t out_len;
      const uint8_t *out = svc_run(buf, n, &out_len);
      unsigned char oh[4] = {(unsigned char)out_len, (unsigned char)(out_len >> 8), (unsigned char)(out_len >> 16), (unsigned char)(out_len >> 24)};
      fwrite(oh, 1, 4, stdout);
      fwrite(out, 1, out_len, stdout);
      fflush(stdout);
      free(buf);
      svc_arena_reset();
    }
  }
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
