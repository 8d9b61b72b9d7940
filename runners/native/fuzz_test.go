package native_test

import (
	"testing"

	"github.com/sbpf-pvm/sbpf-pvm/runners"
	"github.com/sbpf-pvm/sbpf-pvm/runners/native"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/asm"
	"github.com/sbpf-pvm/sbpf-pvm/solana"
)

// FuzzExecute runs mutated programs (a valid ELF with fuzzer-chosen bytes patched in)
// over fuzzer-chosen instruction data: whatever the program does, the runner returns a
// complete Result, never panics, never reports more compute units than the budget, and a
// failure never carries a diff.
func FuzzExecute(f *testing.F) {
	base, err := asm.AssembleELF(`
entrypoint:
	ldxdw r2, [r1+0]
	ldxb r3, [r1+96]
	add64 r3, r2
	stxb [r1+96], r3
	mov64 r1, r10
	add64 r1, -16
	mov64 r2, 4
	syscall sol_log_
	mov64 r0, 0
	exit`, sbpf.V0)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(uint32(0), []byte{}, []byte{1, 2})
	f.Add(uint32(0xb0), []byte{0x95, 0, 0, 0, 0, 0, 0, 0}, []byte{})
	f.Add(uint32(0xc8), []byte{0x7b, 0x1a, 0x58, 0, 0, 0, 0, 0}, []byte{0xff})
	pid := solana.PublicKey{9}
	accounts := []solana.Account{
		{Key: solana.PublicKey{1}, Owner: pid, Lamports: 10, Data: []byte{1, 2, 3}},
		{Key: solana.PublicKey{2}, Owner: solana.PublicKey{3}, Lamports: 20},
	}
	f.Fuzz(func(t *testing.T, at uint32, patch, ixData []byte) {
		prog := append([]byte(nil), base...)
		if len(patch) > 64 {
			patch = patch[:64]
		}
		copy(prog[int(at)%len(prog):], patch)
		ix := &solana.Instruction{ProgramID: pid, Data: ixData, Accounts: []solana.InstructionAccount{
			{Index: 0, Writable: true}, {Index: 1}, {Index: 0, Writable: true}}}
		const budget = 50_000
		r := native.Execute(prog, accounts, ix, budget, solana.DefaultSysvars())
		switch {
		case r.ComputeUnits > budget:
			t.Fatalf("CU %d > budget", r.ComputeUnits)
		case r.Status == runners.StatusSuccess && r.Error != nil:
			t.Fatalf("success with error %s", *r.Error)
		case r.Status == runners.StatusFailure && (r.Error == nil || *r.Error == "" || len(r.Diff) != 0):
			t.Fatalf("bad failure result %+v", r)
		case len(r.Logs) == 0:
			t.Fatalf("no logs")
		}
		if accounts[0].Data[0] != 1 || accounts[0].Lamports != 10 {
			t.Fatalf("input accounts modified")
		}
	})
}
