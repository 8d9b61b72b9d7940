/*
 * svcrt.h — the shared C runtime of the sbpf-pvm PVM services (interp-svc and transpiled).
 *
 * A service receives one request (the wire format below), builds the sBPF memory map
 * (rodata/program, stack, heap, input), serializes the accounts into the input region with
 * Solana's aligned ABI, lets an execution engine run the program (svc_engine_*: the sBPF
 * interpreter of interp-svc, or generated code for transpiled), deserializes the input region,
 * computes the state diff and answers with one response.
 *
 * ---------------------------------------------------------------------------------------
 * WIRE FORMAT (request version 1, response version 2). All integers little-endian. "bytes" = u32 length ++ raw bytes.
 * The Go side is runners/svcrt/wire.go; both sides must change together.
 *
 * Request:
 *   magic        4  "SVQ2"
 *   flags        u32  bit0 mask rent_epoch to u64::MAX in the input region
 *                     bit1 stack frame gaps enabled (Config.enable_stack_frame_gaps)
 *                     bit2 check_aligned (bpf_loader / upgradeable: 1; deprecated loader: 0)
 *                     bit3 reject_broken_elfs, bit4 optimize_rodata (vm.rs Config)
 *   compute_budget  u64
 *   heap_size       u64   (bytes; Agave default 32 KiB)
 *   max_call_depth  u32   (64)
 *   stack_frame_size u32  (4096)
 *   min_version u8, max_version u8 (Config.enabled_sbpf_versions)
 *   log_bytes     u16   bytes of the log lines the host logged before the service runs (its
 *                       "Program <id> invoke [1]"): the service's collector starts with them
 *                       counted against the 10,000-byte budget
 *   program_id      32
 *   n_accounts      u32   (instruction accounts, in order)
 *   account[i]:
 *     dup_of        u8    0xFF: a new account; otherwise index of the first occurrence (< i)
 *     flags         u8    bit0 signer, bit1 writable, bit2 executable (ignored for duplicates)
 *     -- only when dup_of == 0xFF:
 *     key 32, owner 32, lamports u64, rent_epoch u64, data bytes
 *   instruction_data bytes
 *   sysvar_mask   u32   bit k set: sysvar kind k is present (0 clock, 1 rent, 2 epoch schedule,
 *                       3 last restart slot; no other bits)
 *   sysvar values the present ones in kind order, each its fixed size (40, 24, 40, 8 bytes:
 *                 the repr(C) struct the sol_get_*_sysvar syscall copies out, padding
 *                 zeroed): found by adding sizes, with no records to walk
 *   program_elf   bytes
 *
 * Response (version 2): a fixed header, then the logs (they are written there while the
 * service runs, so answering copies none of them), then the variable parts.
 *   magic        4  "SVR2"
 *   status       u8   0 success, 1 program failure (error kind set), 2 bad request
 *                     (the payload did not decode; error kind "MalformedRequest"), 3 service
 *                     fault (arena exhausted etc.; kind names it)
 *   origin       u8   where a failure arose: 0 none, 1 load+verify, 2 VM setup, 3 the VM
 *                     itself (Agave burns the remaining budget), 4 a syscall, 5 deserialization,
 *                     6 the lamport balance check (after "success")
 *   has_return_data u8, reserved u8 (0)
 *   exit_code u64  r0 (0 unless the program returned)
 *   compute_units u64 consumed from the budget (heap cost + instructions + syscalls)
 *   insn_count   u64  sBPF instructions executed
 *   gas marks    5 × u64: PVM gas left at start, after load+verify, after serialization,
 *                after execution, after deserialization+diff (0 when not on a PVM)
 *   n_logs       u32 (logs also go out through the JIP-1 log host call as they happen)
 *   log[i]:      bytes — the lines logged while the service ran; the host puts its
 *                "Program <id> invoke [1]" before them and appends the consumed/return/
 *                success/failed lines, all under one 10,000-byte budget
 *   error_kind   u16 length ++ ASCII (Agave/sbpf variant name; empty on success)
 *   error_detail u16 length ++ UTF-8 (human context, never compared)
 *   return_data: when has_return_data: program_id 32, data bytes
 *   n_changed    u32
 *   changed[i]:  index u32 (instruction account index of the first occurrence)
 *                mask u8 (bit0 lamports, bit1 data, bit2 owner)
 *                lamports u64 (new), owner 32 (new), data bytes (new, only when bit1)
 * ---------------------------------------------------------------------------------------
 */
