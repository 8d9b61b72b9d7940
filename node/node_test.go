package node_test

import (
	"crypto/sha256"
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/node"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
	"github.com/sbpf-pvm/sbpf-pvm/solana"
)

func key(name string) solana.PublicKey { return solana.PublicKey(sha256.Sum256([]byte(name))) }

var (
	program = key("program")
	other   = key("other-program")
)

// fixture: four accounts — 0 owned+writable (with data), 1 owned+writable (zeroed data),
// 2 external+writable, 3 owned read-only.
func fixture() ([]solana.Account, *solana.Instruction) {
	accs := []solana.Account{
		{Key: key("a"), Owner: program, Lamports: 1000, Data: []byte{1, 2, 3, 4}},
		{Key: key("b"), Owner: program, Lamports: 500, Data: make([]byte, 8)},
		{Key: key("c"), Owner: other, Lamports: 700, Data: []byte{9, 9}},
		{Key: key("d"), Owner: program, Lamports: 300, Data: []byte{5}},
	}
	ix := &solana.Instruction{ProgramID: program, Accounts: []solana.InstructionAccount{
		{Index: 0, Signer: true, Writable: true},
		{Index: 1, Writable: true},
		{Index: 2, Writable: true},
		{Index: 3},
	}}
	return accs, ix
}

func lamports(old, nw uint64) *[2]uint64 { return &[2]uint64{old, nw} }
func data(old, nw []byte) *runners.DataDiff {
	return &runners.DataDiff{Old: runners.Hex(old), New: runners.Hex(nw)}
}
func owner(old, nw solana.PublicKey) *[2]string { return &[2]string{old.String(), nw.String()} }

func kindOf(err error) string {
	var re *node.RuleError
	if errors.As(err, &re) {
		return re.Kind
	}
	return ""
}

