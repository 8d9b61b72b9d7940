/* vm.c — the sBPF verifier (verifier.rs RequisiteVerifier), the pre-decoder and the
 * interpreter (interpreter.rs), and the svc_engine_* entry points of interp-svc.
 *
 * Speed on the PVM: every instruction is decoded once into a 16-byte form whose opcode is
 * already resolved for the program's version (no version tests in the loop), immediates are
 * pre-extended the way each instruction uses them, jump targets are absolute, and the loop is
 * one dense switch (a jump table). Memory accesses translate inline through the aligned
 * 5-region map (region = address >> 32). */
#include "sbpf.h"

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

/* Verifier checks attached to an operation. */
enum { CK_NONE = 0, CK_LDDW, CK_NONZERO, CK_SHIFT32, CK_SHIFT64, CK_ENDIAN, CK_JUMP, CK_CALLX, CK_ADD64 };

static int v_pqr(int v) { return v == SBPF_V2; }
static int v_mm(int v) { return v == SBPF_V2; } /* move_memory_instruction_classes, disable_lddw/le/neg */
static int v_sx(int v) { return v == SBPF_V2; } /* explicit_sign_extension_of_results, swap_sub_reg_imm */
static int v_manual_frames(int v) { return v == SBPF_V1 || v == SBPF_V2; }
static int v_static_syscalls(int v) { return v >= SBPF_V3; }
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
  case 0x14: return sx ? OP_RSUB32I_Z : OP_ADD32I_S; /* dst - imm == dst + (-imm) in 32 bits */
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
  case 0x85: return OP_CALL;
  case 0x95: return OP_EXIT;
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

/* ---------------------------------------------------------------- verifier */

static int verr(svc_ctx *c, const char *variant) { return svc_fail(c, variant, variant); }

typedef struct rinsn {
  uint8_t opc, dst, src;
  int16_t off;
  int32_t imm;
} rinsn;

static rinsn get_insn(const uint8_t *p, uint64_t pc) {
  const uint8_t *q = p + pc * INSN_SIZE;
  rinsn i = {q[0], (uint8_t)(q[1] & 15), (uint8_t)(q[1] >> 4), (int16_t)(q[2] | q[3] << 8), (int32_t)svc_rd32(q + 4)};
  return i;
}

int sbpf_verify(svc_ctx *c, const sbpf_exe *x) {
  const uint8_t *p = x->text;
  uint64_t len = x->text_len;
  int v = x->version;
  if (len % INSN_SIZE) return verr(c, "ProgramLengthNotMultiple");
  if (len == 0) return verr(c, "NoProgram");
  uint64_t n = len / INSN_SIZE, pc = 0;
  while ((pc + 1) * INSN_SIZE <= len) {
    rinsn i = get_insn(p, pc);
    int ck, store;
    int op = resolve(i.opc, v, &ck, &store);
    if (op == OP_INVALID) return verr(c, "UnknownOpCode");
    switch (ck) {
    case CK_LDDW:
      if ((pc + 1) * INSN_SIZE >= len) return verr(c, "LDDWCannotBeLast");
      if (p[(pc + 1) * INSN_SIZE] != 0) return verr(c, "IncompleteLDDW");
      pc++;
      break;
    case CK_NONZERO:
      if (i.imm == 0) return verr(c, "DivisionByZero");
      break;
    case CK_SHIFT32:
      if (i.imm < 0 || i.imm >= 32) return verr(c, "ShiftWithOverflow");
      break;
    case CK_SHIFT64:
      if (i.imm < 0 || i.imm >= 64) return verr(c, "ShiftWithOverflow");
      break;
    case CK_ENDIAN:
      if (i.imm != 16 && i.imm != 32 && i.imm != 64) return verr(c, "UnsupportedLEBEArgument");
      break;
    case CK_ADD64:
      if (i.dst == 10 && v_manual_frames(v) && (i.imm & 63)) return verr(c, "UnalignedImmediate");
      break;
    case CK_JUMP: {
      int64_t dst = (int64_t)pc + 1 + i.off;
      if (dst < 0 || (uint64_t)dst >= n) return verr(c, "JumpOutOfCode");
      if (p[dst * INSN_SIZE] == 0) return verr(c, "JumpToMiddleOfLDDW");
      break;
    }
    case CK_CALLX: {
      int64_t reg = v == SBPF_V2 ? i.src : v >= SBPF_V3 ? i.dst : i.imm;
      if (reg < 0 || reg >= 10) return verr(c, "InvalidRegister");
      break;
    }
    default: break;
    }
    /* check_registers */
    if (i.src > 10) return verr(c, "InvalidSourceRegister");
    if (i.dst == 10 && !store) {
      if (!(v_manual_frames(v) && i.opc == ADD64_IMM)) return verr(c, "CannotWriteR10");
    } else if (i.dst > 10) {
      return verr(c, "InvalidDestinationRegister");
    }
    pc++;
  }
  if (pc != n) return verr(c, "JumpOutOfCode");
  return 0;
}

