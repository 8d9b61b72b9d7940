/*
 * pvm.h — C guest SDK for PVM programs linked by sbpf-pvm's linker (pvm/link).
 *
 * Compile with (what `sbpf-pvm pvm cc` does):
 *   clang-19 --target=riscv64-unknown-none-elf -march=rv64emac -mabi=lp64e -mno-relax -O2
 *            -fPIC -fvisibility=hidden -ffreestanding -nostdlib -ffunction-sections
 *            -fdata-sections -c
 *
 * Entry points
 *   A program starts at an entry point chosen by the caller: either a function named on
 *   the linker command line (-e name, in dispatch-table order: pc 0, 5, 10, ...) or one
 *   exported here with PVM_EXPORT. Under the JAM standard program convention an entry
 *   receives a0 = pointer to the argument bytes, a1 = their length, and returns the
 *   output as a (pointer, length) pair in a0/a1: return a pvm_result from a function
 *   declared `pvm_result f(const uint8_t *arg, uint64_t len)`.
 *
 * Host calls
 *   PVM_IMPORT(index, ret, name, argtypes...) declares `static ret name(args)` whose call
 *   becomes `ecalli index`. Arguments go in a0..a5 (up to 6), the result comes back in
 *   a0 (and a1). The metadata records are polkavm's (capi/polkavm_guest.h), so
 *   objects built with this header also link with polkavm-linker.
 *
 * The record layouts and assembler snippets follow polkavm's C API; they are written
 * here from its documented format (spec pvm.md §6.6).
 */
#ifndef SBPF_PVM_PVM_H
#define SBPF_PVM_PVM_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#if !defined(__riscv) || __riscv_xlen != 64
#error "pvm.h targets RV64 (clang-19 --target=riscv64 -march=rv64emac -mabi=lp64e)"
#endif

/* ---- metadata records (polkavm extern metadata v1 / v2, packed little-endian) ---- */

struct pvm_metadata_v1 {
    unsigned char version;      /* 1 */
    unsigned int flags;         /* 0 */
    unsigned int symbol_length;
    const char *symbol;
    unsigned char input_regs;
    unsigned char output_regs;
} __attribute__((packed));

struct pvm_metadata_v2 {
    unsigned char version;      /* 2 */
    unsigned int flags;         /* 0 */
    unsigned int symbol_length;
    const char *symbol;
    unsigned char input_regs;
    unsigned char output_regs;
    unsigned char has_index;
    unsigned int index;
} __attribute__((packed));

/* Argument counting for the register counts in the metadata (each integer type = 1 register on RV64). */
#define PVM__NARGS(...) PVM__NARGS_(0, ##__VA_ARGS__, 6, 5, 4, 3, 2, 1, 0)
#define PVM__NARGS_(_0, _1, _2, _3, _4, _5, _6, n, ...) n
#define PVM__CAT_(a, b) a##b
#define PVM__CAT(a, b) PVM__CAT_(a, b)
#define PVM__UNIQUE(x) PVM__CAT(x, __COUNTER__)

#define PVM__PARAMS_0()
#define PVM__PARAMS_1(A) A p0
#define PVM__PARAMS_2(A, B) A p0, B p1
#define PVM__PARAMS_3(A, B, C) A p0, B p1, C p2
#define PVM__PARAMS_4(A, B, C, D) A p0, B p1, C p2, D p3
#define PVM__PARAMS_5(A, B, C, D, E) A p0, B p1, C p2, D p3, E p4
#define PVM__PARAMS_6(A, B, C, D, E, F) A p0, B p1, C p2, D p3, E p4, F p5
#define PVM__PARAMS(...) PVM__CAT(PVM__PARAMS_, PVM__NARGS(__VA_ARGS__))(__VA_ARGS__)

/* 1 output register for any non-void return (2 for pvm_result); void = 0. */
#define PVM__RET_REGS(ret) (__builtin_types_compatible_p(ret, void) ? 0 : (sizeof(ret) > 8 ? 2 : 1))

/*
 * PVM_IMPORT(index, ret, name, argtypes...): a host function with a fixed ecalli index
 * (the JAM host-call id). The body is polkavm's import marker: the 32-bit word
 * 0x0000000b followed by a 64-bit pointer to the metadata record, then ret.
 */
