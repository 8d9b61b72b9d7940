package solana_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/solana"
)

var _ = Describe("InstructionError", func() {
	DescribeTable("from a program's non-zero return value",
		func(r0 uint64, kind string, code uint32) {
			e := solana.InstructionErrorFromReturn(r0)
			Expect(e.Kind).To(Equal(kind))
			Expect(e.Code).To(Equal(code))
		},
		Entry("small value is Custom", uint64(42), solana.Custom, uint32(42)),
		Entry("max u32 is Custom", uint64(0xffffffff), solana.Custom, uint32(0xffffffff)),
		Entry("CUSTOM_ZERO is Custom(0)", uint64(1)<<32, solana.Custom, uint32(0)),
		Entry("INVALID_ARGUMENT", uint64(2)<<32, solana.InvalidArgument, uint32(0)),
		Entry("INVALID_ACCOUNT_DATA_REALLOC", uint64(20)<<32, solana.InvalidRealloc, uint32(0)),
		Entry("INCORRECT_AUTHORITY", uint64(26)<<32, solana.IncorrectAuthority, uint32(0)),
		Entry("unknown builtin code", uint64(27)<<32, solana.InvalidError, uint32(0)),
		Entry("mixed bits", uint64(1)<<32|5, solana.InvalidError, uint32(0)),
	)

	It("prints Agave's Display text", func() {
		Expect(solana.InstructionErrorFromReturn(0x2a).Error()).To(Equal("custom program error: 0x2a"))
		Expect(solana.NewInstructionError(solana.ProgramFailedToComplete).Error()).To(Equal("Program failed to complete"))
		Expect(solana.NewInstructionError(solana.ComputationalBudgetExceeded).Error()).To(Equal("Computational budget exceeded"))
		Expect(solana.NewInstructionError(solana.InvalidRealloc).Error()).To(Equal("Failed to reallocate account data"))
	})
})

var _ = Describe("SyscallError", func() {
	It("prints Agave's Display text", func() {
		Expect(solana.NewSyscallError(solana.Abort).Error()).To(Equal("SBF program panicked"))
		Expect(solana.NewSyscallError(solana.CopyOverlapping).Error()).To(Equal("Overlapping copy"))
		Expect(solana.PanicError("src/lib.rs", 42, 84).Error()).To(Equal("SBF program Panicked in src/lib.rs at 42:84"))
		Expect(solana.ReturnDataTooLargeError(1025, 1024).Error()).To(Equal("Return data too large (1025 > 1024)"))
		Expect(solana.BadSeedsError().Error()).To(Equal("Could not create program address with signer seeds: Length of the seed is too long for address generation"))
	})

	DescribeTable("InvalidString reproduces Rust's Utf8Error",
		func(b []byte, want string) {
			Expect(solana.ValidUTF8(b)).To(BeFalse())
			Expect(solana.InvalidStringError(b).Error()).To(Equal(want))
		},
		Entry("lone continuation", []byte{'a', 0x80}, "invalid utf-8 sequence of 1 bytes from index 1: [97, 128]"),
		Entry("truncated 2-byte", []byte{'h', 'i', 0xc3}, "incomplete utf-8 byte sequence from index 2: [104, 105, 195]"),
		Entry("bad second byte of 3-byte", []byte{0xe2, 0x28, 0xa1}, "invalid utf-8 sequence of 1 bytes from index 0: [226, 40, 161]"),
		Entry("bad third byte of 3-byte", []byte{0xe2, 0x82, 0x28}, "invalid utf-8 sequence of 2 bytes from index 0: [226, 130, 40]"),
		Entry("surrogate", []byte{0xed, 0xa0, 0x80}, "invalid utf-8 sequence of 1 bytes from index 0: [237, 160, 128]"),
		Entry("overlong", []byte{0xc0, 0xaf}, "invalid utf-8 sequence of 1 bytes from index 0: [192, 175]"),
		Entry("above U+10FFFF", []byte{0xf4, 0x90, 0x80, 0x80}, "invalid utf-8 sequence of 1 bytes from index 0: [244, 144, 128, 128]"),
		Entry("bad fourth byte", []byte{0xf0, 0x9f, 0x98, 0x41}, "invalid utf-8 sequence of 3 bytes from index 0: [240, 159, 152, 65]"),
		Entry("truncated 4-byte", []byte{0xf0, 0x9f, 0x98}, "incomplete utf-8 byte sequence from index 0: [240, 159, 152]"),
	)

	It("accepts valid UTF-8", func() {
		Expect(solana.ValidUTF8([]byte("héllo 😀"))).To(BeTrue())
		Expect(solana.ValidUTF8(nil)).To(BeTrue())
	})
})

var _ = Describe("HeapCost", func() {
	It("charges 8 CU per 32 KiB page beyond the first", func() {
		Expect(solana.HeapCost(32*1024, 8)).To(BeZero())
		Expect(solana.HeapCost(32*1024+1, 8)).To(Equal(uint64(8)))
		Expect(solana.HeapCost(256*1024, 8)).To(Equal(uint64(56)))
	})
})

var _ = Describe("sysvars", func() {
	It("serializes with repr(C) layout and zero padding", func() {
		r := solana.DefaultRent().Bytes()
		Expect(r).To(HaveLen(24))
		Expect(r[:8]).To(Equal([]byte{0x98, 0x0d, 0, 0, 0, 0, 0, 0}))
		Expect(r[8:16]).To(Equal([]byte{0, 0, 0, 0, 0, 0, 0, 0x40}))
		Expect(r[16:]).To(Equal([]byte{50, 0, 0, 0, 0, 0, 0, 0}))
		e := solana.DefaultEpochSchedule().Bytes()
		Expect(e).To(HaveLen(40))
		Expect(e[16:24]).To(Equal([]byte{1, 0, 0, 0, 0, 0, 0, 0}))
		c := solana.Clock{Slot: 1, UnixTimestamp: -1}.Bytes()
		Expect(c[0]).To(Equal(byte(1)))
		Expect(c[32:]).To(Equal([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}))
	})
})
