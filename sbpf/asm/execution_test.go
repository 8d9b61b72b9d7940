package asm_test

import (
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/asm"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/elf"
)

// Programs in the style of anza's tests/execution.rs. The expected r0, error and
// instruction count of each were worked out by hand from interpreter.rs / vm.rs rules
// (count = instructions started, a syscall's CU included, the faulting one included).

type meter struct{ left uint64 }

func (m *meter) Consume(n uint64) {
	if n > m.left {
		n = m.left
	}
	m.left -= n
}
func (m *meter) Remaining() uint64 { return m.left }

type outcome struct {
	r0    uint64
	err   string // EbpfError variant, "" for success
	count uint64
}

func run(exe *sbpf.Executable, input []byte, budget uint64) outcome {
	if err := exe.Verify(); err != nil {
		return outcome{err: "VerifierError"}
	}
	mem, err := sbpf.NewStandardMapping(exe, nil, nil, input, nil)
	Expect(err).NotTo(HaveOccurred())
	vm := sbpf.NewVM(exe, &meter{budget}, mem, nil)
	count, r0, err := vm.Execute()
	if err != nil {
		var eb *sbpf.EbpfError
		Expect(errors.As(err, &eb)).To(BeTrue(), "%T %v", err, err)
		return outcome{err: eb.Kind.String(), count: count}
	}
	return outcome{r0: r0, count: count}
}

func loaderWithLog64() *sbpf.Loader {
	l := sbpf.NewLoader(sbpf.DefaultConfig())
	Expect(l.RegisterSyscall("sol_log_64_", func(vm *sbpf.VM, a, _, _, _, _ uint64) (uint64, error) {
		vm.Meter().Consume(100)
		return a + 1, nil
	})).To(Succeed())
	return l
}

