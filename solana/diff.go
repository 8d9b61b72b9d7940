package solana

import (
	"bytes"

	"github.com/sbpf-pvm/sbpf-pvm/runners"
)

// ComputeDiff returns {account: old → new} for every account whose lamports, data, owner,
// executable flag or rent epoch differ between pre and post (same order, same keys).
// Unchanged accounts are absent; the result is never nil.
func ComputeDiff(pre, post []Account) runners.StateDiff {
	diff := runners.StateDiff{}
	for i := range pre {
		if i >= len(post) {
			break
		}
		a, b := &pre[i], &post[i]
		var d runners.AccountDiff
		changed := false
		if a.Lamports != b.Lamports {
			d.Lamports = &[2]uint64{a.Lamports, b.Lamports}
			changed = true
		}
		if !bytes.Equal(a.Data, b.Data) {
			d.Data = &runners.DataDiff{Old: bytes.Clone(a.Data), New: bytes.Clone(b.Data)}
			if d.Data.Old == nil {
				d.Data.Old = runners.Hex{}
			}
			if d.Data.New == nil {
				d.Data.New = runners.Hex{}
			}
			changed = true
		}
		if a.Owner != b.Owner {
			d.Owner = &[2]string{a.Owner.String(), b.Owner.String()}
			changed = true
		}
		if a.Executable != b.Executable {
			d.Executable = &[2]bool{a.Executable, b.Executable}
			changed = true
		}
		if a.RentEpoch != b.RentEpoch {
			d.RentEpoch = &[2]uint64{a.RentEpoch, b.RentEpoch}
			changed = true
		}
		if changed {
			diff[a.Key.String()] = d
		}
	}
	return diff
}

// ApplyDiff applies a diff to accounts (matched by base58 key) and returns the new
// state; it is ComputeDiff's inverse and is used to check diffs produced elsewhere.
// Accounts named in the diff but absent from accounts are ignored.
func ApplyDiff(accounts []Account, diff runners.StateDiff) ([]Account, error) {
	out := CloneAccounts(accounts)
	for i := range out {
		d, ok := diff[out[i].Key.String()]
		if !ok {
			continue
		}
		if d.Lamports != nil {
			out[i].Lamports = d.Lamports[1]
		}
		if d.Data != nil {
			out[i].Data = bytes.Clone([]byte(d.Data.New))
		}
		if d.Owner != nil {
			k, err := ParsePublicKey(d.Owner[1])
			if err != nil {
				return nil, err
			}
			out[i].Owner = k
		}
		if d.Executable != nil {
			out[i].Executable = d.Executable[1]
		}
		if d.RentEpoch != nil {
			out[i].RentEpoch = d.RentEpoch[1]
		}
	}
	return out, nil
}
