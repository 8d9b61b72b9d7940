package sbpf_test

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
)

// Canonical vectors: testdata/vectors.txt holds programs with the result that
// anza-xyz/sbpf's interpreter produced for them (see testdata/oracle/README.md).
// Each line: "version flags budget texthex inputhex\texpected".

// rustDebug renders an error the way Rust's {:?} prints EbpfError.
func rustDebug(err error) string {
	switch e := err.(type) {
	case *sbpf.EbpfError:
		switch e.Kind {
		case sbpf.ErrAccessViolation:
			return fmt.Sprintf("AccessViolation(%s, %d, %d, %q)", e.Access.Name(), e.Addr, e.Len, e.Region)
		case sbpf.ErrStackAccessViolation:
			return fmt.Sprintf("StackAccessViolation(%s, %d, %d, %d)", e.Access.Name(), e.Addr, e.Len, e.Frame)
		case sbpf.ErrSyscallError, sbpf.ErrVerifierError, sbpf.ErrElfError:
			return fmt.Sprintf("%s(%s)", e.Kind, rustDebug(e.Err))
		case sbpf.ErrInvalidMemoryRegion, sbpf.ErrFunctionAlreadyRegistered, sbpf.ErrExhaustedTextSegment:
			return fmt.Sprintf("%s(%d)", e.Kind, e.Index)
		}
		return e.Kind.String()
	case *sbpf.VerifierError:
		switch e.Kind {
		case sbpf.VerrProgramLengthNotMultiple, sbpf.VerrNoProgram, sbpf.VerrLDDWCannotBeLast:
			return e.Kind
		case sbpf.VerrJumpOutOfCode, sbpf.VerrJumpToMiddleOfLDDW:
			return fmt.Sprintf("%s(%d, %d)", e.Kind, e.Target, e.PC)
		case sbpf.VerrUnknownOpCode:
			return fmt.Sprintf("%s(%d, %d)", e.Kind, e.Opcode, e.PC)
		case sbpf.VerrShiftWithOverflow:
			return fmt.Sprintf("%s(%d, %d, %d)", e.Kind, e.Shift, e.Bits, e.PC)
		case sbpf.VerrInvalidSyscall:
			return fmt.Sprintf("%s(%d)", e.Kind, e.Syscall)
		}
		return fmt.Sprintf("%s(%d)", e.Kind, e.PC)
	case *sbpf.RegistryError:
		return fmt.Sprintf("%s(%d)", e.Kind, e.Key)
	}
	return fmt.Sprintf("%v", err)
}

// vectorCase runs one vector line the way the oracle does and renders the outcome.
func vectorCase(fields []string) string {
	ver, _ := strconv.Atoi(fields[0])
	flags, _ := strconv.Atoi(fields[1])
	budget, _ := strconv.ParseUint(fields[2], 10, 64)
	text, _ := hex.DecodeString(fields[3])
	var input []byte
	if len(fields) > 4 {
		input, _ = hex.DecodeString(fields[4])
	}
	v := sbpf.Version(ver)
	cfg := sbpf.DefaultConfig()
	cfg.MaxCallDepth = 1 + (flags>>3)%64
	cfg.AlignedMemoryMapping = flags&0x80 != 0
	cfg.EnableStackFrameGaps = flags&0x40 == 0
	l := sbpf.NewLoader(cfg)
	_ = l.RegisterSyscall("gather", gatherBytes)
	_ = l.RegisterSyscall("burn", func(vm *sbpf.VM, a, b, _, _, _ uint64) (uint64, error) {
		vm.Meter().Consume(a & 0xff)
		_, err := vm.Memory.Translate(sbpf.Load, b, a&0xff)
		return 0, err
	})
	fr := sbpf.NewFunctionRegistry()
	if !v.StaticSyscalls() {
		for pc := 0; pc < len(text)/8; pc++ {
			_ = fr.Register(uint32(pc), "", uint64(pc))
		}
	}
	exe, err := sbpf.NewExecutableFromText(text, l, v, fr)
	if err != nil {
		return "new ElfError(" + rustDebug(err) + ")"
	}
	if err := exe.Verify(); err != nil {
		return "verify VerifierError(" + rustDebug(err) + ")"
	}
	stack := make([]byte, cfg.StackSize())
	var split []sbpf.MemoryRegion
	if flags&0x100 != 0 {
		h := len(input) / 2
		split = []sbpf.MemoryRegion{sbpf.NewRegionWritable(input[:h], sbpf.MMInputStart), sbpf.NewRegionReadonly(input[h:], sbpf.MMInputStart+uint64(h))}
	}
	mem, err := sbpf.NewStandardMapping(exe, stack, make([]byte, 256), input, split)
	return vectorOutcome(exe, mem, err, budget, input)
}

// vectorOutcome runs exe over mem (or reports the mapping error) and renders the
// outcome line the oracle driver prints.
func vectorOutcome(exe *sbpf.Executable, mem *sbpf.MemoryMapping, err error, budget uint64, input []byte) string {
	if err != nil {
		return "mapping " + rustDebug(err)
	}
	count, r0, err := sbpf.NewVM(exe, &testMeter{remaining: budget}, mem, nil).Execute()
	res := fmt.Sprintf("ok %d", r0)
	if err != nil {
		res = "err " + rustDebug(err)
	}
	return fmt.Sprintf("%s count=%d input=%s", res, count, hex.EncodeToString(input))
}

var _ = Describe("canonical vectors (generated with anza-xyz/sbpf)", func() {
	It("matches every vector in testdata/vectors.txt", func() {
		f, err := os.Open("testdata/vectors.txt")
		Expect(err).NotTo(HaveOccurred())
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		n := 0
		for sc.Scan() {
			line := sc.Text()
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			in, want, ok := strings.Cut(line, "\t")
			Expect(ok).To(BeTrue(), "malformed vector %q", line)
			got := vectorCase(strings.Split(in, " "))
			Expect(got).To(Equal(want), "vector %d: %s", n, in)
			n++
		}
		Expect(sc.Err()).NotTo(HaveOccurred())
		Expect(n).To(BeNumerically(">", 100))
	})
})
