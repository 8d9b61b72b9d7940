package sbpf_test

import (
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
)

// ix encodes one instruction slot.
func ix(opc uint8, dst, src uint8, off int16, imm int64) []byte {
	b := sbpf.Insn{Opc: opc, Dst: dst, Src: src, Off: off, Imm: imm}.Bytes()
	return b[:]
}

// lddw encodes the two slots of lddw dst, v.
func lddw(dst uint8, v uint64) []byte {
	return append(ix(sbpf.OpLdDwImm, dst, 0, 0, int64(int32(uint32(v)))), ix(0, 0, 0, 0, int64(int32(uint32(v>>32))))...)
}

func prog(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

var exit = ix(sbpf.OpExit, 0, 0, 0, 0)

// nop is what anza's assembler emits for "add64 r10, 0" when the version has
// fixed frames (or64 r0, 0); on v1/v2 it is a real add64 r10, 0.
func nop(v sbpf.Version) []byte {
	if v.ManualStackFrameBump() {
		return ix(sbpf.OpAdd64Imm, 10, 0, 0, 0)
	}
	return ix(sbpf.OpOr64Imm, 0, 0, 0, 0)
}

func movi(dst uint8, imm int64) []byte { return ix(sbpf.OpMov64Imm, dst, 0, 0, imm) }

// call encodes a call from slot pc to slot target like anza's assembler and
// registers the function for versions without static syscalls.
func call(v sbpf.Version, fr *sbpf.FunctionRegistry, pc, target int64) []byte {
	if v.StaticSyscalls() {
		return ix(sbpf.OpCallImm, 0, 1, 0, target-pc-1)
	}
	if err := fr.Register(uint32(target), "", uint64(target)); err != nil {
		panic(err)
	}
	return ix(sbpf.OpCallImm, 0, 0, 0, target)
}

// callx encodes callx reg for the version.
func callx(v sbpf.Version, reg uint8) []byte {
	switch {
	case v.CallxUsesSrcReg():
		return ix(sbpf.OpCallReg, 0, reg, 0, 0)
	case v.CallxUsesDstReg():
		return ix(sbpf.OpCallReg, reg, 0, 0, 0)
	}
	return ix(sbpf.OpCallReg, 0, 0, 0, int64(reg))
}

// sysCall encodes a call of a registered syscall.
func sysCall(name string) []byte {
	return ix(sbpf.OpCallImm, 0, 0, 0, int64(int32(sbpf.HashSymbolName([]byte(name)))))
}

type testMeter struct{ remaining uint64 }

func (m *testMeter) Consume(u uint64) {
	if u > m.remaining {
		m.remaining = 0
	} else {
		m.remaining -= u
	}
}
func (m *testMeter) Remaining() uint64 { return m.remaining }

type runSpec struct {
	v        sbpf.Version
	text     []byte
	budget   uint64
	input    []byte
	cfg      func(*sbpf.Config)
	funcs    *sbpf.FunctionRegistry
	syscalls map[string]sbpf.SyscallFunc
	heap     []byte
}

type runResult struct {
	count uint64
	r0    uint64
	err   error
	vm    *sbpf.VM
	input []byte
}

func build(s runSpec) (*sbpf.Executable, error) {
	cfg := sbpf.DefaultConfig()
	if s.cfg != nil {
		s.cfg(&cfg)
	}
	l := sbpf.NewLoader(cfg)
	for name, fn := range s.syscalls {
		Expect(l.RegisterSyscall(name, fn)).To(Succeed())
	}
	fr := s.funcs
	if fr == nil {
		fr = sbpf.NewFunctionRegistry()
	}
	exe, err := sbpf.NewExecutableFromText(s.text, l, s.v, fr)
	if err != nil {
		return nil, err
	}
	return exe, exe.Verify()
}

func execute(s runSpec) runResult {
	exe, err := build(s)
	Expect(err).NotTo(HaveOccurred())
	input := append([]byte(nil), s.input...)
	mem, err := sbpf.NewStandardMapping(exe, nil, s.heap, input, nil)
	Expect(err).NotTo(HaveOccurred())
	m := &testMeter{remaining: s.budget}
	vm := sbpf.NewVM(exe, m, mem, nil)
	count, r0, err := vm.Execute()
	return runResult{count: count, r0: r0, err: err, vm: vm, input: input}
}

// expectRun runs s like anza's test_interpreter_and_jit: with the exact budget the
// instruction count must equal it; with a budget of 1024 the result must be the
// same (unless the expected error is ExceededMaxInstructions).
func expectRun(s runSpec, want any) runResult {
	res := execute(s)
	checkResult(res, want)
	Expect(res.count).To(Equal(s.budget), "instruction count")
	if k, ok := want.(sbpf.EbpfErrorKind); !ok || k != sbpf.ErrExceededMaxInstructions {
		s2 := s
		s2.budget = 1024
		res2 := execute(s2)
		checkResult(res2, want)
		Expect(res2.count).To(Equal(s.budget), "instruction count with a larger budget")
	}
	return res
}

func checkResult(res runResult, want any) {
	switch w := want.(type) {
	case uint64:
		Expect(res.err).NotTo(HaveOccurred())
		Expect(res.r0).To(Equal(w))
	case int:
		Expect(res.err).NotTo(HaveOccurred())
		Expect(res.r0).To(Equal(uint64(w)))
	case sbpf.EbpfErrorKind:
		Expect(ebpfErr(res.err).Kind).To(Equal(w), "error %v", res.err)
	case *sbpf.EbpfError:
		e := ebpfErr(res.err)
		Expect(e.Kind).To(Equal(w.Kind), "error %v", res.err)
		Expect(e.Access).To(Equal(w.Access))
		Expect(e.Addr).To(Equal(w.Addr))
		Expect(e.Len).To(Equal(w.Len))
		Expect(e.Region).To(Equal(w.Region))
		Expect(e.Frame).To(Equal(w.Frame))
	default:
		Fail("bad expectation type")
	}
}

func ebpfErr(err error) *sbpf.EbpfError {
	var e *sbpf.EbpfError
	Expect(errors.As(err, &e)).To(BeTrue(), "want *EbpfError, got %v", err)
	return e
}

func versionCfg(v sbpf.Version) func(*sbpf.Config) {
	return func(c *sbpf.Config) { c.EnabledVersions = [2]sbpf.Version{v, v} }
}

var allVersions = []sbpf.Version{sbpf.V0, sbpf.V1, sbpf.V2, sbpf.V3, sbpf.V4}
