/* fail: programs that fail, selected by data[0]:
 *   0 store into the read-only program region (AccessViolation)
 *   1 load from an unmapped address (AccessViolation)
 *   2 unsigned division by zero (DivideByZero)
 *   3 endless loop (the compute budget runs out)
 *   4 abort()
 *   5 sol_panic_
 *   6 return custom error 42
 *   7 log, then return custom error 0x1234
 *   8 return the builtin error InvalidArgument
 *   9 return custom error 0 via ERROR_CUSTOM_ZERO */
#include <sbpf.h>

uint64_t entrypoint(const uint8_t *input) {
  SolInput in;
  sol_deserialize(input, &in);
  if (in.data_len < 1) return ERROR_INVALID_INSTRUCTION_DATA;
  volatile uint64_t zero = in.data_len - 1;
  switch (in.data[0]) {
  case 0:
    *(volatile uint64_t *)0x100000000UL = 1;
    return SUCCESS;
  case 1:
    return *(volatile uint64_t *)0x500000000UL;
  case 2:
    return 1000 / zero;
  case 3:
    for (;;) zero = zero + 1;
  case 4:
    abort();
  case 5:
    sol_panic();
  case 6:
    return 42;
  case 7:
    sol_log("about to fail");
    return 0x1234;
  case 8:
    return ERROR_INVALID_ARGUMENT;
  case 9:
    return ERROR_CUSTOM_ZERO;
  }
  return ERROR_INVALID_INSTRUCTION_DATA;
}
