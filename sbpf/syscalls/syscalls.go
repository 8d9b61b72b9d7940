package syscalls

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash"
	"strings"

	solanago "github.com/gagliardetto/solana-go"
	"golang.org/x/crypto/sha3"
	"lukechampine.com/blake3"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/solana"
)

// Implemented lists the syscalls with a real implementation, in Agave's registration
// order.
var Implemented = []string{
	"abort", "sol_panic_", "sol_log_", "sol_log_64_", "sol_log_pubkey", "sol_log_compute_units_",
	"sol_create_program_address", "sol_try_find_program_address",
	"sol_sha256", "sol_keccak256", "sol_blake3",
	"sol_get_clock_sysvar", "sol_get_epoch_schedule_sysvar", "sol_get_rent_sysvar",
	"sol_memcpy_", "sol_memmove_", "sol_memset_", "sol_memcmp_",
	"sol_get_stack_height", "sol_set_return_data", "sol_get_return_data",
	"sol_invoke_signed_c", "sol_invoke_signed_rust",
	"sol_alloc_free_", "sol_remaining_compute_units", "sol_log_data",
	"sol_get_last_restart_slot", "sol_get_processed_sibling_instruction",
}

// Unimplemented lists the other syscalls Agave registers for programs. They are
// registered so that programs importing them load as they do on Agave; calling one fails
// with SyscallError UnsupportedSyscall.
var Unimplemented = []string{
	"sol_secp256k1_recover", "sol_curve_validate_point", "sol_curve_group_op",
	"sol_curve_multiscalar_mul", "sol_get_epoch_rewards_sysvar",
	"sol_alt_bn128_group_op", "sol_big_mod_exp",
	"sol_poseidon", "sol_alt_bn128_compression", "sol_get_sysvar", "sol_get_epoch_stake",
}

// UnsupportedSyscall is the kind of the error an Unimplemented syscall returns.
const UnsupportedSyscall = "UnsupportedSyscall"

// Register adds every syscall (implemented and unimplemented) to l.
func Register(l *sbpf.Loader) error {
	fns := map[string]sbpf.SyscallFunc{
		"abort":                                 sysAbort,
		"sol_panic_":                            sysPanic,
		"sol_log_":                              sysLog,
		"sol_log_64_":                           sysLog64,
		"sol_log_pubkey":                        sysLogPubkey,
		"sol_log_compute_units_":                sysLogComputeUnits,
		"sol_create_program_address":            sysCreateProgramAddress,
		"sol_try_find_program_address":          sysTryFindProgramAddress,
		"sol_sha256":                            hashSyscall("Sha256", sha256.New),
		"sol_keccak256":                         hashSyscall("Keccak256", sha3.NewLegacyKeccak256),
		"sol_blake3":                            hashSyscall("Blake3", func() hash.Hash { return blake3.New(32, nil) }),
		"sol_get_clock_sysvar":                  sysvarSyscall(func(s *solana.Sysvars) []byte { return s.Clock.Bytes() }),
		"sol_get_epoch_schedule_sysvar":         sysvarSyscall(func(s *solana.Sysvars) []byte { return s.EpochSchedule.Bytes() }),
		"sol_get_rent_sysvar":                   sysvarSyscall(func(s *solana.Sysvars) []byte { return s.Rent.Bytes() }),
		"sol_memcpy_":                           sysMemcpy,
		"sol_memmove_":                          sysMemmove,
		"sol_memset_":                           sysMemset,
		"sol_memcmp_":                           sysMemcmp,
		"sol_get_stack_height":                  sysGetStackHeight,
		"sol_set_return_data":                   sysSetReturnData,
		"sol_get_return_data":                   sysGetReturnData,
		"sol_invoke_signed_c":                   sysInvokeSigned,
		"sol_invoke_signed_rust":                sysInvokeSigned,
		"sol_alloc_free_":                       sysAllocFree,
		"sol_remaining_compute_units":           sysRemainingComputeUnits,
		"sol_log_data":                          sysLogData,
		"sol_get_last_restart_slot":             sysvarSyscall(func(s *solana.Sysvars) []byte { return s.LastRestartSlot.Bytes() }),
		"sol_get_processed_sibling_instruction": sysGetProcessedSiblingInstruction,
	}
	for _, name := range Implemented {
		if err := l.RegisterSyscall(name, fns[name]); err != nil {
			return fmt.Errorf("register %s: %w", name, err)
		}
	}
	for _, name := range Unimplemented {
		msg := name + " is not supported by sbpf-pvm"
		if err := l.RegisterSyscall(name, func(*sbpf.VM, uint64, uint64, uint64, uint64, uint64) (uint64, error) {
			return 0, &solana.SyscallError{Kind: UnsupportedSyscall, Msg: msg}
		}); err != nil {
			return fmt.Errorf("register %s: %w", name, err)
		}
	}
	return nil
}

