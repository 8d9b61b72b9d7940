/* transfer: moves lamports from account 0 to account 1.
 * instruction data: u64 amount. Account 0 must be owned by this program
 * (IncorrectProgramId) and sign (MissingRequiredSignature); both writable
 * (InvalidArgument); insufficient balance is InsufficientFunds. */
#include <sbpf.h>

uint64_t entrypoint(const uint8_t *input) {
  SolInput in;
  sol_deserialize(input, &in);
  if (in.num_accounts < 2) return ERROR_NOT_ENOUGH_ACCOUNT_KEYS;
  if (in.data_len != 8) return ERROR_INVALID_INSTRUCTION_DATA;
  SolAccount *from = &in.accounts[0], *to = &in.accounts[1];
  uint64_t amount = sol_read_u64(in.data);
  if (!SolPubkey_same(from->owner, in.program_id)) return ERROR_INCORRECT_PROGRAM_ID;
  if (!from->is_signer) return ERROR_MISSING_REQUIRED_SIGNATURES;
  if (!from->is_writable || !to->is_writable) return ERROR_INVALID_ARGUMENT;
  if (*from->lamports < amount) return ERROR_INSUFFICIENT_FUNDS;
  if (*to->lamports + amount < *to->lamports) return ERROR_ARITHMETIC_OVERFLOW;
  *from->lamports -= amount;
  *to->lamports += amount;
  return SUCCESS;
}
