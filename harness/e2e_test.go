package harness_test

import (
	"context"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/harness"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
)

// The fakes are registered under names of their own so that they never shadow a real
// runner registered by another package.
var _ = func() bool {
	harness.Register("fake-ref", func(harness.Options) (runners.Runner, error) { return &fakeRunner{name: "fake-ref"}, nil })
	harness.Register("fake-pvm", func(o harness.Options) (runners.Runner, error) {
		return &fakeRunner{name: "fake-pvm", gas: func(*runners.Case) int64 { return int64(len(o.Profile)) * 1000 }}, nil
	})
	harness.Register("fake-broken", func(harness.Options) (runners.Runner, error) { return nil, errToolMissing })
	return true
}()

var _ = Describe("Registry", func() {
	It("builds registered runners by name and passes the options", func() {
		slots, err := harness.Build([]string{"fake-ref", "fake-pvm", "fake-broken", "fake-ref"}, harness.Options{Profile: "gp080"})
		Expect(err).NotTo(HaveOccurred())
		Expect(slots).To(HaveLen(3))
		Expect(slots[0].Runner).NotTo(BeNil())
		Expect(slots[2].Runner).To(BeNil())
		Expect(slots[2].Unavailable).To(Equal(errToolMissing.Error()))
		r, err := slots[1].Runner.Run(context.Background(), memCases(1)[0])
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Gas.Total).To(Equal(int64(5000)))
	})

	It("rejects an unknown name, listing the known ones", func() {
		_, err := harness.Build([]string{"nope"}, harness.Options{})
		Expect(err).To(MatchError(ContainSubstring(`unknown runner "nope"`)))
		Expect(err).To(MatchError(ContainSubstring("fake-ref")))
	})

	It("refuses to register a name twice", func() {
		Expect(func() { harness.Register("fake-ref", nil) }).To(Panic())
	})

	It("orders runner names canonically", func() {
		ns := []string{"zeta", "transpiled", "alpha", "native", "interp-svc"}
		harness.SortRunnerNames(ns)
		Expect(ns).To(Equal([]string{"native", "interp-svc", "transpiled", "alpha", "zeta"}))
	})
})

var _ = Describe("End to end", func() {
	run := func(corpus string, names []string, shard harness.Shard) *harness.Summary {
		cases, err := harness.LoadCorpus(corpus)
		Expect(err).NotTo(HaveOccurred())
		cases = shard.Select(cases)
		Expect(harness.LoadPrograms(cases)).To(Succeed())
		slots, err := harness.Build(names, harness.Options{Profile: harness.DefaultProfile})
		Expect(err).NotTo(HaveOccurred())
		s, err := harness.Run(context.Background(), harness.Config{Slots: slots, Repeat: 2, Warmup: 1, Command: "conformance"}, cases)
		Expect(err).NotTo(HaveOccurred())
		return s
	}

	It("runs an on-disk corpus through registered runners, writes the reports, and compares clean with itself", func() {
		root := GinkgoT().TempDir()
		corpus := writeCorpus(root, 9, 3, "expect:\n  status: success\n  compute_units: 1234\n")
		s := run(corpus, []string{"fake-ref", "fake-pvm", "fake-broken"}, harness.Shard{Index: 1, Count: 1})
		Expect(s.Totals.Cases).To(Equal(9))
		Expect(s.Totals.Agreed).To(Equal(9))
		Expect(s.Totals.RunnersUnavailable).To(Equal(1))
		Expect(s.Programs).To(HaveLen(3))
		Expect(s.Programs[2].TextBytes).To(Equal(int64(300)))
		out := filepath.Join(root, "out")
		Expect(harness.WriteReports(s, out)).To(Succeed())
		for _, f := range []string{harness.SummaryFile, harness.MarkdownFile, harness.HTMLFile, harness.JUnitFile} {
			st, err := os.Stat(filepath.Join(out, f))
			Expect(err).NotTo(HaveOccurred())
			Expect(st.Size()).To(BeNumerically(">", 0))
		}
		back, err := harness.ReadSummary(filepath.Join(out, harness.SummaryFile))
		Expect(err).NotTo(HaveOccurred())
		Expect(harness.CompareSummaries(back, s, harness.DefaultGasThreshold).Failed()).To(BeFalse())

		// The shards of the same corpus together cover exactly the same cases.
		var union []string
		for i := 1; i <= 4; i++ {
			for _, c := range run(corpus, []string{"fake-ref"}, harness.Shard{Index: i, Count: 4}).Cases {
				union = append(union, c.Name)
			}
		}
		var all []string
		for _, c := range s.Cases {
			all = append(all, c.Name)
		}
		Expect(union).To(ConsistOf(all))
	})
})
