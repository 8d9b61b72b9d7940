package link

// ClangFlags are the clang-19 flags that produce objects this linker accepts, at
// optimization level opt ("2" for -O2):
//   - -target bpfel -mcpu=v2: v2 is the newest upstream BPF CPU whose instructions all
//     exist in sBPF v0 (v3 adds JMP32, v4 sign-extending loads/moves, signed division
//     and byte swap);
//   - -fno-builtin -ffreestanding: no libc; no calls clang invents from loops;
//   - -fno-jump-tables: switch tables would be rodata pointer tables, kept simple;
//   - -ffunction-sections -fdata-sections: one section per function and object, so
//     the linker can drop what the entrypoint never reaches;
//   - -mllvm -bpf-stack-size=4096: the BPF backend's stack limit raised to Agave's
//     4 KiB frame, so clang itself reports an oversized frame.
func ClangFlags(opt string) []string {
	return []string{
		"-target", "bpfel", "-mcpu=v2", "-O" + opt,
		"-fno-builtin", "-ffreestanding", "-fno-stack-protector", "-fno-jump-tables",
		"-ffunction-sections", "-fdata-sections",
		"-std=gnu11", "-Wall", "-Werror=implicit-function-declaration",
		"-mllvm", "-bpf-stack-size=4096",
	}
}