var _ = Describe("Validate", func() {
	a, b, c, d := key("a").String(), key("b").String(), key("c").String(), key("d").String()

	DescribeTable("accepts legal diffs",
		func(diff runners.StateDiff) {
			accs, ix := fixture()
			post, err := node.Validate(accs, ix, diff)
			Expect(err).NotTo(HaveOccurred())
			Expect(post).To(HaveLen(len(accs)))
			Expect(solana.ComputeDiff(accs, post)).To(Equal(diff))
		},
		Entry("empty diff", runners.StateDiff{}),
		Entry("owned debit balanced by a credit", runners.StateDiff{
			a: {Lamports: lamports(1000, 900)}, b: {Lamports: lamports(500, 600)}}),
		Entry("credit to an external writable account", runners.StateDiff{
			a: {Lamports: lamports(1000, 990)}, c: {Lamports: lamports(700, 710)}}),
		Entry("owned data write", runners.StateDiff{a: {Data: data([]byte{1, 2, 3, 4}, []byte{4, 3, 2, 1})}}),
		Entry("grow by exactly 10 KiB", runners.StateDiff{a: {Data: data([]byte{1, 2, 3, 4}, make([]byte, 4+10240))}}),
		Entry("shrink to empty", runners.StateDiff{a: {Data: data([]byte{1, 2, 3, 4}, []byte{})}}),
		Entry("owner change of owned, writable, zeroed account", runners.StateDiff{b: {Owner: owner(program, other)}}),
		Entry("zero the data and reassign in one diff", runners.StateDiff{
			a: {Data: data([]byte{1, 2, 3, 4}, make([]byte, 4)), Owner: owner(program, other)}}),
	)

	DescribeTable("rejects illegal diffs with Agave's InstructionError",
		func(diff runners.StateDiff, want string) {
			accs, ix := fixture()
			post, err := node.Validate(accs, ix, diff)
			Expect(post).To(BeNil())
			Expect(kindOf(err)).To(Equal(want), "%v", err)
		},
		Entry("read-only lamport change", runners.StateDiff{
			d: {Lamports: lamports(300, 301)}, a: {Lamports: lamports(1000, 999)}}, solana.ReadonlyLamportChange),
		Entry("read-only data modified", runners.StateDiff{d: {Data: data([]byte{5}, []byte{6})}}, solana.ReadonlyDataModified),
		Entry("external account lamport spend", runners.StateDiff{
			c: {Lamports: lamports(700, 600)}, a: {Lamports: lamports(1000, 1100)}}, solana.ExternalAccountLamportSpend),
		Entry("external account data modified", runners.StateDiff{c: {Data: data([]byte{9, 9}, []byte{9, 8})}}, solana.ExternalAccountDataModified),
		Entry("external account resized", runners.StateDiff{c: {Data: data([]byte{9, 9}, []byte{9})}}, solana.AccountDataSizeChanged),
		Entry("lamports created", runners.StateDiff{a: {Lamports: lamports(1000, 2000)}}, solana.UnbalancedInstruction),
		Entry("lamports destroyed", runners.StateDiff{a: {Lamports: lamports(1000, 1)}}, solana.UnbalancedInstruction),
		Entry("owner change of an external account", runners.StateDiff{c: {Owner: owner(other, program)}}, solana.ModifiedProgramID),
		Entry("owner change with non-zero data", runners.StateDiff{a: {Owner: owner(program, other)}}, solana.ModifiedProgramID),
		Entry("owner change of a read-only account", runners.StateDiff{
			d: {Data: data([]byte{5}, []byte{5}), Owner: owner(program, other)}}, solana.ModifiedProgramID),
		Entry("executable flag set", runners.StateDiff{b: {Executable: &[2]bool{false, true}}}, solana.ExecutableModified),
		Entry("rent epoch changed", runners.StateDiff{b: {RentEpoch: &[2]uint64{0, 7}}}, solana.RentEpochModified),
		Entry("grow by 10 KiB + 1", runners.StateDiff{a: {Data: data([]byte{1, 2, 3, 4}, make([]byte, 4+10241))}}, solana.InvalidRealloc),
		Entry("account outside the instruction", runners.StateDiff{key("zzz").String(): {Lamports: lamports(0, 0)}}, solana.MissingAccount),
		Entry("stale lamports", runners.StateDiff{a: {Lamports: lamports(999, 1000)}}, node.KindStaleDiff),
		Entry("stale data", runners.StateDiff{a: {Data: data([]byte{0}, []byte{1})}}, node.KindStaleDiff),
		Entry("stale owner", runners.StateDiff{b: {Owner: owner(other, program)}}, node.KindStaleDiff),
		Entry("malformed owner", runners.StateDiff{b: {Owner: &[2]string{"not-base58-!", program.String()}}}, node.KindMalformedDiff),
	)

	It("checks rules in Agave's order: lamports before data before owner", func() {
		accs, ix := fixture()
		// Read-only account with both a lamport and a data change: lamports are checked first.
		_, err := node.Validate(accs, ix, runners.StateDiff{
			d: {Lamports: lamports(300, 299), Data: data([]byte{5}, []byte{6})}, a: {Lamports: lamports(1000, 1001)}})
		Expect(kindOf(err)).To(Equal(solana.ReadonlyLamportChange))
		// Accounts are checked in instruction order: account 2's violation precedes 3's.
		_, err = node.Validate(accs, ix, runners.StateDiff{
			c: {Data: data([]byte{9, 9}, []byte{0, 0})}, d: {Data: data([]byte{5}, []byte{6})}})
		Expect(kindOf(err)).To(Equal(solana.ExternalAccountDataModified))
	})

	It("checks a duplicate account once, with its first occurrence's flags", func() {
		accs, ix := fixture()
		ix.Accounts = append(ix.Accounts, solana.InstructionAccount{Index: 0, Writable: false})
		_, err := node.Validate(accs, ix, runners.StateDiff{a: {Data: data([]byte{1, 2, 3, 4}, []byte{0, 0, 0, 0})}})
		Expect(err).NotTo(HaveOccurred())
	})

	It("rejects duplicate positions that disagree (DuplicateAccountOutOfSync) and accepts ones that agree", func() {
		accs, ix := fixture()
		ix.Accounts = append(ix.Accounts, solana.InstructionAccount{Index: 0, Writable: true})
		posts := func() []solana.Account {
			p := make([]solana.Account, len(ix.Accounts))
			for i, ia := range ix.Accounts {
				p[i] = accs[ia.Index].Clone()
			}
			return p
		}
		same := posts()
		same[0].Data = []byte{7, 7, 7, 7}
		same[4].Data = []byte{7, 7, 7, 7}
		post, err := node.ValidatePositions(accs, ix, same)
		Expect(err).NotTo(HaveOccurred())
		Expect(post[0].Data).To(Equal([]byte{7, 7, 7, 7}))

		diff := posts()
		diff[4].Data = []byte{7, 7, 7, 7}
		_, err = node.ValidatePositions(accs, ix, diff)
		Expect(kindOf(err)).To(Equal(solana.DuplicateAccountOutOfSync))
	})
})

