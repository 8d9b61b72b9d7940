package sbpf_test

import (
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
)

var _ = Describe("errors", func() {
	It("names every EbpfError variant like error.rs and renders its message", func() {
		inner := errors.New("boom")
		cases := []struct {
			e    *sbpf.EbpfError
			name string
			msg  string
		}{
			{&sbpf.EbpfError{Kind: sbpf.ErrElfError, Err: inner}, "ElfError", "ELF error: boom"},
			{&sbpf.EbpfError{Kind: sbpf.ErrFunctionAlreadyRegistered, Index: 3}, "FunctionAlreadyRegistered", "function #3 was already registered"},
			{&sbpf.EbpfError{Kind: sbpf.ErrCallDepthExceeded}, "CallDepthExceeded", "exceeded max BPF to BPF call depth"},
			{&sbpf.EbpfError{Kind: sbpf.ErrExitRootCallFrame}, "ExitRootCallFrame", "attempted to exit root call frame"},
			{&sbpf.EbpfError{Kind: sbpf.ErrDivideByZero}, "DivideByZero", "divide by zero at BPF instruction"},
			{&sbpf.EbpfError{Kind: sbpf.ErrDivideOverflow}, "DivideOverflow", "division overflow at BPF instruction"},
			{&sbpf.EbpfError{Kind: sbpf.ErrExecutionOverrun}, "ExecutionOverrun", "attempted to execute past the end of the text segment at BPF instruction"},
			{&sbpf.EbpfError{Kind: sbpf.ErrCallOutsideTextSegment}, "CallOutsideTextSegment", "callx attempted to call outside of the text segment"},
			{&sbpf.EbpfError{Kind: sbpf.ErrExceededMaxInstructions}, "ExceededMaxInstructions", "exceeded CUs meter at BPF instruction"},
			{&sbpf.EbpfError{Kind: sbpf.ErrJitNotCompiled}, "JitNotCompiled", "program has not been JIT-compiled"},
			{&sbpf.EbpfError{Kind: sbpf.ErrInvalidMemoryRegion, Index: 2}, "InvalidMemoryRegion", "Invalid memory region at index 2"},
			{&sbpf.EbpfError{Kind: sbpf.ErrAccessViolation, Access: sbpf.Load, Addr: 0x400000006, Len: 8, Region: "input"}, "AccessViolation",
				"Access violation reading 8 bytes at address 0x400000006 (in input region)"},
			{&sbpf.EbpfError{Kind: sbpf.ErrStackAccessViolation, Access: sbpf.Store, Addr: 0x200001008, Len: 4, Frame: 1}, "StackAccessViolation",
				"Access violation in stack frame 1 at address 0x200001008 of size 4"},
			{&sbpf.EbpfError{Kind: sbpf.ErrInvalidInstruction}, "InvalidInstruction", "invalid BPF instruction"},
			{&sbpf.EbpfError{Kind: sbpf.ErrUnsupportedInstruction}, "UnsupportedInstruction", "unsupported BPF instruction"},
			{&sbpf.EbpfError{Kind: sbpf.ErrExhaustedTextSegment, Index: 9}, "ExhaustedTextSegment", "Compilation exhausted text segment at BPF instruction 9"},
			{&sbpf.EbpfError{Kind: sbpf.ErrVerifierError, Err: &sbpf.VerifierError{Kind: sbpf.VerrInfiniteLoop, PC: 4}}, "VerifierError", "Verifier error: infinite loop (insn #4)"},
			{&sbpf.EbpfError{Kind: sbpf.ErrSyscallError, Err: inner}, "SyscallError", "Syscall error: boom"},
		}
		for _, c := range cases {
			Expect(c.e.Kind.String()).To(Equal(c.name))
			Expect(c.e.Name()).To(Equal(c.name))
			Expect(c.e.Error()).To(Equal(c.msg))
		}
		Expect(errors.Is(cases[len(cases)-1].e, inner)).To(BeTrue())
		Expect(sbpf.ErrLibcInvocationFailed.String()).To(Equal("LibcInvocationFailed"))
		Expect(sbpf.EbpfErrorKind(200).String()).To(Equal("EbpfErrorKind(200)"))
		Expect(sbpf.VariantName(uint8(1), []string{"A", "B"}, "T")).To(Equal("B"))
		Expect(sbpf.VariantName(uint8(2), []string{"A", "B"}, "T")).To(Equal("T(2)"))
	})

	It("reports the faulting pc and leaves the registers as they were", func() {
		v := sbpf.V0
		res := execute(runSpec{v: v, cfg: versionCfg(v), budget: 10, text: prog(movi(3, 9), movi(0, 1), ix(sbpf.OpDiv64Reg, 0, 2, 0, 0), exit)})
		e := ebpfErr(res.err)
		Expect(e.Kind).To(Equal(sbpf.ErrDivideByZero))
		Expect(e.PC).To(Equal(uint64(2)))
		Expect(res.vm.Regs[3]).To(Equal(uint64(9)))
		Expect(res.vm.Regs[11]).To(Equal(uint64(2)))
	})
})
