package syscalls

import (
	"encoding/binary"
	"encoding/hex"
	"strings"

	solanago "github.com/gagliardetto/solana-go"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/solana"
)

const (
	in   = sbpf.MMInputStart
	heap = sbpf.MMHeapStart
	ro   = sbpf.MMBytecodeStart
)

// env is a VM whose input region is a 64 KiB buffer the test fills, with the syscalls'
// InvokeContext as meter and context.
type env struct {
	vm    *sbpf.VM
	ic    *InvokeContext
	input []byte
	text  []byte
}

var testProgramID = solanago.MustPublicKeyFromBase58("BPFLoaderUpgradeab1e11111111111111111111111")

func newEnv(budget uint64) *env {
	loader, err := NewLoader()
	Expect(err).NotTo(HaveOccurred())
	text := make([]byte, 64)
	text[0] = 0x95 // exit
	for i := 8; i < 64; i++ {
		text[i] = byte(i)
	}
	exe, err := sbpf.NewExecutableFromText(text, loader, sbpf.V0, nil)
	Expect(err).NotTo(HaveOccurred())
	e := &env{ic: NewInvokeContext(testProgramID, budget), input: make([]byte, 64*1024), text: text}
	mem, err := sbpf.NewStandardMapping(exe, nil, make([]byte, solana.DefaultHeapSize), e.input, nil)
	Expect(err).NotTo(HaveOccurred())
	e.vm = sbpf.NewVM(exe, e.ic, mem, e.ic)
	return e
}

// put writes b into the input region at offset off and returns its VM address.
func (e *env) put(off int, b []byte) uint64 {
	copy(e.input[off:], b)
	return in + uint64(off)
}

// slices writes a VmSlice array at off pointing at the given VM ranges.
func (e *env) slices(off int, ranges ...[2]uint64) uint64 {
	for i, r := range ranges {
		binary.LittleEndian.PutUint64(e.input[off+16*i:], r[0])
		binary.LittleEndian.PutUint64(e.input[off+16*i+8:], r[1])
	}
	return in + uint64(off)
}

func (e *env) used(budget uint64) uint64 { return budget - e.ic.Remaining() }

func kindOf(err error) string { return solana.ErrorKind(err) }

const budget = 200_000

var _ = Describe("Register", func() {
	It("registers every syscall under its murmur3 key", func() {
		l, err := NewLoader()
		Expect(err).NotTo(HaveOccurred())
		for _, name := range append(append([]string{}, Implemented...), Unimplemented...) {
			got, fn, ok := l.LookupSyscall(sbpf.HashSymbolName([]byte(name)))
			Expect(ok).To(BeTrue(), name)
			Expect(got).To(Equal(name))
			Expect(fn).NotTo(BeNil())
		}
		Expect(Register(l)).To(HaveOccurred(), "registering twice collides")
	})

	It("makes unimplemented syscalls fail with UnsupportedSyscall", func() {
		e := newEnv(budget)
		_, fn, _ := e.vm.Executable().Loader.LookupSyscall(sbpf.HashSymbolName([]byte("sol_poseidon")))
		_, err := fn(e.vm, 0, 0, 0, 0, 0)
		Expect(kindOf(err)).To(Equal(UnsupportedSyscall))
	})

	It("configures the loader like Agave's runtime environment v1", func() {
		l, _ := NewLoader()
		cfg := l.Config()
		Expect(cfg.MaxCallDepth).To(Equal(64))
		Expect(cfg.StackFrameSize).To(Equal(4096))
		Expect(cfg.EnableStackFrameGaps).To(BeTrue())
		Expect(cfg.AlignedMemoryMapping).To(BeTrue())
		Expect(cfg.OptimizeRodata).To(BeFalse())
	})
})