/* ---------------------------------------------------------------- pre-decoding */

/* 16 bytes per instruction slot. Registers are byte offsets into the register file;
 * immediates are sign-extended at use (free on RISC-V: lw). blk is the number of
 * instructions from this one to the end of its straight-line run: the meter is charged
 * once per run instead of once per instruction (see "metering" below). */
typedef struct dinsn {
  uint8_t op, dst, src, pad;
  int32_t imm; /* LDDW: low half; OP_CALL: internal target or -1 */
  int32_t off; /* memory offset; absolute jump target; OP_CALL: syscall index or -1; LDDW: high half */
  uint32_t blk;
} dinsn;

_Static_assert(sizeof(dinsn) == 16, "decoded instruction is 16 bytes");

static int terminator(int op) {
  return (op >= OP_JA && op <= OP_JSLE32R) || op == OP_CALL || op == OP_CALLX || op == OP_EXIT || op == OP_OVERRUN;
}

static dinsn *decode(svc_ctx *c, const sbpf_exe *x) {
  uint64_t n = x->text_len / INSN_SIZE;
  dinsn *d = svc_alloc(sizeof(dinsn) * (n + 1));
  if (!d) {
    svc_fail(c, "ServiceArenaExhausted", "decoded program");
    c->status = SVC_FAULT;
    return 0;
  }
  int v = x->version;
  for (uint64_t pc = 0; pc < n; pc++) {
    rinsn i = get_insn(x->text, pc);
    int ck, store;
    int op = resolve(i.opc, v, &ck, &store);
    dinsn o = {(uint8_t)op, (uint8_t)(i.dst * 8), (uint8_t)(i.src * 8), 0, i.imm, i.off, 0};
    switch (op) {
    case OP_LDDW:
      o.off = (pc + 1 < n) ? get_insn(x->text, pc + 1).imm : 0;
      break;
    case OP_ADD32I_S:
      if (i.opc == 0x14) o.imm = (int32_t)(0u - (uint32_t)i.imm);
      break;
    case OP_LE16:
      o.op = i.imm == 16 ? OP_LE16 : i.imm == 32 ? OP_LE32 : i.imm == 64 ? OP_NOP : OP_BADEND;
      break;
    case OP_BE16:
      o.op = i.imm == 16 ? OP_BE16 : i.imm == 32 ? OP_BE32 : i.imm == 64 ? OP_BE64 : OP_BADEND;
      break;
    case OP_CALLX:
      o.src = (uint8_t)(8 * (v == SBPF_V2 ? i.src : v >= SBPF_V3 ? i.dst : (uint8_t)i.imm));
      break;
    case OP_CALL: {
      int sys = -1;
      int64_t target = -1;
      if (!v_static_syscalls(v) || i.src == 0) sys = svc_syscall_lookup((uint32_t)i.imm);
      if (v_static_syscalls(v)) {
        int64_t t = (int64_t)pc + 1 + (int64_t)i.imm;
        if (t >= 0 && (uint64_t)t < n && i.src == 1) target = t;
      } else {
        uint32_t tpc;
        /* check_pc happens after push_frame: an out-of-range target is kept and fails then */
        if (sbpf_lookup_func(x, (uint32_t)i.imm, &tpc)) target = tpc > 0x7fffffff ? 0x7fffffff : tpc;
      }
      if (sys < 0 && target < 0) o.op = OP_INVALID;
      o.off = sys;
      o.imm = (int32_t)target;
      break;
    }
    default:
      if (ck == CK_JUMP) o.off = (int32_t)((int64_t)pc + 1 + i.off);
      break;
    }
    d[pc] = o;
    if (op == OP_LDDW && pc + 1 < n) {
      pc++;
      d[pc] = (dinsn){OP_INVALID, 0, 0, 0, 0, 0, 1}; /* opcode 0: reachable only by callx */
    }
  }
  d[n] = (dinsn){OP_OVERRUN, 0, 0, 0, 0, 0, 1};
  /* run lengths, backwards; an lddw covers its second slot */
  for (uint64_t k = n; k-- > 0;) {
    if (k > 0 && d[k - 1].op == OP_LDDW) continue; /* second slot keeps blk 1 */
    if (terminator(d[k].op)) d[k].blk = 1;
    else {
      uint64_t next = k + (d[k].op == OP_LDDW ? 2 : 1);
      d[k].blk = (next <= n ? d[next].blk : 0) + 1;
    }
  }
  return d;
}

