/* realloc: resizes account 0 (owned by this program, writable).
 * data = [op, u64 new_len]
 *   op 0: set the length and fill any new bytes with 0x11
 *   op 1: set the length only (new bytes keep the zeroed spare area's content)
 * Growing by more than MAX_PERMITTED_DATA_INCREASE (10 KiB) past the original
 * length is refused by the program (InvalidRealloc-like: InvalidArgument) in op 0;
 * op 1 does not check, so the runtime must refuse it. */
#include <sbpf.h>

uint64_t entrypoint(const uint8_t *input) {
  SolInput in;
  sol_deserialize(input, &in);
  if (in.num_accounts < 1) return ERROR_NOT_ENOUGH_ACCOUNT_KEYS;
  if (in.data_len != 9) return ERROR_INVALID_INSTRUCTION_DATA;
  SolAccount *a = &in.accounts[0];
  if (!SolPubkey_same(a->owner, in.program_id)) return ERROR_INCORRECT_PROGRAM_ID;
  if (!a->is_writable) return ERROR_INVALID_ARGUMENT;
  uint64_t old = *a->data_len, len = sol_read_u64(in.data + 1);
  switch (in.data[0]) {
  case 0:
    if (len > old + MAX_PERMITTED_DATA_INCREASE) return ERROR_INVALID_ARGUMENT;
    for (uint64_t i = old; i < len; i++) a->data[i] = 0x11;
    *a->data_len = len;
    break;
  case 1:
    *a->data_len = len;
    break;
  default:
    return ERROR_INVALID_INSTRUCTION_DATA;
  }
  sol_log_64(old, len, 0, 0, 0);
  return SUCCESS;
}
