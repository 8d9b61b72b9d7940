package harness_test

import (
	"context"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/harness"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
)

// gasRun runs 4 cases on native and a gas-reporting interp-svc whose gas and results
// the caller shapes.
func gasRun(gas func(c *runners.Case) int64, mutate func(c *runners.Case, r *runners.Result), interpAvail error) *harness.Summary {
	interp := &fakeRunner{name: "interp-svc", gas: gas, mutate: mutate, available: interpAvail}
	s, err := harness.Run(context.Background(), harness.Config{Slots: []harness.RunnerSlot{slot(&fakeRunner{name: "native"}), slot(interp)}}, memCases(4))
	Expect(err).NotTo(HaveOccurred())
	return s
}

var _ = Describe("Baseline comparison", func() {
	flat := func(*runners.Case) int64 { return 100_000 }
	var base *harness.Summary
	BeforeEach(func() { base = gasRun(flat, nil, nil) })

	It("compares the same with a compacted baseline, which drops the bulky payloads", func() {
		cur := gasRun(func(*runners.Case) int64 { return 125_000 }, nil, nil)
		full, compact := harness.CompareSummaries(base, cur, 0.10), harness.CompareSummaries(harness.Compact(base), cur, 0.10)
		Expect(compact).To(Equal(full))
		Expect(compact.Failed()).To(BeTrue())
		small := harness.Compact(base)
		Expect(small.Cases[0].Results[0].Result.Diff).To(BeNil())
		Expect(small.Cases[0].Results[0].Result.Logs).To(BeNil())
		Expect(small.Cases[0].Results[0].Result.ComputeUnits).To(Equal(uint64(1234)))
		Expect(base.Cases[0].Results[0].Result.Diff).NotTo(BeEmpty(), "the original is untouched")
	})

	It("passes an identical run", func() {
		c := harness.CompareSummaries(base, gasRun(flat, nil, nil), harness.DefaultGasThreshold)
		Expect(c.Failed()).To(BeFalse())
		Expect(c.Regressions).To(BeEmpty())
		Expect(c.Markdown("old", "new")).To(HavePrefix("# Baseline comparison: PASS"))
	})

	It("fails on a case that passed and now disagrees", func() {
		cur := gasRun(flat, func(c *runners.Case, r *runners.Result) {
			if c.Name == "p1/c001" {
				r.ExitCode = 1
			}
		}, nil)
		c := harness.CompareSummaries(base, cur, harness.DefaultGasThreshold)
		Expect(c.Failed()).To(BeTrue())
		Expect(c.Regressions).To(ConsistOf(ContainSubstring("case p1/c001 passed in the baseline and now fails: disagree on exit_code")))
	})

	It("fails on gas up by more than the threshold, not on less, and notes improvements", func() {
		cur := gasRun(func(c *runners.Case) int64 {
			switch c.Name {
			case "p0/c000":
				return 111_000 // +11%
			case "p1/c001":
				return 109_000 // +9%
			case "p0/c002":
				return 50_000 // −50%
			}
			return 100_000
		}, nil, nil)
		c := harness.CompareSummaries(base, cur, 0.10)
		Expect(c.Regressions).To(ConsistOf(ContainSubstring("case p0/c000 on interp-svc: gas 100000 → 111000 (+11.0%")))
		Expect(c.Notes).To(ContainElement(ContainSubstring("case p0/c002 on interp-svc: gas 100000 → 50000 (-50.0%)")))
		Expect(harness.CompareSummaries(base, cur, 0.20).Failed()).To(BeFalse())
	})

	It("fails when the median gas per CU of a runner rises over the threshold", func() {
		cur := gasRun(func(*runners.Case) int64 { return 125_000 }, nil, nil)
		c := harness.CompareSummaries(base, cur, 0.10)
		Expect(c.Regressions).To(ContainElement(ContainSubstring("runner interp-svc: median gas/CU")))
	})

	It("fails when a runner that ran in the baseline is unavailable now", func() {
		cur := gasRun(flat, nil, errToolMissing)
		c := harness.CompareSummaries(base, cur, 0.10)
		Expect(c.Regressions).To(ContainElement(ContainSubstring("runner interp-svc ran in the baseline but is unavailable now: clang-19")))
		// The other way round is good news.
		back := harness.CompareSummaries(cur, base, 0.10)
		Expect(back.Failed()).To(BeFalse())
		Expect(back.Notes).To(ContainElement(ContainSubstring("runner interp-svc is available now")))
	})

	It("fails on a new case that fails, and notes removed cases and compute unit changes", func() {
		cur := gasRun(flat, func(c *runners.Case, r *runners.Result) { r.ComputeUnits = 1000 }, nil)
		cur.Cases = cur.Cases[:3]
		extra := base.Cases[0]
		extra.Name, extra.Outcome = "new/case", harness.OutcomeExpectFailed
		cur.Cases = append(cur.Cases, extra)
		c := harness.CompareSummaries(base, cur, 0.10)
		Expect(c.Regressions).To(ContainElement(HavePrefix("new case new/case fails: expect-failed")))
		Expect(c.Notes).To(ContainElement(ContainSubstring("1 baseline cases are not in this run: p1/c003")))
		Expect(c.Notes).To(ContainElement(ContainSubstring("case p0/c000 on interp-svc: compute units 1234 → 1000")))
		Expect(strings.Join(c.Regressions, "\n")).NotTo(ContainSubstring("p1/c003"))
	})
})

