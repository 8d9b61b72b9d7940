package native_test

import (
	"testing"

	"github.com/sbpf-pvm/sbpf-pvm/runners/native"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/asm"
	"github.com/sbpf-pvm/sbpf-pvm/solana"
)

// BenchmarkExecuteLoop runs a whole instruction (load, verify, serialize, execute,
// deserialize, diff) whose program loops 10000 times over one account, and reports
// the compute units per second of the complete pipeline.
func BenchmarkExecuteLoop(b *testing.B) {
	elfBytes, err := asm.AssembleELF(`
entrypoint:
	mov64 r2, 0
loop:
	ldxb r3, [r1+96]
	add64 r3, 1
	stxb [r1+96], r3
	add64 r2, 1
	jlt r2, 10000, loop
	mov64 r0, 0
	exit`, sbpf.V0)
	if err != nil {
		b.Fatal(err)
	}
	pid := solana.PublicKey{1}
	accounts := []solana.Account{{Key: solana.PublicKey{2}, Owner: pid, Lamports: 1, Data: make([]byte, 64)}}
	ix := &solana.Instruction{ProgramID: pid, Accounts: []solana.InstructionAccount{{Index: 0, Writable: true}}}
	var cu uint64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := native.Execute(elfBytes, accounts, ix, 200_000, solana.DefaultSysvars())
		if r.Status != "success" {
			b.Fatalf("%v %v", r.Error, r.Logs)
		}
		cu += r.ComputeUnits
	}
	b.ReportMetric(float64(cu)/b.Elapsed().Seconds(), "CU/s")
}

// BenchmarkExecuteEmpty measures the fixed cost of one instruction (ELF load, verify,
// serialization of 4 accounts with 1 KiB each, VM setup) around a two-instruction
// program.
func BenchmarkExecuteEmpty(b *testing.B) {
	elfBytes, err := asm.AssembleELF("mov64 r0, 0\nexit", sbpf.V0)
	if err != nil {
		b.Fatal(err)
	}
	pid := solana.PublicKey{1}
	var accounts []solana.Account
	ix := &solana.Instruction{ProgramID: pid}
	for i := 0; i < 4; i++ {
		accounts = append(accounts, solana.Account{Key: solana.PublicKey{byte(2 + i)}, Owner: pid, Data: make([]byte, 1024)})
		ix.Accounts = append(ix.Accounts, solana.InstructionAccount{Index: i, Writable: true})
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		native.Execute(elfBytes, accounts, ix, 200_000, solana.DefaultSysvars())
	}
}
