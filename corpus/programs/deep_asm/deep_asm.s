# deep_asm: N = first 8 bytes of the instruction data (no accounts); the entrypoint
# calls recurse(N), which calls itself N times: N + 1 nested frames. 64 frames in all
# are allowed, so N = 62 succeeds and N = 63 is CallDepthExceeded. CU = 4N + 6.
entrypoint:
    ldxdw r1, [r1+16]
    call recurse
    mov64 r0, 0
    exit
recurse:
    jeq r1, 0, out
    sub64 r1, 1
    call recurse
out:
    exit
