/* token: a small SPL-Token-like program with the SPL Token account layouts.
 *
 * Mint (82 bytes): COption<Pubkey> mint_authority (u32 tag + 32), u64 supply,
 *   u8 decimals, u8 is_initialized, COption<Pubkey> freeze_authority (u32 tag + 32).
 * Account (165 bytes): Pubkey mint, Pubkey owner, u64 amount,
 *   COption<Pubkey> delegate (36), u8 state (0 uninitialized, 1 initialized, 2 frozen),
 *   COption<u64> is_native (12), u64 delegated_amount, COption<Pubkey> close_authority (36).
 *
 * Instructions (SPL Token numbering, data = [tag, u64 amount]):
 *   7 MintTo   accounts: [mint (w), destination (w), mint authority (signer)]
 *   3 Transfer accounts: [source (w), destination (w), owner (signer)]
 *   8 Burn     accounts: [account (w), mint (w), owner (signer)]
 * Errors are SPL TokenError codes returned as custom errors. */
#include <sbpf.h>

#define MINT_LEN 82
#define ACCOUNT_LEN 165
enum {
  TokenError_InsufficientFunds = 1,
  TokenError_InvalidMint = 2,
  TokenError_MintMismatch = 3,
  TokenError_OwnerMismatch = 4,
  TokenError_FixedSupply = 5,
  TokenError_UninitializedState = 9,
  TokenError_InvalidInstruction = 12,
  TokenError_Overflow = 14,
  TokenError_AccountFrozen = 17,
};

/* offsets */
#define MINT_AUTH_TAG 0
#define MINT_AUTH 4
#define MINT_SUPPLY 36
#define MINT_INIT 45
#define ACC_MINT 0
#define ACC_OWNER 32
#define ACC_AMOUNT 64
#define ACC_STATE 108

static uint64_t check_owned(const SolAccount *a, const SolPubkey *program_id) {
  if (!SolPubkey_same(a->owner, program_id)) return ERROR_INCORRECT_PROGRAM_ID;
  if (!a->is_writable) return ERROR_INVALID_ARGUMENT;
  return SUCCESS;
}

static uint64_t check_mint(const SolAccount *m) {
  if (*m->data_len != MINT_LEN || m->data[MINT_INIT] != 1) return TokenError_InvalidMint;
  return SUCCESS;
}

static uint64_t check_account(const SolAccount *a) {
  if (*a->data_len != ACCOUNT_LEN) return ERROR_INVALID_ACCOUNT_DATA;
  if (a->data[ACC_STATE] == 0) return TokenError_UninitializedState;
  if (a->data[ACC_STATE] == 2) return TokenError_AccountFrozen;
  return SUCCESS;
}

static uint64_t mint_to(SolInput *in, uint64_t amount) {
  if (in->num_accounts < 3) return ERROR_NOT_ENOUGH_ACCOUNT_KEYS;
  SolAccount *mint = &in->accounts[0], *dst = &in->accounts[1], *auth = &in->accounts[2];
  uint64_t err;
  if ((err = check_owned(mint, in->program_id)) || (err = check_owned(dst, in->program_id))) return err;
  if ((err = check_mint(mint)) || (err = check_account(dst))) return err;
  if (!SolPubkey_same((const SolPubkey *)(dst->data + ACC_MINT), mint->key)) return TokenError_MintMismatch;
  if (sol_read_u64(mint->data + MINT_AUTH_TAG) == 0) return TokenError_FixedSupply;
  if (!SolPubkey_same((const SolPubkey *)(mint->data + MINT_AUTH), auth->key)) return TokenError_OwnerMismatch;
  if (!auth->is_signer) return ERROR_MISSING_REQUIRED_SIGNATURES;
  uint64_t supply = sol_read_u64(mint->data + MINT_SUPPLY);
  uint64_t bal = sol_read_u64(dst->data + ACC_AMOUNT);
  if (supply + amount < supply || bal + amount < bal) return TokenError_Overflow;
  sol_write_u64(mint->data + MINT_SUPPLY, supply + amount);
  sol_write_u64(dst->data + ACC_AMOUNT, bal + amount);
  return SUCCESS;
}

static uint64_t transfer(SolInput *in, uint64_t amount) {
  if (in->num_accounts < 3) return ERROR_NOT_ENOUGH_ACCOUNT_KEYS;
  SolAccount *src = &in->accounts[0], *dst = &in->accounts[1], *owner = &in->accounts[2];
  uint64_t err;
  if ((err = check_owned(src, in->program_id)) || (err = check_owned(dst, in->program_id))) return err;
  if ((err = check_account(src)) || (err = check_account(dst))) return err;
  if (!SolPubkey_same((const SolPubkey *)(src->data + ACC_MINT), (const SolPubkey *)(dst->data + ACC_MINT)))
    return TokenError_MintMismatch;
  if (!SolPubkey_same((const SolPubkey *)(src->data + ACC_OWNER), owner->key)) return TokenError_OwnerMismatch;
  if (!owner->is_signer) return ERROR_MISSING_REQUIRED_SIGNATURES;
  uint64_t sb = sol_read_u64(src->data + ACC_AMOUNT);
  if (sb < amount) return TokenError_InsufficientFunds;
  /* Self-transfer is a no-op, as in SPL Token. */
  if (src->key == dst->key || SolPubkey_same(src->key, dst->key)) return SUCCESS;
  uint64_t db = sol_read_u64(dst->data + ACC_AMOUNT);
  if (db + amount < db) return TokenError_Overflow;
  sol_write_u64(src->data + ACC_AMOUNT, sb - amount);
  sol_write_u64(dst->data + ACC_AMOUNT, db + amount);
  return SUCCESS;
}

static uint64_t burn(SolInput *in, uint64_t amount) {
  if (in->num_accounts < 3) return ERROR_NOT_ENOUGH_ACCOUNT_KEYS;
  SolAccount *acc = &in->accounts[0], *mint = &in->accounts[1], *owner = &in->accounts[2];
  uint64_t err;
  if ((err = check_owned(acc, in->program_id)) || (err = check_owned(mint, in->program_id))) return err;
  if ((err = check_account(acc)) || (err = check_mint(mint))) return err;
  if (!SolPubkey_same((const SolPubkey *)(acc->data + ACC_MINT), mint->key)) return TokenError_MintMismatch;
  if (!SolPubkey_same((const SolPubkey *)(acc->data + ACC_OWNER), owner->key)) return TokenError_OwnerMismatch;
  if (!owner->is_signer) return ERROR_MISSING_REQUIRED_SIGNATURES;
  uint64_t bal = sol_read_u64(acc->data + ACC_AMOUNT);
  if (bal < amount) return TokenError_InsufficientFunds;
  uint64_t supply = sol_read_u64(mint->data + MINT_SUPPLY);
  if (supply < amount) return TokenError_Overflow;
  sol_write_u64(acc->data + ACC_AMOUNT, bal - amount);
  sol_write_u64(mint->data + MINT_SUPPLY, supply - amount);
  return SUCCESS;
}

uint64_t entrypoint(const uint8_t *input) {
  SolInput in;
  sol_deserialize(input, &in);
  if (in.data_len != 9) return TokenError_InvalidInstruction;
  uint64_t amount = sol_read_u64(in.data + 1);
  switch (in.data[0]) {
  case 7:
    sol_log("Instruction: MintTo");
    return mint_to(&in, amount);
  case 3:
    sol_log("Instruction: Transfer");
    return transfer(&in, amount);
  case 8:
    sol_log("Instruction: Burn");
    return burn(&in, amount);
  }
  return TokenError_InvalidInstruction;
}
