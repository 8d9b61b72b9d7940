/* ops.h — interp-svc's internal operations and the opcode resolver: which operation and
 * which verifier check each sBPF opcode means under each version (interpreter.rs and
 * verifier.rs, first matching arm). The resolver runs at build time only: gen/optab.c
 * prints its answers as the tables of optab.h, which the verifier and decoder index. */
#ifndef OPS_H
#define OPS_H

/* Internal operations: one per (opcode, version) meaning. */
enum {
  OP_INVALID = 0, /* UnsupportedInstruction */
  OP_OVERRUN,     /* sentinel after the last instruction: ExecutionOverrun */
  OP_LDDW,
  OP_LDX1, OP_LDX2, OP_LDX4, OP_LDX8,
  OP_STI1, OP_STI2, OP_STI4, OP_STI8,
  OP_STX1, OP_STX2, OP_STX4, OP_STX8,
  /* 32-bit with sign-extended results (v0, v1, v3, v4) */
  OP_ADD32I_S, OP_ADD32R_S, OP_SUB32R_S, OP_MUL32I_S, OP_MUL32R_S,
  /* 32-bit with zero-extended results (v2) */
  OP_ADD32I_Z, OP_ADD32R_Z, OP_SUB32R_Z, OP_RSUB32I_Z,
  OP_DIV32I, OP_DIV32R, OP_MOD32I, OP_MOD32R,
  OP_OR32I, OP_OR32R, OP_AND32I, OP_AND32R, OP_XOR32I, OP_XOR32R,
  OP_LSH32I, OP_LSH32R, OP_RSH32I, OP_RSH32R, OP_ARSH32I, OP_ARSH32R, OP_NEG32,
  OP_MOV32R_Z, OP_MOV32R_S,
  OP_LE16, OP_LE32, OP_NOP, OP_BE16, OP_BE32, OP_BE64, OP_BADEND,
  OP_ADD64I, OP_ADD64R, OP_SUB64R, OP_RSUB64I, OP_MUL64I, OP_MUL64R,
  OP_DIV64I, OP_DIV64R, OP_MOD64I, OP_MOD64R,
  OP_OR64I, OP_OR64R, OP_AND64I, OP_AND64R, OP_XOR64I, OP_XOR64R,
  OP_LSH64I, OP_LSH64R, OP_RSH64I, OP_RSH64R, OP_ARSH64I, OP_ARSH64R, OP_NEG64,
  OP_MOV64I, OP_MOV64R, OP_HOR64,
  OP_LMUL32I, OP_LMUL32R, OP_UHMUL64I, OP_UHMUL64R, OP_SHMUL64I, OP_SHMUL64R,
  OP_SDIV32I, OP_SDIV32R, OP_SDIV64I, OP_SDIV64R, OP_SREM32I, OP_SREM32R, OP_SREM64I, OP_SREM64R,
  OP_JA,
  OP_JEQI, OP_JEQR, OP_JGTI, OP_JGTR, OP_JGEI, OP_JGER, OP_JLTI, OP_JLTR, OP_JLEI, OP_JLER, OP_JSETI, OP_JSETR, OP_JNEI, OP_JNER,
  OP_JSGTI, OP_JSGTR, OP_JSGEI, OP_JSGER, OP_JSLTI, OP_JSLTR, OP_JSLEI, OP_JSLER,
  OP_JEQ32I, OP_JEQ32R, OP_JGT32I, OP_JGT32R, OP_JGE32I, OP_JGE32R, OP_JLT32I, OP_JLT32R, OP_JLE32I, OP_JLE32R, OP_JSET32I,
  OP_JSET32R, OP_JNE32I, OP_JNE32R, OP_JSGT32I, OP_JSGT32R, OP_JSGE32I, OP_JSGE32R, OP_JSLT32I, OP_JSLT32R, OP_JSLE32I, OP_JSLE32R,
  OP_MOV32I, OP_SUB64I, OP_DIV64IZ, OP_MOD64IZ, OP_METER_STOP,
  OP_CALL,  /* resolved call: syscall and/or internal function */
  OP_CALLX,
  OP_EXIT,
  OP_COUNT
};

