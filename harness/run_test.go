package harness_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/harness"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
)

// memCases builds n cases in memory with programs of two sizes.
func memCases(n int) []*runners.Case {
	var cs []*runners.Case
	for i := 0; i < n; i++ {
		c := &runners.Case{Name: fmt.Sprintf("p%d/c%03d", i%2, i), Program: fmt.Sprintf("p%d.so", i%2), ProgramID: programID}
		c.SetProgramBytes(make([]byte, 64*(1+i%2)))
		cs = append(cs, c)
	}
	return cs
}

type rejectAll struct{ kind string }

type kindErr struct{ kind string }

func (e kindErr) Error() string { return "diff rejected: " + e.kind }
func (e kindErr) Kind() string  { return e.kind }

func (v rejectAll) Validate(c *runners.Case, r *runners.Result) error {
	if v.kind == "-" {
		return errors.New("store unreadable")
	}
	return kindErr{v.kind}
}

var _ = Describe("Run", func() {
	ctx := context.Background()

	It("reports agreement when the runners agree, in case order whatever the parallelism", func() {
		cases := memCases(23)
		a, b := &fakeRunner{name: "native"}, &fakeRunner{name: "interp-svc", gas: func(*runners.Case) int64 { return 5000 }}
		s, err := harness.Run(ctx, harness.Config{Slots: []harness.RunnerSlot{slot(a), slot(b)}, Jobs: 7}, cases)
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Totals.Cases).To(Equal(23))
		Expect(s.Totals.Agreed).To(Equal(23))
		Expect(s.Totals.Failed()).To(BeFalse())
		for i, c := range s.Cases {
			Expect(c.Name).To(Equal(cases[i].Name))
			Expect(c.Outcome).To(Equal(harness.OutcomeAgree))
			Expect(c.Results).To(HaveLen(2))
			Expect(c.Results[0].Runner).To(Equal("native"))
			Expect(c.Results[1].Runner).To(Equal("interp-svc"))
			Expect(*c.Results[1].GasPerCU).To(BeNumerically("~", 5000.0/1234, 1e-9))
			Expect(c.Results[0].GasPerCU).To(BeNil())
		}
		Expect(s.Config.Reference).To(Equal("native"))
		Expect(a.calls.Load()).To(Equal(int64(23)))
	})

	It("marks a case disagreeing when one runner differs, naming the field", func() {
		cases := memCases(4)
		bad := &fakeRunner{name: "transpiled", mutate: func(c *runners.Case, r *runners.Result) {
			if c.Name == cases[2].Name {
				r.Diff[keyA].Data.New[17] ^= 0xff
			}
		}}
		s, err := harness.Run(ctx, harness.Config{Slots: []harness.RunnerSlot{slot(&fakeRunner{name: "native"}), slot(bad)}}, cases)
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Totals.Disagreed).To(Equal(1))
		Expect(s.Totals.Failed()).To(BeTrue())
		c := s.Cases[2]
		Expect(c.Outcome).To(Equal(harness.OutcomeDisagree))
		Expect(c.Mismatches).To(HaveLen(1))
		Expect(c.Mismatches[0].Field).To(Equal("diff[" + keyA + "].data.new"))
		Expect(*c.Mismatches[0].Offset).To(Equal(17))
		Expect(c.Mismatches[0].A).To(Equal("native"))
		Expect(c.Mismatches[0].B).To(Equal("transpiled"))
	})

	It("holds every runner to the case's expectation", func() {
		cases := memCases(2)
		cu := uint64(999)
		cases[1].Expect = &runners.Expect{Status: "success", ComputeUnits: &cu}
		s, err := harness.Run(ctx, harness.Config{Slots: []harness.RunnerSlot{slot(&fakeRunner{name: "native"}), slot(&fakeRunner{name: "interp-svc"})}}, cases)
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Cases[1].Outcome).To(Equal(harness.OutcomeExpectFailed))
		Expect(s.Cases[1].Mismatches).To(HaveLen(2))
		Expect(s.Cases[1].Mismatches[0].A).To(Equal(harness.ExpectSide))
		Expect(s.Totals.ExpectFailed).To(Equal(1))
	})

	It("records harness faults (error, panic, timeout) per case without stopping the run", func() {
		cases := memCases(2)
		slots := []harness.RunnerSlot{
			slot(&fakeRunner{name: "native"}),
			slot(&fakeRunner{name: "err", err: errToolMissing}),
			slot(&fakeRunner{name: "panics", panicMsg: "boom"}),
			slot(&fakeRunner{name: "hangs", block: true}),
		}
		s, err := harness.Run(ctx, harness.Config{Slots: slots, Timeout: 50 * time.Millisecond}, cases)
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Totals.Errors).To(Equal(2))
		for _, c := range s.Cases {
			Expect(c.Outcome).To(Equal(harness.OutcomeError))
			Expect(c.Result("native").Result).NotTo(BeNil())
			Expect(c.Result("err").HarnessError).To(ContainSubstring("clang-19 not found"))
			Expect(c.Result("panics").HarnessError).To(ContainSubstring("runner panicked: boom"))
			Expect(c.Result("hangs").HarnessError).To(ContainSubstring("did not finish"))
		}
	})

	It("reports an unavailable runner with its reason instead of skipping it silently", func() {
		missing := &fakeRunner{name: "transpiled", available: errToolMissing}
		s, err := harness.Run(ctx, harness.Config{Slots: []harness.RunnerSlot{slot(&fakeRunner{name: "native"}), slot(missing)}}, memCases(3))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Runners).To(ConsistOf(
			harness.RunnerInfo{Name: "native", Available: true},
			harness.RunnerInfo{Name: "transpiled", Available: false, Reason: errToolMissing.Error()},
		))
		Expect(s.Totals.RunnersUnavailable).To(Equal(1))
		Expect(missing.calls.Load()).To(BeZero())
		Expect(s.Cases[0].Results).To(HaveLen(1))
	})

	It("does not call a case agreed when no runner could run it", func() {
		s, err := harness.Run(ctx, harness.Config{Slots: []harness.RunnerSlot{slot(&fakeRunner{name: "native", available: errToolMissing})}}, memCases(2))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Totals.Errors).To(Equal(2))
		Expect(s.Totals.Failed()).To(BeTrue())
		Expect(harness.Headline(s)).To(HavePrefix("FAIL"))
	})

	It("turns a factory error into an unavailable slot", func() {
		sl := harness.NewSlot("x", nil, errors.New("no toolchain"))
		Expect(sl.Runner).To(BeNil())
		Expect(sl.Unavailable).To(Equal("no toolchain"))
	})

	It("times warm-up plus repeats and reports the median wall time", func() {
		r := &fakeRunner{name: "native"}
		s, err := harness.Run(ctx, harness.Config{Slots: []harness.RunnerSlot{slot(r)}, Repeat: 5, Warmup: 2, Jobs: 1}, memCases(1))
		Expect(err).NotTo(HaveOccurred())
		Expect(r.calls.Load()).To(Equal(int64(7)))
		cr := s.Cases[0].Results[0]
		// The fake's wall time is 1000 + call number: timed calls are 3..7.
		Expect(cr.WallSamplesNS).To(Equal([]int64{1003, 1004, 1005, 1006, 1007}))
		Expect(cr.Result.WallNS).To(Equal(int64(1005)))
	})

	It("flags a runner whose repeated runs disagree with each other", func() {
		n := 0
		flaky := &fakeRunner{name: "native", mutate: func(c *runners.Case, r *runners.Result) {
			n++
			r.ComputeUnits += uint64(n)
		}}
		s, err := harness.Run(ctx, harness.Config{Slots: []harness.RunnerSlot{slot(flaky)}, Repeat: 3, Jobs: 1}, memCases(1))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Cases[0].Outcome).To(Equal(harness.OutcomeDisagree))
		Expect(s.Cases[0].Mismatches[0].Field).To(Equal("compute_units"))
		Expect(s.Cases[0].Mismatches[0].A).To(Equal("native#1"))
		Expect(s.Cases[0].Mismatches[0].B).To(Equal("native#2"))
	})

	It("rolls back a diff the node layer rejects, with the rejection's error kind", func() {
		s, err := harness.Run(ctx, harness.Config{Slots: []harness.RunnerSlot{slot(&fakeRunner{name: "native"})}, Validator: rejectAll{"UnbalancedInstruction"}}, memCases(1))
		Expect(err).NotTo(HaveOccurred())
		cr := s.Cases[0].Results[0]
		Expect(cr.NodeRejected).To(ContainSubstring("UnbalancedInstruction"))
		Expect(cr.Result.Status).To(Equal(runners.StatusFailure))
		Expect(*cr.Result.Error).To(Equal("UnbalancedInstruction"))
		Expect(cr.Result.Diff).To(BeEmpty())

		s, err = harness.Run(ctx, harness.Config{Slots: []harness.RunnerSlot{slot(&fakeRunner{name: "native"})}, Validator: rejectAll{}}, memCases(1))
		Expect(err).NotTo(HaveOccurred())
		Expect(*s.Cases[0].Results[0].Result.Error).To(Equal(harness.RejectedKind))
	})

	It("counts a node layer that cannot check a diff as a harness fault", func() {
		s, err := harness.Run(ctx, harness.Config{Slots: []harness.RunnerSlot{slot(&fakeRunner{name: "native"})}, Validator: rejectAll{"-"}}, memCases(1))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Cases[0].Outcome).To(Equal(harness.OutcomeError))
		Expect(s.Cases[0].Results[0].HarnessError).To(Equal("store unreadable"))
	})

	Describe("NodeValidator (the real node layer)", func() {
		kase := func() *runners.Case {
			c, err := runners.ParseCase([]byte(fmt.Sprintf(`name: n/one
program: p.so
program_id: %s
accounts:
  - {key: %s, owner: %s, lamports: 1000, data_len: 40, writable: true}
  - {key: %s, owner: %s, lamports: 0, writable: true}
`, programID, keyA, programID, keyB, programID)), "mem.yaml")
			Expect(err).NotTo(HaveOccurred())
			c.SetProgramBytes([]byte{0})
			return c
		}
		nodeRun := func(mutate func(r *runners.Result)) harness.CaseResult {
			r := &fakeRunner{name: "native", mutate: func(_ *runners.Case, r *runners.Result) {
				r.ReturnData = nil
				mutate(r)
			}}
			s, err := harness.Run(ctx, harness.Config{Slots: []harness.RunnerSlot{slot(r)}, Validator: harness.NodeValidator{}}, []*runners.Case{kase()})
			Expect(err).NotTo(HaveOccurred())
			return s.Cases[0].Results[0]
		}
		It("accepts a diff that conserves lamports on accounts the program owns", func() {
			cr := nodeRun(func(r *runners.Result) {}) // 1000→900 and 0→100, data rewritten
			Expect(cr.HarnessError).To(BeEmpty())
			Expect(cr.NodeRejected).To(BeEmpty())
			Expect(cr.Result.Status).To(Equal(runners.StatusSuccess))
			Expect(cr.Result.Diff).To(HaveLen(2))
		})
		It("rejects a diff that creates lamports, rolling it back", func() {
			cr := nodeRun(func(r *runners.Result) { r.Diff[keyB].Lamports[1] = 200 })
			Expect(cr.NodeRejected).NotTo(BeEmpty())
			Expect(cr.Result.Status).To(Equal(runners.StatusFailure))
			Expect(*cr.Result.Error).To(Equal("UnbalancedInstruction"))
			Expect(cr.Result.Diff).To(BeEmpty())
		})
	})

	It("records a missing program as a harness error", func() {
		c := &runners.Case{Name: "x", Program: "nowhere.so", ProgramPath: "/nonexistent/nowhere.so", ProgramID: programID}
		s, err := harness.Run(ctx, harness.Config{Slots: []harness.RunnerSlot{slot(&fakeRunner{name: "native"})}}, []*runners.Case{c})
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Cases[0].Outcome).To(Equal(harness.OutcomeError))
		Expect(s.Cases[0].Results[0].HarnessError).To(ContainSubstring("make corpus"))
	})

	It("builds a reproduction command per case", func() {
		s, err := harness.Run(ctx, harness.Config{
			Slots: []harness.RunnerSlot{slot(&fakeRunner{name: "native"}), slot(&fakeRunner{name: "interp-svc"})},
			Repro: func(k string, rs []string) string { return fmt.Sprintf("repro %s %v", k, rs) },
		}, memCases(1))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Cases[0].Repro).To(Equal("repro p0/c000 [native interp-svc]"))
	})

	It("stops when its context is cancelled", func() {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := harness.Run(cctx, harness.Config{Slots: []harness.RunnerSlot{slot(&fakeRunner{name: "native"})}}, memCases(50))
		Expect(err).To(MatchError(context.Canceled))
	})

	It("calls the progress callback once per case and runner", func() {
		var seen []int
		total := 0
		_, err := harness.Run(ctx, harness.Config{
			Slots:    []harness.RunnerSlot{slot(&fakeRunner{name: "native"}), slot(&fakeRunner{name: "interp-svc"})},
			Progress: func(done, t int, _, _ string) { seen = append(seen, done); total = t },
		}, memCases(5))
		Expect(err).NotTo(HaveOccurred())
		Expect(total).To(Equal(10))
		Expect(seen).To(Equal([]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}))
	})
})
