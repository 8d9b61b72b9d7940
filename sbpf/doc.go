// Package sbpf is the sBPF machine: instruction set and versions (v0..v4), memory
// mapping, the requisite verifier and an interpreter with instruction metering,
// bit-exact with anza-xyz/sbpf (src/ebpf.rs, program.rs, vm.rs, interpreter.rs,
// memory_region.rs, verifier.rs, error.rs).
//
// An Executable (built by the ELF loader in sbpf/elf, the assembler in sbpf/asm or
// NewExecutableFromText) is verified once, which also decodes the text into a
// compact pre-resolved form; a VM then runs it against a MemoryMapping and a Meter.
//
// Bit-exactness is checked against anza-xyz/sbpf itself: testdata/vectors.txt
// holds random programs with the canonical interpreter's results (see
// testdata/oracle/README.md). Known differences, all outside canonical behaviour:
// Config.EnableAddressTranslation=false (raw host pointers) is rejected;
// EnableRegisterTracing is ignored; Execute starts every run at call depth 0
// (anza keeps a stale depth after a failed run); MaxCallDepth 0 behaves like 1
// (anza would index an empty frame array).
package sbpf