/* Verifier checks and decoding steps attached to an operation (CK_NEGIMM: sub32 imm as an
 * add of the negated immediate; CK_CALL, CK_EXIT: terminators without a verifier check).
 * CK_NONE and CK_JUMP come first: the verifier handles those two inline. */
enum { CK_NONE = 0, CK_JUMP, CK_LDDW, CK_NONZERO, CK_SHIFT32, CK_SHIFT64, CK_ENDIAN, CK_CALLX, CK_ADD64, CK_NEGIMM, CK_CALL, CK_EXIT };

/* An optab.h entry (64 bits): the operation in bits 0-7, the store flag (exempts dst r10 from
 * CannotWriteR10) in bit 8, the check in bits 12-15. OPT_FAST marks the operations whose
 * check is at most an immediate range, lo <= imm <= lo + span (lo in bit 11, span in bits
 * 32-63), and whose decoding is plain or a jump (OPT_JUMP): the verifier's inline path. */
#define OPT_OP(t) ((unsigned)(t) & 0xff)
#define OPT_STORE(t) (((t) >> 8) & 1)
#define OPT_FAST 0x200u
#define OPT_JUMP 0x400u
#define OPT_LO(t) (((t) >> 11) & 1)
#define OPT_CK(t) (((unsigned)(t) >> 12) & 15)
#define OPT_SPAN(t) ((uint32_t)((t) >> 32))
#define OPT_CLASS(v) ((v) >= SBPF_V3 ? 2 : (v) == SBPF_V2 ? 1 : 0)

static int v_manual_frames(int v) { return v == SBPF_V1 || v == SBPF_V2; }
static int v_static_syscalls(int v) { return v >= SBPF_V3; }

#ifdef OPS_RESOLVER
static int v_pqr(int v) { return v == SBPF_V2; }
static int v_mm(int v) { return v == SBPF_V2; } /* move_memory_instruction_classes, disable_lddw/le/neg */
static int v_sx(int v) { return v == SBPF_V2; } /* explicit_sign_extension_of_results, swap_sub_reg_imm */
static int v_jmp32(int v) { return v >= SBPF_V3; }