/* ---------------------------------------------------------------- interpreter */

typedef struct frame {
  uint64_t saved[4];
  uint64_t fp;
  uint64_t ret;
} frame;

static sbpf_exe the_exe;
static dinsn *the_code;

int svc_engine_load(svc_ctx *c, const uint8_t *elf, size_t len) {
  if (sbpf_load(c, &the_exe, elf, len)) return -1;
  c->version = the_exe.version;
  if (sbpf_verify(c, &the_exe)) return -1;
  the_code = decode(c, &the_exe);
  if (!the_code) return -1;
  uint64_t ri = the_exe.ro_vaddr >> 32;
  if (ri < SVC_NREGIONS) c->regions[ri] = (svc_region){the_exe.ro, the_exe.ro_vaddr, the_exe.ro_len, 0, 63};
  return 0;
}

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

/* Inline address translation: non-gapped regions in a few instructions; the gapped v0 stack
 * also inline; everything else (errors) through svc_translate for the canonical error. */
static inline uint8_t *xl(svc_ctx *c, int access, uint64_t a, uint64_t n) {
  uint64_t idx = a >> 32;
  if (LIKELY(idx < SVC_NREGIONS)) {
    const svc_region *r = &c->regions[idx];
    uint64_t off = a - r->vm_addr;
    if (LIKELY(r->gap_shift == 63)) {
      if (LIKELY(off < r->len && n <= r->len - off && (access == SVC_LOAD || r->writable))) return r->host + off;
    } else if (a >= r->vm_addr && !((off >> r->gap_shift) & 1)) {
      uint64_t mask = ~0ull << r->gap_shift;
      uint64_t g = ((off & mask) >> 1) | (off & ~mask);
      if (g <= r->len && n <= r->len - g && (access == SVC_LOAD || r->writable)) return r->host + g;
    }
  }
  return svc_translate(c, access, a, n);
}

static inline uint64_t bswap16(uint64_t v) { return (uint64_t)__builtin_bswap16((uint16_t)v); }

/* Metering. anza checks the meter before every instruction (ExceededMaxInstructions when
 * the instructions executed since the last sync reach the meter) and syncs around
 * syscalls. Here the meter (`left`) is charged with a whole straight-line run when it is
 * entered; runs end at every jump, call and exit, so a syscall always sees the exact meter.
 * A run the meter cannot pay for in full is entered in "limited" mode: the instruction
 * where anza would stop is replaced by OP_METER_STOP. A fault inside a run gives back the
 * instructions after it (precharged()). */
static inline uint64_t precharged(const dinsn *d, const dinsn *patch) { return d->blk - 1 - (patch ? patch->blk : 0); }