#ifndef SVCRT_H
#define SVCRT_H

#include <stddef.h>
#include <stdint.h>

/* The runtime's own files are compiled with Zbb (SVC_ZBB_BEGIN after their #includes,
 * SVC_ZBB_END at their end): pvm/link turns rotations, byte swaps, bit counts and min/max
 * into single PVM instructions (sha256/keccak/blake3 rounds, base58, murmur3). Engines that
 * include this header keep their own flags. */
#if defined(__riscv)
#define SVC_ZBB_BEGIN _Pragma("clang attribute push(__attribute__((target(\"arch=+zbb\"))), apply_to = function)")
#define SVC_ZBB_END _Pragma("clang attribute pop")
#else
#define SVC_ZBB_BEGIN
#define SVC_ZBB_END
#endif


#define SVC_REQ_MAGIC 0x32515653u /* "SVQ2" */
#define SVC_RESP_MAGIC 0x32525653u /* "SVR2" */

#define SVC_FLAG_MASK_RENT_EPOCH 1u
#define SVC_FLAG_STACK_GAPS 2u
#define SVC_FLAG_CHECK_ALIGNED 4u
#define SVC_FLAG_REJECT_BROKEN_ELFS 8u
#define SVC_FLAG_OPTIMIZE_RODATA 16u

enum svc_status { SVC_OK = 0, SVC_FAIL = 1, SVC_BAD_REQUEST = 2, SVC_FAULT = 3 };
enum svc_origin { SVC_ORIGIN_NONE = 0, SVC_ORIGIN_LOAD, SVC_ORIGIN_SETUP, SVC_ORIGIN_VM, SVC_ORIGIN_SYSCALL, SVC_ORIGIN_DESERIALIZE, SVC_ORIGIN_BALANCE };

/* sBPF memory map (ebpf.rs). */
#define MM_REGION_SIZE (1ull << 32)
#define MM_RODATA_START 0ull
#define MM_BYTECODE_START (1ull << 32)
#define MM_STACK_START (2ull << 32)
#define MM_HEAP_START (3ull << 32)
#define MM_INPUT_START (4ull << 32)

#define MAX_PERMITTED_DATA_INCREASE 10240u
#define MAX_PERMITTED_DATA_LENGTH (10ull * 1024 * 1024)
#define MAX_RETURN_DATA 1024u
#define SVC_MAX_ACCOUNTS 255u

enum svc_sysvar_kind { SVC_SYSVAR_CLOCK = 0, SVC_SYSVAR_RENT = 1, SVC_SYSVAR_EPOCH_SCHEDULE = 2, SVC_SYSVAR_LAST_RESTART_SLOT = 3 };
/* The bytes of the values of the sysvar kinds in a mask (sizes 40, 24, 40, 8): the size of
 * the request's sysvar section, and (masked to the kinds below k) the offset of kind k. */
static inline uint32_t svc_sysvar_bytes(uint32_t mask) {
  if (mask == 15) return 112; /* all four: what the host sends (no load, which gp080 prices high) */
  return (mask & 1) * 40 + (mask >> 1 & 1) * 24 + (mask >> 2 & 1) * 40 + (mask >> 3 & 1) * 8;
}

/* Agave compute costs (program-runtime execution budget defaults). */
#define CU_SYSCALL_BASE 100u
#define CU_LOG_64 100u
#define CU_LOG_PUBKEY 100u
#define CU_CREATE_PROGRAM_ADDRESS 1500u
#define CU_SHA256_BASE 85u
#define CU_SHA256_BYTE 1u
#define CU_SHA256_MAX_SLICES 20000u
#define CU_MEM_OP_BASE 10u
#define CU_CPI_BYTES_PER_UNIT 250u
#define CU_SYSVAR_BASE 100u
#define CU_HEAP_COST 8u
#define CU_INVOKE 1000u

/* sBPF versions (program.rs SBPFVersion). */
enum sbpf_version { SBPF_V0 = 0, SBPF_V1, SBPF_V2, SBPF_V3, SBPF_V4, SBPF_RESERVED };

