/* deepcall: nested calls. data[0] = n: the entrypoint calls depth(n), which recurses
 * n more times, so n + 1 frames are pushed on top of the entrypoint's. sBPF allows
 * 64 frames in total (max_call_depth): n = 62 succeeds, n = 63 is CallDepthExceeded.
 * Each frame also touches its own stack frame. Returns n + 1 as return data. */
#include <sbpf.h>

__attribute__((noinline)) static uint64_t depth(uint64_t n, volatile uint64_t *sink) {
  volatile uint64_t local[4];
  local[n & 3] = n;
  if (n == 0) return 1;
  uint64_t r = depth(n - 1, sink);
  *sink += local[n & 3]; /* work after the call keeps it from becoming a loop */
  return r + 1;
}

uint64_t entrypoint(const uint8_t *input) {
  SolInput in;
  sol_deserialize(input, &in);
  if (in.data_len != 1) return ERROR_INVALID_INSTRUCTION_DATA;
  volatile uint64_t sink = 0;
  sol_set_return_u64(depth(in.data[0], &sink));
  return SUCCESS;
}
