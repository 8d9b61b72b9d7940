package link

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
)

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

// CompileC compiles the C file src with clang (ClangFlags(opt), then args such as -I and
// -D) in dir ("" for the current one) and returns the object, which clang writes to its
// standard output, so no temporary file is needed. A failure is a *CompileError.
func CompileC(ctx context.Context, clang, dir, src, opt string, args ...string) ([]byte, error) {
	cargs := append(append(ClangFlags(opt), args...), "-c", src, "-o", "-")
	c := exec.CommandContext(ctx, clang, cargs...)
	c.Dir = dir
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	if err := c.Run(); err != nil {
		return nil, &CompileError{Src: src, Stderr: strings.TrimSpace(stderr.String()), Err: err}
	}
	return stdout.Bytes(), nil
}

// CompileError is a failed CompileC: the source, what clang printed and how it ended
// (an *exec.Error when clang could not be started).
type CompileError struct {
	Src    string
	Stderr string
	Err    error
}

func (e *CompileError) Error() string { return fmt.Sprintf("clang %s: %v\n%s", e.Src, e.Err, e.Stderr) }

func (e *CompileError) Unwrap() error { return e.Err }