typedef struct svc_account {
  /* key 32, owner 32, lamports u64, rent_epoch u64: the account's record in the request,
   * read where it lies (NULL for a duplicate) */
  const uint8_t *rec;
  const uint8_t *data; /* data_len bytes, inside the request */
  /* set by decoding: where the account's record starts in the input region (its fields
   * follow at the SVC_IN_* offsets) */
  uint64_t off;
  uint32_t data_len;
  uint8_t dup_of; /* 0xFF or index of the first occurrence */
  uint8_t flags;  /* bit0 signer, bit1 writable, bit2 executable (the request's byte) */
} svc_account;

#define SVC_REC_KEY 0u
#define SVC_REC_OWNER 32u
#define SVC_REC_LAMPORTS 64u
#define SVC_REC_RENT_EPOCH 72u
static inline int svc_acc_writable(const svc_account *a) { return (a->flags >> 1) & 1; }

/* Offsets of an account's fields from the start of its record in the input region
 * (serialization.rs serialize_parameters_aligned): dup marker, signer, writable,
 * executable, 4 bytes padding, key, owner, lamports, data length, data (+ 10 KiB realloc
 * space, padded to 8), rent epoch. */
#define SVC_IN_KEY 8u
#define SVC_IN_OWNER 40u
#define SVC_IN_LAMPORTS 72u
#define SVC_IN_DATA_LEN 80u
#define SVC_IN_DATA 88u

/* The request's fixed part (its first SVC_REQ_HEADER bytes) has exactly this struct's
 * layout: decoding copies it in one piece. The rest is computed by decoding. */
typedef struct svc_request {
  uint32_t magic;
  uint32_t flags;
  uint64_t compute_budget, heap_size;
  uint32_t max_call_depth, stack_frame_size;
  uint8_t min_version, max_version;
  uint16_t log_bytes;
  uint8_t program_id[32];
  uint32_t n_accounts;
  /* -- end of the wire header -- */
  uint32_t ix_len;
  uint64_t input_size; /* bytes of the serialized input region (computed by decoding) */
  svc_account *accounts;
  const uint8_t *ix_data;
  const uint8_t *sysvars; /* the values of the kinds in sysvar_mask, in kind order */
  const uint8_t *elf;
  uint32_t sysvar_mask;
  uint32_t elf_len;
} svc_request;
#define SVC_REQ_HEADER 72u
_Static_assert(__builtin_offsetof(svc_request, n_accounts) == SVC_REQ_HEADER - 4, "svc_request mirrors the wire header");

/* One memory region. vm_addr may lie above the region's base (rodata with an offset).
 * gap_shift == 63 means not gapped. */
typedef struct svc_region {
  uint8_t *host;
  uint64_t vm_addr;
  uint64_t len;
  uint8_t writable;
  uint8_t gap_shift;
} svc_region;

#define SVC_NREGIONS 5

enum svc_access { SVC_LOAD = 0, SVC_STORE = 1 };

typedef struct svc_ctx {
  svc_request req;
  int version;
  svc_region regions[SVC_NREGIONS];

  /* compute meter (Agave's InvokeContext meter) */
  uint64_t remaining;
  uint64_t insn_count;

  /* heap allocator of sol_alloc_free_ */
  uint64_t heap_pos;


  /* return data */
  uint8_t has_return_data;
  uint8_t return_program_id[32];
  uint8_t return_data[MAX_RETURN_DATA];
  uint32_t return_len;

  /* outcome */
  int status;
  int origin;
  const char *err_kind;
  char err_detail[2200];
  uint64_t exit_code;
} svc_ctx;

/* --- arena (all guest memory comes from one static bump arena) --- */
#ifndef SVC_ARENA_SIZE
#define SVC_ARENA_SIZE (40u << 20)
#endif
/* Hidden: the runtime reaches its own data PC-relative, not through the GOT. */
#define SVC_HIDDEN __attribute__((visibility("hidden")))
extern uint8_t svc_arena[SVC_ARENA_SIZE] SVC_HIDDEN;
extern size_t svc_arena_used SVC_HIDDEN;
/* 16-byte aligned, zeroed; NULL when exhausted. Inline: a bump of a few instructions. */
static inline void *svc_alloc(size_t n) {
  size_t start = (svc_arena_used + 15) & ~(size_t)15; /* <= SVC_ARENA_SIZE, a multiple of 16 */
  if (n > SVC_ARENA_SIZE - start) return 0;
  svc_arena_used = start + n;
  return svc_arena + start;
}
void svc_arena_reset(void);

