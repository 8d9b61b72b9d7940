package solana_test

import (
	"testing"

	"github.com/sbpf-pvm/sbpf-pvm/solana"
)

// BenchmarkSerializeDeserialize round-trips 8 accounts of 4 KiB (one duplicate) and
// reports the input-region bytes processed per second.
func BenchmarkSerializeDeserialize(b *testing.B) {
	pid := solana.PublicKey{1}
	var accounts []solana.Account
	ix := &solana.Instruction{ProgramID: pid, Data: make([]byte, 64)}
	for i := 0; i < 8; i++ {
		accounts = append(accounts, solana.Account{Key: solana.PublicKey{byte(2 + i)}, Owner: pid, Lamports: 1, Data: make([]byte, 4096)})
		ix.Accounts = append(ix.Accounts, solana.InstructionAccount{Index: i, Writable: true})
	}
	ix.Accounts = append(ix.Accounts, solana.InstructionAccount{Index: 3, Writable: true})
	var n int
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		in, err := solana.Serialize(accounts, ix)
		if err != nil {
			b.Fatal(err)
		}
		lens := make([]int, len(in.Accounts))
		for j, a := range in.Accounts {
			lens[j] = a.OriginalDataLen
		}
		post := solana.CloneAccounts(accounts)
		if err := solana.Deserialize(in.Buffer, post, ix, lens); err != nil {
			b.Fatal(err)
		}
		n += len(in.Buffer)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds()/1e6, "MB/s")
}
