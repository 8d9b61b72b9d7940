/* sysvars: reads sysvars through the syscalls and returns their fields, packed
 * little-endian without padding, as return data. data[0]:
 *   0 Clock (slot, epoch_start_timestamp, epoch, leader_schedule_epoch, unix_timestamp: 40 bytes)
 *   1 Rent (lamports_per_byte_year u64, exemption_threshold f64 bits, burn_percent u8: 17 bytes)
 *   2 EpochSchedule (slots_per_epoch, leader_schedule_slot_offset, warmup u8,
 *     first_normal_epoch, first_normal_slot: 33 bytes)
 *   3 sol_get_stack_height (u64)
 *   4 sol_get_last_restart_slot (u64)
 *   5 sol_remaining_compute_units > 0 && <= the budget: returns u64 1 */
#include <sbpf.h>

uint64_t entrypoint(const uint8_t *input) {
  SolInput in;
  sol_deserialize(input, &in);
  if (in.data_len != 1) return ERROR_INVALID_INSTRUCTION_DATA;
  uint8_t out[40];
  switch (in.data[0]) {
  case 0: {
    SolClock c;
    if (sol_get_clock_sysvar(&c) != 0) return ERROR_INVALID_ARGUMENT;
    sol_write_u64(out, c.slot);
    sol_write_u64(out + 8, (uint64_t)c.epoch_start_timestamp);
    sol_write_u64(out + 16, c.epoch);
    sol_write_u64(out + 24, c.leader_schedule_epoch);
    sol_write_u64(out + 32, (uint64_t)c.unix_timestamp);
    sol_set_return_data(out, 40);
    return SUCCESS;
  }
  case 1: {
    SolRent r;
    if (sol_get_rent_sysvar(&r) != 0) return ERROR_INVALID_ARGUMENT;
    union {
      double d;
      uint64_t u;
    } t = {.d = r.exemption_threshold};
    sol_write_u64(out, r.lamports_per_byte_year);
    sol_write_u64(out + 8, t.u);
    out[16] = r.burn_percent;
    sol_set_return_data(out, 17);
    return SUCCESS;
  }
  case 2: {
    SolEpochSchedule e;
    if (sol_get_epoch_schedule_sysvar(&e) != 0) return ERROR_INVALID_ARGUMENT;
    sol_write_u64(out, e.slots_per_epoch);
    sol_write_u64(out + 8, e.leader_schedule_slot_offset);
    out[16] = e.warmup;
    sol_write_u64(out + 17, e.first_normal_epoch);
    sol_write_u64(out + 25, e.first_normal_slot);
    sol_set_return_data(out, 33);
    return SUCCESS;
  }
  case 3:
    sol_set_return_u64(sol_get_stack_height());
    return SUCCESS;
  case 4: {
    uint64_t slot = 0;
    if (sol_get_last_restart_slot(&slot) != 0) return ERROR_INVALID_ARGUMENT;
    sol_set_return_u64(slot);
    return SUCCESS;
  }
  case 5: {
    uint64_t left = sol_remaining_compute_units();
    sol_set_return_u64(left > 0 && left <= 1400000);
    return SUCCESS;
  }
  }
  return ERROR_INVALID_INSTRUCTION_DATA;
}
