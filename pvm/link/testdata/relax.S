/* Assembled with relaxation on: R_RISCV_BRANCH, R_RISCV_RVC_BRANCH, R_RISCV_RVC_JUMP,
 * R_RISCV_JAL (a jal too far for c.j), R_RISCV_RELAX and R_RISCV_ALIGN (padding nops). */
    .option relax
    .text
    .globl t_relax
t_relax:             /* a0 = number of set bits of a0 below bit 16, computed with branches */
    li a1, 0
    li a2, 16
1:  beqz a2, 3f      /* c.beqz: RVC_BRANCH */
    andi a3, a0, 1
    beq a3, zero, 2f /* c.beqz with x0 source */
    addi a1, a1, 1
2:  srli a0, a0, 1
    addi a2, a2, -1
    bne a2, zero, 1b /* BRANCH (c.bnez possible: use a non-compressible form below) */
3:  blt a1, a2, 4f   /* BRANCH */
    .p2align 4       /* ALIGN */
    j 5f             /* RVC_JUMP */
4:  addi a1, a1, 100
5:  mv a5, ra
    call far         /* CALL_PLT + RELAX */
    mv ra, a5
    mv a0, a1
    ret
far:
    jal zero, 6f     /* JAL across the padding below */
    .fill 1100, 2, 0x0001
6:  ret
