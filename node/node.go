package node

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/sbpf-pvm/sbpf-pvm/runners"
	"github.com/sbpf-pvm/sbpf-pvm/solana"
)

// Receipt statuses.
const (
	ReceiptCommitted = "committed"
	ReceiptRejected  = "rejected"
	// ReceiptAborted: the diff was valid but the store failed; nothing was committed.
	ReceiptAborted = "aborted"
)

// Receipt records one submitted diff.
type Receipt struct {
	Seq    uint64 `json:"seq"`
	Name   string `json:"name"`
	Status string `json:"status"`
	// Error is the rule that rejected the diff (an InstructionError kind) or empty.
	Error  string `json:"error,omitempty"`
	Detail string `json:"detail,omitempty"`
	// Changed lists the accounts written, in key order.
	Changed []string `json:"changed"`
	// PreState and PostState hash the instruction's accounts (StateHash) before and
	// after; equal when nothing was committed.
	PreState  [32]byte `json:"pre_state"`
	PostState [32]byte `json:"post_state"`
}

// ErrRollbackFailed means a commit failed and so did undoing it: the store may hold a
// partial write. The node refuses further submissions.
var ErrRollbackFailed = errors.New("node: rollback failed, store may be inconsistent")

// ErrMissingAccount is returned when an instruction references an account the store
// does not hold.
var ErrMissingAccount = errors.New("node: account not in store")

// Node validates diffs against its store and commits them atomically.
type Node struct {
	mu       sync.Mutex
	store    Store
	receipts []Receipt
	halted   error
}

// New returns a node over store.
func New(store Store) *Node { return &Node{store: store} }

// Receipts returns a copy of every receipt so far, in submission order.
func (n *Node) Receipts() []Receipt {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]Receipt(nil), n.receipts...)
}

// Submit validates diff, produced by running ix over the accounts keys (the
// transaction's account list, which ix.Accounts index into), and commits it.
//
// A diff that breaks a rule is not an error: the receipt says rejected, with the rule,
// and the store is untouched. err is non-nil only when the node could not do its job
// (store failure, unknown account); the store is then unchanged too, unless err wraps
// ErrRollbackFailed.
func (n *Node) Submit(name string, keys []solana.PublicKey, ix *solana.Instruction, diff runners.StateDiff) (*Receipt, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.halted != nil {
		return nil, n.halted
	}
	pre := make([]solana.Account, len(keys))
	for i, k := range keys {
		a, ok, err := n.store.Get(k)
		if err != nil {
			return nil, fmt.Errorf("node: load %s: %w", k, err)
		}
		if !ok {
			return nil, fmt.Errorf("%w: %s", ErrMissingAccount, k)
		}
		pre[i] = a
	}
	r := Receipt{Seq: uint64(len(n.receipts)) + 1, Name: name, PreState: StateHash(pre), Changed: []string{}}
	post, err := Validate(pre, ix, diff)
	if err != nil {
		var re *RuleError
		if !errors.As(err, &re) {
			return nil, err
		}
		r.Status, r.Error, r.Detail, r.PostState = ReceiptRejected, re.Kind, re.Detail, r.PreState
		n.receipts = append(n.receipts, r)
		return &r, nil
	}
	var writes []solana.Account
	var undo []solana.Account
	for i := range post {
		if !sameAccount(&pre[i], &post[i]) {
			writes = append(writes, post[i])
			undo = append(undo, pre[i])
		}
	}
	sort.Slice(writes, func(i, j int) bool { return bytes.Compare(writes[i].Key[:], writes[j].Key[:]) < 0 })
	sort.Slice(undo, func(i, j int) bool { return bytes.Compare(undo[i].Key[:], undo[j].Key[:]) < 0 })
	if err := n.commit(writes, undo); err != nil {
		if errors.Is(err, ErrRollbackFailed) {
			n.halted = err
			return nil, err
		}
		r.Status, r.Error, r.Detail, r.PostState = ReceiptAborted, "", err.Error(), r.PreState
		n.receipts = append(n.receipts, r)
		return &r, err
	}
	for _, w := range writes {
		r.Changed = append(r.Changed, w.Key.String())
	}
	r.Status, r.PostState = ReceiptCommitted, StateHash(post)
	n.receipts = append(n.receipts, r)
	return &r, nil
}

// commit writes every account or, when a write fails, restores the ones already
// written, newest first.
func (n *Node) commit(writes, undo []solana.Account) error {
	for i, w := range writes {
		if err := n.store.Put(w); err != nil {
			for j := i - 1; j >= 0; j-- {
				if rerr := n.store.Put(undo[j]); rerr != nil {
					return fmt.Errorf("%w: commit: %v; undo %s: %v", ErrRollbackFailed, err, undo[j].Key, rerr)
				}
			}
			return fmt.Errorf("node: commit rolled back: %w", err)
		}
	}
	return nil
}

func sameAccount(a, b *solana.Account) bool {
	return a.Key == b.Key && a.Owner == b.Owner && a.Lamports == b.Lamports && a.Executable == b.Executable &&
		a.RentEpoch == b.RentEpoch && bytes.Equal(a.Data, b.Data)
}

func sortedKeys(d runners.StateDiff) []string {
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// CheckResult passes a runner's result for a case through a fresh node whose store
// holds the case's accounts. A successful result whose diff breaks a rule becomes a
// failure with the rule's kind and an empty diff (nothing was committed); other results
// are returned unchanged. The receipt is returned for successful results.
func CheckResult(c *runners.Case, res *runners.Result) (*runners.Result, *Receipt, error) {
	if res == nil || res.Status != runners.StatusSuccess {
		return res, nil, nil
	}
	accs, ix, err := solana.FromCase(c)
	if err != nil {
		return nil, nil, err
	}
	keys := make([]solana.PublicKey, len(accs))
	for i := range accs {
		keys[i] = accs[i].Key
	}
	n := New(NewMemStore(accs...))
	rc, err := n.Submit(c.Name, keys, ix, res.Diff)
	if err != nil {
		return nil, nil, err
	}
	if rc.Status == ReceiptCommitted {
		return res, rc, nil
	}
	out := *res
	kind := rc.Error
	out.Status = runners.StatusFailure
	out.Error = &kind
	out.ErrorDetail = rc.Detail
	out.Diff = runners.StateDiff{}
	return &out, rc, nil
}
