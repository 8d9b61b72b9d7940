package harness_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/harness"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
)

// profGas is the gas the profile-aware fakes charge per case: gp080 charges ten times
// what gp072 does, so every figure shows which profile produced it.
func profGas(profile string, scale int64) func(*runners.Case) int64 {
	k := int64(1)
	if profile == "gp080" {
		k = 10
	}
	return func(c *runners.Case) int64 {
		return k * scale * int64(len(c.Name))
	}
}

var profBuilt []string // profiles fake-prof was built with, in order

var _ = func() bool {
	harness.RegisterProfiled("fake-prof", func(o harness.Options) (runners.Runner, error) {
		profBuilt = append(profBuilt, o.Profile)
		return &fakeRunner{name: "fake-prof", gas: profGas(o.Profile, 100)}, nil
	})
	return true
}()

// profSlots are native, interp-svc and transpiled under gp080 plus both PVM runners
// under gp072, as BuildProfiles names them; bad, when set, mutates the result of the
// named slot.
func profSlots(bad string, mutate func(c *runners.Case, r *runners.Result)) []harness.RunnerSlot {
	mk := func(name, profile string, scale int64) harness.RunnerSlot {
		f := &fakeRunner{name: name}
		if profile != "" {
			f.gas = profGas(profile, scale)
		}
		if name == bad {
			f.mutate = mutate
		}
		s := harness.NewSlot(name, f, nil)
		s.Profile = profile
		return s
	}
	return []harness.RunnerSlot{
		mk("native", "", 0),
		mk("interp-svc", "gp080", 100), mk("transpiled", "gp080", 10),
		mk("interp-svc@gp072", "gp072", 100), mk("transpiled@gp072", "gp072", 10),
	}
}

func profRun(slots []harness.RunnerSlot) *harness.Summary {
	s, err := harness.Run(context.Background(), harness.Config{
		Slots: slots, Repeat: 1,
		RunConfig: harness.RunConfig{Profile: "gp080", Profiles: []string{"gp080", "gp072"}},
	}, memCases(4))
	Expect(err).NotTo(HaveOccurred())
	return s
}

