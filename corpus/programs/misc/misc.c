/* misc: return-data round trips and the bump allocator. data[0]:
 *   0 set "abc", read it back with sol_get_return_data; returns
 *     u64 length | program id (32) | the bytes read
 *   1 sol_get_return_data before any set: returns u64 length (0)
 *   2 set 1025 bytes (over MAX_RETURN_DATA = 1024): SyscallError::ReturnDataTooLarge
 *   3 set empty return data
 *   4 sol_alloc_free_: 10 bytes, 10 bytes, 40000 bytes (too much), then a free;
 *     returns the four results as u64s
 *   5 read 2 of 3 bytes back: returns u64 length (3) | the 2 bytes */
#include <sbpf.h>

uint64_t entrypoint(const uint8_t *input) {
  SolInput in;
  sol_deserialize(input, &in);
  if (in.data_len != 1) return ERROR_INVALID_INSTRUCTION_DATA;
  uint8_t out[64];
  switch (in.data[0]) {
  case 0:
  case 5: {
    static const uint8_t abc[3] = {'a', 'b', 'c'};
    sol_set_return_data(abc, 3);
    SolPubkey who;
    uint8_t buf[3];
    uint64_t want = in.data[0] == 0 ? 3 : 2;
    uint64_t n = sol_get_return_data(buf, want, &who);
    sol_write_u64(out, n);
    uint64_t off = 8;
    if (in.data[0] == 0) {
      for (int i = 0; i < 32; i++) out[off + i] = who.x[i];
      off += 32;
    }
    for (uint64_t i = 0; i < want; i++) out[off + i] = buf[i];
    sol_set_return_data(out, off + want);
    return SUCCESS;
  }
  case 1: {
    SolPubkey who;
    uint8_t buf[8];
    sol_set_return_u64(sol_get_return_data(buf, 8, &who));
    return SUCCESS;
  }
  case 2:
    sol_set_return_data((const uint8_t *)0x300000000UL, 1025);
    return SUCCESS;
  case 3:
    sol_set_return_data(out, 0);
    return SUCCESS;
  case 4: {
    uint64_t a = sol_alloc_free_(10, 0);
    uint64_t b = sol_alloc_free_(10, 0);
    uint64_t c = sol_alloc_free_(40000, 0);
    uint64_t d = sol_alloc_free_(10, a);
    sol_write_u64(out, a);
    sol_write_u64(out + 8, b);
    sol_write_u64(out + 16, c);
    sol_write_u64(out + 24, d);
    sol_set_return_data(out, 32);
    return SUCCESS;
  }
  }
  return ERROR_INVALID_INSTRUCTION_DATA;
}
