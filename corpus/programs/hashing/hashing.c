/* hashing: hashes the instruction data after its first byte and returns the 32-byte
 * digest as return data. data[0]: 0 sha256, 1 keccak256, 2 blake3; 3 hashes the
 * payload as two separate slices (split in the middle) with sha256. */
#include <sbpf.h>

uint64_t entrypoint(const uint8_t *input) {
  SolInput in;
  sol_deserialize(input, &in);
  if (in.data_len < 1) return ERROR_INVALID_INSTRUCTION_DATA;
  uint8_t out[32];
  SolBytes msg[2] = {{in.data + 1, in.data_len - 1}, {0, 0}};
  switch (in.data[0]) {
  case 0:
    sol_sha256(msg, 1, out);
    break;
  case 1:
    sol_keccak256(msg, 1, out);
    break;
  case 2:
    sol_blake3(msg, 1, out);
    break;
  case 3: {
    uint64_t half = msg[0].len / 2;
    msg[1].addr = msg[0].addr + half;
    msg[1].len = msg[0].len - half;
    msg[0].len = half;
    sol_sha256(msg, 2, out);
    break;
  }
  default:
    return ERROR_INVALID_INSTRUCTION_DATA;
  }
  sol_set_return_data(out, 32);
  return SUCCESS;
}
