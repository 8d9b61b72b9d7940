package harness_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/harness"
	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
	interpsvc "github.com/sbpf-pvm/sbpf-pvm/runners/interp-svc"
	"github.com/sbpf-pvm/sbpf-pvm/runners/native"
	"github.com/sbpf-pvm/sbpf-pvm/runners/transpiled"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/asm"
)

// The real runners, registered the way cmd/sbpf-pvm registers them.
var _ = func() bool {
	harness.Register(native.Name, func(harness.Options) (runners.Runner, error) { return native.New(), nil })
	harness.Register(interpsvc.Name, func(o harness.Options) (runners.Runner, error) {
		p, err := pvm.ParseProfile(o.Profile)
		if err != nil {
			return nil, err
		}
		return interpsvc.New(p), nil
	})
	harness.Register(transpiled.Name, func(o harness.Options) (runners.Runner, error) {
		p, err := pvm.ParseProfile(o.Profile)
		if err != nil {
			return nil, err
		}
		return transpiled.New(p), nil
	})
	return true
}()

// sumSrc computes r0 = 1 + … + N for N the first 8 bytes of the instruction data
// (no accounts: data is at input+16). Non-zero r0 is a Custom program error. Each
// loop iteration is 3 instructions, plus 4 outside the loop: CU = 3N + 4 (N > 0), 3 + 1
// for N = 0 (ldxdw, mov, jeq taken, exit).
const sumSrc = `
entrypoint:
    ldxdw r2, [r1+16]
    mov64 r0, 0
    jeq r2, 0, done
loop:
    add64 r0, r2
    sub64 r2, 1
    jne r2, 0, loop
done:
    exit
`

// sumCorpus writes the sum program and one case per n with the expectation its
// semantics give.
func sumCorpus(dir string, ns ...uint64) string {
	elf, err := asm.AssembleELF(sumSrc, sbpf.V0)
	Expect(err).NotTo(HaveOccurred())
	Expect(os.WriteFile(filepath.Join(dir, "sum.so"), elf, 0o644)).To(Succeed())
	cases := filepath.Join(dir, "cases")
	Expect(os.MkdirAll(cases, 0o755)).To(Succeed())
	for _, n := range ns {
		cu := uint64(4)
		if n > 0 {
			cu = 3*n + 4
		}
		sum := n * (n + 1) / 2
		expect := fmt.Sprintf("expect:\n  status: success\n  compute_units: %d\n  exit_code: 0\n", cu)
		if sum != 0 {
			expect = fmt.Sprintf("expect:\n  status: failure\n  error: Custom\n  compute_units: %d\n  exit_code: %d\n", cu, sum)
		}
		data := make([]byte, 8)
		for i := range data {
			data[i] = byte(n >> (8 * i))
		}
		y := fmt.Sprintf("name: sum/n%d\nprogram: ../sum.so\nprogram_id: %s\ninstruction_data: \"0x%x\"\naccounts: []\n%s", n, programID, data, expect)
		Expect(os.WriteFile(filepath.Join(cases, fmt.Sprintf("n%d.yaml", n)), []byte(y), 0o644)).To(Succeed())
	}
	return cases
}

// onePerProgram keeps the first case (by name) of every program: the PVM runners are
// too slow to run the whole corpus inside the unit suites (`make conformance` does).
func onePerProgram(cases []*runners.Case) []*runners.Case {
	seen := map[string]bool{}
	var out []*runners.Case
	for _, c := range cases {
		if p := harness.ProgramName(c); !seen[p] {
			seen[p] = true
			out = append(out, c)
		}
	}
	return out
}

var _ = Describe("End to end on the real runners", func() {
	It("runs the corpus (the real one when it is built, else an assembled one) on every runner that exists", func() {
		corpus := filepath.Join("..", "corpus", "cases")
		cases, err := harness.LoadCorpus(corpus)
		real := err == nil && harness.LoadPrograms(cases) == nil
		if !real {
			// corpus/cases is not there or not built (`make corpus`): use programs
			// assembled here, whose expected results follow from their semantics.
			cases, err = harness.LoadCorpus(sumCorpus(GinkgoT().TempDir(), 0, 1, 3, 100))
			Expect(err).NotTo(HaveOccurred())
			Expect(harness.LoadPrograms(cases)).To(Succeed())
		}
		check := func(names []string, cases []*runners.Case) *harness.Summary {
			slots, err := harness.Build(names, harness.Options{Profile: harness.DefaultProfile})
			Expect(err).NotTo(HaveOccurred())
			Expect(slots[0].Runner).NotTo(BeNil(), "the native runner is always available")
			s, err := harness.Run(context.Background(), harness.Config{Slots: slots, Validator: harness.NodeValidator{}, Command: "conformance"}, cases)
			Expect(err).NotTo(HaveOccurred())
			fmt.Fprintf(GinkgoWriter, "corpus %s (real: %t), runners %v: %s\n", corpus, real, names, harness.Headline(s))
			for _, r := range s.Runners {
				if !r.Available {
					fmt.Fprintf(GinkgoWriter, "runner %s unavailable: %s\n", r.Name, r.Reason)
					Expect(r.Reason).NotTo(BeEmpty())
				}
			}
			Expect(s.Cases).To(HaveLen(len(cases)))
			for _, c := range s.Cases {
				// Every available runner produced a result: no harness faults.
				for _, r := range c.Results {
					Expect(r.HarnessError).To(BeEmpty(), "%s on %s", c.Name, r.Runner)
					Expect(r.Result.Case).To(Equal(c.Name))
				}
				// The outcome is what the mismatches say.
				Expect(c.OK()).To(Equal(len(c.Mismatches) == 0), c.Name)
			}
			dir := GinkgoT().TempDir()
			Expect(harness.WriteReports(s, dir)).To(Succeed())
			h, err := os.ReadFile(filepath.Join(dir, harness.HTMLFile))
			Expect(err).NotTo(HaveOccurred())
			Expect(strictHTML(h)).To(Succeed())
			return s
		}

		// The reference on every case: it meets every expectation the corpus states
		// (for the assembled corpus, the ones derived from the program's semantics).
		s := check([]string{native.Name}, cases)
		for _, c := range s.Cases {
			nat := c.Result(native.Name).Result
			Expect(harness.CheckExpect(cases[indexOf(cases, c.Name)], nat)).To(BeEmpty(), c.Name)
		}
		// Every runner on one case of every program.
		check([]string{native.Name, interpsvc.Name, transpiled.Name}, onePerProgram(cases))
	})
})

func indexOf(cs []*runners.Case, name string) int {
	for i, c := range cs {
		if c.Name == name {
			return i
		}
	}
	return -1
}