int svc_engine_execute(svc_ctx *c) {
  const sbpf_exe *x = &the_exe;
  dinsn *code = the_code;
  uint64_t n = x->text_len / INSN_SIZE;
  const uint32_t max_depth = c->req.max_call_depth, frame_size = c->req.stack_frame_size;
  uint64_t frame_bump = 0;
  if (!v_manual_frames(x->version))
    frame_bump = (uint64_t)frame_size * ((x->version == SBPF_V0 && (c->req.flags & SVC_FLAG_STACK_GAPS)) ? 2 : 1);
  frame *frames = svc_alloc(sizeof(frame) * max_depth);
  if (!frames) {
    svc_fail(c, "ServiceArenaExhausted", "call frames");
    c->status = SVC_FAULT;
    return -1;
  }
  uint64_t r[11] = {0};
  r[1] = MM_INPUT_START;
  r[10] = MM_STACK_START + (v_manual_frames(x->version) ? (uint64_t)frame_size * max_depth : frame_size);
  uint64_t depth = 0;
  uint64_t left = c->remaining, synced = left;
  dinsn *d = code + (x->entry_pc < n ? x->entry_pc : n);
  dinsn *patch = 0;
  const char *err = 0;

#define RD (*(uint64_t *)((char *)r + d->dst))
#define RS (*(uint64_t *)((char *)r + d->src))
#define IMM ((int64_t)d->imm)
#define UIMM ((uint64_t)(int64_t)d->imm)
#define NEXT() \
  do {         \
    d++;       \
    goto top;  \
  } while (0)
#define JUMP_IF(cond)            \
  do {                           \
    if (cond) d = code + d->off; \
    else d++;                    \
    goto charge;                 \
  } while (0)
#define FAIL(kind) \
  do {             \
    err = kind;    \
    goto fail;     \
  } while (0)
#define LOAD(T, sz)                                     \
  do {                                                  \
    uint64_t a = RS + (uint64_t)(int64_t)d->off;        \
    uint8_t *h = xl(c, SVC_LOAD, a, sz);                \
    if (UNLIKELY(!h)) goto mem_fail;                    \
    T v_;                                               \
    __builtin_memcpy(&v_, h, sz);                       \
    RD = v_;                                            \
    NEXT();                                             \
  } while (0)
#define STORE(T, sz, val)                               \
  do {                                                  \
    uint64_t a = RD + (uint64_t)(int64_t)d->off;        \
    uint8_t *h = xl(c, SVC_STORE, a, sz);               \
    if (UNLIKELY(!h)) goto mem_fail;                    \
    T v_ = (T)(val);                                    \
    __builtin_memcpy(h, &v_, sz);                       \
    NEXT();                                             \
  } while (0)
#define SX32(e) ((uint64_t)(int64_t)(int32_t)(e))
#define ZX32(e) ((uint64_t)(uint32_t)(e))

charge: {
  uint64_t k = d->blk;
  if (UNLIKELY(left < k)) {
    dinsn *p = d;
    for (uint64_t i = 0; i < left; i++) p += p->op == OP_LDDW ? 2 : 1;
    patch = p;
    patch->op = OP_METER_STOP;
    left = 0;
  } else {
    left -= k;
  }
}
top:
  switch (d->op) {
  case OP_LDDW: RD = (uint64_t)(uint32_t)d->imm | ((uint64_t)(uint32_t)d->off << 32); d += 2; goto top;
  case OP_LDX1: LOAD(uint8_t, 1);
  case OP_LDX2: LOAD(uint16_t, 2);
  case OP_LDX4: LOAD(uint32_t, 4);
  case OP_LDX8: LOAD(uint64_t, 8);
  case OP_STI1: STORE(uint8_t, 1, d->imm);
  case OP_STI2: STORE(uint16_t, 2, d->imm);
  case OP_STI4: STORE(uint32_t, 4, d->imm);
  case OP_STI8: STORE(uint64_t, 8, IMM);
  case OP_STX1: STORE(uint8_t, 1, RS);
  case OP_STX2: STORE(uint16_t, 2, RS);
  case OP_STX4: STORE(uint32_t, 4, RS);
  case OP_STX8: STORE(uint64_t, 8, RS);

  case OP_ADD32I_S: RD = SX32((uint32_t)RD + (uint32_t)d->imm); NEXT();
  case OP_ADD32R_S: RD = SX32((uint32_t)RD + (uint32_t)RS); NEXT();
  case OP_SUB32R_S: RD = SX32((uint32_t)RD - (uint32_t)RS); NEXT();
  case OP_MUL32I_S: RD = SX32((uint32_t)RD * (uint32_t)d->imm); NEXT();
  case OP_MUL32R_S: RD = SX32((uint32_t)RD * (uint32_t)RS); NEXT();
  case OP_ADD32I_Z: RD = ZX32((uint32_t)RD + (uint32_t)d->imm); NEXT();
  case OP_ADD32R_Z: RD = ZX32((uint32_t)RD + (uint32_t)RS); NEXT();
  case OP_SUB32R_Z: RD = ZX32((uint32_t)RD - (uint32_t)RS); NEXT();
  case OP_RSUB32I_Z: RD = ZX32((uint32_t)d->imm - (uint32_t)RD); NEXT();
  case OP_DIV32I: RD = (uint32_t)RD / (uint32_t)d->imm; NEXT();
  case OP_DIV32R:
    if (UNLIKELY((uint32_t)RS == 0)) FAIL("DivideByZero");
    RD = (uint32_t)RD / (uint32_t)RS;
    NEXT();
  case OP_MOD32I: RD = (uint32_t)RD % (uint32_t)d->imm; NEXT();
  case OP_MOD32R:
    if (UNLIKELY((uint32_t)RS == 0)) FAIL("DivideByZero");
    RD = (uint32_t)RD % (uint32_t)RS;
    NEXT();
  case OP_OR32I: RD = (uint32_t)RD | (uint32_t)d->imm; NEXT();
  case OP_OR32R: RD = (uint32_t)RD | (uint32_t)RS; NEXT();
  case OP_AND32I: RD = (uint32_t)RD & (uint32_t)d->imm; NEXT();
  case OP_AND32R: RD = (uint32_t)RD & (uint32_t)RS; NEXT();
  case OP_XOR32I: RD = (uint32_t)RD ^ (uint32_t)d->imm; NEXT();
  case OP_XOR32R: RD = (uint32_t)RD ^ (uint32_t)RS; NEXT();
  case OP_LSH32I: RD = (uint32_t)((uint32_t)RD << (d->imm & 31)); NEXT();
  case OP_LSH32R: RD = (uint32_t)((uint32_t)RD << (RS & 31)); NEXT();
  case OP_RSH32I: RD = (uint32_t)RD >> (d->imm & 31); NEXT();
  case OP_RSH32R: RD = (uint32_t)RD >> (RS & 31); NEXT();
  case OP_ARSH32I: RD = (uint32_t)((int32_t)RD >> (d->imm & 31)); NEXT();
  case OP_ARSH32R: RD = (uint32_t)((int32_t)RD >> (RS & 31)); NEXT();
  case OP_NEG32: RD = (uint32_t)(0u - (uint32_t)RD); NEXT();
  case OP_MOV32I: RD = (uint32_t)d->imm; NEXT();
  case OP_MOV32R_Z: RD = (uint32_t)RS; NEXT();
  case OP_MOV32R_S: RD = SX32(RS); NEXT();
  case OP_LE16: RD = (uint16_t)RD; NEXT();
  case OP_LE32: RD = (uint32_t)RD; NEXT();
  case OP_NOP: NEXT();
  case OP_BE16: RD = bswap16(RD); NEXT();
  case OP_BE32: RD = __builtin_bswap32((uint32_t)RD); NEXT();
  case OP_BE64: RD = __builtin_bswap64(RD); NEXT();
  case OP_BADEND: FAIL("InvalidInstruction");

  case OP_ADD64I: RD += UIMM; NEXT();
  case OP_ADD64R: RD += RS; NEXT();
  case OP_SUB64I: RD -= UIMM; NEXT();
  case OP_SUB64R: RD -= RS; NEXT();
  case OP_RSUB64I: RD = UIMM - RD; NEXT();
  case OP_MUL64I: RD *= UIMM; NEXT();
  case OP_MUL64R: RD *= RS; NEXT();
  case OP_DIV64I: RD /= UIMM; NEXT();
  case OP_DIV64IZ: RD /= (uint32_t)d->imm; NEXT();
  case OP_DIV64R:
    if (UNLIKELY(RS == 0)) FAIL("DivideByZero");
    RD /= RS;
    NEXT();
  case OP_MOD64I: RD %= UIMM; NEXT();
  case OP_MOD64IZ: RD %= (uint32_t)d->imm; NEXT();
  case OP_MOD64R:
    if (UNLIKELY(RS == 0)) FAIL("DivideByZero");
    RD %= RS;
    NEXT();
  case OP_OR64I: RD |= UIMM; NEXT();
  case OP_OR64R: RD |= RS; NEXT();
  case OP_AND64I: RD &= UIMM; NEXT();
  case OP_AND64R: RD &= RS; NEXT();
  case OP_XOR64I: RD ^= UIMM; NEXT();
  case OP_XOR64R: RD ^= RS; NEXT();
  case OP_LSH64I: RD <<= (d->imm & 63); NEXT();
  case OP_LSH64R: RD <<= (RS & 63); NEXT();
  case OP_RSH64I: RD >>= (d->imm & 63); NEXT();
  case OP_RSH64R: RD >>= (RS & 63); NEXT();
  case OP_ARSH64I: RD = (uint64_t)((int64_t)RD >> (d->imm & 63)); NEXT();
  case OP_ARSH64R: RD = (uint64_t)((int64_t)RD >> (RS & 63)); NEXT();
  case OP_NEG64: RD = 0 - RD; NEXT();
  case OP_MOV64I: RD = UIMM; NEXT();
  case OP_MOV64R: RD = RS; NEXT();
  case OP_HOR64: RD |= (uint64_t)(uint32_t)d->imm << 32; NEXT();

  case OP_LMUL32I: RD = (uint32_t)((uint32_t)RD * (uint32_t)d->imm); NEXT();
  case OP_LMUL32R: RD = (uint32_t)((uint32_t)RD * (uint32_t)RS); NEXT();
  case OP_UHMUL64I: RD = (uint64_t)(((unsigned __int128)RD * (uint32_t)d->imm) >> 64); NEXT();
  case OP_UHMUL64R: RD = (uint64_t)(((unsigned __int128)RD * RS) >> 64); NEXT();
  case OP_SHMUL64I: RD = (uint64_t)(((__int128)(int64_t)RD * IMM) >> 64); NEXT();
  case OP_SHMUL64R: RD = (uint64_t)(((__int128)(int64_t)RD * (int64_t)RS) >> 64); NEXT();
  case OP_SDIV32I:
    if (UNLIKELY((int32_t)RD == INT32_MIN && d->imm == -1)) FAIL("DivideOverflow");
    RD = (uint32_t)((int32_t)RD / d->imm);
    NEXT();
  case OP_SDIV32R:
    if (UNLIKELY((int32_t)RS == 0)) FAIL("DivideByZero");
    if (UNLIKELY((int32_t)RD == INT32_MIN && (int32_t)RS == -1)) FAIL("DivideOverflow");
    RD = (uint32_t)((int32_t)RD / (int32_t)RS);
    NEXT();
  case OP_SDIV64I:
    if (UNLIKELY((int64_t)RD == INT64_MIN && IMM == -1)) FAIL("DivideOverflow");
    RD = (uint64_t)((int64_t)RD / IMM);
    NEXT();
  case OP_SDIV64R:
    if (UNLIKELY(RS == 0)) FAIL("DivideByZero");
    if (UNLIKELY((int64_t)RD == INT64_MIN && (int64_t)RS == -1)) FAIL("DivideOverflow");
    RD = (uint64_t)((int64_t)RD / (int64_t)RS);
    NEXT();
  case OP_SREM32I:
    if (UNLIKELY((int32_t)RD == INT32_MIN && d->imm == -1)) FAIL("DivideOverflow");
    RD = (uint32_t)((int32_t)RD % d->imm);
    NEXT();
  case OP_SREM32R:
    if (UNLIKELY((int32_t)RS == 0)) FAIL("DivideByZero");
    if (UNLIKELY((int32_t)RD == INT32_MIN && (int32_t)RS == -1)) FAIL("DivideOverflow");
    RD = (uint32_t)((int32_t)RD % (int32_t)RS);
    NEXT();
  case OP_SREM64I:
    if (UNLIKELY((int64_t)RD == INT64_MIN && IMM == -1)) FAIL("DivideOverflow");
    RD = (uint64_t)((int64_t)RD % IMM);
    NEXT();
  case OP_SREM64R:
    if (UNLIKELY(RS == 0)) FAIL("DivideByZero");
    if (UNLIKELY((int64_t)RD == INT64_MIN && (int64_t)RS == -1)) FAIL("DivideOverflow");
    RD = (uint64_t)((int64_t)RD % (int64_t)RS);
    NEXT();

  case OP_JA: d = code + d->off; goto charge;
  case OP_JEQI: JUMP_IF(RD == UIMM);
  case OP_JEQR: JUMP_IF(RD == RS);
  case OP_JGTI: JUMP_IF(RD > UIMM);
  case OP_JGTR: JUMP_IF(RD > RS);
  case OP_JGEI: JUMP_IF(RD >= UIMM);
  case OP_JGER: JUMP_IF(RD >= RS);
  case OP_JLTI: JUMP_IF(RD < UIMM);
  case OP_JLTR: JUMP_IF(RD < RS);
  case OP_JLEI: JUMP_IF(RD <= UIMM);
  case OP_JLER: JUMP_IF(RD <= RS);
  case OP_JSETI: JUMP_IF(RD & UIMM);
  case OP_JSETR: JUMP_IF(RD & RS);
  case OP_JNEI: JUMP_IF(RD != UIMM);
  case OP_JNER: JUMP_IF(RD != RS);
  case OP_JSGTI: JUMP_IF((int64_t)RD > IMM);
  case OP_JSGTR: JUMP_IF((int64_t)RD > (int64_t)RS);
  case OP_JSGEI: JUMP_IF((int64_t)RD >= IMM);
  case OP_JSGER: JUMP_IF((int64_t)RD >= (int64_t)RS);
  case OP_JSLTI: JUMP_IF((int64_t)RD < IMM);
  case OP_JSLTR: JUMP_IF((int64_t)RD < (int64_t)RS);
  case OP_JSLEI: JUMP_IF((int64_t)RD <= IMM);
  case OP_JSLER: JUMP_IF((int64_t)RD <= (int64_t)RS);
  case OP_JEQ32I: JUMP_IF((uint32_t)RD == (uint32_t)d->imm);
  case OP_JEQ32R: JUMP_IF((uint32_t)RD == (uint32_t)RS);
  case OP_JGT32I: JUMP_IF((uint32_t)RD > (uint32_t)d->imm);
  case OP_JGT32R: JUMP_IF((uint32_t)RD > (uint32_t)RS);
  case OP_JGE32I: JUMP_IF((uint32_t)RD >= (uint32_t)d->imm);
  case OP_JGE32R: JUMP_IF((uint32_t)RD >= (uint32_t)RS);
  case OP_JLT32I: JUMP_IF((uint32_t)RD < (uint32_t)d->imm);
  case OP_JLT32R: JUMP_IF((uint32_t)RD < (uint32_t)RS);
  case OP_JLE32I: JUMP_IF((uint32_t)RD <= (uint32_t)d->imm);
  case OP_JLE32R: JUMP_IF((uint32_t)RD <= (uint32_t)RS);
  case OP_JSET32I: JUMP_IF((uint32_t)RD & (uint32_t)d->imm);
  case OP_JSET32R: JUMP_IF((uint32_t)RD & (uint32_t)RS);
  case OP_JNE32I: JUMP_IF((uint32_t)RD != (uint32_t)d->imm);
  case OP_JNE32R: JUMP_IF((uint32_t)RD != (uint32_t)RS);
  case OP_JSGT32I: JUMP_IF((int32_t)RD > d->imm);
  case OP_JSGT32R: JUMP_IF((int32_t)RD > (int32_t)RS);
  case OP_JSGE32I: JUMP_IF((int32_t)RD >= d->imm);
  case OP_JSGE32R: JUMP_IF((int32_t)RD >= (int32_t)RS);
  case OP_JSLT32I: JUMP_IF((int32_t)RD < d->imm);
  case OP_JSLT32R: JUMP_IF((int32_t)RD < (int32_t)RS);
  case OP_JSLE32I: JUMP_IF((int32_t)RD <= d->imm);
  case OP_JSLE32R: JUMP_IF((int32_t)RD <= (int32_t)RS);

  case OP_CALL: {
    /* a terminator: `left` is the exact meter here */
    if (d->off >= 0) {
      /* interpreter.rs dispatch_syscall: the meter is synchronised around the call */
      c->insn_count += synced - left;
      c->remaining = left;
      uint64_t args[5] = {r[1], r[2], r[3], r[4], r[5]}, r0 = 0;
      int rc = svc_syscall_call(c, d->off, args, &r0);
      left = synced = c->remaining;
      if (rc) {
        c->origin = SVC_ORIGIN_SYSCALL;
        return -1;
      }
      r[0] = r0;
    }
    if (d->imm >= 0) {
      frame *f = &frames[depth];
      f->saved[0] = r[6], f->saved[1] = r[7], f->saved[2] = r[8], f->saved[3] = r[9];
      f->fp = r[10];
      f->ret = (uint64_t)(d - code) + 1;
      depth++;
      if (UNLIKELY(depth == max_depth)) FAIL("CallDepthExceeded");
      r[10] += frame_bump;
      if (UNLIKELY((uint64_t)d->imm >= n)) FAIL("CallOutsideTextSegment");
      d = code + d->imm;
      goto charge;
    }
    d++;
    goto charge;
  }
  case OP_CALLX: {
    uint64_t target = RS;
    frame *f = &frames[depth];
    f->saved[0] = r[6], f->saved[1] = r[7], f->saved[2] = r[8], f->saved[3] = r[9];
    f->fp = r[10];
    f->ret = (uint64_t)(d - code) + 1;
    depth++;
    if (UNLIKELY(depth == max_depth)) FAIL("CallDepthExceeded");
    r[10] += frame_bump;
    uint64_t tpc = (target - x->text_vaddr) / INSN_SIZE;
    if (UNLIKELY(tpc >= n)) FAIL("CallOutsideTextSegment");
    d = code + tpc;
    goto charge;
  }
  case OP_EXIT:
    if (depth == 0) {
      c->exit_code = r[0];
      c->insn_count += synced - left;
      c->remaining = left;
      return 0;
    }
    depth--;
    {
      frame *f = &frames[depth];
      r[10] = f->fp;
      r[6] = f->saved[0], r[7] = f->saved[1], r[8] = f->saved[2], r[9] = f->saved[3];
      d = code + f->ret;
    }
    goto charge;
  case OP_METER_STOP:
    /* the meter is exhausted exactly here: this instruction is not counted */
    c->insn_count += synced;
    c->remaining = 0;
    svc_fail(c, "ExceededMaxInstructions", 0);
    return -1;
  case OP_OVERRUN: FAIL("ExecutionOverrun");
  case OP_INVALID: FAIL("UnsupportedInstruction");
  default: __builtin_unreachable();
  }

mem_fail:
  /* xl() already recorded the canonical access violation */
  left += precharged(d, patch);
  c->insn_count += synced - left;
  c->remaining = left;
  return -1;
fail:
  svc_fail(c, err, 0);
  left += precharged(d, patch);
  c->insn_count += synced - left;
  c->remaining = left;
  return -1;
}
