package node_test

import (
	"encoding/json"
	"testing"

	"github.com/sbpf-pvm/sbpf-pvm/node"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
	"github.com/sbpf-pvm/sbpf-pvm/solana"
)

// FuzzSubmit feeds arbitrary JSON diffs to a node: it must never panic, and a diff that
// is not committed must leave the store byte-identical.
func FuzzSubmit(f *testing.F) {
	a, c := key("a").String(), key("c").String()
	f.Add(`{}`)
	f.Add(`{"` + a + `":{"lamports":[1000,900]},"` + c + `":{"lamports":[700,800]}}`)
	f.Add(`{"` + a + `":{"data":{"old":"0x01020304","new":"0x"}}}`)
	f.Add(`{"` + a + `":{"owner":["x","y"]}}`)
	f.Fuzz(func(t *testing.T, js string) {
		var diff runners.StateDiff
		if json.Unmarshal([]byte(js), &diff) != nil {
			return
		}
		accs, ix := fixture()
		keys := make([]solana.PublicKey, len(accs))
		for i := range accs {
			keys[i] = accs[i].Key
		}
		st := node.NewMemStore(accs...)
		before := st.Encode()
		r, err := node.New(st).Submit("fuzz", keys, ix, diff)
		if err != nil {
			t.Fatalf("unexpected node error: %v", err)
		}
		if r.Status != node.ReceiptCommitted && string(st.Encode()) != string(before) {
			t.Fatalf("store changed by a %s diff", r.Status)
		}
	})
}
