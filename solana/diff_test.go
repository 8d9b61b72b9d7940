package solana_test

import (
	"encoding/json"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/runners"
	"github.com/sbpf-pvm/sbpf-pvm/solana"
)

var _ = Describe("state diff", func() {
	It("lists only changed fields of changed accounts and inverts with ApplyDiff", func() {
		pre, _ := fixture()
		post := solana.CloneAccounts(pre)
		post[0].Data = append(post[0].Data, 6)
		post[1].RentEpoch = 8
		post[1].Executable = false
		d := solana.ComputeDiff(pre, post)
		Expect(d).To(HaveLen(2))
		d0 := d[pre[0].Key.String()]
		Expect(d0.Lamports).To(BeNil())
		Expect(d0.Owner).To(BeNil())
		Expect([]byte(d0.Data.Old)).To(Equal([]byte{1, 2, 3, 4, 5}))
		Expect([]byte(d0.Data.New)).To(Equal([]byte{1, 2, 3, 4, 5, 6}))
		d1 := d[pre[1].Key.String()]
		Expect(*d1.Executable).To(Equal([2]bool{true, false}))
		Expect(*d1.RentEpoch).To(Equal([2]uint64{7, 8}))

		back, err := solana.ApplyDiff(pre, d)
		Expect(err).NotTo(HaveOccurred())
		Expect(back).To(Equal(post))
	})

	It("marshals to the DESIGN.md JSON shape", func() {
		pre, _ := fixture()
		post := solana.CloneAccounts(pre)
		post[2].Lamports = 4
		post[2].Data = []byte{0xab}
		b, err := json.Marshal(solana.ComputeDiff(pre, post))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b)).To(Equal(`{"` + pre[2].Key.String() + `":{"lamports":[3,4],"data":{"old":"0x","new":"0xab"}}}`))
		empty, _ := json.Marshal(solana.ComputeDiff(pre, pre))
		Expect(string(empty)).To(Equal("{}"))
	})
})

var _ = Describe("FromCase", func() {
	It("deduplicates repeated keys into duplicate instruction accounts", func() {
		c := &runners.Case{ProgramID: programID.String(), InstructionData: runners.Hex{1},
			Accounts: []runners.CaseAccount{
				{Key: key(1).String(), Owner: programID.String(), Lamports: 5, Data: runners.Hex{1, 2}, Writable: true, Signer: true},
				{Key: key(2).String(), Owner: programID.String()},
				{Key: key(1).String(), Owner: programID.String(), Lamports: 5, Data: runners.Hex{1, 2}},
			}}
		accounts, ix, err := solana.FromCase(c)
		Expect(err).NotTo(HaveOccurred())
		Expect(accounts).To(HaveLen(2))
		Expect(ix.Accounts).To(Equal([]solana.InstructionAccount{
			{Index: 0, Signer: true, Writable: true}, {Index: 1}, {Index: 0, Signer: true, Writable: true}}))
		Expect(ix.ProgramID).To(Equal(programID))
		Expect(accounts[1].Data).NotTo(BeNil())
	})

	It("rejects a malformed key", func() {
		_, _, err := solana.FromCase(&runners.Case{ProgramID: "not-base58!"})
		Expect(err).To(HaveOccurred())
	})
})