var _ = Describe("Verdict", func() {
	It("computes gas per CU, break-even, JAM fit and JIT overhead with the stated formulas", func() {
		s := fullSummary(4) // interp gas = 40000 × program size, transpiled = 4000 × size
		v := s.Verdict
		Expect(v.Approaches).To(HaveLen(2))
		// p0 programs are 64 bytes, p1 128: gas/CU medians over {64,128,64,128}×k/1234.
		Expect(*v.Approaches[0].MedianGasPerCU).To(BeNumerically("~", 40000*96/1234.0, 1e-6))
		Expect(*v.Approaches[0].WorstGasPerCU).To(BeNumerically("~", 40000*128/1234.0, 1e-6))
		Expect(*v.Approaches[1].MedianGasPerCU).To(BeNumerically("~", 4000*96/1234.0, 1e-6))
		Expect(*v.JIT.Overhead).To(BeNumerically("~", 10, 1e-9))
		Expect(*v.JIT.Worth).To(BeTrue())
		// Break-even by gas for p0: 50 ms × 3 gas/ns / (40000×64 − 4000×64).
		p0 := s.Programs[0]
		Expect(p0.Program).To(Equal("p0"))
		Expect(*p0.BreakEvenGas).To(BeNumerically("~", 50e6*harness.CompileGasPerNS/(36000*64), 1e-9))
		Expect(*v.JAM.MaxInterpGas).To(Equal(int64(40000 * 128)))
		Expect(*v.JAM.FitsAccumulate).To(BeTrue())
		// The fakes put half the gas in the execution phase: marginal = 20000 × size / CU,
		// fixed = the other half.
		Expect(*v.Approaches[0].MedianExecGasPerCU).To(BeNumerically("~", 20000*96/1234.0, 1e-6))
		Expect(*v.Approaches[0].WorstExecGasPerCU).To(BeNumerically("~", 20000*128/1234.0, 1e-6))
		Expect(*v.Approaches[0].MaxFixedGas).To(Equal(int64(20000 * 128)))
		Expect(*v.JAM.FullTxGas).To(BeNumerically("~", 20000*128+1_400_000*20000*128/1234.0, 1))
		Expect(*v.JAM.FullTxFitsAccumulate).To(BeFalse())
		Expect(*v.JAM.BlobsFitCodeSize).To(BeTrue())
		Expect(v.Lines).To(HaveLen(5))
		for _, l := range v.Lines {
			Expect(l.Formula).NotTo(BeEmpty())
			Expect(l.Answer).NotTo(ContainSubstring("not computable"))
		}
	})

	It("says when the transpiled runner reported no compile time", func() {
		g := func(*runners.Case) int64 { return 1000 }
		slots := []harness.RunnerSlot{slot(&fakeRunner{name: "native"}), slot(&fakeRunner{name: "interp-svc", gas: g}), slot(&fakeRunner{name: "transpiled", gas: g})}
		s, err := harness.Run(context.Background(), harness.Config{Slots: slots}, memCases(2))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Verdict.BreakEvenGas).To(BeNil())
		Expect(s.Verdict.Lines[1].Answer).To(ContainSubstring("reported no compile time"))
	})

	It("says what is missing when the PVM runners did not run", func() {
		s := gasRun(nil, nil, errToolMissing)
		Expect(s.Verdict.Lines[0].Answer).To(ContainSubstring("interp-svc: not measured (interp-svc unavailable: clang-19"))
		Expect(s.Verdict.Lines[2].Answer).To(HavePrefix("not computable"))
		Expect(s.Verdict.JIT.Overhead).To(BeNil())
	})
})
