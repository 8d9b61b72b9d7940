package solana

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

// Deserialize writes the program's changes in buf (the input region after execution)
// back into accounts, enforcing the rules Agave's deserialize_parameters_for_abiv1 and
// BorrowedAccount enforce, in the same order, so the first violated rule is the one
// reported. accounts is modified in place: pass a copy and drop it on error. originalLens
// are the data lengths at serialization time, one per instruction account (Input.Accounts).
//
// What a program can change: lamports, data (content and length within
// MaxPermittedDataIncrease) and owner. Key, executable flag and rent epoch written into
// the buffer are ignored, as in Agave. The checks, per non-duplicate instruction account:
//
//   - lamports changed: ExternalAccountLamportSpend (decrease of an account the program
//     does not own), ReadonlyLamportChange (account not writable);
//   - data length grew by more than 10 KiB or beyond 10 MiB: InvalidRealloc;
//   - data changed (length or content): AccountDataSizeChanged (length changed, not the
//     owner), MaxAccountsDataAllocationsExceeded, ReadonlyDataModified,
//     ExternalAccountDataModified. Writing identical bytes is not a change;
//   - owner changed: ModifiedProgramId unless the program owns the account, it is
//     writable and its (new) data is all zeros.
//
// Errors are *InstructionError. InvalidArgument means the buffer is too short, which
// cannot happen with a buffer made by Serialize.
func Deserialize(buf []byte, accounts []Account, ix *Instruction, originalLens []int) error {
	if err := ix.Validate(accounts); err != nil {
		return NewInstructionError(InvalidArgument)
	}
	if len(originalLens) != len(ix.Accounts) {
		return NewInstructionError(InvalidArgument)
	}
	first := ix.firstOccurrence()
	var resizeDelta int64
	start := 8
	for i, ia := range ix.Accounts {
		start++ // position / dup marker
		if first[i] != i {
			start += 7
			continue
		}
		a := &accounts[ia.Index]
		preLen := originalLens[i]
		owned := a.Owner == ix.ProgramID
		start += 1 + 1 + 1 + 4 + 32 // signer, writable, executable, padding, key
		owner, ok := slice(buf, start, 32)
		if !ok {
			return NewInstructionError(InvalidArgument)
		}
		start += 32
		lb, ok := slice(buf, start, 8)
		if !ok {
			return NewInstructionError(InvalidArgument)
		}
		if lamports := binary.LittleEndian.Uint64(lb); lamports != a.Lamports {
			if !owned && lamports < a.Lamports {
				return NewInstructionError(ExternalAccountLamportSpend)
			}
			if !ia.Writable {
				return NewInstructionError(ReadonlyLamportChange)
			}
			a.Lamports = lamports
		}
		start += 8
		pb, ok := slice(buf, start, 8)
		if !ok {
			return NewInstructionError(InvalidArgument)
		}
		postLen64 := binary.LittleEndian.Uint64(pb)
		start += 8
		if (postLen64 > uint64(preLen) && postLen64-uint64(preLen) > MaxPermittedDataIncrease) ||
			postLen64 > MaxPermittedDataLength {
			return NewInstructionError(InvalidRealloc)
		}
		postLen := int(postLen64)
		data, ok := slice(buf, start, postLen)
		if !ok {
			return NewInstructionError(InvalidArgument)
		}
		if err := canDataBeResized(a, ia, owned, postLen, resizeDelta); err != nil {
			if !bytes.Equal(a.Data, data) {
				return err
			}
		} else {
			resizeDelta += int64(postLen) - int64(len(a.Data))
			if !bytes.Equal(a.Data, data) { // unchanged data keeps its slice: no copy
				a.Data = append(a.Data[:0:0], data...)
			}
		}
		start += preLen + MaxPermittedDataIncrease + alignOffset(preLen)
		start += 8 // rent_epoch
		if !bytes.Equal(a.Owner[:], owner) {
			if !owned || !ia.Writable || !isZeroed(a.Data) {
				return NewInstructionError(ModifiedProgramID)
			}
			copy(a.Owner[:], owner)
		}
	}
	return nil
}

// canDataBeResized is BorrowedAccount::can_data_be_resized (which ends with
// can_data_be_changed).
func canDataBeResized(a *Account, ia InstructionAccount, owned bool, newLen int, resizeDelta int64) error {
	oldLen := len(a.Data)
	if newLen != oldLen && !owned {
		return NewInstructionError(AccountDataSizeChanged)
	}
	if newLen > MaxPermittedDataLength {
		return NewInstructionError(InvalidRealloc)
	}
	if resizeDelta+int64(newLen)-int64(oldLen) > MaxPermittedAccountsDataAllocationsPerTransaction {
		return NewInstructionError(MaxAccountsDataAllocationsExceeded)
	}
	if !ia.Writable {
		return NewInstructionError(ReadonlyDataModified)
	}
	if !owned {
		return NewInstructionError(ExternalAccountDataModified)
	}
	return nil
}

// CheckBalanced is the check TransactionContext::pop makes after a successful
// instruction: the lamports of the instruction's accounts (each counted once) must sum to
// the same total before and after. It returns UnbalancedInstruction otherwise. Agave
// reports it after the "Program <id> success" log line.
func CheckBalanced(pre, post []Account, ix *Instruction) error {
	first := ix.firstOccurrence()
	var preHi, preLo, postHi, postLo, c uint64
	for i, ia := range ix.Accounts {
		if first[i] != i || ia.Index < 0 || ia.Index >= len(pre) || ia.Index >= len(post) {
			continue
		}
		preLo, c = bits.Add64(preLo, pre[ia.Index].Lamports, 0)
		preHi += c
		postLo, c = bits.Add64(postLo, post[ia.Index].Lamports, 0)
		postHi += c
	}
	if preHi != postHi || preLo != postLo {
		return NewInstructionError(UnbalancedInstruction)
	}
	return nil
}

func slice(b []byte, off, n int) ([]byte, bool) {
	if off < 0 || n < 0 || off > len(b) || n > len(b)-off {
		return nil, false
	}
	return b[off : off+n], true
}

func isZeroed(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