#define PVM_IMPORT(index, ret, name, ...)                                                        \
    static struct pvm_metadata_v2 PVM__CAT(name, __pvm_import_meta)                              \
        __attribute__((section(".polkavm_metadata"), used)) = {                                  \
            2, 0, sizeof(#name) - 1, #name, PVM__NARGS(__VA_ARGS__), PVM__RET_REGS(ret), 1, (index)}; \
    static ret __attribute__((naked, noinline)) name(PVM__PARAMS(__VA_ARGS__)) {                 \
        __asm__(".word 0x0000000b\n"                                                             \
                ".quad %[meta]\n"                                                                \
                "ret\n"                                                                          \
                :                                                                                \
                : [meta] "i"(&PVM__CAT(name, __pvm_import_meta))                                 \
                : "memory");                                                                     \
    }

/* PVM_IMPORT_NAMED(ret, name, argtypes...): an import without index; the linker numbers
 * such imports 0, 1, ... in symbol-name order (all imports of a program must agree). */
#define PVM_IMPORT_NAMED(ret, name, ...)                                                         \
    static struct pvm_metadata_v1 PVM__CAT(name, __pvm_import_meta)                              \
        __attribute__((section(".polkavm_metadata"), used)) = {                                  \
            1, 0, sizeof(#name) - 1, #name, PVM__NARGS(__VA_ARGS__), PVM__RET_REGS(ret)};        \
    static ret __attribute__((naked, noinline)) name(PVM__PARAMS(__VA_ARGS__)) {                 \
        __asm__(".word 0x0000000b\n"                                                             \
                ".quad %[meta]\n"                                                                \
                "ret\n"                                                                          \
                :                                                                                \
                : [meta] "i"(&PVM__CAT(name, __pvm_import_meta))                                 \
                : "memory");                                                                     \
    }

/*
 * PVM_EXPORT(ret, name, argtypes...): export an already declared function as an entry
 * point. Writes a metadata record and a .polkavm_exports entry (u8 1, metadata pointer,
 * function pointer). Without -e options the linker's dispatch table lists the exports
 * in this order.
 */
#define PVM_EXPORT(ret, name, ...)                                                               \
    static struct pvm_metadata_v1 PVM__CAT(name, __pvm_export_meta)                              \
        __attribute__((section(".polkavm_metadata"), used)) = {                                  \
            1, 0, sizeof(#name) - 1, #name, PVM__NARGS(__VA_ARGS__), PVM__RET_REGS(ret)};        \
    static void __attribute__((naked, used)) PVM__UNIQUE(pvm__export_)(void) {                   \
        __asm__(".pushsection .polkavm_exports,\"Ra\",@note\n"                                   \
                ".byte 1\n"                                                                      \
                ".quad %[meta]\n"                                                                \
                ".quad %[fn]\n"                                                                  \
                ".popsection\n"                                                                  \
                :                                                                                \
                : [meta] "i"(&PVM__CAT(name, __pvm_export_meta)), [fn] "i"(name)                 \
                : "memory");                                                                     \
    }

/* PVM_MIN_STACK_SIZE(bytes): ask the linker for at least this much stack (default 8 KiB). */
#define PVM_MIN_STACK_SIZE(size)                                                                 \
    static void __attribute__((naked, used)) PVM__UNIQUE(pvm__stack_)(void) {                    \
        __asm__(".pushsection .polkavm_min_stack_size,\"R\",@progbits\n"                         \
                ".word %[v]\n"                                                                   \
                ".popsection\n"                                                                  \
                :                                                                                \
                : [v] "i"(size)                                                                  \
                :);                                                                              \
    }

/*
 * pvm_heap_base(): the first address after the program's data and bss (polkavm's
 * heap_base instruction, custom-0 funct3 3; the linker fills in the value). With
 * `--heap-pages N` the bytes [heap_base, align4096(heap_base) + N*4096) are mapped
 * read-write and zero, ready for a bump allocator.
 */
static inline void *pvm_heap_base(void) {
    void *p;
    __asm__(".insn r 0x0b, 3, 0, %0, x0, x0" : "=r"(p));
    return p;
}

/* PVM_TRAP(): stop the machine with a panic. */
#define PVM_TRAP() __builtin_trap()

/* The (pointer, length) pair an entry point returns in a0/a1. */
typedef struct {
    uint64_t ptr;
    uint64_t len;
} pvm_result;

static inline pvm_result pvm_output(const void *p, uint64_t len) {
    pvm_result r = {(uint64_t)(uintptr_t)p, len};
    return r;
}

/* ---- JAM host-call ids (spec pvm.md §5.3) ---- */

#define PVM_HOST_GAS 0      /* same id in 0.7.2 and 0.8 */
#define PVM_HOST_LOG 100    /* JIP-1 debug log, same id everywhere */
#ifdef PVM_GP080            /* GP 0.8 draft numbering: grow_heap = 1, the rest shifted by one */
#define PVM_HOST_GROW_HEAP 1
#define PVM_HOST_FETCH 2
#define PVM_HOST_HISTORICAL_LOOKUP 7
#define PVM_HOST_EXPORT 8
#else                       /* GP 0.7.2 numbering */
#define PVM_HOST_FETCH 1
#define PVM_HOST_HISTORICAL_LOOKUP 6
#define PVM_HOST_EXPORT 7
#endif

/* JIP-1 log levels. */
#define PVM_LOG_ERROR 0
#define PVM_LOG_WARN 1
#define PVM_LOG_INFO 2
#define PVM_LOG_DEBUG 3
#define PVM_LOG_TRACE 4

/* ---- freestanding libc subset (libc.c) ---- */

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/* -ffreestanding turns off builtin recognition; route the calls through the builtins so
 * that small constant-size copies are inlined and the rest call libc.c. */
#define memcpy(d, s, n) __builtin_memcpy((d), (s), (n))
#define memmove(d, s, n) __builtin_memmove((d), (s), (n))
#define memset(d, c, n) __builtin_memset((d), (c), (n))
#define memcmp(a, b, n) __builtin_memcmp((a), (b), (n))

#endif /* SBPF_PVM_PVM_H */
