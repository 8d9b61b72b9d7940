// Package link turns RISC-V ELF objects compiled for RV64EMAC (clang-19
// --target=riscv64 -march=rv64emac -mabi=lp64e) into PVM blobs in the JAM
// standard program format.
//
// It is a straightforward translator in the spirit of polkavm-linker's
// unoptimised path (see ../../../shared/spec/pvm.md §6): every RISC-V
// instruction becomes at most a few PVM instructions, relocations are resolved
// against our own memory layout (RO data at 0x10000, RW data one zone above),
// code locations whose address is taken get a jump-table slot, host-call
// imports become ecalli and entry points become a dispatch table of jumps at
// pc 0, 5, 10, …
//
// The pipeline is: read the objects (elf.go), resolve symbols and relocations,
// decode and translate the code (riscv.go, translate.go), garbage-collect
// unreachable sections, lay out the data (layout.go), split into basic blocks,
// assign jump-table slots and encode until offsets converge (emit.go).
package link
