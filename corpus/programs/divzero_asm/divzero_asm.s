# divzero_asm: divides by a register holding zero (DivideByZero at run time; the
# verifier only rejects division by an immediate zero).
entrypoint:
    mov64 r0, 1
    mov64 r2, 0
    div64 r0, r2
    exit