var _ = Describe("Gas profiles", func() {
	It("parses profile lists with the primary profile first", func() {
		Expect(harness.ParseProfiles("gp072,gp080")).To(Equal([]string{"gp080", "gp072"}))
		Expect(harness.ParseProfiles("both")).To(Equal([]string{"gp080", "gp072"}))
		Expect(harness.ParseProfiles(harness.DefaultProfiles)).To(Equal([]string{"gp080", "gp072"}))
		Expect(harness.ParseProfiles("gp072")).To(Equal([]string{"gp072"}))
		Expect(harness.ParseProfiles("gp080, gp080")).To(Equal([]string{"gp080"}))
		_, err := harness.ParseProfiles("gp080,gp999")
		Expect(err).To(MatchError(ContainSubstring(`"gp999"`)))
		_, err = harness.ParseProfiles("")
		Expect(err).To(HaveOccurred())
	})

	It("builds a profiled runner once per profile and the others once", func() {
		profBuilt = nil
		slots, err := harness.BuildProfiles([]string{"fake-ref", "fake-prof"}, []string{"gp080", "gp072"})
		Expect(err).NotTo(HaveOccurred())
		var names, profs []string
		for _, s := range slots {
			names, profs = append(names, s.Name), append(profs, s.Profile)
		}
		Expect(names).To(Equal([]string{"fake-ref", "fake-prof", "fake-prof@gp072"}))
		Expect(profs).To(Equal([]string{"", "gp080", "gp072"}))
		Expect(profBuilt).To(Equal([]string{"gp080", "gp072"}))

		// A reproduction names the profiled run it wants; the plain name brings both.
		slots, err = harness.BuildProfiles([]string{"fake-ref", "fake-prof@gp072", "fake-prof"}, []string{"gp080", "gp072"})
		Expect(err).NotTo(HaveOccurred())
		Expect(slots).To(HaveLen(3))
		_, err = harness.BuildProfiles([]string{"fake-prof@gp072"}, []string{"gp080"})
		Expect(err).To(MatchError(ContainSubstring("gp072")))
		_, err = harness.BuildProfiles([]string{"fake-ref@gp072"}, []string{"gp080", "gp072"})
		Expect(err).To(HaveOccurred())
	})

	It("runs the PVM runners under both profiles and reports gas per profile", func() {
		s := profRun(profSlots("", nil))
		Expect(s.Totals.Agreed).To(Equal(4))
		for _, c := range s.Cases {
			Expect(c.Results).To(HaveLen(5))
			g80, g72 := c.Result("interp-svc").Result.Gas.Total, c.Result("interp-svc@gp072").Result.Gas.Total
			Expect(g80).To(Equal(10 * g72)) // the gas differs and is not compared
		}
		prof := map[string]string{}
		for _, m := range s.Metrics {
			prof[m.Runner] = m.Profile
		}
		Expect(prof).To(Equal(map[string]string{"native": "", "interp-svc": "gp080", "transpiled": "gp080",
			"interp-svc@gp072": "gp072", "transpiled@gp072": "gp072"}))

		v := s.Verdict
		Expect(v.Profile).To(Equal("gp080"))
		Expect(v.Approaches).To(HaveLen(4))
		Expect(v.Approaches[0].Runner).To(Equal("interp-svc"))
		Expect(v.Approaches[2].Runner).To(Equal("interp-svc@gp072"))
		Expect(v.Approaches[2].Profile).To(Equal("gp072"))
		Expect(*v.Approaches[0].MedianGasPerCU).To(BeNumerically("~", 10**v.Approaches[2].MedianGasPerCU, 1e-6))
		// The main answers stay gp080; the gp072 figures are stated beside them.
		Expect(*v.JIT.Overhead).To(BeNumerically("~", 10, 1e-9))
		Expect(v.OtherProfiles).To(HaveLen(1))
		o := v.OtherProfiles[0]
		Expect(o.Profile).To(Equal("gp072"))
		Expect(*o.JITOverhead).To(BeNumerically("~", 10, 1e-9))
		Expect(*o.MaxInterpGas * 10).To(Equal(*v.JAM.MaxInterpGas))
		Expect(v.Lines[0].Answer).To(MatchRegexp(`^gp080 — interp-svc: median .*; gp072 — interp-svc@gp072: median `))
		Expect(v.Lines[2].Answer).To(ContainSubstring("under gp072 the largest case"))
		Expect(v.Lines[4].Answer).To(HavePrefix("gp080 — yes: the interpreter costs 10.00×"))
		Expect(v.Lines[4].Answer).To(ContainSubstring("under gp072 the overhead is 10.00×"))

		dir := GinkgoT().TempDir()
		Expect(harness.WriteReports(s, dir)).To(Succeed())
		md, err := os.ReadFile(filepath.Join(dir, harness.MarkdownFile))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(md)).To(ContainSubstring("profile gp080 (primary), gp072"))
		Expect(string(md)).To(ContainSubstring("### Gas per CU by profile"))
		Expect(string(md)).To(MatchRegexp(`\| gp080 \| interp-svc \| interp-svc \| 4 \|`))
		Expect(string(md)).To(MatchRegexp(`\| gp072 \| transpiled \| transpiled@gp072 \| 4 \|`))
		html, err := os.ReadFile(filepath.Join(dir, harness.HTMLFile))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(html)).To(ContainSubstring("<td>gp072</td><td>interp-svc</td><td>interp-svc@gp072</td>"))

		back, err := harness.ReadSummary(filepath.Join(dir, harness.SummaryFile))
		Expect(err).NotTo(HaveOccurred())
		Expect(back.Config.Profiles).To(Equal([]string{"gp080", "gp072"}))
		Expect(back.Verdict.OtherProfiles).To(Equal(v.OtherProfiles))
	})

	It("catches a runner that disagrees under one profile only and names the profile", func() {
		s := profRun(profSlots("transpiled@gp072", func(c *runners.Case, r *runners.Result) {
			if c.Name == "p1/c001" {
				r.ExitCode = 7
			}
		}))
		Expect(s.Totals.Disagreed).To(Equal(1))
		Expect(s.Totals.Failed()).To(BeTrue())
		c := s.Cases[1]
		Expect(c.Outcome).To(Equal(harness.OutcomeDisagree))
		Expect(c.Mismatches).To(HaveLen(1))
		Expect(c.Mismatches[0].Field).To(Equal("exit_code"))
		Expect(c.Mismatches[0].B).To(Equal("transpiled@gp072"))
		var buf strings.Builder
		harness.WriteFailures(&buf, s)
		Expect(buf.String()).To(ContainSubstring("transpiled@gp072"))
	})

	It("keeps a single-profile summary in the old shape", func() {
		s, err := harness.Run(context.Background(), harness.Config{
			Slots: profSlots("", nil)[:3], Repeat: 1, RunConfig: harness.RunConfig{Profile: "gp080"},
		}, memCases(2))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Verdict.OtherProfiles).To(BeEmpty())
		Expect(s.Verdict.Lines[0].Answer).To(HavePrefix("interp-svc: median"))
		Expect(harness.ProfilesText(s)).To(Equal("gp080"))
		b, err := json.Marshal(s.Config)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(b)).To(ContainSubstring(`"profile":"gp080"`))
	})
})
