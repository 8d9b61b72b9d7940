package syscalls

import (
	"errors"
	"testing"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/solana"
)

// FuzzSyscalls calls a syscall chosen by the fuzzer with arbitrary arguments (biased to
// land in the input region, whose bytes the fuzzer also controls): it must return a
// typed error or a value, never panic, and never take more compute units than the budget.
func FuzzSyscalls(f *testing.F) {
	loader, err := NewLoader()
	if err != nil {
		f.Fatal(err)
	}
	names := append(append([]string{}, Implemented...), Unimplemented...)
	f.Add(uint8(0), uint64(0), uint64(0), uint64(0), uint64(0), uint64(0), []byte{})
	f.Add(uint8(2), uint64(0x400000000), uint64(5), uint64(0), uint64(0), uint64(0), []byte("hello"))
	f.Add(uint8(8), uint64(0x400000000), uint64(2), uint64(0x400000100), uint64(0), uint64(0),
		[]byte{0x20, 0, 0, 0, 4, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, which uint8, a1, a2, a3, a4, a5 uint64, data []byte) {
		name := names[int(which)%len(names)]
		_, fn, ok := loader.LookupSyscall(sbpf.HashSymbolName([]byte(name)))
		if !ok {
			t.Fatalf("%s not registered", name)
		}
		text := make([]byte, 16)
		text[0] = 0x95
		exe, err := sbpf.NewExecutableFromText(text, loader, sbpf.V0, nil)
		if err != nil {
			t.Fatal(err)
		}
		input := make([]byte, 4096)
		copy(input, data)
		mem, err := sbpf.NewStandardMapping(exe, nil, make([]byte, 1024), input, nil)
		if err != nil {
			t.Fatal(err)
		}
		const budget = 100_000
		ic := NewInvokeContext(solana.PublicKey{1}, budget)
		vm := sbpf.NewVM(exe, ic, mem, ic)
		// Addresses with the top bit set are moved into the input region.
		fix := func(a uint64) uint64 {
			if a>>63 == 1 {
				return sbpf.MMInputStart + a%uint64(len(input))
			}
			return a
		}
		_, err = fn(vm, fix(a1), a2%8192, fix(a3), fix(a4), fix(a5))
		if err != nil {
			var se *solana.SyscallError
			var ie *solana.InstructionError
			var ee *sbpf.EbpfError
			if !errors.As(err, &se) && !errors.As(err, &ie) && !errors.As(err, &ee) {
				t.Fatalf("%s: untyped error %T %v", name, err, err)
			}
		}
		if ic.Remaining() > budget {
			t.Fatalf("meter grew")
		}
	})
}
