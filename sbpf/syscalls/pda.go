package syscalls

import (
	solanago "github.com/gagliardetto/solana-go"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/solana"
)

// PDA limits (solana-pubkey MAX_SEEDS, MAX_SEED_LEN).
const (
	maxSeeds   = 16
	maxSeedLen = 32
)

// translatePDAInputs is translate_and_check_program_address_inputs: the seed array is
// translated first, then its length (at most 16 seeds) and each seed's length (at most
// 32 bytes) are checked (BadSeeds), each seed translated, and finally the program id.
func translatePDAInputs(vm *sbpf.VM, ic *InvokeContext, seedsAddr, seedsLen, pidAddr uint64) ([][]byte, solana.PublicKey, error) {
	slices, err := translateVMSlices(vm, ic, seedsAddr, seedsLen)
	if err != nil {
		return nil, solana.PublicKey{}, err
	}
	if len(slices) > maxSeeds {
		return nil, solana.PublicKey{}, solana.BadSeedsError()
	}
	seeds := make([][]byte, len(slices))
	for i, s := range slices {
		if s.len > maxSeedLen {
			return nil, solana.PublicKey{}, solana.BadSeedsError()
		}
		b, err := translateBytes(vm, ic, s.ptr, s.len)
		if err != nil {
			return nil, solana.PublicKey{}, err
		}
		seeds[i] = b
	}
	pid, err := translateType(vm, ic, sbpf.Load, pidAddr, 32, 1)
	if err != nil {
		return nil, solana.PublicKey{}, err
	}
	return seeds, solanago.PublicKeyFromBytes(pid), nil
}

// createProgramAddress is Pubkey::create_program_address: sha256(seeds || program_id ||
// "ProgramDerivedAddress"), rejected when more than 16 seeds, a seed longer than 32
// bytes, or when the hash is a valid ed25519 point. solana-go implements exactly these
// rules (same limits, same marker, curve check by point decompression).
func createProgramAddress(seeds [][]byte, pid solana.PublicKey) (solana.PublicKey, bool) {
	k, err := solanago.CreateProgramAddress(seeds, pid)
	return k, err == nil
}

// pdaStart is what both PDA syscalls do first: charge create_program_address_units,
// then translate and check the seeds and the program id.
func pdaStart(vm *sbpf.VM, seedsAddr, seedsLen, pidAddr uint64) (*InvokeContext, [][]byte, solana.PublicKey, error) {
	ic, err := ctxOf(vm)
	if err != nil {
		return nil, nil, solana.PublicKey{}, err
	}
	if err := ic.ConsumeChecked(ic.Cost.CreateProgramAddressUnits); err != nil {
		return nil, nil, solana.PublicKey{}, err
	}
	seeds, pid, err := translatePDAInputs(vm, ic, seedsAddr, seedsLen, pidAddr)
	if err != nil {
		return nil, nil, solana.PublicKey{}, err
	}
	return ic, seeds, pid, nil
}

// sysCreateProgramAddress is SyscallCreateProgramAddress: returns 1 when the seeds give
// an on-curve address.
func sysCreateProgramAddress(vm *sbpf.VM, seedsAddr, seedsLen, pidAddr, addrAddr, _ uint64) (uint64, error) {
	ic, seeds, pid, err := pdaStart(vm, seedsAddr, seedsLen, pidAddr)
	if err != nil {
		return 0, err
	}
	k, ok := createProgramAddress(seeds, pid)
	if !ok {
		return 1, nil
	}
	out, err := translateMut(vm, ic, mutTarget{addrAddr, 32, 1})
	if err != nil {
		return 0, err
	}
	copy(out[0], k[:])
	return 0, nil
}

// sysTryFindProgramAddress is SyscallTryFindProgramAddress: tries bump seeds 255 down to
// 1, charging create_program_address_units once up front and again after every failed
// bump; writes the address and the bump and returns 0, or returns 1.
func sysTryFindProgramAddress(vm *sbpf.VM, seedsAddr, seedsLen, pidAddr, addrAddr, bumpAddr uint64) (uint64, error) {
	ic, seeds, pid, err := pdaStart(vm, seedsAddr, seedsLen, pidAddr)
	if err != nil {
		return 0, err
	}
	cost := ic.Cost.CreateProgramAddressUnits
	bump := []byte{255}
	withBump := append(append([][]byte{}, seeds...), bump)
	for i := 0; i < 255; i++ {
		if k, ok := createProgramAddress(withBump, pid); ok {
			out, err := translateMut(vm, ic, mutTarget{bumpAddr, 1, 1}, mutTarget{addrAddr, 32, 1})
			if err != nil {
				return 0, err
			}
			out[0][0] = bump[0]
			copy(out[1], k[:])
			return 0, nil
		}
		if bump[0] > 0 {
			bump[0]--
		}
		if err := ic.ConsumeChecked(cost); err != nil {
			return 0, err
		}
	}
	return 1, nil
}