/* --- errors --- */
/* Records a failure (status SVC_FAIL) with a kind and a formatted-free detail. Returns -1. */
int svc_fail(svc_ctx *c, const char *kind, const char *detail);
int svc_fail_addr(svc_ctx *c, const char *kind, const char *what, uint64_t addr, uint64_t len);

/* --- memory translation (memory_region.rs, aligned mapping) --- */
/* Returns a host pointer for [vm_addr, vm_addr+len) or NULL after recording
 * AccessViolation / StackAccessViolation in c. */
uint8_t *svc_translate(svc_ctx *c, int access, uint64_t vm_addr, uint64_t len);
/* The error an access at vm_addr would raise (for engines with their own fast path). */
int svc_access_violation(svc_ctx *c, int access, uint64_t vm_addr, uint64_t len);

/* --- compute meter --- */
/* consume_checked: charges saturating, fails with ComputationalBudgetExceeded. 0 ok, -1 err. */
int svc_consume_fail(svc_ctx *c);
static inline int svc_consume(svc_ctx *c, uint64_t amount) {
  if (c->remaining < amount) return svc_consume_fail(c);
  c->remaining -= amount;
  return 0;
}

/* --- logs (JIP-1 log host call + response) --- */
/* Logs the line a ++ b (a prefix and a message) without building it first. */
void svc_log2(svc_ctx *c, const char *a, size_t na, const char *b, size_t nb);
static inline void svc_log(svc_ctx *c, const char *msg, size_t len) { svc_log2(c, msg, len, 0, 0); }
void svc_logs_reset(uint64_t host_bytes);
/* The lines, back to back in the response's wire form (u32 length ++ message), so that
 * the response takes them with one copy. Every line the runtime logs has at least 13
 * message bytes (its "Program log: " etc. prefix) and the lines kept hold fewer than
 * SVC_LOG_BYTES_LIMIT of them, so fewer than 770 lines and 10,000 + 4 * 770 + the
 * "Log truncated" line fit in SVC_LOG_BUF. */
#define SVC_LOG_BYTES_LIMIT 10000u /* Agave LogCollector default */
#define SVC_LOG_BUF 16384u
typedef struct svc_logstate {
  uint32_t n;     /* lines */
  uint32_t wire;  /* bytes after SVC_RESP_LOGS in use */
  uint64_t bytes; /* message bytes counted against the budget */
  uint32_t truncated;
} svc_logstate;
/* The response is built in svc_resp: the fixed header (SVC_RESP_LOGS bytes), the logs as
 * they are logged, then the rest when it fits (else svc_run moves it to the arena). */
#define SVC_RESP_LOGS 76u
#define SVC_RESP_GAS 32u /* offset of the gas marks */
#define SVC_RESP_CAP (SVC_RESP_LOGS + SVC_LOG_BUF + 8192u)
extern uint8_t svc_resp[SVC_RESP_CAP] SVC_HIDDEN;
extern svc_logstate svc_logs SVC_HIDDEN;

/* --- syscalls --- */
/* Looks up a syscall by its murmur3 key; returns its index or -1. */
int svc_syscall_lookup(uint32_t key);
/* The registry, in index order: each row's function runs its syscall with r1..r5, writes r0
 * on success and returns 0, or returns -1 with the error recorded in c (the unsupported
 * ones fail naming themselves). */
typedef int (*svc_syscall_fn)(svc_ctx *c, const uint64_t *args, uint64_t *r0);
typedef struct svc_syscall_row {
  const char *name;
  svc_syscall_fn fn;
  uint32_t key; /* murmur3_32 of the name (ebpf::hash_symbol_name) */
} svc_syscall_row;
extern const svc_syscall_row svc_syscall_table[] SVC_HIDDEN;
/* Runs syscall idx (a valid index of svc_syscall_lookup): one indirect call from the
 * engine, no dispatch level of its own. */
static inline int svc_syscall_call(svc_ctx *c, int idx, const uint64_t args[5], uint64_t *r0) {
  return svc_syscall_table[idx].fn(c, args, r0);
}
uint32_t svc_murmur3_32(const uint8_t *data, size_t len, uint32_t seed);

