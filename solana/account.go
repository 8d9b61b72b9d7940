package solana

import (
	"bytes"
	"fmt"

	solanago "github.com/gagliardetto/solana-go"
)

// PublicKey is a 32-byte account address (solana-go's type, so base58 and PDA helpers
// come with it).
type PublicKey = solanago.PublicKey

// Account is one account of the transaction, as the runtime stores it.
type Account struct {
	Key        PublicKey
	Owner      PublicKey
	Lamports   uint64
	Data       []byte
	Executable bool
	RentEpoch  uint64
}

// Clone returns a deep copy (Data is not shared).
func (a *Account) Clone() Account {
	c := *a
	c.Data = bytes.Clone(a.Data)
	if c.Data == nil {
		c.Data = []byte{}
	}
	return c
}

// InstructionAccount is one entry of an instruction's account list. Index points into
// the transaction's accounts; an Index repeated in the list is a duplicate account.
type InstructionAccount struct {
	Index    int
	Signer   bool
	Writable bool
}

// Instruction is the top-level instruction being executed.
type Instruction struct {
	ProgramID PublicKey
	Accounts  []InstructionAccount
	Data      []byte
}

// Limits of the account model (solana-transaction-context, solana-system-interface,
// solana-program-entrypoint).
const (
	// MaxAccountsPerInstruction is MAX_ACCOUNTS_PER_INSTRUCTION.
	MaxAccountsPerInstruction = 255
	// MaxPermittedDataIncrease is how much an account may grow in one instruction.
	MaxPermittedDataIncrease = 10 * 1024
	// MaxPermittedDataLength is the largest account.
	MaxPermittedDataLength = 10 * 1024 * 1024
	// MaxPermittedAccountsDataAllocationsPerTransaction bounds the total growth.
	MaxPermittedAccountsDataAllocationsPerTransaction = 2 * MaxPermittedDataLength
	// BPFAlignOfU128 is the alignment of u128 on sBPF (8, not 16).
	BPFAlignOfU128 = 8
	// NonDupMarker marks a serialized account that is not a duplicate.
	NonDupMarker = 0xff
)

// Validate checks that every instruction account points at an account.
func (ix *Instruction) Validate(accounts []Account) error {
	for i, ia := range ix.Accounts {
		if ia.Index < 0 || ia.Index >= len(accounts) {
			return fmt.Errorf("instruction account %d: index %d out of range (%d accounts)", i, ia.Index, len(accounts))
		}
	}
	return nil
}

// firstOccurrence returns, for every instruction account, the position of the first
// instruction account with the same transaction index (its own position if it is not a
// duplicate).
func (ix *Instruction) firstOccurrence() []int {
	first := make([]int, len(ix.Accounts))
	seen := make(map[int]int, len(ix.Accounts))
	for i, ia := range ix.Accounts {
		if j, ok := seen[ia.Index]; ok {
			first[i] = j
			continue
		}
		seen[ia.Index] = i
		first[i] = i
	}
	return first
}

// CloneAccounts deep-copies a slice of accounts.
func CloneAccounts(accounts []Account) []Account {
	out := make([]Account, len(accounts))
	for i := range accounts {
		out[i] = accounts[i].Clone()
	}
	return out
}
