// Package asm is the assembler and disassembler for the text syntax of anza-xyz/sbpf
// (src/asm_parser.rs, src/assembler.rs, src/disassembler.rs, src/static_analysis.rs).
//
// Syntax: one statement per line or several separated by whitespace; labels "name:";
// registers r0..r10; integers in decimal or 0x hex with an optional sign; memory operands
// "[r1+0x10]"; ".fill N, VALUE" repeats a raw 64-bit slot. Mnemonics depend on the
// version exactly as in anza: ldx*/st*/stx* use the moved opcode classes on v2, callx puts
// its register in imm (v0, v1), src (v2) or dst (v3+), "add64 r10, imm" is a no-op unless
// the version bumps frames manually, the PQR mnemonics (lmul, udiv, ...) and 32-bit jumps
// (jeq32, ...) are always accepted and the verifier decides.
//
// Labels named "entrypoint" or "function_*" become functions (registered under their pc,
// as the assembler does). "call LABEL" and "call N" (N relative) are internal calls:
// absolute pc immediates on v0..v2, pc-relative with src=1 on v3+. "syscall NAME" puts
// murmur3(NAME) in the immediate (src=0); "syscall N" puts N.
//
// Assemble builds an *sbpf.Executable like anza's assemble (new_from_text_bytes: the text
// is mapped at 1<<32 and is also the read-only region). AssembleELF writes an ELF with
// package elf instead: on v0..v2 internal calls become pc-relative (the loader hashes
// them) and named syscalls R_BPF_64_32 relocations. The text then starts after the ELF
// headers, so a program that computes addresses inside its own text (callx targets,
// reading its code) sees different addresses than with Assemble.
//
// Disassemble prints labels for functions and for basic blocks reached other than by
// falling through, then one instruction per line; its output assembles back to the same
// text. Two small extensions over anza: comments ("#" and "//" to the end of the line),
// and label operands may start with "r".
package asm