var _ = Describe("InvokeContext", func() {
	It("saturates the meter and reports ComputationalBudgetExceeded", func() {
		ic := NewInvokeContext(testProgramID, 10)
		Expect(ic.ConsumeChecked(4)).To(Succeed())
		Expect(ic.Remaining()).To(Equal(uint64(6)))
		err := ic.ConsumeChecked(7)
		Expect(kindOf(err)).To(Equal(solana.ComputationalBudgetExceeded))
		Expect(ic.Remaining()).To(BeZero())
		ic.Consume(5)
		Expect(ic.Remaining()).To(BeZero())
	})

	It("truncates logs at 10000 bytes with a single marker", func() {
		ic := NewInvokeContext(testProgramID, 10)
		msg := strings.Repeat("m", 4000)
		ic.Log(msg)
		ic.Log(msg)
		ic.Log(msg) // 12000 >= 10000: replaced by the marker
		ic.Log("x") // 8001: still fits
		ic.Log("y")
		Expect(len(ic.Logs)).To(Equal(5))
		Expect(ic.Logs[2]).To(Equal("Log truncated"))
		Expect(ic.Logs[3:]).To(Equal([]string{"x", "y"}))
		ic.Log(strings.Repeat("z", 1997)) // 9999 < 10000: kept
		Expect(len(ic.Logs)).To(Equal(6))
		ic.Log("w") // 10000 >= 10000: dropped, no second marker
		Expect(len(ic.Logs)).To(Equal(6))
	})
})

