package transpiled_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
	"github.com/sbpf-pvm/sbpf-pvm/runners/svcrt"
	"github.com/sbpf-pvm/sbpf-pvm/runners/transpiled"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
)

// The details engine.c's svc_engine_load reports (load_fail).
const (
	configDetail  = "the request's VM configuration differs from the translation's"
	versionDetail = "version not enabled"
)

// runEdited runs case c on its blob (built as Runner.Run builds it) with the request
// changed by edit before it is encoded: the runner itself always sends the configuration
// the blob was translated for, so only an edited request reaches the engine's load checks.
func runEdited(c *runners.Case, edit func(q *svcrt.Request)) *runners.Result {
	GinkgoHelper()
	prep, err := svcrt.FromCase(c)
	Expect(err).NotTo(HaveOccurred())
	b, err := transpiled.Build(prep.Request.Program, transpiled.Options{Profile: trRunner.Profile, Opt: trRunner.Opt, Units: trRunner.Units})
	Expect(err).NotTo(HaveOccurred())
	prep.Request.Program = nil // compiled in, as runPrepared sends it
	edit(prep.Request)
	payload, err := prep.Request.Encode()
	Expect(err).NotTo(HaveOccurred())
	out, err := trRunner.Invoke(b, payload)
	Expect(err).NotTo(HaveOccurred())
	res, err := prep.ResultOf(c, transpiled.Name, &out.Invocation, pvm.GP072)
	Expect(err).NotTo(HaveOccurred())
	return res
}

// expectLoadFailure asserts a failure of the load step with kind and detail (and the log
// lines runners/svcrt gives a load failure: nothing ran, no CU, no state change).
func expectLoadFailure(res *runners.Result, kind, detail, what string) {
	GinkgoHelper()
	Expect(res.Status).To(Equal(runners.StatusFailure), what)
	Expect(res.Error).NotTo(BeNil(), what)
	Expect(*res.Error).To(Equal(kind), what)
	Expect(res.ErrorDetail).To(Equal(detail), what)
	Expect(res.ComputeUnits).To(BeZero(), what)
	Expect(res.Diff).To(BeEmpty(), what)
	Expect(res.Logs).To(ContainElement("Program is not deployed"), what)
}

// loadProgram writes the first account's first data byte, so a run that gets past the
// load step shows in the state diff.
const loadProgram = "stb [r1+96], 0x5a\nmov64 r0, 0\nexit"

var _ = Describe("the engine's load checks (svc_engine_load)", func() {
	unchanged := func(*svcrt.Request) {}

	It("runs a request with the translation's configuration as native does", func() {
		for _, v := range []sbpf.Version{sbpf.V0, sbpf.V3} {
			c := newCase("load-ok", loadProgram, v, 10_000)
			want := observe(runNative(c))
			Expect(want.Status).To(Equal(runners.StatusSuccess))
			Expect(want.Diff).NotTo(BeEmpty())
			Expect(observe(runEdited(c, unchanged))).To(Equal(want), "v%d", v)
		}
	})

	It("fails each differing configuration field with TranspiledConfigMismatch", func() {
		c := newCase("load-config", loadProgram, sbpf.V0, 10_000)
		for what, edit := range map[string]func(q *svcrt.Request){
			"call depth one less":       func(q *svcrt.Request) { q.MaxCallDepth-- },
			"call depth at its maximum": func(q *svcrt.Request) { q.MaxCallDepth = 1024 },
			"frame size doubled":        func(q *svcrt.Request) { q.FrameSize *= 2 },
			"frame size halved":         func(q *svcrt.Request) { q.FrameSize /= 2 },
			"no stack gaps":             func(q *svcrt.Request) { q.Flags &^= svcrt.FlagStackGaps },
		} {
			expectLoadFailure(runEdited(c, edit), "TranspiledConfigMismatch", configDetail, what)
		}
	})

	It("ignores the stack-gaps flag for a version without gaps, as Agave does", func() {
		c := newCase("load-gaps-v3", loadProgram, sbpf.V3, 10_000)
		want := observe(runNative(c))
		got := observe(runEdited(c, func(q *svcrt.Request) { q.Flags &^= svcrt.FlagStackGaps }))
		Expect(got).To(Equal(want))
		// the V3 translation has no gaps: setting the flag is no mismatch either
		got = observe(runEdited(c, func(q *svcrt.Request) { q.Flags |= svcrt.FlagStackGaps }))
		Expect(got).To(Equal(want))
	})

	It("fails a program version outside the enabled range with UnsupportedSBPFVersion", func() {
		v0 := newCase("load-version-v0", loadProgram, sbpf.V0, 10_000)
		expectLoadFailure(runEdited(v0, func(q *svcrt.Request) { q.MinVersion = 1 }), "UnsupportedSBPFVersion", versionDetail, "v0, range 1..3")
		v3 := newCase("load-version-v3", loadProgram, sbpf.V3, 10_000)
		expectLoadFailure(runEdited(v3, func(q *svcrt.Request) { q.MaxVersion = 2 }), "UnsupportedSBPFVersion", versionDetail, "v3, range 0..2")
		// the range's ends are inclusive
		want := observe(runNative(v3))
		Expect(observe(runEdited(v3, func(q *svcrt.Request) { q.MinVersion, q.MaxVersion = 3, 3 }))).To(Equal(want))
	})

	It("reports the configuration before the version when both are wrong", func() {
		c := newCase("load-both", loadProgram, sbpf.V0, 10_000)
		for what, edit := range map[string]func(q *svcrt.Request){
			"call depth and version": func(q *svcrt.Request) { q.MaxCallDepth, q.MinVersion = 63, 1 },
			"frame size and version": func(q *svcrt.Request) { q.FrameSize, q.MinVersion = 8192, 1 },
			"stack gaps and version": func(q *svcrt.Request) { q.Flags &^= svcrt.FlagStackGaps; q.MinVersion = 1 },
			"depth and frame size":   func(q *svcrt.Request) { q.MaxCallDepth, q.FrameSize = 32, 8192 },
		} {
			expectLoadFailure(runEdited(c, edit), "TranspiledConfigMismatch", configDetail, what)
		}
	})

	It("reports a program the loader rejects before any configuration or version check", func() {
		c := newCase("load-reject", loadProgram, sbpf.V0, 10_000)
		c.SetProgramBytes([]byte("not an ELF"))
		want := runNative(c)
		Expect(want.Error).NotTo(BeNil())
		for what, edit := range map[string]func(q *svcrt.Request){
			"as translated":          unchanged,
			"call depth and version": func(q *svcrt.Request) { q.MaxCallDepth, q.MinVersion, q.MaxVersion = 63, 3, 3 },
			"frame size":             func(q *svcrt.Request) { q.FrameSize = 8192 },
		} {
			res := runEdited(c, edit)
			Expect(res.Status).To(Equal(runners.StatusFailure), what)
			Expect(*res.Error).To(Equal(*want.Error), what)
			Expect(res.ErrorDetail).NotTo(Equal(configDetail), what)
		}
	})
})
