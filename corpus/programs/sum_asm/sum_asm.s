# sum_asm: r0 = 1 + 2 + ... + N, N = the first 8 bytes of the instruction data
# (the input has no accounts: num_accounts u64, data_len u64, data at r1+16).
# A non-zero r0 is a program error: Custom(N(N+1)/2). CU = 3N + 4 (N > 0), 4 (N = 0).
entrypoint:
    ldxdw r2, [r1+16]
    mov64 r0, 0
    jeq r2, 0, done
loop:
    add64 r0, r2
    sub64 r2, 1
    jne r2, 0, loop
done:
    exit
