/* One function or field per relocation type; relocs_test.go checks each result. */
    .option norelax

    .section .text.add10,"ax",@progbits
    .globl add10
add10:
    addi a0, a0, 10
    ret

/* R_RISCV_CALL_PLT (call), R_RISCV_CALL (old name, via .reloc), R_RISCV_JAL (jal to
 * another section), R_RISCV_NONE: a0 = a0 + 30. */
    .section .text.t_call,"ax",@progbits
    .globl t_call
t_call:
    addi sp, sp, -16
    sd ra, 8(sp)
    call add10
    .option push
    .option norvc
1:  auipc ra, 0
    jalr ra, 0(ra)
    .option pop
    .reloc 1b, R_RISCV_CALL, add10
    jal ra, add10
    .reloc ., R_RISCV_NONE, add10
    nop
    ld ra, 8(sp)
    addi sp, sp, 16
    ret

/* R_RISCV_PCREL_HI20 with PCREL_LO12_I (addi and load) and PCREL_LO12_S (store). */
    .section .text.t_pcrel,"ax",@progbits
    .globl t_pcrel
t_pcrel:
    lla a1, dvar
    ld a2, 0(a1)
1:  auipc a3, %pcrel_hi(dvar)
    ld a4, %pcrel_lo(1b)(a3)
    add a0, a2, a4
2:  auipc a3, %pcrel_hi(dvar2)
    sd a0, %pcrel_lo(2b)(a3)
3:  auipc a3, %pcrel_hi(dvar4)
    sw zero, %pcrel_lo(3b)(a3)
    lla a5, dvar2
    ld a0, 0(a5)
    lla a5, dvar4
    ld a5, 0(a5)
    add a0, a0, a5
    ret

/* R_RISCV_GOT_HI20 + PCREL_LO12_I for data and for code (a function pointer). */
    .section .text.t_got,"ax",@progbits
    .globl t_got
t_got:
    addi sp, sp, -16
    sd ra, 8(sp)
    .option push
    .option pic
    la a0, dvar
    la a2, add10
    .option pop
    ld a0, 0(a0)
    jalr a2
    ld ra, 8(sp)
    addi sp, sp, 16
    ret

/* R_RISCV_HI20 + LO12_I (addi, load) and LO12_S (store of a register and of x0). */
    .section .text.t_abs,"ax",@progbits
    .globl t_abs
t_abs:
    lui a1, %hi(dvar)
    addi a1, a1, %lo(dvar)
    ld a2, 0(a1)
    lui a3, %hi(dvar)
    ld a4, %lo(dvar)(a3)
    add a0, a2, a4
    lui a3, %hi(dvar3)
    sd a0, %lo(dvar3)(a3)
    lui a3, %hi(dvar4)
    sd zero, %lo(dvar4)(a3)
    lui a5, %hi(dvar3)
    addi a5, a5, %lo(dvar3)
    ld a0, 0(a5)
    lui a5, %hi(dvar4)
    ld a5, %lo(dvar4)(a5)
    add a0, a0, a5
    ret

/* Returns the data fields (standard output convention) and, in regs, addresses. */
    .section .text.t_fields,"ax",@progbits
    .globl t_fields
t_fields:
    lla a0, fields
    li a1, fields_end - fields
    ret
    .globl t_addrs
t_addrs:
    lla a0, dvar
    lla a1, tbl
    lla a2, add10
    ret

/* Calls through a code address stored in data by R_RISCV_64 and R_RISCV_32. */
    .section .text.t_fptr,"ax",@progbits
    .globl t_fptr
t_fptr:
    addi sp, sp, -16
    sd ra, 8(sp)
    sd s0, 0(sp)
    lla s0, fcode64
    ld a1, 0(s0)
    jalr a1
    lwu a1, 8(s0)
    jalr a1
    ld ra, 8(sp)
    ld s0, 0(sp)
    addi sp, sp, 16
    ret

    .section .data.vars,"aw",@progbits
    .p2align 3
    .globl dvar
dvar:  .quad 5
dvar2: .quad 0
dvar3: .quad 0
dvar4: .quad 7

    .section .rodata.tbl,"a",@progbits
    .p2align 3
tbl: .quad 0

    .section .rodata.fields,"a",@progbits
    .p2align 3
fields:
    .quad dvar - tbl            /* 0: ADD64/SUB64 */
    .word dvar - tbl            /* 8: ADD32/SUB32 */
    .2byte dvar - tbl           /* 12: ADD16/SUB16 */
    .byte dvar - tbl            /* 14: ADD8/SUB8 */
    .reloc ., R_RISCV_SET6, dvar
    .reloc ., R_RISCV_SUB6, tbl
    .byte 0xC0                  /* 15: SET6/SUB6, top bits kept */
    .reloc ., R_RISCV_SET8, dvar
    .byte 0                     /* 16: SET8 */
    .byte 0
    .reloc ., R_RISCV_SET16, dvar
    .2byte 0                    /* 18: SET16 */
    .reloc ., R_RISCV_SET32, dvar
    .word 0                     /* 20: SET32 */
    .reloc ., R_RISCV_SET_ULEB128, dvar
    .reloc ., R_RISCV_SUB_ULEB128, tbl
    .byte 0x80, 0x80, 0x80, 0x00 /* 24: SET_ULEB128/SUB_ULEB128 in 4 bytes */
    .quad dvar + 8              /* 28: R_RISCV_64 with addend */
    .word dvar                  /* 36: R_RISCV_32 */
    .word add10 - tbl           /* 40: ADD32(code)/SUB32(data): a switch-table entry */
    .p2align 3
fcode64:
    .quad add10                 /* 48: R_RISCV_64 to code */
fcode32:
    .word add10                 /* 56: R_RISCV_32 to code */
fields_end:
