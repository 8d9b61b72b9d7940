package transpiled_test

import (
	"context"
	"testing"

	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
	"github.com/sbpf-pvm/sbpf-pvm/runners/native"
	"github.com/sbpf-pvm/sbpf-pvm/runners/transpiled"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/asm"
	"github.com/sbpf-pvm/sbpf-pvm/solana"
)

func acctKey(b byte) string {
	var k solana.PublicKey
	for i := range k {
		k[i] = b ^ byte(3*i+1)
	}
	return k.String()
}

var progID = acctKey(77)

// Input region offsets of the first account of newCase (aligned ABI).
const (
	inLamports = 80
	inDataLen  = 88
	inData     = 96
)

// newCase assembles src for version v into a case with a writable program-owned account
// (data 0x10..0x1f) and a read-only foreign one.
func newCase(name, src string, v sbpf.Version, budget uint64) *runners.Case {
	elfBytes, err := asm.AssembleELF(src, v)
	Expect(err).NotTo(HaveOccurred(), name)
	return caseFor(name, elfBytes, budget)
}

// newCaseTB is newCase for benchmarks (no Gomega).
func newCaseTB(b testing.TB, src string) *runners.Case {
	elfBytes, err := asm.AssembleELF(src, sbpf.V0)
	if err != nil {
		b.Fatal(err)
	}
	c := caseFor("bench", elfBytes, 100000)
	return c
}

func caseFor(name string, elfBytes []byte, budget uint64) *runners.Case {
	data := make(runners.Hex, 16)
	for i := range data {
		data[i] = byte(0x10 + i)
	}
	c := &runners.Case{
		Name:            name,
		ProgramID:       progID,
		ComputeBudget:   budget,
		InstructionData: runners.Hex{1, 2, 3},
		Accounts: []runners.CaseAccount{
			{Key: acctKey(1), Owner: progID, Lamports: 5000, Data: data, Signer: true, Writable: true},
			{Key: acctKey(2), Owner: acctKey(9), Lamports: 700, Data: runners.Hex{0xEE}},
		},
	}
	c.SetProgramBytes(elfBytes)
	if err := c.Validate(); err != nil {
		panic(err)
	}
	return c
}

// observed is everything DESIGN.md compares, plus the instruction count.
type observed struct {
	Status, Error string
	ExitCode, CU  uint64
	Insns         uint64
	Logs          []string
	ReturnData    *runners.ReturnData
	Diff          runners.StateDiff
}

func observe(r *runners.Result) observed {
	o := observed{Status: r.Status, ExitCode: r.ExitCode, CU: r.ComputeUnits, Insns: r.InstructionCount, Logs: r.Logs, ReturnData: r.ReturnData, Diff: r.Diff}
	if r.Error != nil {
		o.Error = *r.Error
	}
	if o.Logs == nil {
		o.Logs = []string{}
	}
	if o.Diff == nil {
		o.Diff = runners.StateDiff{}
	}
	return o
}

func runNative(c *runners.Case) *runners.Result {
	r, err := native.New().Run(context.Background(), c)
	Expect(err).NotTo(HaveOccurred())
	return r
}

var trRunner = transpiled.New(pvm.GP072)

func runTranspiled(c *runners.Case) *runners.Result {
	r, err := trRunner.Run(context.Background(), c)
	Expect(err).NotTo(HaveOccurred(), c.Name)
	return r
}

// expectAgreement runs c on both runners and compares; it returns native's result.
func expectAgreement(c *runners.Case) *runners.Result {
	want := runNative(c)
	got := runTranspiled(c)
	Expect(observe(got)).To(Equal(observe(want)), "case %s (transpiled detail: %s)", c.Name, got.ErrorDetail)
	return want
}