var _ = Describe("Node", func() {
	a, b, c := key("a").String(), key("b").String(), key("c").String()
	var keys []solana.PublicKey
	BeforeEach(func() {
		accs, _ := fixture()
		keys = nil
		for _, x := range accs {
			keys = append(keys, x.Key)
		}
	})
	valid := func() runners.StateDiff {
		return runners.StateDiff{
			a: {Lamports: lamports(1000, 900), Data: data([]byte{1, 2, 3, 4}, []byte{1, 2})},
			b: {Lamports: lamports(500, 590)},
			c: {Lamports: lamports(700, 710)},
		}
	}

	It("commits a valid diff and records a receipt", func() {
		accs, ix := fixture()
		st := node.NewMemStore(accs...)
		n := node.New(st)
		r, err := n.Submit("ok", keys, ix, valid())
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Status).To(Equal(node.ReceiptCommitted))
		Expect(r.Changed).To(ConsistOf(a, b, c))
		Expect(r.PostState).NotTo(Equal(r.PreState))
		got, ok, err := st.Get(key("a"))
		Expect(err).NotTo(HaveOccurred())
		Expect(ok).To(BeTrue())
		Expect(got.Lamports).To(BeEquivalentTo(900))
		Expect(got.Data).To(Equal([]byte{1, 2}))
		// The same diff again is stale now.
		r2, err := n.Submit("replay", keys, ix, valid())
		Expect(err).NotTo(HaveOccurred())
		Expect(r2.Status).To(Equal(node.ReceiptRejected))
		Expect(r2.Error).To(Equal(node.KindStaleDiff))
		Expect(n.Receipts()).To(HaveLen(2))
		Expect(n.Receipts()[1].Seq).To(BeEquivalentTo(2))
	})

	It("leaves the store byte-identical after a rejected diff", func() {
		accs, ix := fixture()
		st := node.NewMemStore(accs...)
		before := st.Encode()
		bad := valid()
		bad[b] = runners.AccountDiff{Lamports: lamports(500, 10_000)}
		r, err := node.New(st).Submit("bad", keys, ix, bad)
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Status).To(Equal(node.ReceiptRejected))
		Expect(r.Error).To(Equal(solana.UnbalancedInstruction))
		Expect(r.PostState).To(Equal(r.PreState))
		Expect(st.Encode()).To(Equal(before))
	})

	It("rolls back byte for byte when any single store write fails", func() {
		for failAt := 1; failAt <= 3; failAt++ {
			accs, ix := fixture()
			mem := node.NewMemStore(accs...)
			before := mem.Encode()
			fs := &node.FaultyStore{Store: mem, FailPut: failAt}
			r, err := node.New(fs).Submit("faulty", keys, ix, valid())
			Expect(err).To(MatchError(node.ErrInjected), "fail at put %d", failAt)
			Expect(r.Status).To(Equal(node.ReceiptAborted))
			Expect(mem.Encode()).To(Equal(before), "fail at put %d", failAt)
		}
	})

	It("leaves the store unchanged when loading fails", func() {
		for failAt := 1; failAt <= 4; failAt++ {
			accs, ix := fixture()
			mem := node.NewMemStore(accs...)
			before := mem.Encode()
			_, err := node.New(&node.FaultyStore{Store: mem, FailGet: failAt}).Submit("faulty", keys, ix, valid())
			Expect(err).To(MatchError(node.ErrInjected))
			Expect(mem.Encode()).To(Equal(before))
		}
	})

	It("halts when the rollback itself fails", func() {
		accs, ix := fixture()
		mem := node.NewMemStore(accs...)
		n := node.New(&node.FaultyStore{Store: mem, FailPut: 2, Sticky: true})
		_, err := n.Submit("doomed", keys, ix, valid())
		Expect(err).To(MatchError(node.ErrRollbackFailed))
		_, err = n.Submit("after", keys, ix, runners.StateDiff{})
		Expect(err).To(MatchError(node.ErrRollbackFailed))
	})

	It("refuses an instruction over an account it does not hold", func() {
		accs, ix := fixture()
		st := node.NewMemStore(accs[:3]...)
		_, err := node.New(st).Submit("missing", keys, ix, runners.StateDiff{})
		Expect(err).To(MatchError(node.ErrMissingAccount))
	})
})

var _ = Describe("CheckResult", func() {
	mkCase := func() *runners.Case {
		c := &runners.Case{Name: "t", Program: "x.so", ProgramID: program.String(), Accounts: []runners.CaseAccount{
			{Key: key("a").String(), Owner: program.String(), Lamports: 10, Writable: true},
			{Key: key("c").String(), Owner: other.String(), Lamports: 5, Writable: true},
		}}
		c.SetProgramBytes([]byte{0})
		Expect(c.Validate()).To(Succeed())
		return c
	}
	It("turns an illegal successful diff into a failure with nothing committed", func() {
		res := &runners.Result{Status: runners.StatusSuccess, Diff: runners.StateDiff{
			key("c").String(): {Lamports: lamports(5, 4)}, key("a").String(): {Lamports: lamports(10, 11)}}}
		out, rc, err := node.CheckResult(mkCase(), res)
		Expect(err).NotTo(HaveOccurred())
		Expect(rc.Status).To(Equal(node.ReceiptRejected))
		Expect(out.Status).To(Equal(runners.StatusFailure))
		Expect(*out.Error).To(Equal(solana.ExternalAccountLamportSpend))
		Expect(out.Diff).To(BeEmpty())
		Expect(res.Status).To(Equal(runners.StatusSuccess), "input result not modified")
	})
	It("passes a legal diff and failures through unchanged", func() {
		res := &runners.Result{Status: runners.StatusSuccess, Diff: runners.StateDiff{
			key("a").String(): {Lamports: lamports(10, 9)}, key("c").String(): {Lamports: lamports(5, 6)}}}
		out, rc, err := node.CheckResult(mkCase(), res)
		Expect(err).NotTo(HaveOccurred())
		Expect(out).To(BeIdenticalTo(res))
		Expect(rc.Status).To(Equal(node.ReceiptCommitted))
		kind := "DivideByZero"
		fail := &runners.Result{Status: runners.StatusFailure, Error: &kind}
		out, rc, err = node.CheckResult(mkCase(), fail)
		Expect(err).NotTo(HaveOccurred())
		Expect(out).To(BeIdenticalTo(fail))
		Expect(rc).To(BeNil())
	})
})
