package node_test

import (
	"testing"

	"github.com/sbpf-pvm/sbpf-pvm/node"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
	"github.com/sbpf-pvm/sbpf-pvm/solana"
)

// BenchmarkValidate measures the node's check of a three-account diff.
func BenchmarkValidate(b *testing.B) {
	accs, ix := fixture()
	a, bb, c := key("a").String(), key("b").String(), key("c").String()
	diff := runners.StateDiff{
		a:  {Lamports: lamports(1000, 900), Data: data([]byte{1, 2, 3, 4}, []byte{1, 2})},
		bb: {Lamports: lamports(500, 590)},
		c:  {Lamports: lamports(700, 710)},
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := node.Validate(accs, ix, diff); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "diffs/s")
}

// BenchmarkSubmit measures validate + commit into a MemStore, alternating a diff and
// its inverse so every iteration commits.
func BenchmarkSubmit(b *testing.B) {
	accs, ix := fixture()
	keys := make([]solana.PublicKey, len(accs))
	for i := range accs {
		keys[i] = accs[i].Key
	}
	n := node.New(node.NewMemStore(accs...))
	a, bb := key("a").String(), key("b").String()
	fwd := runners.StateDiff{a: {Lamports: lamports(1000, 900)}, bb: {Lamports: lamports(500, 600)}}
	back := runners.StateDiff{a: {Lamports: lamports(900, 1000)}, bb: {Lamports: lamports(600, 500)}}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		d := fwd
		if i%2 == 1 {
			d = back
		}
		i++
		r, err := n.Submit("bench", keys, ix, d)
		if err != nil || r.Status != node.ReceiptCommitted {
			b.Fatalf("%v %+v", err, r)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
}
