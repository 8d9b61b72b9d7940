package solana

import (
	"encoding/binary"
	"math"
)

// MMInputStart is the VM address of the input region (ebpf::MM_INPUT_START).
const MMInputStart = 4 << 32

// SerializedAccount locates one instruction account inside the input buffer.
type SerializedAccount struct {
	// Duplicate is true when the entry is a back-reference to Position.
	Duplicate bool
	Position  int
	// Offsets into the buffer (of the first occurrence for a duplicate).
	KeyOffset, OwnerOffset, LamportsOffset, DataLenOffset, DataOffset int
	// OriginalDataLen is the data length before execution.
	OriginalDataLen int
}

// Input is the serialized program input: the buffer mapped at MMInputStart and where
// every account landed in it.
type Input struct {
	Buffer                []byte
	Accounts              []SerializedAccount
	InstructionDataOffset int
}

// alignOffset is how many bytes take n to the next multiple of BPFAlignOfU128
// ((n as *const u8).align_offset(BPF_ALIGN_OF_U128)).
func alignOffset(n int) int { return (BPFAlignOfU128 - n%BPFAlignOfU128) % BPFAlignOfU128 }

// Serialize lays out the program input exactly as Agave's serialize_parameters_for_abiv1
// (bpf_loader / bpf_loader_upgradeable, without stricter_abi_and_runtime_constraints):
//
//	u64 number of accounts
//	per account, not a duplicate: u8 0xff, u8 is_signer, u8 is_writable, u8 executable,
//	  4 zero bytes, key[32], owner[32], u64 lamports, u64 data_len, data,
//	  10 KiB of zeros + padding to 8, u64 rent_epoch (always u64::MAX)
//	per duplicate: u8 position of the first occurrence, 7 zero bytes
//	u64 instruction data length, instruction data, program id[32]
//
// The error is an *InstructionError (MaxAccountsExceeded) or an index error.
func Serialize(accounts []Account, ix *Instruction) (*Input, error) {
	return SerializeInto(nil, accounts, ix)
}

// SerializeInto is Serialize writing into buf when its capacity suffices (the bytes are
// overwritten, padding zeroed), so that a caller can recycle input buffers.
func SerializeInto(buf []byte, accounts []Account, ix *Instruction) (*Input, error) {
	if len(ix.Accounts) > MaxAccountsPerInstruction {
		return nil, NewInstructionError(MaxAccountsExceeded)
	}
	if err := ix.Validate(accounts); err != nil {
		return nil, err
	}
	first := ix.firstOccurrence()
	size := 8
	for i, ia := range ix.Accounts {
		size++
		if first[i] != i {
			size += 7
			continue
		}
		n := len(accounts[ia.Index].Data)
		size += 1 + 1 + 1 + 4 + 32 + 32 + 8 + 8 + 8 + n + MaxPermittedDataIncrease + alignOffset(n)
	}
	size += 8 + len(ix.Data) + 32

	if cap(buf) >= size {
		buf = buf[:size]
		clear(buf)
	} else {
		buf = make([]byte, size)
	}
	in := &Input{Buffer: buf, Accounts: make([]SerializedAccount, len(ix.Accounts))}
	off := 0
	putU64 := func(v uint64) int {
		binary.LittleEndian.PutUint64(buf[off:], v)
		at := off
		off += 8
		return at
	}
	putBytes := func(b []byte) int {
		copy(buf[off:], b)
		at := off
		off += len(b)
		return at
	}
	putU64(uint64(len(ix.Accounts)))
	for i, ia := range ix.Accounts {
		if first[i] != i {
			in.Accounts[i] = in.Accounts[first[i]]
			in.Accounts[i].Duplicate = true
			in.Accounts[i].Position = first[i]
			buf[off] = byte(first[i])
			off += 8
			continue
		}
		a := &accounts[ia.Index]
		buf[off] = NonDupMarker
		buf[off+1] = b2u8(ia.Signer)
		buf[off+2] = b2u8(ia.Writable)
		buf[off+3] = b2u8(a.Executable)
		off += 8 // 4 flag bytes, 4 zero bytes
		sa := SerializedAccount{Position: i, OriginalDataLen: len(a.Data)}
		sa.KeyOffset = putBytes(a.Key[:])
		sa.OwnerOffset = putBytes(a.Owner[:])
		sa.LamportsOffset = putU64(a.Lamports)
		sa.DataLenOffset = putU64(uint64(len(a.Data)))
		sa.DataOffset = putBytes(a.Data)
		off += MaxPermittedDataIncrease + alignOffset(len(a.Data))
		putU64(math.MaxUint64) // rent_epoch is masked out of the VM's view
		in.Accounts[i] = sa
	}
	putU64(uint64(len(ix.Data)))
	in.InstructionDataOffset = putBytes(ix.Data)
	putBytes(ix.ProgramID[:])
	return in, nil
}

func b2u8(b bool) byte {
	if b {
		return 1
	}
	return 0
}