/* --- the execution engine (interp-svc: ELF loader + verifier + interpreter) --- */
/* Loads and verifies the program; sets c->version and the program/rodata region(s). 0 ok. */
int svc_engine_load(svc_ctx *c, const uint8_t *elf, size_t len);
/* Runs the program from its entrypoint with r1 = MM_INPUT_START. Charges CU into
 * c->remaining and counts instructions into c->insn_count. 0 = returned (c->exit_code = r0),
 * -1 = error recorded in c. */
int svc_engine_execute(svc_ctx *c);
/* 1 when the stack region will have a gap after every frame (a v0 program with
 * enable_stack_frame_gaps), else 0: the one rule behind the stack region's gap_shift, so an
 * engine can decide at load time (once c->version and c->req are set). */
static inline int svc_stack_gapped(const svc_ctx *c) { return c->version == SBPF_V0 && (c->req.flags & SVC_FLAG_STACK_GAPS); }

/* --- the service --- */
/* Decodes the request in buf, runs everything, writes the response into a buffer from the
 * arena; returns it and its length. Never fails: bad input becomes a status. */
const uint8_t *svc_run(const uint8_t *buf, size_t len, size_t *out_len);
/* svc_run with the response returned in two registers (the PVM entry tail-calls it). */
typedef struct svc_out {
  const uint8_t *p;
  size_t len;
} svc_out;
svc_out svc_serve(const uint8_t *buf, size_t len);

/* host hooks (PVM: host calls; hosttest: stubs) */
uint64_t svc_host_gas(void);
void svc_host_log(const char *msg, size_t len);

/* --- small freestanding helpers --- */
void *svc_memcpy(void *d, const void *s, size_t n);
void *svc_memmove(void *d, const void *s, size_t n);
void *svc_memset(void *d, int v, size_t n);
int svc_memcmp(const void *a, const void *b, size_t n);
size_t svc_strlen(const char *s);

/* crypto */
void svc_sha256_init(void *st);
void svc_sha256_update(void *st, const uint8_t *p, size_t n);
void svc_sha256_final(void *st, uint8_t out[32]);
#define SVC_SHA256_STATE 112
void svc_keccak256_init(void *st);
void svc_keccak256_update(void *st, const uint8_t *p, size_t n);
void svc_keccak256_final(void *st, uint8_t out[32]);
#define SVC_KECCAK_STATE 352
void svc_blake3_init(void *st);
void svc_blake3_update(void *st, const uint8_t *p, size_t n);
void svc_blake3_final(void *st, uint8_t out[32]);
#define SVC_BLAKE3_STATE 2048
/* 1 when the 32 bytes decode to a point on edwards25519 (curve25519-dalek decompress). */
int svc_ed25519_on_curve(const uint8_t p[32]);

/* Unaligned little-endian access; the PVM (and guests built with -mno-strict-align) does
 * these in one instruction. */
static inline uint64_t svc_rd64(const uint8_t *p) {
  uint64_t v;
  __builtin_memcpy(&v, p, 8);
  return v;
}
static inline uint32_t svc_rd32(const uint8_t *p) {
  uint32_t v;
  __builtin_memcpy(&v, p, 4);
  return v;
}
static inline void svc_wr64(uint8_t *p, uint64_t v) { __builtin_memcpy(p, &v, 8); }
static inline void svc_wr32(uint8_t *p, uint32_t v) { __builtin_memcpy(p, &v, 4); }

/* Keys (32 bytes) inline: four words, no call. */
static inline void svc_copy32(uint8_t *d, const uint8_t *s) {
  uint64_t a = svc_rd64(s), b = svc_rd64(s + 8), c = svc_rd64(s + 16), e = svc_rd64(s + 24);
  svc_wr64(d, a), svc_wr64(d + 8, b), svc_wr64(d + 16, c), svc_wr64(d + 24, e);
}
static inline int svc_eq32(const uint8_t *x, const uint8_t *y) {
  return ((svc_rd64(x) ^ svc_rd64(y)) | (svc_rd64(x + 8) ^ svc_rd64(y + 8)) | (svc_rd64(x + 16) ^ svc_rd64(y + 16)) |
          (svc_rd64(x + 24) ^ svc_rd64(y + 24))) == 0;
}

#endif
