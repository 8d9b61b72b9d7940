/*
 * sbpf.h — a small C SDK for sBPF v0 Solana programs, written for the sbpf-pvm corpus.
 *
 * Build with `sbpf-pvm sbpf cc prog.c -I corpus/sdk -o prog.so`. A program defines
 *
 *     uint64_t entrypoint(const uint8_t *input);
 *
 * and returns SUCCESS (0), a builtin error (ERROR_*) or a custom error code (1..2^32-1).
 *
 * Input layout (Agave serialize_parameters_aligned, loader v2/v3 programs), all
 * little-endian, starting at MM_INPUT_START (0x400000000):
 *   u64 num_accounts
 *   per account: u8 dup_info (0xff = not a duplicate, else index of the original)
 *     duplicate:  7 bytes padding
 *     otherwise:  u8 is_signer, u8 is_writable, u8 executable, 4 bytes padding,
 *                 pubkey key, pubkey owner, u64 lamports, u64 data_len,
 *                 data[data_len], MAX_PERMITTED_DATA_INCREASE (10 KiB) spare bytes,
 *                 zero padding to 8-byte alignment, u64 rent_epoch
 *   u64 instruction_data_len, instruction data, pubkey program_id
 *
 * Programs change lamports, data and owner in place in this buffer; the runtime reads
 * them back after the program returns. Changing *data_len (within the 10 KiB spare
 * area) reallocates the account.
 *
 * Syscalls are plain extern declarations: the linker turns each call into `call -1`
 * with a dynamic R_BPF_64_32 relocation against the syscall's name, and the loader
 * writes murmur3(name) into the instruction.
 */
#ifndef SBPF_H
#define SBPF_H

typedef unsigned char uint8_t;
typedef signed char int8_t;
typedef unsigned short uint16_t;
typedef unsigned int uint32_t;
typedef signed int int32_t;
typedef unsigned long uint64_t;
typedef signed long int64_t;
typedef uint64_t size_t;
typedef _Bool bool;
#define true 1
#define false 0
#define NULL ((void *)0)

/* ---- constants ---------------------------------------------------------------- */

#define SUCCESS 0
/* Builtin program errors: the InstructionError number shifted left by 32. */
#define TO_BUILTIN(e) ((uint64_t)(e) << 32)
#define ERROR_CUSTOM_ZERO TO_BUILTIN(1)
#define ERROR_INVALID_ARGUMENT TO_BUILTIN(2)
#define ERROR_INVALID_INSTRUCTION_DATA TO_BUILTIN(3)
#define ERROR_INVALID_ACCOUNT_DATA TO_BUILTIN(4)
#define ERROR_ACCOUNT_DATA_TOO_SMALL TO_BUILTIN(5)
#define ERROR_INSUFFICIENT_FUNDS TO_BUILTIN(6)
#define ERROR_INCORRECT_PROGRAM_ID TO_BUILTIN(7)
#define ERROR_MISSING_REQUIRED_SIGNATURES TO_BUILTIN(8)
#define ERROR_ACCOUNT_ALREADY_INITIALIZED TO_BUILTIN(9)
#define ERROR_UNINITIALIZED_ACCOUNT TO_BUILTIN(10)
#define ERROR_NOT_ENOUGH_ACCOUNT_KEYS TO_BUILTIN(11)
#define ERROR_ACCOUNT_BORROW_FAILED TO_BUILTIN(12)
#define ERROR_MAX_SEED_LENGTH_EXCEEDED TO_BUILTIN(13)
#define ERROR_INVALID_SEEDS TO_BUILTIN(14)
#define ERROR_ARITHMETIC_OVERFLOW TO_BUILTIN(24)

#define MAX_PERMITTED_DATA_INCREASE 10240
#define MAX_PERMITTED_DATA_LENGTH (10 * 1024 * 1024)
#define NON_DUP_MARKER 0xff
#define SIZE_PUBKEY 32
#define MAX_SEEDS 16
#define MAX_SEED_LEN 32
#ifndef SOL_MAX_ACCOUNTS
#define SOL_MAX_ACCOUNTS 16
#endif

/* ---- types -------------------------------------------------------------------- */

typedef struct {
  uint8_t x[SIZE_PUBKEY];
} SolPubkey;

/* A byte slice, laid out like Rust's &[u8]: used for hashing, log_data and seeds. */
typedef struct {
  const uint8_t *addr;
  uint64_t len;
} SolBytes;
typedef SolBytes SolSignerSeed;