// ctxOf returns the InvokeContext a syscall runs in.
func ctxOf(vm *sbpf.VM) (*InvokeContext, error) {
	ic, ok := vm.Context.(*InvokeContext)
	if !ok || ic == nil {
		return nil, solana.NewSyscallError(solana.InvokeContextBorrowFailed)
	}
	return ic, nil
}

// sysAbort is SyscallAbort: no cost, always fails.
func sysAbort(vm *sbpf.VM, _, _, _, _, _ uint64) (uint64, error) {
	return 0, solana.NewSyscallError(solana.Abort)
}

// translateString is translate_string_and_do's translation and UTF-8 check.
func translateString(vm *sbpf.VM, ic *InvokeContext, addr, n uint64) (string, error) {
	b, err := translateBytes(vm, ic, addr, n)
	if err != nil {
		return "", err
	}
	if !solana.ValidUTF8(b) {
		return "", solana.InvalidStringError(b)
	}
	return string(b), nil
}

// sysPanic is SyscallPanic(file, len, line, column): cost len.
func sysPanic(vm *sbpf.VM, file, n, line, column, _ uint64) (uint64, error) {
	ic, err := ctxOf(vm)
	if err != nil {
		return 0, err
	}
	if err := ic.ConsumeChecked(n); err != nil {
		return 0, err
	}
	s, err := translateString(vm, ic, file, n)
	if err != nil {
		return 0, err
	}
	return 0, solana.PanicError(s, line, column)
}

// sysLog is SyscallLog(addr, len): cost max(syscall_base_cost, len).
func sysLog(vm *sbpf.VM, addr, n, _, _, _ uint64) (uint64, error) {
	ic, err := ctxOf(vm)
	if err != nil {
		return 0, err
	}
	if err := ic.ConsumeChecked(max(ic.Cost.SyscallBaseCost, n)); err != nil {
		return 0, err
	}
	s, err := translateString(vm, ic, addr, n)
	if err != nil {
		return 0, err
	}
	ic.ProgramLog(s)
	return 0, nil
}

// sysLog64 is SyscallLogU64: "Program log: 0x1, 0x2, 0x3, 0x4, 0x5".
func sysLog64(vm *sbpf.VM, a1, a2, a3, a4, a5 uint64) (uint64, error) {
	ic, err := ctxOf(vm)
	if err != nil {
		return 0, err
	}
	if err := ic.ConsumeChecked(ic.Cost.Log64Units); err != nil {
		return 0, err
	}
	ic.ProgramLog(fmt.Sprintf("%#x, %#x, %#x, %#x, %#x", a1, a2, a3, a4, a5))
	return 0, nil
}

// sysLogComputeUnits is SyscallLogBpfComputeUnits: logs the remaining units after its
// own cost, without the "Program log: " prefix.
func sysLogComputeUnits(vm *sbpf.VM, _, _, _, _, _ uint64) (uint64, error) {
	ic, err := ctxOf(vm)
	if err != nil {
		return 0, err
	}
	if err := ic.ConsumeChecked(ic.Cost.SyscallBaseCost); err != nil {
		return 0, err
	}
	ic.Log(fmt.Sprintf("Program consumption: %d units remaining", ic.Remaining()))
	return 0, nil
}

// sysLogPubkey is SyscallLogPubkey: the key in base58.
func sysLogPubkey(vm *sbpf.VM, addr, _, _, _, _ uint64) (uint64, error) {
	ic, err := ctxOf(vm)
	if err != nil {
		return 0, err
	}
	if err := ic.ConsumeChecked(ic.Cost.LogPubkeyUnits); err != nil {
		return 0, err
	}
	b, err := translateType(vm, ic, sbpf.Load, addr, 32, 1)
	if err != nil {
		return 0, err
	}
	ic.ProgramLog(solanago.PublicKeyFromBytes(b).String())
	return 0, nil
}

