// Package guest is the C guest toolchain for PVM programs: the SDK header pvm.h,
// the freestanding libc subset libc.c (memcpy, memmove, memset, memcmp), and a
// driver that compiles C (or assembly) with Debian's clang-19 into RISC-V
// objects for pvm/link. Both files are embedded, so the driver works from any
// directory.
package guest

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/sbpf-pvm/sbpf-pvm/pvm/link"
)

// Header is pvm.h; LibC is libc.c.
var (
	//go:embed sdk/pvm.h
	Header []byte
	//go:embed sdk/libc.c
	LibC []byte
)

// DefaultClang is the compiler `make deps` installs.
const DefaultClang = "clang-19"

// CFlags are the flags every guest file is compiled with (spec pvm.md §6.1): RV64E
// with M, A, C; no linker relaxation; position-independent code with hidden
// visibility, so data is reached with PC-relative pairs; one section per function
// and object, so the linker drops what nothing reaches.
var CFlags = []string{
	"--target=riscv64-unknown-none-elf", "-march=rv64emac", "-mabi=lp64e", "-mno-relax",
	"-O2", "-fPIC", "-fvisibility=hidden", "-ffreestanding", "-nostdlib",
	"-ffunction-sections", "-fdata-sections",
}

// Options tune Compile.
type Options struct {
	Clang  string   // compiler; default DefaultClang
	Flags  []string // extra flags after CFlags (e.g. "-O3", "-march=rv64emac_zbb", "-DN=4")
	NoLibC bool     // do not add libc.c
}

// ErrNoClang is returned (wrapped) when the compiler is not installed.
var ErrNoClang = errors.New("clang-19 is not installed: run `make deps` (installs Debian's clang-19 and lld-19)")

// FindClang returns the path of the compiler, or an error wrapping ErrNoClang.
func FindClang(name string) (string, error) {
	if name == "" {
		name = DefaultClang
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%w (looked for %q)", ErrNoClang, name)
	}
	return p, nil
}

// WriteSDK writes pvm.h and libc.c into dir.
func WriteSDK(dir string) error {
	if err := os.WriteFile(filepath.Join(dir, "pvm.h"), Header, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "libc.c"), LibC, 0o644)
}

// Compile compiles each source file (.c, .S or .s) to a RISC-V object and returns
// them, plus libc.c unless opt.NoLibC, ready for link.Link. pvm.h is on the
// include path.
func Compile(srcs []string, opt Options) ([]link.Input, error) {
	clang, err := FindClang(opt.Clang)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "pvm-cc-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := WriteSDK(dir); err != nil {
		return nil, err
	}
	var out []link.Input
	compile := func(src string, extra ...string) error {
		obj := filepath.Join(dir, fmt.Sprintf("%d.o", len(out)))
		args := append(append([]string{}, CFlags...), "-I", dir)
		args = append(args, opt.Flags...)
		args = append(args, extra...)
		args = append(args, "-c", src, "-o", obj)
		cmd := exec.Command(clang, args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("guest: %s %s: %v\n%s", filepath.Base(clang), src, err, strings.TrimSpace(stderr.String()))
		}
		b, err := os.ReadFile(obj)
		if err != nil {
			return err
		}
		out = append(out, link.Input{Name: src, Data: b})
		return nil
	}
	for _, s := range srcs {
		if err := compile(s); err != nil {
			return nil, err
		}
	}
	if !opt.NoLibC {
		if err := compile(filepath.Join(dir, "libc.c"), "-fno-builtin"); err != nil {
			return nil, err
		}
		out[len(out)-1].Name = "libc.c"
	}
	return out, nil
}
