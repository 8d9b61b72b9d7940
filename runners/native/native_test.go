package native_test

import (
	"context"
	"fmt"

	solanago "github.com/gagliardetto/solana-go"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/runners"
	"github.com/sbpf-pvm/sbpf-pvm/runners/native"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/asm"
	"github.com/sbpf-pvm/sbpf-pvm/solana"
)

func fill(b byte) solanago.PublicKey {
	var k solanago.PublicKey
	for i := range k {
		k[i] = b + byte(i)
	}
	return k
}

var (
	pid   = fill(0x10)
	acct0 = fill(0x20)
	acct1 = fill(0x30)
	other = fill(0x40)
)

// Offsets in the input region of the first account (see solana.Serialize).
const (
	lamports0 = 80
	dataLen0  = 88
	data0     = 96
)

func program(src string) []byte {
	b, err := asm.AssembleELF(src, sbpf.V0)
	Expect(err).NotTo(HaveOccurred(), src)
	return b
}

func newCase(src string, budget uint64, accounts ...runners.CaseAccount) *runners.Case {
	c := &runners.Case{Name: "t", ProgramID: pid.String(), ComputeBudget: budget, Accounts: accounts,
		InstructionData: runners.Hex{1, 2, 3}}
	c.SetProgramBytes(program(src))
	Expect(c.Validate()).To(Succeed())
	return c
}

func owned(key solanago.PublicKey, lamports uint64, data []byte, writable bool) runners.CaseAccount {
	return runners.CaseAccount{Key: key.String(), Owner: pid.String(), Lamports: lamports, Data: data, Writable: writable}
}

func run(c *runners.Case) *runners.Result {
	r, err := native.New().Run(context.Background(), c)
	Expect(err).NotTo(HaveOccurred())
	Expect(r.Runner).To(Equal("native"))
	Expect(r.Case).To(Equal("t"))
	return r
}

func invoke() string { return "Program " + pid.String() + " invoke [1]" }
func consumed(n, of uint64) string {
	return fmt.Sprintf("Program %s consumed %d of %d compute units", pid, n, of)
}
func failed(msg string) string { return "Program " + pid.String() + " failed: " + msg }
func success() string          { return "Program " + pid.String() + " success" }