// sysLogData is SyscallLogData(fields, count): base cost, then base cost per field and
// one unit per byte, then "Program data: <base64> <base64> ...".
func sysLogData(vm *sbpf.VM, addr, n, _, _, _ uint64) (uint64, error) {
	ic, err := ctxOf(vm)
	if err != nil {
		return 0, err
	}
	if err := ic.ConsumeChecked(ic.Cost.SyscallBaseCost); err != nil {
		return 0, err
	}
	fields, err := translateVMSlices(vm, ic, addr, n)
	if err != nil {
		return 0, err
	}
	if err := ic.ConsumeChecked(satMul(ic.Cost.SyscallBaseCost, uint64(len(fields)))); err != nil {
		return 0, err
	}
	var total uint64
	for _, f := range fields {
		total = satAdd(total, f.len)
	}
	if err := ic.ConsumeChecked(total); err != nil {
		return 0, err
	}
	var sb strings.Builder
	sb.WriteString("Program data: ")
	for i, f := range fields {
		b, err := translateBytes(vm, ic, f.ptr, f.len)
		if err != nil {
			return 0, err
		}
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(base64.StdEncoding.EncodeToString(b))
	}
	ic.Log(sb.String())
	return 0, nil
}

// memOpConsume is mem_op_consume: max(mem_op_base_cost, n / cpi_bytes_per_unit).
func memOpConsume(ic *InvokeContext, n uint64) error {
	per := n / ic.Cost.CPIBytesPerUnit
	if ic.Cost.CPIBytesPerUnit == 0 {
		per = ^uint64(0)
	}
	return ic.ConsumeChecked(max(ic.Cost.MemOpBaseCost, per))
}

// sysMemcpy is SyscallMemcpy: overlapping VM ranges fail with CopyOverlapping.
func sysMemcpy(vm *sbpf.VM, dst, src, n, _, _ uint64) (uint64, error) {
	ic, err := ctxOf(vm)
	if err != nil {
		return 0, err
	}
	if err := memOpConsume(ic, n); err != nil {
		return 0, err
	}
	if !nonOverlapping(src, n, dst, n) {
		return 0, solana.NewSyscallError(solana.CopyOverlapping)
	}
	return memmove(vm, ic, dst, src, n)
}

// sysMemmove is SyscallMemmove.
func sysMemmove(vm *sbpf.VM, dst, src, n, _, _ uint64) (uint64, error) {
	ic, err := ctxOf(vm)
	if err != nil {
		return 0, err
	}
	if err := memOpConsume(ic, n); err != nil {
		return 0, err
	}
	return memmove(vm, ic, dst, src, n)
}

// memmove translates the destination (store) before the source (load), as Agave does.
func memmove(vm *sbpf.VM, ic *InvokeContext, dst, src, n uint64) (uint64, error) {
	if n != 0 {
		if _, err := vm.Memory.Translate(sbpf.Store, dst, n); err != nil {
			return 0, err
		}
	}
	d, err := translateSlice(vm, ic, sbpf.Store, dst, n, 1, 1)
	if err != nil {
		return 0, err
	}
	s, err := translateBytes(vm, ic, src, n)
	if err != nil {
		return 0, err
	}
	copy(d, s)
	return 0, nil
}

// sysMemcmp is SyscallMemcmp: writes the difference of the first differing bytes (or 0)
// as an i32 at result.
func sysMemcmp(vm *sbpf.VM, s1, s2, n, result, _ uint64) (uint64, error) {
	ic, err := ctxOf(vm)
	if err != nil {
		return 0, err
	}
	if err := memOpConsume(ic, n); err != nil {
		return 0, err
	}
	a, err := translateBytes(vm, ic, s1, n)
	if err != nil {
		return 0, err
	}
	b, err := translateBytes(vm, ic, s2, n)
	if err != nil {
		return 0, err
	}
	var cmp int32
	for i := range a {
		if a[i] != b[i] {
			cmp = int32(a[i]) - int32(b[i])
			break
		}
	}
	out, err := translateMut(vm, ic, mutTarget{result, 4, 4})
	if err != nil {
		return 0, err
	}
	u := uint32(cmp)
	out[0][0], out[0][1], out[0][2], out[0][3] = byte(u), byte(u>>8), byte(u>>16), byte(u>>24)
	return 0, nil
}

