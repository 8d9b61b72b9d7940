// Package node is the node side of sbpf-pvm's state model: an account store, the
// validation of a runner's state diff against Agave's account-modification rules, the
// atomic commit of a valid diff (or a rollback that leaves the store byte-identical) and
// the receipts that record what happened.
//
// A runner hands back a diff {account: old → new}. The node checks that every old value
// is what it stores, that the instruction was allowed to make every change (the
// BorrowedAccount rules Agave applies when it deserializes a program's output, in the
// same order, so the first broken rule is the one Agave reports), and that lamports are
// conserved; then it writes the new values all together or not at all.
package node

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/sbpf-pvm/sbpf-pvm/solana"
)

// Store is where the node keeps accounts. Implementations need not be atomic: the node
// commits through an undo log.
type Store interface {
	// Get returns the account stored under key; ok is false when there is none.
	Get(key solana.PublicKey) (acc solana.Account, ok bool, err error)
	// Put stores acc under acc.Key, replacing what was there.
	Put(acc solana.Account) error
	// Delete removes key; deleting a missing key is not an error.
	Delete(key solana.PublicKey) error
}

// MemStore is an in-memory Store. It copies accounts in and out, so callers never
// share data slices with it.
type MemStore struct {
	mu       sync.RWMutex
	accounts map[solana.PublicKey]solana.Account
}

// NewMemStore returns a store holding copies of accs.
func NewMemStore(accs ...solana.Account) *MemStore {
	s := &MemStore{accounts: map[solana.PublicKey]solana.Account{}}
	for _, a := range accs {
		s.accounts[a.Key] = a.Clone()
	}
	return s
}

// Get implements Store.
func (s *MemStore) Get(key solana.PublicKey) (solana.Account, bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, ok := s.accounts[key]
	if !ok {
		return solana.Account{}, false, nil
	}
	return a.Clone(), true, nil
}

// Put implements Store.
func (s *MemStore) Put(acc solana.Account) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accounts[acc.Key] = acc.Clone()
	return nil
}

// Delete implements Store.
func (s *MemStore) Delete(key solana.PublicKey) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.accounts, key)
	return nil
}

// Len is the number of accounts stored.
func (s *MemStore) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.accounts)
}

// Encode is a canonical byte encoding of the whole store (accounts in key order), for
// comparing two states byte for byte.
func (s *MemStore) Encode() []byte {
	s.mu.RLock()
	defer s.mu.RUnlock()
	accs := make([]solana.Account, 0, len(s.accounts))
	for _, a := range s.accounts {
		accs = append(accs, a)
	}
	return EncodeAccounts(accs)
}

// EncodeAccounts is the canonical encoding of a set of accounts: sorted by key, each
// key, owner, lamports, rent epoch, executable, data length and data.
func EncodeAccounts(accs []solana.Account) []byte {
	sorted := make([]solana.Account, len(accs))
	copy(sorted, accs)
	sort.Slice(sorted, func(i, j int) bool { return bytes.Compare(sorted[i].Key[:], sorted[j].Key[:]) < 0 })
	var b []byte
	for _, a := range sorted {
		b = append(b, a.Key[:]...)
		b = append(b, a.Owner[:]...)
		b = binary.LittleEndian.AppendUint64(b, a.Lamports)
		b = binary.LittleEndian.AppendUint64(b, a.RentEpoch)
		if a.Executable {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
		b = binary.LittleEndian.AppendUint64(b, uint64(len(a.Data)))
		b = append(b, a.Data...)
	}
	return b
}

// StateHash is sha256 of EncodeAccounts(accs).
func StateHash(accs []solana.Account) [32]byte { return sha256.Sum256(EncodeAccounts(accs)) }

// ErrInjected is the error FaultyStore returns.
var ErrInjected = errors.New("node: injected store failure")

// FaultyStore wraps a Store and fails chosen calls, to test that the node leaves the
// store unchanged whatever fails. Call numbers count from 1 and are per operation.
type FaultyStore struct {
	Store
	// FailGet, FailPut and FailDelete fail the n-th call of that operation (0 = never).
	FailGet, FailPut, FailDelete int
	// Sticky makes every call after the first failing one fail too.
	Sticky bool

	gets, puts, deletes int
	failed              bool
}

func (f *FaultyStore) fail(n *int, at int) bool {
	*n++
	if f.failed && f.Sticky {
		return true
	}
	if at != 0 && *n == at {
		f.failed = true
		return true
	}
	return false
}

// Get implements Store.
func (f *FaultyStore) Get(key solana.PublicKey) (solana.Account, bool, error) {
	if f.fail(&f.gets, f.FailGet) {
		return solana.Account{}, false, fmt.Errorf("get %s: %w", key, ErrInjected)
	}
	return f.Store.Get(key)
}

// Put implements Store.
func (f *FaultyStore) Put(acc solana.Account) error {
	if f.fail(&f.puts, f.FailPut) {
		return fmt.Errorf("put %s: %w", acc.Key, ErrInjected)
	}
	return f.Store.Put(acc)
}

// Delete implements Store.
func (f *FaultyStore) Delete(key solana.PublicKey) error {
	if f.fail(&f.deletes, f.FailDelete) {
		return fmt.Errorf("delete %s: %w", key, ErrInjected)
	}
	return f.Store.Delete(key)
}
