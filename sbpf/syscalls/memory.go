package syscalls

import (
	"math"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/solana"
)

const mmHeapStart = sbpf.MMHeapStart

// vmSliceSize and vmSliceAlign describe VmSlice<T> / &[T] as a program lays it out:
// a u64 pointer and a u64 length.
const (
	vmSliceSize  = 16
	vmSliceAlign = 8
)

// Alignment is checked on the VM address. Agave checks the host address, but every
// region's host buffer is 16-byte aligned and starts at a VM address with the same
// residue, so the two agree (see the package report).
func aligned(addr, align uint64) bool { return align <= 1 || addr%align == 0 }

// translateType is translate_type_inner!: map size bytes, then check alignment.
func translateType(vm *sbpf.VM, ic *InvokeContext, access sbpf.AccessType, addr, size, align uint64) ([]byte, error) {
	b, err := vm.Memory.Translate(access, addr, size)
	if err != nil {
		return nil, err
	}
	if ic.CheckAligned && !aligned(addr, align) {
		return nil, solana.NewSyscallError(solana.UnalignedPointer)
	}
	return b, nil
}

// translateSlice is translate_slice_inner!: an empty slice is never mapped nor checked;
// a total size beyond isize::MAX is InvalidLength; then map, then check alignment.
func translateSlice(vm *sbpf.VM, ic *InvokeContext, access sbpf.AccessType, addr, count, elemSize, align uint64) ([]byte, error) {
	if count == 0 {
		return []byte{}, nil
	}
	total := satMul(count, elemSize)
	if total > math.MaxInt64 {
		return nil, solana.NewSyscallError(solana.InvalidLength)
	}
	return translateType(vm, ic, access, addr, total, align)
}

// translateBytes is translate_slice::<u8> for loads.
func translateBytes(vm *sbpf.VM, ic *InvokeContext, addr, n uint64) ([]byte, error) {
	return translateSlice(vm, ic, sbpf.Load, addr, n, 1, 1)
}

// vmSlice is a decoded VmSlice<u8>.
type vmSlice struct{ ptr, len uint64 }

// translateVMSlices is translate_slice::<VmSlice<u8>>: the array of (ptr, len) pairs.
func translateVMSlices(vm *sbpf.VM, ic *InvokeContext, addr, count uint64) ([]vmSlice, error) {
	b, err := translateSlice(vm, ic, sbpf.Load, addr, count, vmSliceSize, vmSliceAlign)
	if err != nil {
		return nil, err
	}
	out := make([]vmSlice, count)
	for i := range out {
		out[i] = vmSlice{le64(b[16*i:]), le64(b[16*i+8:])}
	}
	return out, nil
}

// mutTarget is one binding of translate_mut!.
type mutTarget struct {
	addr, size, align uint64
}

// translateMut is the translate_mut! macro: every target is first touched (mapped for
// store, without the alignment check), then translated with the alignment check, and
// finally the targets must not overlap each other (CopyOverlapping). Zero-sized targets
// are neither mapped nor checked.
func translateMut(vm *sbpf.VM, ic *InvokeContext, targets ...mutTarget) ([][]byte, error) {
	for _, t := range targets {
		if t.size == 0 {
			continue
		}
		if _, err := vm.Memory.Translate(sbpf.Store, t.addr, t.size); err != nil {
			return nil, err
		}
	}
	out := make([][]byte, len(targets))
	for i, t := range targets {
		if t.size == 0 {
			out[i] = []byte{}
			continue
		}
		if t.size > math.MaxInt64 {
			return nil, solana.NewSyscallError(solana.InvalidLength)
		}
		b, err := translateType(vm, ic, sbpf.Store, t.addr, t.size, t.align)
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	for i := 0; i < len(targets); i++ {
		for j := i + 1; j < len(targets); j++ {
			a, b := targets[i], targets[j]
			if a.size == 0 || b.size == 0 {
				continue
			}
			if !nonOverlapping(a.addr, a.size, b.addr, b.size) {
				return nil, solana.NewSyscallError(solana.CopyOverlapping)
			}
		}
	}
	return out, nil
}

// nonOverlapping is is_nonoverlapping.
func nonOverlapping(src, srcLen, dst, dstLen uint64) bool {
	if src > dst {
		return src-dst >= dstLen
	}
	return dst-src >= srcLen
}

func le64(b []byte) uint64 {
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

func put64(b []byte, v uint64) {
	for i := 0; i < 8; i++ {
		b[i] = byte(v >> (8 * i))
	}
}