// sysMemset is SyscallMemset.
func sysMemset(vm *sbpf.VM, dst, c, n, _, _ uint64) (uint64, error) {
	ic, err := ctxOf(vm)
	if err != nil {
		return 0, err
	}
	if err := memOpConsume(ic, n); err != nil {
		return 0, err
	}
	out, err := translateMut(vm, ic, mutTarget{dst, n, 1})
	if err != nil {
		return 0, err
	}
	for i := range out[0] {
		out[0][i] = byte(c)
	}
	return 0, nil
}

// hashSyscall is SyscallHash<H>(vals, count, result): at most Sha256MaxSlices slices
// (checked before any cost), base cost, then per slice max(mem_op_base_cost,
// byte_cost * len / 2), charged after the slice is translated.
func hashSyscall(name string, newHash func() hash.Hash) sbpf.SyscallFunc {
	return func(vm *sbpf.VM, valsAddr, valsLen, resultAddr, _, _ uint64) (uint64, error) {
		ic, err := ctxOf(vm)
		if err != nil {
			return 0, err
		}
		if valsLen > solana.Sha256MaxSlices {
			ic.Log(fmt.Sprintf("%s Hashing %d sequences in one syscall is over the limit %d", name, valsLen, solana.Sha256MaxSlices))
			return 0, solana.NewSyscallError(solana.TooManySlices)
		}
		if err := ic.ConsumeChecked(ic.Cost.Sha256BaseCost); err != nil {
			return 0, err
		}
		out, err := translateMut(vm, ic, mutTarget{resultAddr, 32, 1})
		if err != nil {
			return 0, err
		}
		h := newHash()
		if valsLen > 0 {
			vals, err := translateVMSlices(vm, ic, valsAddr, valsLen)
			if err != nil {
				return 0, err
			}
			for _, v := range vals {
				b, err := translateBytes(vm, ic, v.ptr, v.len)
				if err != nil {
					return 0, err
				}
				if err := ic.ConsumeChecked(max(ic.Cost.MemOpBaseCost, satMul(ic.Cost.Sha256ByteCost, v.len/2))); err != nil {
					return 0, err
				}
				h.Write(b)
			}
		}
		copy(out[0], h.Sum(nil))
		return 0, nil
	}
}

// sysvarSyscall is get_sysvar::<T>: cost sysvar_base_cost + size_of::<T>(), then the
// value is written at var (8-byte aligned).
func sysvarSyscall(value func(*solana.Sysvars) []byte) sbpf.SyscallFunc {
	return func(vm *sbpf.VM, varAddr, _, _, _, _ uint64) (uint64, error) {
		ic, err := ctxOf(vm)
		if err != nil {
			return 0, err
		}
		v := value(&ic.Sysvars)
		if err := ic.ConsumeChecked(satAdd(ic.Cost.SysvarBaseCost, uint64(len(v)))); err != nil {
			return 0, err
		}
		if !ic.CheckAligned {
			return 0, solana.NewSyscallError(solana.UnalignedPointer)
		}
		out, err := translateMut(vm, ic, mutTarget{varAddr, uint64(len(v)), 8})
		if err != nil {
			return 0, err
		}
		copy(out[0], v)
		return 0, nil
	}
}

// sysGetStackHeight is SyscallGetStackHeight: the instruction stack height.
func sysGetStackHeight(vm *sbpf.VM, _, _, _, _, _ uint64) (uint64, error) {
	ic, err := ctxOf(vm)
	if err != nil {
		return 0, err
	}
	if err := ic.ConsumeChecked(ic.Cost.SyscallBaseCost); err != nil {
		return 0, err
	}
	return ic.StackHeight, nil
}

// sysGetProcessedSiblingInstruction is SyscallGetProcessedSiblingInstruction for a
// transaction of one top-level instruction: the trace holds only the running instruction,
// so no sibling is ever found; it charges syscall_base_cost, writes nothing and returns 0.
func sysGetProcessedSiblingInstruction(vm *sbpf.VM, _, _, _, _, _ uint64) (uint64, error) {
	ic, err := ctxOf(vm)
	if err != nil {
		return 0, err
	}
	if err := ic.ConsumeChecked(ic.Cost.SyscallBaseCost); err != nil {
		return 0, err
	}
	return 0, nil
}

