/* adversarial: succeeds in the VM but leaves a state change the runtime must refuse
 * (or, for some modes, accept). data[0] selects what it does to accounts 0 and 1:
 *   0 flip a data byte of account 0                (read-only: ReadonlyDataModified)
 *   1 move 1 lamport from account 0 to account 1    (0 not owned: ExternalAccountLamportSpend)
 *   2 add 1000 lamports to account 0                (UnbalancedInstruction)
 *   3 set account 0's owner to this program         (not owned: ModifiedProgramId)
 *   4 flip a data byte of account 0                 (executable: ExecutableDataModified)
 *   5 grow account 0 by 10 KiB + 1                  (InvalidRealloc)
 *   6 move 1 lamport from account 1 to account 0    (0 read-only: ReadonlyLamportChange)
 *   7 flip a data byte of account 0                 (0 not owned: ExternalAccountDataModified)
 *   8 shrink account 0 by one byte                  (0 not owned: AccountDataSizeChanged)
 *   9 set account 0's owner to account 1's key      (data not zeroed: ModifiedProgramId)
 *  10 same as 9; legal when account 0 is owned, writable and its data zeroed
 *  11 overwrite account 0's rent_epoch in the input (ignored by the runtime)
 *  12 move 1 lamport from account 0 to account 1   (legal when 0 owned and writable) */
#include <sbpf.h>

uint64_t entrypoint(const uint8_t *input) {
  SolInput in;
  sol_deserialize(input, &in);
  if (in.data_len < 1 || in.num_accounts < 1) return ERROR_INVALID_INSTRUCTION_DATA;
  SolAccount *a = &in.accounts[0], *b = in.num_accounts > 1 ? &in.accounts[1] : a;
  switch (in.data[0]) {
  case 0:
  case 4:
  case 7:
    if (*a->data_len < 1) return ERROR_ACCOUNT_DATA_TOO_SMALL;
    a->data[0] ^= 1;
    break;
  case 1:
  case 12:
    *a->lamports -= 1;
    *b->lamports += 1;
    break;
  case 2:
    *a->lamports += 1000;
    break;
  case 3:
    *a->owner = *in.program_id;
    break;
  case 5:
    *a->data_len += MAX_PERMITTED_DATA_INCREASE + 1;
    break;
  case 6:
    *b->lamports -= 1;
    *a->lamports += 1;
    break;
  case 8:
    if (*a->data_len < 1) return ERROR_ACCOUNT_DATA_TOO_SMALL;
    *a->data_len -= 1;
    break;
  case 9:
  case 10:
    *a->owner = *b->key;
    break;
  case 11: {
    uint64_t *re = (uint64_t *)(((uint64_t)(a->data + *a->data_len + MAX_PERMITTED_DATA_INCREASE) + 7) & ~7UL);
    *re = 12345;
    break;
  }
  default:
    return ERROR_INVALID_INSTRUCTION_DATA;
  }
  return SUCCESS;
}
