// Package sbpf is the sBPF machine: instruction set and versions (v0..v4), memory
// mapping, the requisite verifier and an interpreter with instruction metering,
// bit-exact with anza-xyz/sbpf (src/ebpf.rs, program.rs, vm.rs, interpreter.rs,
// memory_region.rs, verifier.rs, error.rs).
//
// An Executable (built by the ELF loader in sbpf/elf, the assembler in sbpf/asm or
// NewExecutableFromText) is verified once, which also decodes the text into a
// compact pre-resolved form; a VM then runs it against a MemoryMapping and a Meter.
package sbpf