/* Sysvars, #[repr(C)] as Agave writes them (8-byte aligned buffers required). */
typedef struct {
  uint64_t slot;
  int64_t epoch_start_timestamp;
  uint64_t epoch;
  uint64_t leader_schedule_epoch;
  int64_t unix_timestamp;
} SolClock;
typedef struct {
  uint64_t lamports_per_byte_year;
  double exemption_threshold;
  uint8_t burn_percent;
} SolRent;
typedef struct {
  uint64_t slots_per_epoch;
  uint64_t leader_schedule_slot_offset;
  bool warmup;
  uint64_t first_normal_epoch;
  uint64_t first_normal_slot;
} SolEpochSchedule;

/* A view of one serialized account. Pointers point into the input buffer. */
typedef struct {
  const SolPubkey *key;
  SolPubkey *owner;
  uint64_t *lamports;
  uint64_t *data_len; /* write to realloc (grow at most 10 KiB per instruction) */
  uint8_t *data;
  uint64_t rent_epoch;
  bool is_signer;
  bool is_writable;
  bool executable;
  uint8_t dup_of; /* NON_DUP_MARKER or the index of the account this duplicates */
} SolAccount;

typedef struct {
  SolAccount accounts[SOL_MAX_ACCOUNTS];
  uint64_t num_accounts; /* accounts actually present in the input */
  const uint8_t *data;
  uint64_t data_len;
  const SolPubkey *program_id;
} SolInput;

/* ---- syscalls (Agave names; resolved by the loader through murmur3 hashes) ------- */

void abort(void) __attribute__((noreturn));
void sol_panic_(const char *file, uint64_t len, uint64_t line, uint64_t column) __attribute__((noreturn));
void sol_log_(const char *msg, uint64_t len);
void sol_log_64_(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e);
void sol_log_compute_units_(void);
void sol_log_pubkey(const SolPubkey *key);
void sol_log_data(const SolBytes *fields, uint64_t count);
uint64_t sol_sha256(const SolBytes *vals, uint64_t count, uint8_t *result);
uint64_t sol_keccak256(const SolBytes *vals, uint64_t count, uint8_t *result);
uint64_t sol_blake3(const SolBytes *vals, uint64_t count, uint8_t *result);
uint64_t sol_create_program_address(const SolSignerSeed *seeds, uint64_t count,
                                    const SolPubkey *program_id, SolPubkey *address);
uint64_t sol_try_find_program_address(const SolSignerSeed *seeds, uint64_t count,
                                      const SolPubkey *program_id, SolPubkey *address,
                                      uint8_t *bump_seed);
void sol_set_return_data(const uint8_t *data, uint64_t len);
uint64_t sol_get_return_data(uint8_t *data, uint64_t len, SolPubkey *program_id);
void *sol_memcpy_(void *dst, const void *src, uint64_t n);
void *sol_memmove_(void *dst, const void *src, uint64_t n);
void sol_memcmp_(const void *a, const void *b, uint64_t n, int32_t *result);
void *sol_memset_(void *dst, uint8_t c, uint64_t n);
uint64_t sol_get_clock_sysvar(void *clock);                   /* SolClock, 40 bytes */
uint64_t sol_get_rent_sysvar(void *rent);                     /* SolRent, 24 bytes */
uint64_t sol_get_epoch_schedule_sysvar(void *epoch_schedule); /* SolEpochSchedule, 40 bytes */
uint64_t sol_get_last_restart_slot(uint64_t *slot);
uint64_t sol_get_stack_height(void);
uint64_t sol_remaining_compute_units(void);
uint64_t sol_alloc_free_(uint64_t size, uint64_t free_addr);

/* ---- compiler support --------------------------------------------------------- */
/* clang may emit calls to these for struct copies and large initializers. Plain byte
 * loops (weak, so several translation units can include this header); -fno-builtin
 * keeps clang from turning the loops back into calls. */
