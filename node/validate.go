package node

import (
	"bytes"
	"fmt"

	"github.com/sbpf-pvm/sbpf-pvm/runners"
	"github.com/sbpf-pvm/sbpf-pvm/solana"
)

// Node-side rejection kinds that are not Agave InstructionErrors: the diff does not
// describe a change of the state the node holds.
const (
	// KindStaleDiff: an old value in the diff differs from the stored one.
	KindStaleDiff = "StaleDiff"
	// KindMalformedDiff: the diff cannot be read (bad key, impossible value).
	KindMalformedDiff = "MalformedDiff"
)

// RuleError is a rejected diff. Kind is the Agave InstructionError variant name (or
// one of the node kinds above); Key names the offending account when there is one.
type RuleError struct {
	Kind   string
	Key    string
	Detail string
}

func (e *RuleError) Error() string {
	s := "node: diff rejected: " + e.Kind
	if e.Key != "" {
		s += " (account " + e.Key + ")"
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

func reject(kind, key, format string, args ...any) *RuleError {
	return &RuleError{Kind: kind, Key: key, Detail: fmt.Sprintf(format, args...)}
}

// Validate checks diff against the pre-instruction state: pre are the transaction's
// accounts (ix.Accounts index into them) as the store holds them. It returns the new
// state of pre (a copy) or a *RuleError.
//
// Checks, in Agave's order (program-runtime deserialize_parameters_aligned and
// BorrowedInstructionAccount), per instruction account at its first occurrence:
//   - lamports: ExternalAccountLamportSpend (debit of an account the program does not
//     own), ReadonlyLamportChange;
//   - data: InvalidRealloc (grew by more than 10 KiB or past 10 MiB),
//     AccountDataSizeChanged (length changed, not owner), MaxAccountsDataAllocationsExceeded,
//     ReadonlyDataModified, ExternalAccountDataModified;
//   - owner: ModifiedProgramId unless owned by the program, writable, new data all zero;
//   - executable flag and rent epoch, which a program cannot change at all:
//     ExecutableModified, RentEpochModified;
//
// then UnbalancedInstruction if the lamports of the instruction's accounts do not sum to
// the same total. Before any rule: every diff entry must name an instruction account
// (MissingAccount) and carry the stored old values (StaleDiff).
func Validate(pre []solana.Account, ix *solana.Instruction, diff runners.StateDiff) ([]solana.Account, error) {
	if err := ix.Validate(pre); err != nil {
		return nil, reject(KindMalformedDiff, "", "instruction: %v", err)
	}
	post := solana.CloneAccounts(pre)
	inIx := make(map[solana.PublicKey]int, len(ix.Accounts))
	for _, ia := range ix.Accounts {
		inIx[pre[ia.Index].Key] = ia.Index
	}
	// Structural checks first: nothing may be written outside the instruction, and the
	// diff must start from the state we hold.
	for _, key := range sortedKeys(diff) {
		pk, err := solana.ParsePublicKey(key)
		if err != nil {
			return nil, reject(KindMalformedDiff, key, "account key: %v", err)
		}
		idx, ok := inIx[pk]
		if !ok {
			return nil, reject(solana.MissingAccount, key, "diff changes an account the instruction does not reference")
		}
		if err := applyEntry(&post[idx], key, diff[key]); err != nil {
			return nil, err
		}
	}
	var resizeDelta int64
	seen := map[int]bool{}
	for _, ia := range ix.Accounts {
		if seen[ia.Index] {
			continue // a duplicate is checked once, with its first occurrence's flags
		}
		seen[ia.Index] = true
		a, b := &pre[ia.Index], &post[ia.Index]
		if sameAccount(a, b) {
			continue
		}
		owned := a.Owner == ix.ProgramID
		if b.Lamports != a.Lamports {
			if !owned && b.Lamports < a.Lamports {
				return nil, reject(solana.ExternalAccountLamportSpend, a.Key.String(), "lamports %d -> %d, account owned by %s", a.Lamports, b.Lamports, a.Owner)
			}
			if !ia.Writable {
				return nil, reject(solana.ReadonlyLamportChange, a.Key.String(), "lamports %d -> %d of a read-only account", a.Lamports, b.Lamports)
			}
		}
		preLen, postLen := len(a.Data), len(b.Data)
		if (postLen > preLen && postLen-preLen > solana.MaxPermittedDataIncrease) || postLen > solana.MaxPermittedDataLength {
			return nil, reject(solana.InvalidRealloc, a.Key.String(), "data length %d -> %d", preLen, postLen)
		}
		if !bytes.Equal(a.Data, b.Data) {
			switch {
			case postLen != preLen && !owned:
				return nil, reject(solana.AccountDataSizeChanged, a.Key.String(), "data length %d -> %d, account owned by %s", preLen, postLen, a.Owner)
			case resizeDelta+int64(postLen)-int64(preLen) > solana.MaxPermittedAccountsDataAllocationsPerTransaction:
				return nil, reject(solana.MaxAccountsDataAllocationsExceeded, a.Key.String(), "data growth over %d bytes", solana.MaxPermittedAccountsDataAllocationsPerTransaction)
			case !ia.Writable:
				return nil, reject(solana.ReadonlyDataModified, a.Key.String(), "data of a read-only account changed")
			case !owned:
				return nil, reject(solana.ExternalAccountDataModified, a.Key.String(), "data changed, account owned by %s", a.Owner)
			}
			resizeDelta += int64(postLen) - int64(preLen)
		}
		if b.Owner != a.Owner {
			if !owned || !ia.Writable || !isZeroed(b.Data) {
				return nil, reject(solana.ModifiedProgramID, a.Key.String(), "owner %s -> %s (owned=%v writable=%v zeroed=%v)", a.Owner, b.Owner, owned, ia.Writable, isZeroed(b.Data))
			}
		}
		if b.Executable != a.Executable {
			return nil, reject(solana.ExecutableModified, a.Key.String(), "executable %v -> %v", a.Executable, b.Executable)
		}
		if b.RentEpoch != a.RentEpoch {
			return nil, reject(solana.RentEpochModified, a.Key.String(), "rent epoch %d -> %d", a.RentEpoch, b.RentEpoch)
		}
	}
	if err := solana.CheckBalanced(pre, post, ix); err != nil {
		return nil, reject(solana.UnbalancedInstruction, "", "lamports of the instruction's accounts not conserved")
	}
	return post, nil
}

// ValidatePositions checks a post-state given per instruction account (one entry per
// position of ix.Accounts, as a runner that mirrors the serialized input may report
// it): positions of the same account must agree (DuplicateAccountOutOfSync), then the
// resulting diff is validated like Validate.
func ValidatePositions(pre []solana.Account, ix *solana.Instruction, posts []solana.Account) ([]solana.Account, error) {
	if err := ix.Validate(pre); err != nil {
		return nil, reject(KindMalformedDiff, "", "instruction: %v", err)
	}
	if len(posts) != len(ix.Accounts) {
		return nil, reject(KindMalformedDiff, "", "%d post accounts for %d instruction accounts", len(posts), len(ix.Accounts))
	}
	post := solana.CloneAccounts(pre)
	first := map[int]int{}
	for i, ia := range ix.Accounts {
		p := &posts[i]
		if p.Key != pre[ia.Index].Key {
			return nil, reject(KindMalformedDiff, p.Key.String(), "position %d holds %s, want %s", i, p.Key, pre[ia.Index].Key)
		}
		if j, dup := first[ia.Index]; dup {
			q := &posts[j]
			if p.Lamports != q.Lamports || p.Owner != q.Owner || !bytes.Equal(p.Data, q.Data) ||
				p.Executable != q.Executable || p.RentEpoch != q.RentEpoch {
				return nil, reject(solana.DuplicateAccountOutOfSync, p.Key.String(), "positions %d and %d disagree", j, i)
			}
			continue
		}
		first[ia.Index] = i
		post[ia.Index] = p.Clone()
	}
	return Validate(pre, ix, solana.ComputeDiff(pre, post))
}

// applyEntry writes one diff entry into acc after checking its old values.
func applyEntry(acc *solana.Account, key string, d runners.AccountDiff) error {
	if d.Lamports != nil {
		if d.Lamports[0] != acc.Lamports {
			return reject(KindStaleDiff, key, "lamports: diff says %d, store has %d", d.Lamports[0], acc.Lamports)
		}
		acc.Lamports = d.Lamports[1]
	}
	if d.Data != nil {
		if !bytes.Equal(d.Data.Old, acc.Data) {
			return reject(KindStaleDiff, key, "data: old value differs from the stored %d bytes", len(acc.Data))
		}
		acc.Data = bytes.Clone([]byte(d.Data.New))
		if acc.Data == nil {
			acc.Data = []byte{}
		}
	}
	if d.Owner != nil {
		old, err := solana.ParsePublicKey(d.Owner[0])
		if err != nil {
			return reject(KindMalformedDiff, key, "owner: %v", err)
		}
		nw, err := solana.ParsePublicKey(d.Owner[1])
		if err != nil {
			return reject(KindMalformedDiff, key, "owner: %v", err)
		}
		if old != acc.Owner {
			return reject(KindStaleDiff, key, "owner: diff says %s, store has %s", old, acc.Owner)
		}
		acc.Owner = nw
	}
	if d.Executable != nil {
		if d.Executable[0] != acc.Executable {
			return reject(KindStaleDiff, key, "executable: diff says %v, store has %v", d.Executable[0], acc.Executable)
		}
		acc.Executable = d.Executable[1]
	}
	if d.RentEpoch != nil {
		if d.RentEpoch[0] != acc.RentEpoch {
			return reject(KindStaleDiff, key, "rent epoch: diff says %d, store has %d", d.RentEpoch[0], acc.RentEpoch)
		}
		acc.RentEpoch = d.RentEpoch[1]
	}
	return nil
}

func isZeroed(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
