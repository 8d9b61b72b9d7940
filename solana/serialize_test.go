package solana_test

import (
	"bytes"
	"encoding/binary"
	"math"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/solana"
)

func key(b byte) solana.PublicKey {
	var k solana.PublicKey
	for i := range k {
		k[i] = b
	}
	return k
}

var programID = key(0xaa)

// fixture: a writable program-owned account, a read-only foreign account, the first one
// again as a duplicate, and an empty writable program-owned account.
func fixture() ([]solana.Account, *solana.Instruction) {
	accounts := []solana.Account{
		{Key: key(1), Owner: programID, Lamports: 1000, Data: []byte{1, 2, 3, 4, 5}},
		{Key: key(2), Owner: key(0xbb), Lamports: 2000, Data: []byte{9, 9, 9, 9, 9, 9, 9, 9, 9}, Executable: true, RentEpoch: 7},
		{Key: key(3), Owner: programID, Lamports: 3, Data: []byte{}},
	}
	ix := &solana.Instruction{
		ProgramID: programID,
		Accounts: []solana.InstructionAccount{
			{Index: 0, Signer: true, Writable: true},
			{Index: 1},
			{Index: 0, Signer: true, Writable: true},
			{Index: 2, Writable: true},
		},
		Data: []byte{0xde, 0xad, 0xbe, 0xef, 0x01},
	}
	return accounts, ix
}

func lens(in *solana.Input) []int {
	out := make([]int, len(in.Accounts))
	for i, a := range in.Accounts {
		out[i] = a.OriginalDataLen
	}
	return out
}

var _ = Describe("Serialize (ABI v1, aligned)", func() {
	It("lays out accounts, duplicates, padding, instruction data and program id", func() {
		accounts, ix := fixture()
		in, err := solana.Serialize(accounts, ix)
		Expect(err).NotTo(HaveOccurred())
		b := in.Buffer
		Expect(binary.LittleEndian.Uint64(b)).To(Equal(uint64(4)))

		// account 0 at offset 8
		Expect(b[8:16]).To(Equal([]byte{0xff, 1, 1, 0, 0, 0, 0, 0}))
		Expect(in.Accounts[0].KeyOffset).To(Equal(16))
		Expect(b[16:48]).To(Equal(accounts[0].Key[:]))
		Expect(in.Accounts[0].OwnerOffset).To(Equal(48))
		Expect(in.Accounts[0].LamportsOffset).To(Equal(80))
		Expect(binary.LittleEndian.Uint64(b[80:])).To(Equal(uint64(1000)))
		Expect(binary.LittleEndian.Uint64(b[88:])).To(Equal(uint64(5)))
		Expect(in.Accounts[0].DataOffset).To(Equal(96))
		Expect(b[96:101]).To(Equal([]byte{1, 2, 3, 4, 5}))
		// 5 data bytes + 10240 + 3 alignment padding, then rent epoch u64::MAX
		rent := 96 + 5 + solana.MaxPermittedDataIncrease + 3
		Expect(rent % 8).To(BeZero())
		Expect(binary.LittleEndian.Uint64(b[rent:])).To(Equal(uint64(math.MaxUint64)))
		Expect(bytes.Count(b[101:rent], []byte{0})).To(Equal(rent - 101))

		// account 1: read-only, executable, foreign owner; rent epoch masked as well
		a1 := rent + 8
		Expect(b[a1 : a1+4]).To(Equal([]byte{0xff, 0, 0, 1}))
		Expect(in.Accounts[1].DataOffset).To(Equal(a1 + 88))
		Expect(in.Accounts[1].DataOffset % 8).To(BeZero())
		rent1 := in.Accounts[1].DataOffset + 9 + solana.MaxPermittedDataIncrease + 7
		Expect(binary.LittleEndian.Uint64(b[rent1:])).To(Equal(uint64(math.MaxUint64)))

		// account 2: duplicate of position 0, 8 bytes
		dup := rent1 + 8
		Expect(b[dup : dup+8]).To(Equal([]byte{0, 0, 0, 0, 0, 0, 0, 0}))
		Expect(in.Accounts[2].Duplicate).To(BeTrue())
		Expect(in.Accounts[2].Position).To(Equal(0))
		Expect(in.Accounts[2].DataOffset).To(Equal(in.Accounts[0].DataOffset))

		// account 3: empty data, no alignment padding
		a3 := dup + 8
		Expect(b[a3]).To(Equal(byte(0xff)))
		rent3 := in.Accounts[3].DataOffset + solana.MaxPermittedDataIncrease
		Expect(binary.LittleEndian.Uint64(b[rent3:])).To(Equal(uint64(math.MaxUint64)))

		ixd := rent3 + 8
		Expect(binary.LittleEndian.Uint64(b[ixd:])).To(Equal(uint64(5)))
		Expect(in.InstructionDataOffset).To(Equal(ixd + 8))
		Expect(b[ixd+8 : ixd+13]).To(Equal(ix.Data))
		Expect(b[ixd+13:]).To(Equal(programID[:]))
		Expect(len(b)).To(Equal(ixd + 13 + 32))
	})

	It("marks a duplicate with the position of its first occurrence", func() {
		accounts, ix := fixture()
		ix.Accounts = append(ix.Accounts, solana.InstructionAccount{Index: 1})
		in, err := solana.Serialize(accounts, ix)
		Expect(err).NotTo(HaveOccurred())
		Expect(in.Accounts[4].Duplicate).To(BeTrue())
		Expect(in.Accounts[4].Position).To(Equal(1))
		off := len(in.Buffer) - 32 - 8 - len(ix.Data) - 8
		Expect(in.Buffer[off]).To(Equal(byte(1)))
	})

	It("SerializeInto a recycled dirty buffer gives the same bytes as Serialize", func() {
		accounts, ix := fixture()
		want, err := solana.Serialize(accounts, ix)
		Expect(err).NotTo(HaveOccurred())
		dirty := make([]byte, len(want.Buffer)+100)
		for i := range dirty {
			dirty[i] = 0xa5
		}
		got, err := solana.SerializeInto(dirty, accounts, ix)
		Expect(err).NotTo(HaveOccurred())
		Expect(got.Buffer).To(Equal(want.Buffer))
		Expect(&got.Buffer[0]).To(BeIdenticalTo(&dirty[0]), "the buffer is reused")
		Expect(got.Accounts).To(Equal(want.Accounts))
		small, err := solana.SerializeInto(make([]byte, 3), accounts, ix)
		Expect(err).NotTo(HaveOccurred())
		Expect(small.Buffer).To(Equal(want.Buffer))
	})

	It("rejects more than 255 instruction accounts with MaxAccountsExceeded", func() {
		accounts, ix := fixture()
		for len(ix.Accounts) <= solana.MaxAccountsPerInstruction {
			ix.Accounts = append(ix.Accounts, solana.InstructionAccount{Index: 2})
		}
		_, err := solana.Serialize(accounts, ix)
		Expect(err).To(MatchError(solana.NewInstructionError(solana.MaxAccountsExceeded)))
	})

	It("rejects an instruction account pointing nowhere", func() {
		accounts, ix := fixture()
		ix.Accounts[1].Index = 9
		_, err := solana.Serialize(accounts, ix)
		Expect(err).To(HaveOccurred())
	})
})

