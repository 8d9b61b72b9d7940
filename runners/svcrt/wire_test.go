package svcrt_test

import (
	"errors"
	"math/rand"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/runners/svcrt"
)

func sampleRequest(r *rand.Rand) *svcrt.Request {
	q := &svcrt.Request{
		Flags: uint32(r.Intn(32)), ComputeBudget: r.Uint64(), HeapSize: 32 << 10, MaxCallDepth: 64, FrameSize: 4096,
		MinVersion: 0, MaxVersion: 3, LogBytes: uint16(r.Intn(1 << 16)), InstructionData: randBytes(r, r.Intn(40)), Program: randBytes(r, r.Intn(300)),
	}
	r.Read(q.ProgramID[:])
	n := r.Intn(5)
	for i := 0; i < n; i++ {
		if i > 0 && r.Intn(3) == 0 {
			q.Accounts = append(q.Accounts, svcrt.Account{DupOf: 0, Signer: r.Intn(2) == 0, Writable: true})
			continue
		}
		a := svcrt.Account{DupOf: svcrt.NotDuplicate, Signer: r.Intn(2) == 0, Writable: r.Intn(2) == 0, Executable: r.Intn(2) == 0,
			Lamports: r.Uint64(), RentEpoch: r.Uint64(), Data: randBytes(r, r.Intn(64))}
		r.Read(a.Key[:])
		r.Read(a.Owner[:])
		q.Accounts = append(q.Accounts, a)
	}
	q.Sysvars = []svcrt.Sysvar{{Kind: svcrt.SysvarClock, Value: randBytes(r, 40)}, {Kind: svcrt.SysvarRent, Value: randBytes(r, 24)}}
	return q
}

func randBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	r.Read(b)
	return b
}

var _ = Describe("the wire format", func() {
	It("round-trips requests", func() {
		r := rand.New(rand.NewSource(1))
		for i := 0; i < 200; i++ {
			q := sampleRequest(r)
			b, err := q.Encode()
			Expect(err).NotTo(HaveOccurred())
			back, err := svcrt.DecodeRequest(b)
			Expect(err).NotTo(HaveOccurred())
			b2, err := back.Encode()
			Expect(err).NotTo(HaveOccurred())
			Expect(b2).To(Equal(b))
			Expect(back.ProgramID).To(Equal(q.ProgramID))
			Expect(back.LogBytes).To(Equal(q.LogBytes))
			Expect(back.Accounts).To(HaveLen(len(q.Accounts)))
		}
	})

	It("round-trips responses", func() {
		p := &svcrt.Response{Status: svcrt.StatusFailure, Origin: svcrt.OriginVM, ErrorKind: "AccessViolation", ErrorDetail: "x",
			ExitCode: 7, ComputeUnits: 99, InstructionCount: 98, GasMarks: [5]uint64{5, 4, 3, 2, 1},
			ReturnData: &svcrt.ReturnData{Data: []byte{1, 2}}, Logs: []string{"Program log: hi", ""},
			Changes: []svcrt.Change{{Index: 2, Mask: svcrt.ChangedData | svcrt.ChangedOwner, Lamports: 5, Data: []byte{9}}, {Index: 0, Mask: svcrt.ChangedLamports, Lamports: 1}}}
		b, err := p.Encode()
		Expect(err).NotTo(HaveOccurred())
		back, err := svcrt.DecodeResponse(b)
		Expect(err).NotTo(HaveOccurred())
		Expect(back).To(Equal(p))
	})

	It("rejects every truncation and trailing bytes with a WireError", func() {
		q := sampleRequest(rand.New(rand.NewSource(2)))
		b, _ := q.Encode()
		for n := 0; n < len(b); n++ {
			_, err := svcrt.DecodeRequest(b[:n])
			var we *svcrt.WireError
			Expect(errors.As(err, &we)).To(BeTrue(), "prefix %d", n)
		}
		_, err := svcrt.DecodeRequest(append(b, 0))
		Expect(err).To(MatchError(ContainSubstring("trailing")))
	})

	It("rejects forged counts without allocating them", func() {
		b := []byte("SVR2")
		b = append(b, 0, 0, 0, 0)             // status, origin, no return data, reserved
		b = append(b, make([]byte, 8*8)...)   // exit code, CU, instructions, gas marks
		b = append(b, 0, 0, 0, 0, 0, 0, 0, 0) // no logs, empty error kind and detail
		b = append(b, 0xFF, 0xFF, 0xFF, 0xFF) // 4 billion changes in an 84-byte message
		_, err := svcrt.DecodeResponse(b)
		Expect(err).To(MatchError(ContainSubstring("larger than the message")))
	})

	It("sends sysvars by kind, in kind order, and refuses what has no fixed slot", func() {
		q := &svcrt.Request{MaxCallDepth: 64, FrameSize: 4096, Sysvars: []svcrt.Sysvar{
			{Kind: svcrt.SysvarLastRestartSlot, Value: make([]byte, 8)}, {Kind: svcrt.SysvarClock, Value: make([]byte, 40)}}}
		b, err := q.Encode()
		Expect(err).NotTo(HaveOccurred())
		back, err := svcrt.DecodeRequest(b)
		Expect(err).NotTo(HaveOccurred())
		Expect(back.Sysvars).To(HaveLen(2))
		Expect(back.Sysvars[0].Kind).To(Equal(uint32(svcrt.SysvarClock)))
		Expect(back.Sysvars[1].Kind).To(Equal(uint32(svcrt.SysvarLastRestartSlot)))
		for _, bad := range [][]svcrt.Sysvar{
			{{Kind: 4, Value: make([]byte, 8)}},
			{{Kind: svcrt.SysvarRent, Value: make([]byte, 23)}},
			{{Kind: svcrt.SysvarRent, Value: make([]byte, 24)}, {Kind: svcrt.SysvarRent, Value: make([]byte, 24)}},
		} {
			q.Sysvars = bad
			_, err := q.Encode()
			Expect(err).To(MatchError(svcrt.ErrBadSysvars))
		}
	})

	It("rejects a duplicate that points forward", func() {
		q := &svcrt.Request{MaxCallDepth: 64, FrameSize: 4096, Accounts: []svcrt.Account{{DupOf: 1}, {DupOf: svcrt.NotDuplicate}}}
		b, err := q.Encode()
		Expect(err).NotTo(HaveOccurred())
		_, err = svcrt.DecodeRequest(b)
		Expect(err).To(MatchError(ContainSubstring("duplicate")))
	})
})