// sysRemainingComputeUnits is SyscallRemainingComputeUnits: remaining after its cost.
func sysRemainingComputeUnits(vm *sbpf.VM, _, _, _, _, _ uint64) (uint64, error) {
	ic, err := ctxOf(vm)
	if err != nil {
		return 0, err
	}
	if err := ic.ConsumeChecked(ic.Cost.SyscallBaseCost); err != nil {
		return 0, err
	}
	return ic.Remaining(), nil
}

// sysSetReturnData is SyscallSetReturnData(addr, len): cost len / cpi_bytes_per_unit +
// syscall_base_cost; more than MAX_RETURN_DATA bytes fail.
func sysSetReturnData(vm *sbpf.VM, addr, n, _, _, _ uint64) (uint64, error) {
	ic, err := ctxOf(vm)
	if err != nil {
		return 0, err
	}
	per := ^uint64(0)
	if ic.Cost.CPIBytesPerUnit != 0 {
		per = n / ic.Cost.CPIBytesPerUnit
	}
	if err := ic.ConsumeChecked(satAdd(per, ic.Cost.SyscallBaseCost)); err != nil {
		return 0, err
	}
	if n > solana.MaxReturnData {
		return 0, solana.ReturnDataTooLargeError(n, solana.MaxReturnData)
	}
	data := []byte{}
	if n > 0 {
		b, err := translateBytes(vm, ic, addr, n)
		if err != nil {
			return 0, err
		}
		data = append(data, b...)
	}
	ic.ReturnData = ReturnData{ProgramID: ic.ProgramID, Data: data}
	return 0, nil
}

// sysGetReturnData is SyscallGetReturnData(buf, len, program_id): copies up to len bytes
// and the setter's program id, returns the full length.
func sysGetReturnData(vm *sbpf.VM, bufAddr, length, pidAddr, _, _ uint64) (uint64, error) {
	ic, err := ctxOf(vm)
	if err != nil {
		return 0, err
	}
	if err := ic.ConsumeChecked(ic.Cost.SyscallBaseCost); err != nil {
		return 0, err
	}
	data := ic.ReturnData.Data
	n := min(length, uint64(len(data)))
	if n != 0 {
		per := ^uint64(0)
		if ic.Cost.CPIBytesPerUnit != 0 {
			per = satAdd(n, 32) / ic.Cost.CPIBytesPerUnit
		}
		if err := ic.ConsumeChecked(per); err != nil {
			return 0, err
		}
		out, err := translateMut(vm, ic, mutTarget{bufAddr, n, 1}, mutTarget{pidAddr, 32, 1})
		if err != nil {
			return 0, err
		}
		copy(out[0], data[:n])
		copy(out[1], ic.ReturnData.ProgramID[:])
	}
	return uint64(len(data)), nil
}

// sysAllocFree is SyscallAllocFree(size, free_addr): no cost; allocation returns the
// address or 0, free is a no-op returning 0.
func sysAllocFree(vm *sbpf.VM, size, freeAddr, _, _, _ uint64) (uint64, error) {
	ic, err := ctxOf(vm)
	if err != nil {
		return 0, err
	}
	align := uint64(1)
	if ic.CheckAligned {
		align = solana.BPFAlignOfU128
	}
	// Layout::from_size_align: the size rounded up to align must fit in isize.
	if size > (1<<63-1)-(align-1) {
		return 0, nil
	}
	if freeAddr != 0 {
		return 0, nil
	}
	addr, ok := ic.alloc(size, align)
	if !ok {
		return 0, nil
	}
	return addr, nil
}

// sysInvokeSigned stands for sol_invoke_signed_c/_rust: it charges invoke_units, as
// Agave's cpi_common does first, then fails with UnsupportedCPI.
func sysInvokeSigned(vm *sbpf.VM, _, _, _, _, _ uint64) (uint64, error) {
	ic, err := ctxOf(vm)
	if err != nil {
		return 0, err
	}
	if err := ic.ConsumeChecked(ic.Cost.InvokeUnits); err != nil {
		return 0, err
	}
	return 0, solana.NewSyscallError(solana.UnsupportedCPI)
}
