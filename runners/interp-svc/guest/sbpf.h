/* sbpf.h — the sBPF machine of interp-svc: ELF loader (elf.c), verifier and interpreter
 * (vm.c), bit-exact with anza-xyz/sbpf (elf.rs, elf_parser, verifier.rs, interpreter.rs). */
#ifndef SBPF_H
#define SBPF_H

#include "../../svcrt/c/svcrt.h"

#define INSN_SIZE 8

/* ebpf.rs opcodes */
#define BPF_LD 0x00
#define BPF_LDX 0x01
#define BPF_ST 0x02
#define BPF_STX 0x03
#define BPF_ALU32 0x04
#define BPF_JMP64 0x05
#define BPF_PQR 0x06
#define BPF_JMP32 0x06
#define BPF_ALU64 0x07
#define BPF_K 0x00
#define BPF_X 0x08
#define BPF_W 0x00
#define BPF_H 0x08
#define BPF_B 0x10
#define BPF_DW 0x18
#define BPF_1B 0x20
#define BPF_2B 0x30
#define BPF_4B 0x80
#define BPF_8B 0x90
#define BPF_IMM 0x00
#define BPF_MEM 0x60

#define LD_DW_IMM (BPF_LD | BPF_IMM | BPF_DW)
#define CALL_IMM (BPF_JMP64 | 0x80)
#define CALL_REG (BPF_JMP64 | BPF_X | 0x80)
#define EXIT_OP (BPF_JMP64 | 0x90)
#define ADD64_IMM (BPF_ALU64 | BPF_K | 0x00)

/* A loaded program (elf.rs Executable). */
typedef struct sbpf_func {
  uint32_t key;
  uint32_t pc;
} sbpf_func;

typedef struct sbpf_exe {
  int version;
  const uint8_t *text; /* instructions (len multiple of 8) */
  uint64_t text_len;
  uint64_t text_vaddr;
  uint8_t *ro;         /* the read-only region */
  uint64_t ro_len;
  uint64_t ro_vaddr;
  uint64_t entry_pc;
  sbpf_func *funcs;    /* function registry, sorted by key */
  uint32_t n_funcs, cap_funcs;
} sbpf_exe;

/* Loads an ELF; 0 or -1 with the error recorded in c (kind "ElfError", variant in detail). */
int sbpf_load(svc_ctx *c, sbpf_exe *e, const uint8_t *elf, size_t len);
/* RequisiteVerifier; 0 or -1 ("VerifierError", variant in detail). */

int sbpf_lookup_func(const sbpf_exe *e, uint32_t key, uint32_t *pc);

#endif
