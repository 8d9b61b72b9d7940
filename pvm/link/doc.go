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
// garbage-collect unreachable sections, decode and translate the code (riscv.go,
// translate.go), lay out the data (layout.go), split into basic blocks, assign
// jump-table slots and encode until offsets converge (emit.go).
//
// Where it differs from polkavm-linker (all supersets of what polkavm accepts):
// R_RISCV_ALIGN and the old R_RISCV_CALL are accepted (code is never moved);
// data relocations follow the psABI SET/ADD/SUB arithmetic at every width;
// a %lo/%pcrel_lo access whose base register is not provably the %hi value
// (an index added in between, a spilled and reloaded base) keeps exact
// semantics instead of becoming an absolute access; R_RISCV_RELATIVE entries
// of -shared inputs are applied; AMOs and Zbb orc.b use a 16-byte spill area.
package link