var _ = Describe("native runner", func() {
	It("runs a program that logs, sets return data and writes account data", func() {
		c := newCase(`
entrypoint:
	mov64 r6, r1
	stb [r6+96], 0x7f
	stb [r10-8], 0x68
	stb [r10-7], 0x69
	mov64 r1, r10
	add64 r1, -8
	mov64 r2, 2
	syscall sol_log_
	mov64 r1, r10
	add64 r1, -8
	mov64 r2, 2
	syscall sol_set_return_data
	mov64 r0, 0
	exit`, 200_000, owned(acct0, 10, []byte{0, 0, 0, 0}, true))
		r := run(c)
		Expect(r.Status).To(Equal(runners.StatusSuccess))
		Expect(r.Error).To(BeNil())
		Expect(r.InstructionCount).To(Equal(uint64(14)))
		Expect(r.ComputeUnits).To(Equal(uint64(14 + 100 + 100)))
		Expect(r.Logs).To(Equal([]string{
			invoke(),
			"Program log: hi",
			consumed(214, 200_000),
			"Program return: " + pid.String() + " aGk=",
			success(),
		}))
		Expect(r.ReturnData).NotTo(BeNil())
		Expect(r.ReturnData.ProgramID).To(Equal(pid.String()))
		Expect([]byte(r.ReturnData.Data)).To(Equal([]byte("hi")))
		Expect(r.Diff).To(HaveLen(1))
		d := r.Diff[acct0.String()]
		Expect([]byte(d.Data.Old)).To(Equal([]byte{0, 0, 0, 0}))
		Expect([]byte(d.Data.New)).To(Equal([]byte{0x7f, 0, 0, 0}))
		Expect(r.WallNS).To(BeNumerically(">", 0))
	})

	It("reports a non-zero r0 as Custom with the code", func() {
		r := run(newCase("mov64 r0, 42\nexit", 1000))
		Expect(r.Status).To(Equal(runners.StatusFailure))
		Expect(*r.Error).To(Equal(solana.Custom))
		Expect(r.ExitCode).To(Equal(uint64(42)))
		Expect(r.ComputeUnits).To(Equal(uint64(2)))
		Expect(r.Logs).To(Equal([]string{invoke(), consumed(2, 1000), failed("custom program error: 0x2a")}))
		Expect(r.Diff).To(BeEmpty())
	})

	It("maps builtin return codes", func() {
		r := run(newCase("lddw r0, 0x300000000\nexit", 1000))
		Expect(*r.Error).To(Equal(solana.InvalidInstructionData))
		Expect(r.Logs[2]).To(Equal(failed("invalid instruction data")))
	})

	It("burns the whole budget on a VM fault (DivideByZero)", func() {
		r := run(newCase("mov64 r0, 1\nmov64 r1, 0\ndiv64 r0, r1\nexit", 5000))
		Expect(*r.Error).To(Equal(solana.KindDivideByZero))
		Expect(r.ComputeUnits).To(Equal(uint64(5000)))
		Expect(r.Logs).To(Equal([]string{invoke(), consumed(3, 5000), failed("divide by zero at BPF instruction")}))
		Expect(r.ErrorDetail).To(ContainSubstring("ProgramFailedToComplete"))
	})

	It("reports an access violation", func() {
		r := run(newCase("lddw r1, 0x10\nldxb r0, [r1+0]\nexit", 5000))
		Expect(*r.Error).To(Equal(solana.KindAccessViolation))
		Expect(r.ComputeUnits).To(Equal(uint64(5000)))
		Expect(r.Logs[2]).To(HavePrefix(failed("Access violation")))
	})

	It("stops at the budget with ExceededMaxInstructions", func() {
		r := run(newCase("entrypoint:\nja entrypoint\nexit", 1000))
		Expect(*r.Error).To(Equal(solana.KindExceededMaxInstructions))
		Expect(r.ComputeUnits).To(Equal(uint64(1000)))
		Expect(r.Logs[1]).To(Equal(consumed(1000, 1000)))
	})

	It("does not burn the budget for a syscall error (abort)", func() {
		r := run(newCase("mov64 r1, 1\nsyscall abort\nexit", 5000))
		Expect(*r.Error).To(Equal(solana.Abort))
		Expect(r.ComputeUnits).To(Equal(uint64(2)))
		Expect(r.Logs).To(Equal([]string{invoke(), consumed(2, 5000), failed("SBF program panicked")}))
	})

	It("reports ComputationalBudgetExceeded from a syscall", func() {
		r := run(newCase("mov64 r1, r10\nmov64 r2, 150\nsyscall sol_log_\nexit", 120))
		Expect(*r.Error).To(Equal(solana.ComputationalBudgetExceeded))
		Expect(r.ComputeUnits).To(Equal(uint64(120)))
		Expect(r.Logs[2]).To(Equal(failed("Computational budget exceeded")))
	})

	It("fails cross-program invocation with UnsupportedCPI", func() {
		r := run(newCase("syscall sol_invoke_signed_c\nexit", 5000))
		Expect(*r.Error).To(Equal(solana.UnsupportedCPI))
		Expect(r.ComputeUnits).To(Equal(uint64(1001)))
	})

	It("rejects writes to a read-only account after execution", func() {
		r := run(newCase("stb [r1+96], 1\nmov64 r0, 0\nexit", 5000, owned(acct0, 10, []byte{0}, false)))
		Expect(*r.Error).To(Equal(solana.ReadonlyDataModified))
		Expect(r.ComputeUnits).To(Equal(uint64(3)))
		Expect(r.Logs).To(Equal([]string{invoke(), consumed(3, 5000), failed("instruction modified data of a read-only account")}))
		Expect(r.Diff).To(BeEmpty())
	})

	It("reports UnbalancedInstruction after the success line", func() {
		r := run(newCase("stdw [r1+80], 11\nmov64 r0, 0\nexit", 5000, owned(acct0, 10, nil, true)))
		Expect(*r.Error).To(Equal(solana.UnbalancedInstruction))
		Expect(r.Logs[len(r.Logs)-1]).To(Equal(success()))
		Expect(r.Diff).To(BeEmpty())
	})

	It("moves lamports between accounts and grows data (realloc)", func() {
		acc1Lamports := 96 + 8 + 10240 + 8 + 8 + 32 + 32 // second account's lamports offset
		src := fmt.Sprintf(`
	ldxdw r2, [r1+80]
	sub64 r2, 3
	stxdw [r1+80], r2
	ldxdw r2, [r1+%d]
	add64 r2, 3
	stxdw [r1+%d], r2
	stdw [r1+88], 10
	stb [r1+105], 0xee
	mov64 r0, 0
	exit`, acc1Lamports, acc1Lamports)
		r := run(newCase(src, 5000, owned(acct0, 10, []byte{1}, true), owned(acct1, 20, nil, true)))
		Expect(r.Status).To(Equal(runners.StatusSuccess), fmt.Sprint(r.Logs))
		Expect(*r.Diff[acct0.String()].Lamports).To(Equal([2]uint64{10, 7}))
		Expect(*r.Diff[acct1.String()].Lamports).To(Equal([2]uint64{20, 23}))
		Expect([]byte(r.Diff[acct0.String()].Data.New)).To(Equal([]byte{1, 0, 0, 0, 0, 0, 0, 0, 0, 0xee}))
	})

	It("rejects growth beyond 10 KiB with InvalidRealloc", func() {
		r := run(newCase("stdw [r1+88], 10242\nmov64 r0, 0\nexit", 5000, owned(acct0, 10, []byte{1}, true)))
		Expect(*r.Error).To(Equal(solana.InvalidRealloc))
	})

	It("serializes duplicates so the program sees one account", func() {
		// the duplicate entry (8 bytes) follows account 0; then instruction data length
		src := `
	ldxb r2, [r1+10344]
	jne r2, 0, +2
	ldxdw r0, [r1+10352]
	exit
	mov64 r0, 99
	exit`
		a := owned(acct0, 10, nil, true)
		r := run(newCase(src, 5000, a, a))
		Expect(*r.Error).To(Equal(solana.Custom))
		Expect(r.ExitCode).To(Equal(uint64(3)), "instruction data length, after an 8-byte duplicate entry at position 0")
	})

	It("reports an unloadable ELF with the loader's error kind", func() {
		c := &runners.Case{Name: "t", ProgramID: pid.String(), ComputeBudget: 1000}
		c.SetProgramBytes([]byte("\x7fELF not really"))
		Expect(c.Validate()).To(Succeed())
		r := run(c)
		Expect(r.Status).To(Equal(runners.StatusFailure))
		Expect(*r.Error).NotTo(BeEmpty())
		Expect(r.ComputeUnits).To(BeZero())
		Expect(r.Logs).To(Equal([]string{invoke(), "Program is not deployed", failed("Unsupported program id")}))
	})

	It("is deterministic", func() {
		c := newCase("mov64 r1, r10\nmov64 r2, 0\nsyscall sol_log_compute_units_\nmov64 r0, 0\nexit", 10_000)
		a, b := run(c), run(c)
		a.WallNS, b.WallNS = 0, 0
		Expect(a).To(Equal(b))
		Expect(a.Logs[1]).To(Equal("Program consumption: 9897 units remaining"))
	})

	It("shares a loaded program between runs without mixing programs up", func() {
		// Same ELF twice (the second from the cache), then ELFs differing in one
		// immediate, then the rejected ELF twice: each result is its own program's.
		for i := 0; i < 2; i++ {
			for _, v := range []uint64{5, 6, 7} {
				r := run(newCase(fmt.Sprintf("mov64 r0, %d\nexit", v), 100))
				Expect(r.ExitCode).To(Equal(v))
				Expect(r.ComputeUnits).To(Equal(uint64(2)))
			}
			r := run(newCase("mov64 r0, 1\nmov64 r1, 0\ndiv64 r0, r1\nexit", 100))
			Expect(*r.Error).To(Equal("DivideByZero"))
			bad := &runners.Case{Name: "t", ProgramID: pid.String(), ComputeBudget: 1000}
			bad.SetProgramBytes([]byte("\x7fELF not really"))
			Expect(bad.Validate()).To(Succeed())
			Expect(run(bad).Logs).To(ContainElement("Program is not deployed"))
		}
	})

	It("leaves the caller's accounts alone and reuses no data between runs", func() {
		// The program writes the first data byte; the second run must see the case's
		// original byte again (input buffers are recycled, account data is not).
		src := "ldxb r2, [r1+96]\nadd64 r2, 1\nstxb [r1+96], r2\nmov64 r0, 0\nexit"
		c := newCase(src, 100, owned(acct0, 1, []byte{41, 0}, true))
		for i := 0; i < 3; i++ {
			r := run(c)
			Expect(r.ExitCode).To(BeZero(), "%v %v", r.Error, r.Logs)
			Expect(r.Diff).To(HaveKey(acct0.String()))
			Expect(r.Diff[acct0.String()].Data.New).To(Equal(runners.Hex{42, 0}))
		}
		Expect(c.Accounts[0].Data).To(Equal(runners.Hex{41, 0}))
	})

	It("uses other owners' accounts read-only", func() {
		r := run(newCase("ldxdw r0, [r1+80]\nexit", 5000,
			runners.CaseAccount{Key: acct0.String(), Owner: other.String(), Lamports: 77}))
		Expect(r.ExitCode).To(Equal(uint64(77)))
	})
})
