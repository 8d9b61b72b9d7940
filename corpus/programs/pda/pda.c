/* pda: program derived addresses.
 * data = [op, nseeds, (len, bytes[len]) * nseeds]; the program id is the base.
 *   op 0: sol_create_program_address; returns the 32-byte address, or InvalidSeeds
 *         when the syscall fails (the address would be on the ed25519 curve)
 *   op 1: sol_try_find_program_address; returns address (32) + bump (1)
 *   op 2: find, then re-derive with create_program_address(seeds + [bump]) and check
 *         both agree (panics otherwise); returns address + bump */
#include <sbpf.h>

uint64_t entrypoint(const uint8_t *input) {
  SolInput in;
  sol_deserialize(input, &in);
  if (in.data_len < 2) return ERROR_INVALID_INSTRUCTION_DATA;
  uint8_t op = in.data[0];
  uint64_t n = in.data[1];
  if (n > MAX_SEEDS) return ERROR_MAX_SEED_LENGTH_EXCEEDED;
  SolSignerSeed seeds[MAX_SEEDS + 1];
  uint64_t off = 2;
  for (uint64_t i = 0; i < n; i++) {
    if (off >= in.data_len) return ERROR_INVALID_INSTRUCTION_DATA;
    uint64_t len = in.data[off++];
    if (off + len > in.data_len) return ERROR_INVALID_INSTRUCTION_DATA;
    seeds[i].addr = in.data + off;
    seeds[i].len = len;
    off += len;
  }
  uint8_t out[33];
  SolPubkey *addr = (SolPubkey *)out;
  switch (op) {
  case 0:
    if (sol_create_program_address(seeds, n, in.program_id, addr) != 0) return ERROR_INVALID_SEEDS;
    sol_set_return_data(out, 32);
    return SUCCESS;
  case 1:
  case 2:
    if (sol_try_find_program_address(seeds, n, in.program_id, addr, &out[32]) != 0)
      return ERROR_INVALID_SEEDS;
    if (op == 2) {
      SolPubkey again;
      seeds[n].addr = &out[32];
      seeds[n].len = 1;
      if (sol_create_program_address(seeds, n + 1, in.program_id, &again) != 0) sol_panic();
      if (!SolPubkey_same(&again, addr)) sol_panic();
      sol_log_pubkey(addr);
    }
    sol_set_return_data(out, 33);
    return SUCCESS;
  }
  return ERROR_INVALID_INSTRUCTION_DATA;
}