var _ = Describe("logging syscalls", func() {
	It("sol_log_ costs max(100, len) and logs the string", func() {
		e := newEnv(budget)
		addr := e.put(0, []byte("hello"))
		r, err := sysLog(e.vm, addr, 5, 0, 0, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(r).To(BeZero())
		Expect(e.ic.Logs).To(Equal([]string{"Program log: hello"}))
		Expect(e.used(budget)).To(Equal(uint64(100)))

		long := make([]byte, 300)
		for i := range long {
			long[i] = 'a'
		}
		addr = e.put(100, long)
		_, err = sysLog(e.vm, addr, 300, 0, 0, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(e.used(budget)).To(Equal(uint64(400)))
	})

	It("sol_log_ rejects invalid UTF-8 and unmapped memory", func() {
		e := newEnv(budget)
		addr := e.put(0, []byte{'o', 'k', 0xff})
		_, err := sysLog(e.vm, addr, 3, 0, 0, 0)
		Expect(kindOf(err)).To(Equal(solana.InvalidString))
		Expect(err.Error()).To(Equal("invalid utf-8 sequence of 1 bytes from index 2: [111, 107, 255]"))
		_, err = sysLog(e.vm, 8, 3, 0, 0, 0)
		Expect(kindOf(err)).To(Equal(solana.KindAccessViolation))
		Expect(e.ic.Logs).To(BeEmpty())
	})

	It("sol_log_ fails with ComputationalBudgetExceeded before translating", func() {
		e := newEnv(50)
		_, err := sysLog(e.vm, 8, 3, 0, 0, 0)
		Expect(kindOf(err)).To(Equal(solana.ComputationalBudgetExceeded))
		Expect(e.ic.Remaining()).To(BeZero())
	})

	It("sol_log_64_ prints five hex values", func() {
		e := newEnv(budget)
		_, err := sysLog64(e.vm, 1, 0, 0xff, 1<<63, 42)
		Expect(err).NotTo(HaveOccurred())
		Expect(e.ic.Logs).To(Equal([]string{"Program log: 0x1, 0x0, 0xff, 0x8000000000000000, 0x2a"}))
		Expect(e.used(budget)).To(Equal(uint64(100)))
	})

	It("sol_log_compute_units_ reports the meter after its own cost", func() {
		e := newEnv(budget)
		_, err := sysLogComputeUnits(e.vm, 0, 0, 0, 0, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(e.ic.Logs).To(Equal([]string{"Program consumption: 199900 units remaining"}))
	})

	It("sol_log_pubkey logs base58", func() {
		e := newEnv(budget)
		addr := e.put(3, testProgramID[:])
		_, err := sysLogPubkey(e.vm, addr, 0, 0, 0, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(e.ic.Logs).To(Equal([]string{"Program log: BPFLoaderUpgradeab1e11111111111111111111111"}))
		Expect(e.used(budget)).To(Equal(uint64(100)))
	})

	It("sol_log_data logs base64 fields and charges per field and byte", func() {
		e := newEnv(budget)
		a := e.put(0, []byte("hello"))
		b := e.put(16, []byte{0xff, 0xfe})
		arr := e.slices(64, [2]uint64{a, 5}, [2]uint64{b, 2}, [2]uint64{b, 0})
		_, err := sysLogData(e.vm, arr, 3, 0, 0, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(e.ic.Logs).To(Equal([]string{"Program data: aGVsbG8= //4= "}))
		Expect(e.used(budget)).To(Equal(uint64(100 + 3*100 + 7)))
	})

	It("sol_log_data requires an 8-byte aligned field array", func() {
		e := newEnv(budget)
		_, err := sysLogData(e.vm, in+4, 1, 0, 0, 0)
		Expect(kindOf(err)).To(Equal(solana.UnalignedPointer))
	})
})

var _ = Describe("memory syscalls", func() {
	It("sol_memcpy_ copies and costs max(10, n/250)", func() {
		e := newEnv(budget)
		src := e.put(0, []byte("abcdef"))
		_, err := sysMemcpy(e.vm, in+100, src, 6, 0, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(e.input[100:106])).To(Equal("abcdef"))
		Expect(e.used(budget)).To(Equal(uint64(10)))
		_, err = sysMemcpy(e.vm, in+10000, in, 5000, 0, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(e.used(budget)).To(Equal(uint64(10 + 20)))
	})

	It("sol_memcpy_ rejects overlapping ranges but sol_memmove_ handles them", func() {
		e := newEnv(budget)
		e.put(0, []byte("abcdef"))
		_, err := sysMemcpy(e.vm, in+2, in, 4, 0, 0)
		Expect(kindOf(err)).To(Equal(solana.CopyOverlapping))
		_, err = sysMemmove(e.vm, in+2, in, 4, 0, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(e.input[:6])).To(Equal("ababcd"))
	})

	It("sol_memcpy_ of zero bytes touches no memory", func() {
		e := newEnv(budget)
		_, err := sysMemcpy(e.vm, 0, 8, 0, 0, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(e.used(budget)).To(Equal(uint64(10)))
	})

	It("sol_memcpy_ into read-only memory is a store access violation", func() {
		e := newEnv(budget)
		_, err := sysMemcpy(e.vm, ro, in, 4, 0, 0)
		Expect(kindOf(err)).To(Equal(solana.KindAccessViolation))
		var ee *sbpf.EbpfError
		Expect(err).To(BeAssignableToTypeOf(ee))
		Expect(err.(*sbpf.EbpfError).Access).To(Equal(sbpf.Store))
		// reading from it is fine
		_, err = sysMemcpy(e.vm, in, ro+8, 4, 0, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(e.input[:4]).To(Equal(e.text[8:12]))
	})

	It("sol_memcmp_ writes the first byte difference as i32", func() {
		e := newEnv(budget)
		a := e.put(0, []byte{1, 2, 3, 9})
		b := e.put(8, []byte{1, 2, 200, 0})
		_, err := sysMemcmp(e.vm, a, b, 4, in+16, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(int32(binary.LittleEndian.Uint32(e.input[16:]))).To(Equal(int32(3 - 200)))
		_, err = sysMemcmp(e.vm, a, a, 4, in+16, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(binary.LittleEndian.Uint32(e.input[16:])).To(BeZero())
		_, err = sysMemcmp(e.vm, a, b, 4, in+18, 0)
		Expect(kindOf(err)).To(Equal(solana.UnalignedPointer))
	})

	It("sol_memset_ fills", func() {
		e := newEnv(budget)
		_, err := sysMemset(e.vm, in+1, 0x1ab, 3, 0, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(e.input[:5]).To(Equal([]byte{0, 0xab, 0xab, 0xab, 0}))
		_, err = sysMemset(e.vm, in+uint64(len(e.input))-1, 0, 2, 0, 0)
		Expect(kindOf(err)).To(Equal(solana.KindAccessViolation))
	})
})

var _ = Describe("hash syscalls", func() {
	digest := func(e *env, fn sbpf.SyscallFunc, parts ...[]byte) string {
		var ranges [][2]uint64
		off := 1024
		for _, p := range parts {
			ranges = append(ranges, [2]uint64{e.put(off, p), uint64(len(p))})
			off += len(p) + 1
		}
		arr := e.slices(0, ranges...)
		_, err := fn(e.vm, arr, uint64(len(parts)), in+4096, 0, 0)
		Expect(err).NotTo(HaveOccurred())
		return hex.EncodeToString(e.input[4096 : 4096+32])
	}
	It("sol_sha256 hashes the concatenation of the slices", func() {
		e := newEnv(budget)
		fn := lookup(e, "sol_sha256")
		Expect(digest(e, fn, []byte("hel"), []byte("lo"))).To(Equal("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"))
		Expect(e.used(budget)).To(Equal(uint64(85 + 10 + 10)))
	})

	It("sol_keccak256 and sol_blake3 hash the empty input", func() {
		e := newEnv(budget)
		_, err := lookup(e, "sol_keccak256")(e.vm, 0, 0, in+64, 0, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(hex.EncodeToString(e.input[64:96])).To(Equal("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"))
		_, err = lookup(e, "sol_blake3")(e.vm, 0, 0, in+128, 0, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(hex.EncodeToString(e.input[128:160])).To(Equal("af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"))
		Expect(e.used(budget)).To(Equal(uint64(85 * 2)))
	})

	It("charges byte_cost * len / 2 per large slice", func() {
		e := newEnv(budget)
		big := make([]byte, 1000)
		digest(e, lookup(e, "sol_sha256"), big)
		Expect(e.used(budget)).To(Equal(uint64(85 + 500)))
	})

	It("rejects more than 20000 slices before charging", func() {
		e := newEnv(budget)
		_, err := lookup(e, "sol_keccak256")(e.vm, in, 20001, in+64, 0, 0)
		Expect(kindOf(err)).To(Equal(solana.TooManySlices))
		Expect(e.used(budget)).To(BeZero())
		Expect(e.ic.Logs).To(Equal([]string{"Keccak256 Hashing 20001 sequences in one syscall is over the limit 20000"}))
	})

	It("needs a writable result", func() {
		e := newEnv(budget)
		_, err := lookup(e, "sol_sha256")(e.vm, 0, 0, ro, 0, 0)
		Expect(kindOf(err)).To(Equal(solana.KindAccessViolation))
	})
})

func lookup(e *env, name string) sbpf.SyscallFunc {
	_, fn, ok := e.vm.Executable().Loader.LookupSyscall(sbpf.HashSymbolName([]byte(name)))
	Expect(ok).To(BeTrue())
	return fn
}

var _ = Describe("return data", func() {
	It("sets and gets return data with Agave's costs", func() {
		e := newEnv(budget)
		data := make([]byte, 600)
		data[0], data[599] = 7, 9
		addr := e.put(0, data)
		_, err := sysSetReturnData(e.vm, addr, 600, 0, 0, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(e.used(budget)).To(Equal(uint64(100 + 2)))
		Expect(e.ic.ReturnData.ProgramID).To(Equal(testProgramID))
		Expect(e.ic.ReturnData.Data).To(Equal(data))

		n, err := sysGetReturnData(e.vm, in+2048, 10, in+4096, 0, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(n).To(Equal(uint64(600)))
		Expect(e.input[2048:2058]).To(Equal(data[:10]))
		Expect(e.input[4096:4128]).To(Equal(testProgramID[:]))
		Expect(e.used(budget)).To(Equal(uint64(102 + 100 + (10+32)/250)))
	})

	It("rejects more than 1024 bytes after charging", func() {
		e := newEnv(budget)
		_, err := sysSetReturnData(e.vm, in, 1025, 0, 0, 0)
		Expect(kindOf(err)).To(Equal(solana.ReturnDataTooLarge))
		Expect(err.Error()).To(Equal("Return data too large (1025 > 1024)"))
		Expect(e.used(budget)).To(Equal(uint64(104)))
	})

	It("gets nothing and touches no memory when there is no data", func() {
		e := newEnv(budget)
		n, err := sysGetReturnData(e.vm, 0, 10, 0, 0, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(n).To(BeZero())
	})

	It("rejects overlapping outputs", func() {
		e := newEnv(budget)
		_, err := sysSetReturnData(e.vm, in, 40, 0, 0, 0)
		Expect(err).NotTo(HaveOccurred())
		_, err = sysGetReturnData(e.vm, in+100, 40, in+120, 0, 0)
		Expect(kindOf(err)).To(Equal(solana.CopyOverlapping))
	})
})

var _ = Describe("sol_alloc_free_", func() {
	It("bump-allocates 8-byte aligned heap addresses at no cost", func() {
		e := newEnv(budget)
		a, err := sysAllocFree(e.vm, 3, 0, 0, 0, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(a).To(Equal(uint64(heap)))
		b, _ := sysAllocFree(e.vm, 10, 0, 0, 0, 0)
		Expect(b).To(Equal(uint64(heap + 8)))
		c, _ := sysAllocFree(e.vm, 32*1024-24, 0, 0, 0, 0)
		Expect(c).To(Equal(uint64(heap + 24)))
		d, _ := sysAllocFree(e.vm, 1, 0, 0, 0, 0)
		Expect(d).To(BeZero(), "heap exhausted")
		f, _ := sysAllocFree(e.vm, 0, heap, 0, 0, 0)
		Expect(f).To(BeZero(), "free is a no-op")
		g, _ := sysAllocFree(e.vm, 1<<63, 0, 0, 0, 0)
		Expect(g).To(BeZero(), "invalid layout")
		Expect(e.used(budget)).To(BeZero())
	})
})

var _ = Describe("program derived addresses", func() {
	pda := func(e *env, seeds ...[]byte) (uint64, uint64) {
		var ranges [][2]uint64
		off := 1024
		for _, s := range seeds {
			ranges = append(ranges, [2]uint64{e.put(off, s), uint64(len(s))})
			off += len(s) + 1
		}
		arr := e.slices(0, ranges...)
		pid := e.put(3000, testProgramID[:])
		return arr, pid
	}

	DescribeTable("sol_create_program_address matches Agave's test vectors",
		func(want string, seeds ...[]byte) {
			e := newEnv(budget)
			arr, pid := pda(e, seeds...)
			r, err := sysCreateProgramAddress(e.vm, arr, uint64(len(seeds)), pid, in+4000, 0)
			Expect(err).NotTo(HaveOccurred())
			Expect(r).To(BeZero())
			Expect(solanago.PublicKeyFromBytes(e.input[4000:4032]).String()).To(Equal(want))
			Expect(e.used(budget)).To(Equal(uint64(1500)))
		},
		Entry("empty seed and 1", "BwqrghZA2htAcqq8dzP1WDAhTXYTYWj7CHxF5j7TDBAe", []byte{}, []byte{1}),
		Entry("sun and 0", "13yWmRpaTR4r5nAktwLqMpRNr28tnVUZw26rTvPSSB19", []byte("☉"), []byte{0}),
		Entry("Talking Squirrels", "2fnQrngrQT4SeLcdToJAD96phoEjNL2man2kfRLCASVk", []byte("Talking"), []byte("Squirrels")),
	)

	It("rejects 17 seeds and 33-byte seeds with BadSeeds", func() {
		e := newEnv(budget)
		seeds := make([][]byte, 17)
		for i := range seeds {
			seeds[i] = []byte{byte(i)}
		}
		arr, pid := pda(e, seeds...)
		_, err := sysCreateProgramAddress(e.vm, arr, 17, pid, in+4000, 0)
		Expect(kindOf(err)).To(Equal(solana.BadSeeds))
		e = newEnv(budget)
		arr, pid = pda(e, make([]byte, 33))
		_, err = sysCreateProgramAddress(e.vm, arr, 1, pid, in+4000, 0)
		Expect(kindOf(err)).To(Equal(solana.BadSeeds))
	})

	It("sol_try_find_program_address finds solana-go's bump and charges per attempt", func() {
		for _, seed := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
			e := newEnv(budget)
			arr, pid := pda(e, []byte(seed))
			r, err := sysTryFindProgramAddress(e.vm, arr, 1, pid, in+4000, in+4040)
			Expect(err).NotTo(HaveOccurred())
			Expect(r).To(BeZero())
			want, bump, err := solanago.FindProgramAddress([][]byte{[]byte(seed)}, testProgramID)
			Expect(err).NotTo(HaveOccurred())
			Expect(e.input[4040]).To(Equal(bump))
			Expect(e.input[4000:4032]).To(Equal(want[:]))
			Expect(e.used(budget)).To(Equal(uint64(1500 * (1 + 255 - uint64(bump)))))
		}
	})

	It("sol_try_find_program_address with 16 seeds never succeeds", func() {
		e := newEnv(budget * 2)
		seeds := make([][]byte, 16)
		for i := range seeds {
			seeds[i] = []byte{byte(i)}
		}
		arr, pid := pda(e, seeds...)
		r, err := sysTryFindProgramAddress(e.vm, arr, 16, pid, in+4000, in+4040)
		Expect(err).NotTo(HaveOccurred())
		Expect(r).To(Equal(uint64(1)))
		Expect(e.used(budget * 2)).To(Equal(uint64(1500 * 256)))
	})

	It("sol_try_find_program_address rejects overlapping outputs", func() {
		e := newEnv(budget)
		arr, pid := pda(e, []byte("a"))
		_, err := sysTryFindProgramAddress(e.vm, arr, 1, pid, in+4000, in+4010)
		Expect(kindOf(err)).To(Equal(solana.CopyOverlapping))
	})
})

var _ = Describe("sysvar syscalls", func() {
	It("writes the sysvars and charges 100 + size", func() {
		e := newEnv(budget)
		e.ic.Sysvars.Clock = solana.Clock{Slot: 77, UnixTimestamp: 1700000000}
		_, err := lookup(e, "sol_get_clock_sysvar")(e.vm, in+8, 0, 0, 0, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(e.input[8:48]).To(Equal(e.ic.Sysvars.Clock.Bytes()))
		_, err = lookup(e, "sol_get_rent_sysvar")(e.vm, in+64, 0, 0, 0, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(e.input[64:88]).To(Equal(solana.DefaultRent().Bytes()))
		_, err = lookup(e, "sol_get_epoch_schedule_sysvar")(e.vm, in+128, 0, 0, 0, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(e.input[128:168]).To(Equal(solana.DefaultEpochSchedule().Bytes()))
		Expect(e.used(budget)).To(Equal(uint64(140 + 124 + 140)))
	})

	It("requires 8-byte alignment", func() {
		e := newEnv(budget)
		_, err := lookup(e, "sol_get_clock_sysvar")(e.vm, in+4, 0, 0, 0, 0)
		Expect(kindOf(err)).To(Equal(solana.UnalignedPointer))
	})
})

var _ = Describe("misc syscalls", func() {
	It("sol_get_stack_height and sol_remaining_compute_units cost 100", func() {
		e := newEnv(budget)
		h, err := sysGetStackHeight(e.vm, 0, 0, 0, 0, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(h).To(Equal(uint64(1)))
		r, err := sysRemainingComputeUnits(e.vm, 0, 0, 0, 0, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(r).To(Equal(uint64(budget - 200)))
	})

	It("abort fails without cost; sol_panic_ costs len and reports the location", func() {
		e := newEnv(budget)
		_, err := sysAbort(e.vm, 0, 0, 0, 0, 0)
		Expect(kindOf(err)).To(Equal(solana.Abort))
		Expect(err.Error()).To(Equal("SBF program panicked"))
		addr := e.put(0, []byte("src/lib.rs"))
		_, err = sysPanic(e.vm, addr, 10, 42, 7, 0)
		Expect(kindOf(err)).To(Equal(solana.Panic))
		Expect(err.Error()).To(Equal("SBF program Panicked in src/lib.rs at 42:7"))
		Expect(e.used(budget)).To(Equal(uint64(10)))
	})

	It("CPI charges invoke_units and fails with UnsupportedCPI", func() {
		e := newEnv(budget)
		_, err := lookup(e, "sol_invoke_signed_rust")(e.vm, 0, 0, 0, 0, 0)
		Expect(kindOf(err)).To(Equal(solana.UnsupportedCPI))
		Expect(e.used(budget)).To(Equal(uint64(1000)))
	})

	It("fails cleanly without an InvokeContext", func() {
		e := newEnv(budget)
		e.vm.Context = nil
		_, err := sysLog(e.vm, 0, 0, 0, 0, 0)
		Expect(kindOf(err)).To(Equal(solana.InvokeContextBorrowFailed))
	})
})
