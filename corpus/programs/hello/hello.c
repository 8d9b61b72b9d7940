/* hello: exercises every logging syscall.
 * instruction data[0] selects: 0 sol_log_, 1 sol_log_64_, 2 sol_log_compute_units_,
 * 3 sol_log_pubkey (program id), 4 sol_log_data, 5 all of them. Empty data = 0. */
#include <sbpf.h>

uint64_t entrypoint(const uint8_t *input) {
  SolInput in;
  sol_deserialize(input, &in);
  uint8_t op = in.data_len > 0 ? in.data[0] : 0;
  if (op == 0 || op == 5) sol_log("Hello, Solana!");
  if (op == 1 || op == 5) sol_log_64(1, 2, 3, 4, 0xdeadbeef);
  if (op == 2 || op == 5) sol_log_compute_units();
  if (op == 3 || op == 5) sol_log_pubkey(in.program_id);
  if (op == 4 || op == 5) {
    static const uint8_t part1[] = "sbpf";
    SolBytes fields[2] = {{part1, 4}, {in.data, in.data_len}};
    sol_log_data(fields, 2);
  }
  if (op > 5) return ERROR_INVALID_INSTRUCTION_DATA;
  return SUCCESS;
}