var _ = Describe("Deserialize", func() {
	var (
		accounts []solana.Account
		ix       *solana.Instruction
		in       *solana.Input
	)
	BeforeEach(func() {
		accounts, ix = fixture()
		var err error
		in, err = solana.Serialize(accounts, ix)
		Expect(err).NotTo(HaveOccurred())
	})
	run := func() ([]solana.Account, error) {
		post := solana.CloneAccounts(accounts)
		return post, solana.Deserialize(in.Buffer, post, ix, lens(in))
	}
	setU64 := func(off int, v uint64) { binary.LittleEndian.PutUint64(in.Buffer[off:], v) }

	It("round-trips an untouched buffer to identical accounts and an empty diff", func() {
		post, err := run()
		Expect(err).NotTo(HaveOccurred())
		Expect(post).To(Equal(accounts))
		Expect(solana.ComputeDiff(accounts, post)).To(BeEmpty())
	})

	It("applies lamports moved between owned writable accounts", func() {
		setU64(in.Accounts[0].LamportsOffset, 900)
		setU64(in.Accounts[3].LamportsOffset, 103)
		post, err := run()
		Expect(err).NotTo(HaveOccurred())
		Expect(post[0].Lamports).To(Equal(uint64(900)))
		Expect(post[2].Lamports).To(Equal(uint64(103)))
		Expect(solana.CheckBalanced(accounts, post, ix)).To(Succeed())
		d := solana.ComputeDiff(accounts, post)
		Expect(d).To(HaveLen(2))
		Expect(*d[accounts[0].Key.String()].Lamports).To(Equal([2]uint64{1000, 900}))
	})

	It("reports UnbalancedInstruction when lamports are created", func() {
		setU64(in.Accounts[0].LamportsOffset, 5000)
		post, err := run()
		Expect(err).NotTo(HaveOccurred())
		Expect(solana.CheckBalanced(accounts, post, ix)).To(MatchError(solana.NewInstructionError(solana.UnbalancedInstruction)))
	})

	It("grows data within the 10 KiB realloc padding", func() {
		setU64(in.Accounts[0].DataLenOffset, 5+100)
		in.Buffer[in.Accounts[0].DataOffset+104] = 0x77
		post, err := run()
		Expect(err).NotTo(HaveOccurred())
		Expect(post[0].Data).To(HaveLen(105))
		Expect(post[0].Data[104]).To(Equal(byte(0x77)))
		Expect(post[0].Data[:5]).To(Equal([]byte{1, 2, 3, 4, 5}))
	})

	It("shrinks data", func() {
		setU64(in.Accounts[0].DataLenOffset, 2)
		post, err := run()
		Expect(err).NotTo(HaveOccurred())
		Expect(post[0].Data).To(Equal([]byte{1, 2}))
	})

	It("rejects growth beyond MAX_PERMITTED_DATA_INCREASE with InvalidRealloc", func() {
		setU64(in.Accounts[0].DataLenOffset, 5+solana.MaxPermittedDataIncrease+1)
		_, err := run()
		Expect(err).To(MatchError(solana.NewInstructionError(solana.InvalidRealloc)))
	})

	It("accepts growth of exactly MAX_PERMITTED_DATA_INCREASE", func() {
		setU64(in.Accounts[0].DataLenOffset, 5+solana.MaxPermittedDataIncrease)
		post, err := run()
		Expect(err).NotTo(HaveOccurred())
		Expect(post[0].Data).To(HaveLen(5 + solana.MaxPermittedDataIncrease))
	})

	It("rejects a length change of a foreign account with AccountDataSizeChanged", func() {
		setU64(in.Accounts[1].DataLenOffset, 3)
		_, err := run()
		Expect(err).To(MatchError(solana.NewInstructionError(solana.AccountDataSizeChanged)))
	})

	It("rejects a data write to a read-only account with ReadonlyDataModified", func() {
		ix.Accounts[1].Writable = false
		accounts[1].Owner = programID
		var err error
		in, err = solana.Serialize(accounts, ix)
		Expect(err).NotTo(HaveOccurred())
		in.Buffer[in.Accounts[1].DataOffset] = 0
		_, err = run()
		Expect(err).To(MatchError(solana.NewInstructionError(solana.ReadonlyDataModified)))
	})

	It("rejects a data write to a writable foreign account with ExternalAccountDataModified", func() {
		ix.Accounts[1].Writable = true
		var err error
		in, err = solana.Serialize(accounts, ix)
		Expect(err).NotTo(HaveOccurred())
		in.Buffer[in.Accounts[1].DataOffset] = 0
		_, err = run()
		Expect(err).To(MatchError(solana.NewInstructionError(solana.ExternalAccountDataModified)))
	})

	It("rejects spending a foreign account's lamports with ExternalAccountLamportSpend", func() {
		setU64(in.Accounts[1].LamportsOffset, 1999)
		_, err := run()
		Expect(err).To(MatchError(solana.NewInstructionError(solana.ExternalAccountLamportSpend)))
	})

	It("rejects crediting a read-only account with ReadonlyLamportChange", func() {
		setU64(in.Accounts[1].LamportsOffset, 2001)
		_, err := run()
		Expect(err).To(MatchError(solana.NewInstructionError(solana.ReadonlyLamportChange)))
	})

	It("lets the owner assign a writable account with zeroed data to a new owner", func() {
		copy(in.Buffer[in.Accounts[3].OwnerOffset:], key(0xcc).Bytes())
		post, err := run()
		Expect(err).NotTo(HaveOccurred())
		Expect(post[2].Owner).To(Equal(key(0xcc)))
		d := solana.ComputeDiff(accounts, post)
		Expect(*d[accounts[2].Key.String()].Owner).To(Equal([2]string{programID.String(), key(0xcc).String()}))
	})

	It("rejects an owner change of an account with non-zero data (ModifiedProgramId)", func() {
		copy(in.Buffer[in.Accounts[0].OwnerOffset:], key(0xcc).Bytes())
		_, err := run()
		Expect(err).To(MatchError(solana.NewInstructionError(solana.ModifiedProgramID)))
	})

	It("allows the owner change when the program zeroes the data in the same run", func() {
		copy(in.Buffer[in.Accounts[0].OwnerOffset:], key(0xcc).Bytes())
		for i := 0; i < 5; i++ {
			in.Buffer[in.Accounts[0].DataOffset+i] = 0
		}
		post, err := run()
		Expect(err).NotTo(HaveOccurred())
		Expect(post[0].Owner).To(Equal(key(0xcc)))
	})

	It("ignores key, executable and rent epoch written by the program", func() {
		in.Buffer[in.Accounts[0].KeyOffset] ^= 0xff
		in.Buffer[8+3] = 1 // executable flag of account 0
		post, err := run()
		Expect(err).NotTo(HaveOccurred())
		Expect(post).To(Equal(accounts))
	})

	It("ignores writes made through a duplicate's own 8 bytes", func() {
		dupOff := in.Accounts[3].KeyOffset - 8 - 8 // the duplicate entry precedes account 3
		in.Buffer[dupOff+1] = 0x55
		post, err := run()
		Expect(err).NotTo(HaveOccurred())
		Expect(post).To(Equal(accounts))
	})

	It("reports InvalidArgument for a truncated buffer", func() {
		in.Buffer = in.Buffer[:100]
		_, err := run()
		Expect(err).To(MatchError(solana.NewInstructionError(solana.InvalidArgument)))
	})
})
