package harness_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/harness"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
)

func names(cs []*runners.Case) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}

var _ = Describe("Corpus", func() {
	It("loads every case file recursively, sorted by name, with programs resolved", func() {
		dir := writeCorpus(GinkgoT().TempDir(), 12, 3, "")
		cs, err := harness.LoadCorpus(dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(cs).To(HaveLen(12))
		ns := names(cs)
		Expect(ns[0]).To(Equal("prog0/case00"))
		Expect(ns).To(BeEquivalentTo(sortedCopy(ns)))
		Expect(harness.LoadPrograms(cs)).To(Succeed())
		b, _ := cs[0].ProgramBytes()
		Expect(b).To(HaveLen(100))
		Expect(harness.ProgramName(cs[0])).To(Equal("prog0"))
	})

	It("reports every bad file at once, and duplicate names", func() {
		root := GinkgoT().TempDir()
		dir := writeCorpus(root, 3, 1, "")
		Expect(os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("name: [unterminated"), 0o644)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(dir, "nokey.yaml"), []byte("name: x\nprogram: a.so\nprogram_id: nope\n"), 0o644)).To(Succeed())
		dup, err := os.ReadFile(filepath.Join(dir, "prog0", "case00.yaml"))
		Expect(err).NotTo(HaveOccurred())
		Expect(os.WriteFile(filepath.Join(dir, "prog0", "zdup.yaml"), dup, 0o644)).To(Succeed())
		_, err = harness.LoadCorpus(dir)
		var ce *harness.CorpusError
		Expect(errors.As(err, &ce)).To(BeTrue())
		Expect(ce.Errs).To(HaveLen(3))
		Expect(err.Error()).To(ContainSubstring("bad.yaml"))
		Expect(err.Error()).To(ContainSubstring("program_id"))
		Expect(err.Error()).To(ContainSubstring("already used"))
	})

	It("fails clearly on a missing corpus directory and on missing programs", func() {
		_, err := harness.LoadCorpus("/nonexistent/corpus")
		Expect(err).To(MatchError(ContainSubstring("/nonexistent/corpus")))
		root := GinkgoT().TempDir()
		dir := writeCorpus(root, 2, 1, "")
		Expect(os.Remove(filepath.Join(root, "programs", "prog0.so"))).To(Succeed())
		cs, err := harness.LoadCorpus(dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(harness.LoadPrograms(cs)).To(MatchError(ContainSubstring("make corpus")))
	})

	Describe("Filter", func() {
		cs := memCases(6) // p0/c000 p1/c001 p0/c002 ...
		It("matches path globs against case names", func() {
			got, err := harness.Filter(cs, []string{"p1/*"})
			Expect(err).NotTo(HaveOccurred())
			Expect(names(got)).To(Equal([]string{"p1/c001", "p1/c003", "p1/c005"}))
			got, err = harness.Filter(cs, []string{"p0/c000,p1/c005", "*/c002"})
			Expect(err).NotTo(HaveOccurred())
			Expect(names(got)).To(Equal([]string{"p0/c000", "p0/c002", "p1/c005"}))
			got, _ = harness.Filter(cs, []string{"p0/**"})
			Expect(got).To(HaveLen(3))
			got, _ = harness.Filter(cs, []string{"**"})
			Expect(got).To(HaveLen(6))
			got, _ = harness.Filter(cs, nil)
			Expect(got).To(HaveLen(6))
		})
		It("rejects a malformed glob", func() {
			_, err := harness.Filter(cs, []string{"p0/[x"})
			Expect(err).To(HaveOccurred())
		})
		It("escapes a name so that it matches only itself", func() {
			odd := &runners.Case{Name: "a*b/[1],x"}
			other := &runners.Case{Name: "aZb/1"}
			got, err := harness.Filter([]*runners.Case{odd, other}, []string{harness.EscapeGlob(odd.Name)})
			Expect(err).NotTo(HaveOccurred())
			Expect(names(got)).To(Equal([]string{odd.Name}))
		})
	})

	Describe("Shard", func() {
		It("parses I/N and rejects anything else", func() {
			s, err := harness.ParseShard("2/5")
			Expect(err).NotTo(HaveOccurred())
			Expect(s).To(Equal(harness.Shard{Index: 2, Count: 5}))
			s, err = harness.ParseShard("")
			Expect(err).NotTo(HaveOccurred())
			Expect(s.Count).To(Equal(1))
			for _, bad := range []string{"0/3", "4/3", "1/0", "x/2", "2", "1/2/3", "-1/2"} {
				_, err := harness.ParseShard(bad)
				Expect(err).To(HaveOccurred(), bad)
			}
		})

		DescribeTable("splits the corpus into disjoint shards whose union is the whole",
			func(n, count int) {
				cs := memCases(n)
				seen := map[string]int{}
				var union []string
				for i := 1; i <= count; i++ {
					part := harness.Shard{Index: i, Count: count}.Select(cs)
					Expect(len(part)).To(BeNumerically(">=", n/count))
					Expect(len(part)).To(BeNumerically("<=", n/count+1))
					for _, c := range part {
						seen[c.Name]++
						union = append(union, c.Name)
					}
				}
				Expect(union).To(ConsistOf(names(cs)))
				for name, k := range seen {
					Expect(k).To(Equal(1), fmt.Sprintf("%s in %d shards", name, k))
				}
			},
			Entry("1 shard", 10, 1),
			Entry("even", 12, 4),
			Entry("uneven", 13, 4),
			Entry("more shards than cases", 3, 7),
			Entry("empty corpus", 0, 3),
		)
	})

	It("measures a program by its executable text when it is an ELF, else by its size", func() {
		Expect(harness.ProgramSize(make([]byte, 77))).To(Equal(int64(77)))
		self, err := os.ReadFile("/proc/self/exe")
		Expect(err).NotTo(HaveOccurred())
		text := harness.ProgramSize(self)
		Expect(text).To(BeNumerically(">", 0))
		Expect(text).To(BeNumerically("<", len(self)))
	})
})

func sortedCopy(s []string) []string {
	c := append([]string(nil), s...)
	for i := 1; i < len(c); i++ {
		for j := i; j > 0 && c[j] < c[j-1]; j-- {
			c[j], c[j-1] = c[j-1], c[j]
		}
	}
	return c
}