/* The first arm of interpreter.rs / verifier.rs that matches opcode o under version v. */
static int resolve(uint8_t o, int v, int *ck, int *store) {
  int mm = v_mm(v), pqr = v_pqr(v), sx = v_sx(v);
  *ck = CK_NONE, *store = 0;
  switch (o) {
  case 0x18: if (!mm) return *ck = CK_LDDW, OP_LDDW; break;
  case 0x71: if (!mm) return OP_LDX1; break;
  case 0x69: if (!mm) return OP_LDX2; break;
  case 0x61: if (!mm) return OP_LDX4; break;
  case 0x79: if (!mm) return OP_LDX8; break;
  case 0x72: if (!mm) return *store = 1, OP_STI1; break;
  case 0x6a: if (!mm) return *store = 1, OP_STI2; break;
  case 0x62: if (!mm) return *store = 1, OP_STI4; break;
  case 0x7a: if (!mm) return *store = 1, OP_STI8; break;
  case 0x73: if (!mm) return *store = 1, OP_STX1; break;
  case 0x6b: if (!mm) return *store = 1, OP_STX2; break;
  case 0x63: if (!mm) return *store = 1, OP_STX4; break;
  case 0x7b: if (!mm) return *store = 1, OP_STX8; break;
  case 0x04: return sx ? OP_ADD32I_Z : OP_ADD32I_S;
  case 0x0c: return sx ? OP_ADD32R_Z : OP_ADD32R_S;
  case 0x14: return sx ? OP_RSUB32I_Z : (*ck = CK_NEGIMM, OP_ADD32I_S); /* dst - imm == dst + (-imm) in 32 bits */
  case 0x1c: return sx ? OP_SUB32R_Z : OP_SUB32R_S;
  case 0x24: if (!pqr) return OP_MUL32I_S; break;
  case 0x2c: return !pqr ? OP_MUL32R_S : OP_LDX1; /* MUL32_REG | LD_1B_REG (mm == pqr) */
  case 0x34: if (!pqr) return *ck = CK_NONZERO, OP_DIV32I; break;
  case 0x3c: return !pqr ? OP_DIV32R : OP_LDX2;
  case 0x44: return OP_OR32I;
  case 0x4c: return OP_OR32R;
  case 0x54: return OP_AND32I;
  case 0x5c: return OP_AND32R;
  case 0x64: return *ck = CK_SHIFT32, OP_LSH32I;
  case 0x6c: return OP_LSH32R;
  case 0x74: return *ck = CK_SHIFT32, OP_RSH32I;
  case 0x7c: return OP_RSH32R;
  case 0x84: if (!sx) return OP_NEG32; break;
  case 0x8c: if (mm) return OP_LDX4; break;
  case 0x94: if (!pqr) return *ck = CK_NONZERO, OP_MOD32I; break;
  case 0x9c: return !pqr ? OP_MOD32R : OP_LDX8;
  case 0xa4: return OP_XOR32I;
  case 0xac: return OP_XOR32R;
  case 0xb4: return OP_MOV32I;
  case 0xbc: return sx ? OP_MOV32R_S : OP_MOV32R_Z;
  case 0xc4: return *ck = CK_SHIFT32, OP_ARSH32I;
  case 0xcc: return OP_ARSH32R;
  case 0xd4: if (!mm) return *ck = CK_ENDIAN, OP_LE16; break; /* refined by imm */
  case 0xdc: return *ck = CK_ENDIAN, OP_BE16;
  case 0x07: return *ck = CK_ADD64, OP_ADD64I;
  case 0x0f: return OP_ADD64R;
  case 0x17: return sx ? OP_RSUB64I : OP_SUB64I;
  case 0x1f: return OP_SUB64R;
  case 0x27: return !pqr ? OP_MUL64I : (*store = 1, OP_STI1);
  case 0x2f: return !pqr ? OP_MUL64R : (*store = 1, OP_STX1);
  case 0x37: return !pqr ? (*ck = CK_NONZERO, OP_DIV64I) : (*store = 1, OP_STI2);
  case 0x3f: return !pqr ? OP_DIV64R : (*store = 1, OP_STX2);
  case 0x47: return OP_OR64I;
  case 0x4f: return OP_OR64R;
  case 0x57: return OP_AND64I;
  case 0x5f: return OP_AND64R;
  case 0x67: return *ck = CK_SHIFT64, OP_LSH64I;
  case 0x6f: return OP_LSH64R;
  case 0x77: return *ck = CK_SHIFT64, OP_RSH64I;
  case 0x7f: return OP_RSH64R;
  case 0x87: if (mm) return *store = 1, OP_STI4; if (!sx) return OP_NEG64; break;
  case 0x8f: if (mm) return *store = 1, OP_STX4; break;
  case 0x97: return !pqr ? (*ck = CK_NONZERO, OP_MOD64I) : (*store = 1, OP_STI8);
  case 0x9f: return !pqr ? OP_MOD64R : (*store = 1, OP_STX8);
  case 0xa7: return OP_XOR64I;
  case 0xaf: return OP_XOR64R;
  case 0xb7: return OP_MOV64I;
  case 0xbf: return OP_MOV64R;
  case 0xc7: return *ck = CK_SHIFT64, OP_ARSH64I;
  case 0xcf: return OP_ARSH64R;
  case 0xf7: if (mm) return OP_HOR64; break;
  case 0x05: return *ck = CK_JUMP, OP_JA;
  case 0x15: return *ck = CK_JUMP, OP_JEQI;
  case 0x1d: return *ck = CK_JUMP, OP_JEQR;
  case 0x25: return *ck = CK_JUMP, OP_JGTI;
  case 0x2d: return *ck = CK_JUMP, OP_JGTR;
  case 0x35: return *ck = CK_JUMP, OP_JGEI;
  case 0x3d: return *ck = CK_JUMP, OP_JGER;
  case 0xa5: return *ck = CK_JUMP, OP_JLTI;
  case 0xad: return *ck = CK_JUMP, OP_JLTR;
  case 0xb5: return *ck = CK_JUMP, OP_JLEI;
  case 0xbd: return *ck = CK_JUMP, OP_JLER;
  case 0x45: return *ck = CK_JUMP, OP_JSETI;
  case 0x4d: return *ck = CK_JUMP, OP_JSETR;
  case 0x55: return *ck = CK_JUMP, OP_JNEI;
  case 0x5d: return *ck = CK_JUMP, OP_JNER;
  case 0x65: return *ck = CK_JUMP, OP_JSGTI;
  case 0x6d: return *ck = CK_JUMP, OP_JSGTR;
  case 0x75: return *ck = CK_JUMP, OP_JSGEI;
  case 0x7d: return *ck = CK_JUMP, OP_JSGER;
  case 0xc5: return *ck = CK_JUMP, OP_JSLTI;
  case 0xcd: return *ck = CK_JUMP, OP_JSLTR;
  case 0xd5: return *ck = CK_JUMP, OP_JSLEI;
  case 0xdd: return *ck = CK_JUMP, OP_JSLER;
  case 0x8d: return *ck = CK_CALLX, OP_CALLX;
  case 0x85: return *ck = CK_CALL, OP_CALL;
  case 0x95: return *ck = CK_EXIT, OP_EXIT;
  default: break;
  }
  if (pqr) {
    switch (o) {
    case 0x86: return OP_LMUL32I;
    case 0x8e: return OP_LMUL32R;
    case 0x96: return OP_MUL64I;
    case 0x9e: return OP_MUL64R;
    case 0x36: return OP_UHMUL64I; /* zero-extended imm */
    case 0x3e: return OP_UHMUL64R;
    case 0xb6: return OP_SHMUL64I;
    case 0xbe: return OP_SHMUL64R;
    case 0x46: return *ck = CK_NONZERO, OP_DIV32I;
    case 0x4e: return OP_DIV32R;
    case 0x56: return *ck = CK_NONZERO, OP_DIV64IZ;
    case 0x5e: return OP_DIV64R;
    case 0x66: return *ck = CK_NONZERO, OP_MOD32I;
    case 0x6e: return OP_MOD32R;
    case 0x76: return *ck = CK_NONZERO, OP_MOD64IZ;
    case 0x7e: return OP_MOD64R;
    case 0xc6: return *ck = CK_NONZERO, OP_SDIV32I;
    case 0xce: return OP_SDIV32R;
    case 0xd6: return *ck = CK_NONZERO, OP_SDIV64I;
    case 0xde: return OP_SDIV64R;
    case 0xe6: return *ck = CK_NONZERO, OP_SREM32I;
    case 0xee: return OP_SREM32R;
    case 0xf6: return *ck = CK_NONZERO, OP_SREM64I;
    case 0xfe: return OP_SREM64R;
    default: break;
    }
  }
  if (v_jmp32(v)) {
    *ck = CK_JUMP;
    switch (o) {
    case 0x16: return OP_JEQ32I;
    case 0x1e: return OP_JEQ32R;
    case 0x26: return OP_JGT32I;
    case 0x2e: return OP_JGT32R;
    case 0x36: return OP_JGE32I;
    case 0x3e: return OP_JGE32R;
    case 0xa6: return OP_JLT32I;
    case 0xae: return OP_JLT32R;
    case 0xb6: return OP_JLE32I;
    case 0xbe: return OP_JLE32R;
    case 0x46: return OP_JSET32I;
    case 0x4e: return OP_JSET32R;
    case 0x56: return OP_JNE32I;
    case 0x5e: return OP_JNE32R;
    case 0x66: return OP_JSGT32I;
    case 0x6e: return OP_JSGT32R;
    case 0x76: return OP_JSGE32I;
    case 0x7e: return OP_JSGE32R;
    case 0xc6: return OP_JSLT32I;
    case 0xce: return OP_JSLT32R;
    case 0xd6: return OP_JSLE32I;
    case 0xde: return OP_JSLE32R;
    default: *ck = CK_NONE; break;
    }
  }
  return OP_INVALID;
}

#endif /* OPS_RESOLVER */
#endif
