/* counter: a u64 counter in the first 8 bytes of account 0's data.
 * instruction data: empty or [0] = increment by 1; [1, u64 amount] = add amount;
 * [2] = reset to 0 (requires account 1 to be a signer).
 * Checks: account 0 owned by this program (IncorrectProgramId), writable
 * (InvalidArgument), at least 8 bytes of data (AccountDataTooSmall); overflow is
 * ArithmeticOverflow. The new value is returned as return data. */
#include <sbpf.h>

uint64_t entrypoint(const uint8_t *input) {
  SolInput in;
  sol_deserialize(input, &in);
  if (in.num_accounts < 1) return ERROR_NOT_ENOUGH_ACCOUNT_KEYS;
  SolAccount *ctr = &in.accounts[0];
  if (!SolPubkey_same(ctr->owner, in.program_id)) return ERROR_INCORRECT_PROGRAM_ID;
  if (!ctr->is_writable) return ERROR_INVALID_ARGUMENT;
  if (*ctr->data_len < 8) return ERROR_ACCOUNT_DATA_TOO_SMALL;
  uint64_t v = sol_read_u64(ctr->data);
  uint8_t op = in.data_len > 0 ? in.data[0] : 0;
  switch (op) {
  case 0:
    if (v == (uint64_t)-1) return ERROR_ARITHMETIC_OVERFLOW;
    v++;
    break;
  case 1: {
    if (in.data_len < 9) return ERROR_INVALID_INSTRUCTION_DATA;
    uint64_t amount = sol_read_u64(in.data + 1);
    if (v + amount < v) return ERROR_ARITHMETIC_OVERFLOW;
    v += amount;
    break;
  }
  case 2:
    if (in.num_accounts < 2) return ERROR_NOT_ENOUGH_ACCOUNT_KEYS;
    if (!in.accounts[1].is_signer) return ERROR_MISSING_REQUIRED_SIGNATURES;
    v = 0;
    break;
  default:
    return ERROR_INVALID_INSTRUCTION_DATA;
  }
  sol_write_u64(ctr->data, v);
  sol_log_64(0, 0, 0, 0, v);
  sol_set_return_u64(v);
  return SUCCESS;
}
