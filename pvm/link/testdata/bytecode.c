/* A small stack-machine interpreter loop (the shape of an sBPF interpreter's dispatch):
 * the argument is the bytecode, the result is the top of the stack at HALT.
 * Ops: 0 HALT, 1 PUSH i32, 2 ADD, 3 SUB, 4 MUL, 5 DIV (signed, x/0 = 0), 6 DUP, 7 SWAP,
 * 8 DROP, 9 JNZ u16 (pop; jump if non-zero), 10 JMP u16, 11 LT (signed), 12 OVER,
 * 13 XOR, 14 SHL, 15 LOAD k, 16 STORE k (8 locals). Errors return INT64_MIN + code. */
#include "pvm.h"

#define ERR(c) ((int64_t)(0x8000000000000000ull + (c)))

int64_t run_bytecode(const uint8_t *code, uint64_t len) {
    int64_t stack[256], locals[8] = {0};
    int sp = 0;
    uint64_t pc = 0, steps = 0;
    for (;;) {
        if (pc >= len) return ERR(1);
        if (++steps > 5000000) return ERR(2);
        uint8_t op = code[pc++];
        switch (op) {
        case 0: return sp ? stack[sp - 1] : ERR(3);
        case 1:
            if (pc + 4 > len || sp >= 256) return ERR(4);
            stack[sp++] = (int32_t)(code[pc] | code[pc + 1] << 8 | code[pc + 2] << 16 | (uint32_t)code[pc + 3] << 24);
            pc += 4;
            break;
        case 2: case 3: case 4: case 5: case 11: case 13: case 14: {
            if (sp < 2) return ERR(5);
            int64_t b = stack[--sp], a = stack[sp - 1], r;
            switch (op) {
            case 2: r = a + b; break;
            case 3: r = a - b; break;
            case 4: r = (int64_t)((uint64_t)a * (uint64_t)b); break;
            case 5: r = b == 0 || (a == INT64_MIN && b == -1) ? 0 : a / b; break;
            case 11: r = a < b; break;
            case 13: r = a ^ b; break;
            default: r = (int64_t)((uint64_t)a << (b & 63)); break;
            }
            stack[sp - 1] = r;
            break;
        }
        case 6: if (sp < 1 || sp >= 256) return ERR(6); stack[sp] = stack[sp - 1]; sp++; break;
        case 7: if (sp < 2) return ERR(7); { int64_t t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; } break;
        case 8: if (sp < 1) return ERR(8); sp--; break;
        case 9: case 10: {
            if (pc + 2 > len) return ERR(9);
            uint64_t t = code[pc] | code[pc + 1] << 8;
            pc += 2;
            if (op == 10) { pc = t; break; }
            if (sp < 1) return ERR(10);
            if (stack[--sp]) pc = t;
            break;
        }
        case 12: if (sp < 2 || sp >= 256) return ERR(11); stack[sp] = stack[sp - 2]; sp++; break;
        case 15: case 16: {
            if (pc >= len) return ERR(12);
            uint8_t k = code[pc++] & 7;
            if (op == 15) { if (sp >= 256) return ERR(13); stack[sp++] = locals[k]; }
            else { if (sp < 1) return ERR(14); locals[k] = stack[--sp]; }
            break;
        }
        default: return ERR(15);
        }
    }
}

pvm_result bytecode(const uint8_t *code, uint64_t len) {
    static int64_t out;
    out = run_bytecode(code, len);
    return pvm_output(&out, 8);
}