var _ = Describe("Execution of assembled programs", func() {
	DescribeTable("results, errors and instruction counts",
		func(v sbpf.Version, src string, input []byte, budget uint64, want outcome, viaELF bool) {
			exe, err := asm.Assemble(src, v, loaderWithLog64())
			Expect(err).NotTo(HaveOccurred())
			Expect(run(exe, input, budget)).To(Equal(want))
			if viaELF {
				// The same program written as an ELF and loaded gives the same result.
				so, err := asm.AssembleELF(src, v)
				Expect(err).NotTo(HaveOccurred())
				exe, err := elf.Load(so, loaderWithLog64())
				Expect(err).NotTo(HaveOccurred())
				Expect(run(exe, input, budget)).To(Equal(want))
			}
		},
		Entry("alu64", sbpf.V0, "mov64 r0, 7\nadd64 r0, -2\nmul64 r0, 3\nexit", nil, uint64(10),
			outcome{r0: 15, count: 4}, true),
		Entry("add32 sign-extends on v0", sbpf.V0, "mov32 r0, -1\nadd32 r0, 0\nexit", nil, uint64(10),
			outcome{r0: 0xffffffffffffffff, count: 3}, true),
		Entry("add32 zero-extends on v2", sbpf.V2, "mov32 r0, -1\nadd32 r0, 0\nexit", nil, uint64(10),
			outcome{r0: 0xffffffff, count: 3}, true),
		Entry("sub32 imm on v0", sbpf.V0, "mov32 r0, 3\nsub32 r0, 10\nexit", nil, uint64(10),
			outcome{r0: 0xfffffffffffffff9, count: 3}, true),
		Entry("sub32 imm swaps its operands on v2", sbpf.V2, "mov32 r0, 3\nsub32 r0, 10\nexit", nil, uint64(10),
			outcome{r0: 7, count: 3}, true),
		Entry("lddw counts as one instruction", sbpf.V0, "lddw r0, 0x1122334455667788\nexit", nil, uint64(10),
			outcome{r0: 0x1122334455667788, count: 2}, true),
		Entry("division by zero", sbpf.V0, "mov64 r0, 1\nmov64 r1, 0\ndiv64 r0, r1\nexit", nil, uint64(10),
			outcome{err: "DivideByZero", count: 3}, true),
		Entry("signed division overflow on v2", sbpf.V2, "mov64 r0, 1\nlsh64 r0, 63\nmov64 r1, -1\nsdiv64 r0, r1\nexit", nil, uint64(10),
			outcome{err: "DivideOverflow", count: 4}, true),
		Entry("reading an empty input", sbpf.V0, "ldxdw r0, [r1+0]\nexit", nil, uint64(10),
			outcome{err: "AccessViolation", count: 1}, true),
		Entry("reading the input", sbpf.V0, "ldxw r0, [r1+4]\nexit", []byte{1, 2, 3, 4, 5, 6, 7, 8}, uint64(10),
			outcome{r0: 0x08070605, count: 2}, true),
		Entry("writing the input", sbpf.V3, "stb [r1+1], 9\nldxh r0, [r1+0]\nexit", []byte{1, 2}, uint64(10),
			outcome{r0: 0x0901, count: 3}, true),
		Entry("the stack", sbpf.V0, "stdw [r10-8], 0x1234\nldxdw r0, [r10-8]\nexit", nil, uint64(10),
			outcome{r0: 0x1234, count: 3}, true),
		Entry("a loop", sbpf.V0, "mov64 r0, 0\nmov64 r1, 10\nlbb_2:\nadd64 r0, r1\nsub64 r1, 1\njne r1, 0, lbb_2\nexit", nil, uint64(100),
			outcome{r0: 55, count: 33}, true),
		Entry("the budget runs out", sbpf.V0, "mov64 r0, 0\nmov64 r1, 10\nlbb_2:\nadd64 r0, r1\nsub64 r1, 1\njne r1, 0, lbb_2\nexit", nil, uint64(20),
			outcome{err: "ExceededMaxInstructions", count: 20}, true),
		Entry("a bpf-to-bpf call", sbpf.V0, "entrypoint:\nmov64 r1, 5\ncall function_double\nadd64 r0, 1\nexit\nfunction_double:\nmov64 r0, r1\nadd64 r0, r1\nexit", nil, uint64(100),
			outcome{r0: 11, count: 7}, true),
		Entry("the same call on v3", sbpf.V3, "entrypoint:\nmov64 r1, 5\ncall function_double\nadd64 r0, 1\nexit\nfunction_double:\nmov64 r0, r1\nadd64 r0, r1\nexit", nil, uint64(100),
			outcome{r0: 11, count: 7}, true),
		Entry("calls too deep", sbpf.V0, "entrypoint:\ncall function_1\nfunction_1:\ncall function_1", nil, uint64(1000),
			outcome{err: "CallDepthExceeded", count: 64}, true),
		Entry("callx to pc 5 (text at 1<<32)", sbpf.V0, "mov64 r1, 1\nlsh64 r1, 32\nor64 r1, 0x28\ncallx r1\nexit\nmov64 r0, 42\nexit", nil, uint64(100),
			outcome{r0: 42, count: 7}, false),
		Entry("a syscall and its cost", sbpf.V0, "mov64 r1, 41\nsyscall sol_log_64_\nexit", nil, uint64(1000),
			outcome{r0: 42, count: 103}, true),
		Entry("an unknown syscall on v0", sbpf.V0, "syscall 12345\nexit", nil, uint64(10),
			outcome{err: "UnsupportedInstruction", count: 1}, false),
		Entry("an unknown static syscall fails when called (RequisiteVerifier does not check it)", sbpf.V3, "syscall 12345\nexit", nil, uint64(10),
			outcome{err: "UnsupportedInstruction", count: 1}, true),
		Entry("neg32 is gone on v2", sbpf.V2, "neg32 r0\nexit", nil, uint64(10),
			outcome{err: "VerifierError"}, true),
		Entry("neg64's opcode is stw on v2", sbpf.V2, "neg64 r0\nexit", nil, uint64(10),
			outcome{err: "AccessViolation", count: 1}, true),
		Entry("a jump out of the program", sbpf.V0, "ja +5\nexit", nil, uint64(10),
			outcome{err: "VerifierError"}, true),
		Entry("writing the read-only region", sbpf.V0, "mov64 r1, 1\nlsh64 r1, 32\nstb [r1+0], 1\nexit", nil, uint64(10),
			outcome{err: "AccessViolation", count: 3}, false),
	)
})
