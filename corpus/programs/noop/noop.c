/* noop: returns success without touching anything. */
#include <sbpf.h>

uint64_t entrypoint(const uint8_t *input) {
  (void)input;
  return SUCCESS;
}