__attribute__((weak)) void *memcpy(void *dst, const void *src, size_t n) {
  uint8_t *d = dst;
  const uint8_t *s = src;
  for (size_t i = 0; i < n; i++) d[i] = s[i];
  return dst;
}
__attribute__((weak)) void *memset(void *dst, int c, size_t n) {
  uint8_t *d = dst;
  for (size_t i = 0; i < n; i++) d[i] = (uint8_t)c;
  return dst;
}
__attribute__((weak)) void *memmove(void *dst, const void *src, size_t n) {
  uint8_t *d = dst;
  const uint8_t *s = src;
  if (d < s) {
    for (size_t i = 0; i < n; i++) d[i] = s[i];
  } else {
    for (size_t i = n; i > 0; i--) d[i - 1] = s[i - 1];
  }
  return dst;
}
__attribute__((weak)) int memcmp(const void *a, const void *b, size_t n) {
  const uint8_t *x = a, *y = b;
  for (size_t i = 0; i < n; i++)
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

/* ---- helpers -------------------------------------------------------------------- */

static inline uint64_t sol_strlen(const char *s) {
  uint64_t n = 0;
  while (s[n]) n++;
  return n;
}

/* sol_log logs a NUL-terminated string. */
static inline void sol_log(const char *s) { sol_log_(s, sol_strlen(s)); }
#define sol_log_64 sol_log_64_
#define sol_log_compute_units sol_log_compute_units_
/* sol_panic panics with this file and line, like Rust's panic!. */
#define sol_panic() sol_panic_(__FILE__, sizeof(__FILE__) - 1, __LINE__, 0)
#define sol_assert(expr) \
  do {                   \
    if (!(expr)) sol_panic(); \
  } while (0)

static inline bool SolPubkey_same(const SolPubkey *a, const SolPubkey *b) {
  for (int i = 0; i < SIZE_PUBKEY; i++)
    if (a->x[i] != b->x[i]) return false;
  return true;
}

static inline uint64_t sol_read_u64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}

static inline void sol_write_u64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) {
    p[i] = (uint8_t)v;
    v >>= 8;
  }
}

/* sol_deserialize fills in from the serialized input. Accounts beyond
 * SOL_MAX_ACCOUNTS are walked over but not recorded. Returns false when the input
 * has more accounts than fit. */
static inline bool sol_deserialize(const uint8_t *input, SolInput *in) {
  const uint8_t *p = input;
  uint64_t n = *(const uint64_t *)p;
  p += sizeof(uint64_t);
  in->num_accounts = n;
  for (uint64_t i = 0; i < n; i++) {
    uint8_t dup = p[0];
    if (dup != NON_DUP_MARKER) {
      if (i < SOL_MAX_ACCOUNTS && dup < SOL_MAX_ACCOUNTS) {
        in->accounts[i] = in->accounts[dup];
        in->accounts[i].dup_of = dup;
      }
      p += 8;
      continue;
    }
    SolAccount a;
    a.dup_of = NON_DUP_MARKER;
    a.is_signer = p[1];
    a.is_writable = p[2];
    a.executable = p[3];
    p += 8;
    a.key = (const SolPubkey *)p;
    p += SIZE_PUBKEY;
    a.owner = (SolPubkey *)p;
    p += SIZE_PUBKEY;
    a.lamports = (uint64_t *)p;
    p += sizeof(uint64_t);
    a.data_len = (uint64_t *)p;
    uint64_t len = *a.data_len;
    p += sizeof(uint64_t);
    a.data = (uint8_t *)p;
    p += len + MAX_PERMITTED_DATA_INCREASE;
    p = (const uint8_t *)(((uint64_t)p + 7) & ~(uint64_t)7);
    a.rent_epoch = *(const uint64_t *)p;
    p += sizeof(uint64_t);
    if (i < SOL_MAX_ACCOUNTS) in->accounts[i] = a;
  }
  in->data_len = *(const uint64_t *)p;
  p += sizeof(uint64_t);
  in->data = p;
  p += in->data_len;
  in->program_id = (const SolPubkey *)p;
  return n <= SOL_MAX_ACCOUNTS;
}

/* sol_hash helpers: hash one byte string. */
static inline void sol_sha256_one(const uint8_t *data, uint64_t len, uint8_t out[32]) {
  SolBytes b = {data, len};
  sol_sha256(&b, 1, out);
}

/* sol_set_return_u64 returns a u64 (little-endian) as return data. */
static inline void sol_set_return_u64(uint64_t v) {
  uint8_t b[8];
  sol_write_u64(b, v);
  sol_set_return_data(b, 8);
}

/* sol_pda derives a program address from seeds; returns 0 or a builtin error. */
static inline uint64_t sol_pda(const SolSignerSeed *seeds, uint64_t n, const SolPubkey *program_id,
                               SolPubkey *out) {
  return sol_create_program_address(seeds, n, program_id, out);
}

#endif /* SBPF_H */
