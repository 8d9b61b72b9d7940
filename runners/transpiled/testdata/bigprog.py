#!/usr/bin/env python3
"""Writes the synthetic compile-time benchmark program (sBPF assembly) to stdout.

N chained functions (default 200, about 114 KB of v0 text), each a mix of ALU, stack and
input loads and stores, a division, branches and a small loop, calling the next one:

    python3 runners/transpiled/testdata/bigprog.py > /tmp/big.s
    sbpf-pvm asm /tmp/big.s -o /tmp/big.so
    sbpf-pvm transpile /tmp/big.so -o /tmp/big.pvm --emit-llvm /tmp/big.ll -O2

Deterministic: the same N gives the same program.
"""
import sys

N = int(sys.argv[1]) if len(sys.argv) > 1 else 200
out = ["entrypoint:", "    mov64 r6, r1", "    mov64 r7, 0", "    call function_0",
       "    mov64 r0, 0", "    exit"]
for i in range(N):
    k = i * 7 + 1
    body = f"""function_{i}:
    mov64 r2, {k}
    stxdw [r10-8], r2
    ldxdw r3, [r6+80]
    add64 r3, r2
    stxdw [r10-16], r3
    mov64 r4, r3
    lsh64 r4, 3
    xor64 r4, {k * 3}
    and64 r4, 0xffff
    stxw [r10-20], r4
    ldxw r5, [r10-20]
    mul64 r5, 13
    add64 r7, r5
    ldxb r8, [r6+96]
    add64 r8, {i % 11}
    stxb [r10-21], r8
    mov64 r9, r7
    rsh64 r9, 7
    jgt r9, 100, lbl_big_{i}
    add64 r9, 3
    ja lbl_join_{i}
lbl_big_{i}:
    sub64 r9, 2
    or64 r9, 1
lbl_join_{i}:
    mov64 r1, r9
    add64 r1, 9
    mov64 r2, 3
    div64 r1, r2
    stxdw [r10-32], r1
    mov64 r2, 4
loop_{i}:
    ldxdw r3, [r10-32]
    add64 r3, r2
    stxdw [r10-32], r3
    ldxh r4, [r6+98]
    xor64 r4, r3
    add64 r7, r4
    sub64 r2, 1
    jne r2, 0, loop_{i}
    ldxdw r3, [r10-8]
    ldxdw r4, [r10-16]
    add64 r3, r4
    mov32 r5, r3
    arsh64 r5, 2
    add64 r7, r5
    stxdw [r6+96], r7
    ldxdw r1, [r6+88]
    jeq r1, 0, lbl_skip_{i}
    add64 r7, r1
lbl_skip_{i}:
    mov64 r4, r7
    and64 r4, 63
    lsh64 r4, 1
    add64 r7, r4
    ldxdw r5, [r10-32]
    sub64 r7, r5
    mov64 r3, r7
    rsh64 r3, 11
    xor64 r7, r3"""
    out.append(body)
    if i + 1 < N:
        out.append(f"    call function_{i + 1}")
    out.append("    mov64 r0, r7\n    exit")
print("\n".join(out))
