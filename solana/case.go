package solana

import (
	"bytes"
	"fmt"

	solanago "github.com/gagliardetto/solana-go"

	"github.com/sbpf-pvm/sbpf-pvm/runners"
)

// ParsePublicKey decodes a base58 public key.
func ParsePublicKey(s string) (PublicKey, error) {
	k, err := solanago.PublicKeyFromBase58(s)
	if err != nil {
		return PublicKey{}, fmt.Errorf("public key %q: %w", s, err)
	}
	return k, nil
}

// FromCase builds the transaction accounts (one per distinct key, in first-appearance
// order) and the instruction of a case. A key repeated in the case's account list becomes
// a duplicate instruction account; its signer/writable flags are those of the first
// occurrence, because Agave takes them from the transaction account, which is shared.
func FromCase(c *runners.Case) ([]Account, *Instruction, error) {
	pid, err := ParsePublicKey(c.ProgramID)
	if err != nil {
		return nil, nil, err
	}
	ix := &Instruction{ProgramID: pid, Data: bytes.Clone([]byte(c.InstructionData))}
	if ix.Data == nil {
		ix.Data = []byte{}
	}
	var accounts []Account
	index := map[string]int{}
	for i := range c.Accounts {
		ca := &c.Accounts[i]
		if j, ok := index[ca.Key]; ok {
			ix.Accounts = append(ix.Accounts, InstructionAccount{Index: j,
				Signer: ix.Accounts[firstWith(ix, j)].Signer, Writable: ix.Accounts[firstWith(ix, j)].Writable})
			continue
		}
		key, err := ParsePublicKey(ca.Key)
		if err != nil {
			return nil, nil, fmt.Errorf("accounts[%d].key: %w", i, err)
		}
		owner, err := ParsePublicKey(ca.Owner)
		if err != nil {
			return nil, nil, fmt.Errorf("accounts[%d].owner: %w", i, err)
		}
		data := bytes.Clone([]byte(ca.Data))
		if data == nil {
			data = []byte{}
		}
		index[ca.Key] = len(accounts)
		ix.Accounts = append(ix.Accounts, InstructionAccount{Index: len(accounts), Signer: ca.Signer, Writable: ca.Writable})
		accounts = append(accounts, Account{Key: key, Owner: owner, Lamports: ca.Lamports, Data: data,
			Executable: ca.Executable, RentEpoch: ca.RentEpoch})
	}
	return accounts, ix, nil
}

func firstWith(ix *Instruction, index int) int {
	for i, ia := range ix.Accounts {
		if ia.Index == index {
			return i
		}
	}
	return 0
}
