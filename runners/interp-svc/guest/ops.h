/* ops.h — interp-svc's internal operations and the opcode resolver: which operation and
 * which verifier check each sBPF opcode means under each version (interpreter.rs and
 * verifier.rs, first matching arm). The resolver runs at build time only: gen/optab.c
 * prints its answers as the tables of optab.h, which the verifier and decoder index. */
#ifndef OPS_H
#define OPS_H

/* Internal operations, one per (opcode, version) meaning: X(name, handler, handler when the
 * base register is r10 on a v0 gapped stack). The order is the numbering; OP_INVALID is 0. */
#define SBPF_OPS(X) \
  X(INVALID, h_invalid, h_invalid) \
  X(OVERRUN, h_overrun, h_overrun) \
  X(LDDW, h_lddw, h_lddw) \
  X(LDX1, h_ldx1, h_ldx1_fp) \
  X(LDX2, h_ldx2, h_ldx2_fp) \
  X(LDX4, h_ldx4, h_ldx4_fp) \
  X(LDX8, h_ldx8, h_ldx8_fp) \
  X(STI1, h_sti1, h_sti1_fp) \
  X(STI2, h_sti2, h_sti2_fp) \
  X(STI4, h_sti4, h_sti4_fp) \
  X(STI8, h_sti8, h_sti8_fp) \
  X(STX1, h_stx1, h_stx1_fp) \
  X(STX2, h_stx2, h_stx2_fp) \
  X(STX4, h_stx4, h_stx4_fp) \
  X(STX8, h_stx8, h_stx8_fp) \
  X(ADD32I_S, h_add32i_s, h_add32i_s) \
  X(ADD32R_S, h_add32r_s, h_add32r_s) \
  X(SUB32R_S, h_sub32r_s, h_sub32r_s) \
  X(MUL32I_S, h_mul32i_s, h_mul32i_s) \
  X(MUL32R_S, h_mul32r_s, h_mul32r_s) \
  X(ADD32I_Z, h_add32i_z, h_add32i_z) \
  X(ADD32R_Z, h_add32r_z, h_add32r_z) \
  X(SUB32R_Z, h_sub32r_z, h_sub32r_z) \
  X(RSUB32I_Z, h_rsub32i_z, h_rsub32i_z) \
  X(DIV32I, h_div32i, h_div32i) \
  X(DIV32R, h_div32r, h_div32r) \
  X(MOD32I, h_mod32i, h_mod32i) \
  X(MOD32R, h_mod32r, h_mod32r) \
  X(OR32I, h_or32i, h_or32i) \
  X(OR32R, h_or32r, h_or32r) \
  X(AND32I, h_and32i, h_and32i) \
  X(AND32R, h_and32r, h_and32r) \
  X(XOR32I, h_xor32i, h_xor32i) \
  X(XOR32R, h_xor32r, h_xor32r) \
  X(LSH32I, h_lsh32i, h_lsh32i) \
  X(LSH32R, h_lsh32r, h_lsh32r) \
  X(RSH32I, h_rsh32i, h_rsh32i) \
  X(RSH32R, h_rsh32r, h_rsh32r) \
  X(ARSH32I, h_arsh32i, h_arsh32i) \
  X(ARSH32R, h_arsh32r, h_arsh32r) \
  X(NEG32, h_neg32, h_neg32) \
  X(MOV32R_Z, h_mov32r_z, h_mov32r_z) \
  X(MOV32R_S, h_mov32r_s, h_mov32r_s) \
  X(LE16, h_le16, h_le16) \
  X(LE32, h_le32, h_le32) \
  X(NOP, h_nop, h_nop) \
  X(BE16, h_be16, h_be16) \
  X(BE32, h_be32, h_be32) \
  X(BE64, h_be64, h_be64) \
  X(BADEND, h_badend, h_badend) \
  X(ADD64I, h_add64i, h_add64i) \
  X(ADD64R, h_add64r, h_add64r) \
  X(SUB64R, h_sub64r, h_sub64r) \
  X(RSUB64I, h_rsub64i, h_rsub64i) \
  X(MUL64I, h_mul64i, h_mul64i) \
  X(MUL64R, h_mul64r, h_mul64r) \
  X(DIV64I, h_div64i, h_div64i) \
  X(DIV64R, h_div64r, h_div64r) \
  X(MOD64I, h_mod64i, h_mod64i) \
  X(MOD64R, h_mod64r, h_mod64r) \
  X(OR64I, h_or64i, h_or64i) \
  X(OR64R, h_or64r, h_or64r) \
  X(AND64I, h_and64i, h_and64i) \
  X(AND64R, h_and64r, h_and64r) \
  X(XOR64I, h_xor64i, h_xor64i) \
  X(XOR64R, h_xor64r, h_xor64r) \
  X(LSH64I, h_lsh64i, h_lsh64i) \
  X(LSH64R, h_lsh64r, h_lsh64r) \
  X(RSH64I, h_rsh64i, h_rsh64i) \
  X(RSH64R, h_rsh64r, h_rsh64r) \
  X(ARSH64I, h_arsh64i, h_arsh64i) \
  X(ARSH64R, h_arsh64r, h_arsh64r) \
  X(NEG64, h_neg64, h_neg64) \
  X(MOV64I, h_mov64i, h_mov64i) \
  X(MOV64R, h_mov64r, h_mov64r) \
  X(HOR64, h_hor64, h_hor64) \
  X(LMUL32I, h_lmul32i, h_lmul32i) \
  X(LMUL32R, h_lmul32r, h_lmul32r) \
  X(UHMUL64I, h_uhmul64i, h_uhmul64i) \
  X(UHMUL64R, h_uhmul64r, h_uhmul64r) \
  X(SHMUL64I, h_shmul64i, h_shmul64i) \
  X(SHMUL64R, h_shmul64r, h_shmul64r) \
  X(SDIV32I, h_sdiv32i, h_sdiv32i) \
  X(SDIV32R, h_sdiv32r, h_sdiv32r) \
  X(SDIV64I, h_sdiv64i, h_sdiv64i) \
  X(SDIV64R, h_sdiv64r, h_sdiv64r) \
  X(SREM32I, h_srem32i, h_srem32i) \
  X(SREM32R, h_srem32r, h_srem32r) \
  X(SREM64I, h_srem64i, h_srem64i) \
  X(SREM64R, h_srem64r, h_srem64r) \
  X(JA, h_ja, h_ja) \
  X(JEQI, h_jeqi, h_jeqi) \
  X(JEQR, h_jeqr, h_jeqr) \
  X(JGTI, h_jgti, h_jgti) \
  X(JGTR, h_jgtr, h_jgtr) \
  X(JGEI, h_jgei, h_jgei) \
  X(JGER, h_jger, h_jger) \
  X(JLTI, h_jlti, h_jlti) \
  X(JLTR, h_jltr, h_jltr) \
  X(JLEI, h_jlei, h_jlei) \
  X(JLER, h_jler, h_jler) \
  X(JSETI, h_jseti, h_jseti) \
  X(JSETR, h_jsetr, h_jsetr) \
  X(JNEI, h_jnei, h_jnei) \
  X(JNER, h_jner, h_jner) \
  X(JSGTI, h_jsgti, h_jsgti) \
  X(JSGTR, h_jsgtr, h_jsgtr) \
  X(JSGEI, h_jsgei, h_jsgei) \
  X(JSGER, h_jsger, h_jsger) \
  X(JSLTI, h_jslti, h_jslti) \
  X(JSLTR, h_jsltr, h_jsltr) \
  X(JSLEI, h_jslei, h_jslei) \
  X(JSLER, h_jsler, h_jsler) \
  X(JEQ32I, h_jeq32i, h_jeq32i) \
  X(JEQ32R, h_jeq32r, h_jeq32r) \
  X(JGT32I, h_jgt32i, h_jgt32i) \
  X(JGT32R, h_jgt32r, h_jgt32r) \
  X(JGE32I, h_jge32i, h_jge32i) \
  X(JGE32R, h_jge32r, h_jge32r) \
  X(JLT32I, h_jlt32i, h_jlt32i) \
  X(JLT32R, h_jlt32r, h_jlt32r) \
  X(JLE32I, h_jle32i, h_jle32i) \
  X(JLE32R, h_jle32r, h_jle32r) \
  X(JSET32I, h_jset32i, h_jset32i) \
  X(JSET32R, h_jset32r, h_jset32r) \
  X(JNE32I, h_jne32i, h_jne32i) \
  X(JNE32R, h_jne32r, h_jne32r) \
  X(JSGT32I, h_jsgt32i, h_jsgt32i) \
  X(JSGT32R, h_jsgt32r, h_jsgt32r) \
  X(JSGE32I, h_jsge32i, h_jsge32i) \
  X(JSGE32R, h_jsge32r, h_jsge32r) \
  X(JSLT32I, h_jslt32i, h_jslt32i) \
  X(JSLT32R, h_jslt32r, h_jslt32r) \
  X(JSLE32I, h_jsle32i, h_jsle32i) \
  X(JSLE32R, h_jsle32r, h_jsle32r) \
  X(MOV32I, h_mov32i, h_mov32i) \
  X(SUB64I, h_sub64i, h_sub64i) \
  X(DIV64IZ, h_div64iz, h_div64iz) \
  X(MOD64IZ, h_mod64iz, h_mod64iz) \
  X(METER_STOP, h_meter_stop, h_meter_stop) \
  X(CALL, h_call, h_call) \
  X(CALLX, h_callx, h_callx) \
  X(EXIT, h_exit, h_exit)

enum {
#define OPS_ENUM_(name, fn, fp) OP_##name,
  SBPF_OPS(OPS_ENUM_)
#undef OPS_ENUM_
  OP_COUNT
};

/* Verifier checks and decoding steps attached to an operation (CK_NEGIMM: sub32 imm as an
 * add of the negated immediate; CK_CALL, CK_EXIT: terminators without a verifier check).
 * CK_NONE and CK_JUMP come first: the verifier handles those two inline. */
enum { CK_NONE = 0, CK_JUMP, CK_LDDW, CK_NONZERO, CK_SHIFT32, CK_SHIFT64, CK_ENDIAN, CK_CALLX, CK_ADD64, CK_NEGIMM, CK_CALL, CK_EXIT };

/* An optab.h entry: the handlers (fn[1] for a memory access based on r10) and t, 64 bits:
 * the operation in bits 0-7, the store flag (exempts dst r10 from CannotWriteR10) in bit 8, the check in bits 12-15. OPT_FAST marks the operations whose
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
/* The fourth table: v0 with a gapped stack, whose loads and stores based on r10 get the
 * handlers that translate through the gapped stack directly. */
#define OPT_GAPPED 3

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
