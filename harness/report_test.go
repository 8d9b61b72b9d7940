package harness_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/net/html"

	"github.com/sbpf-pvm/sbpf-pvm/harness"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
)

// fullSummary runs three fakes that report everything the reports plot: interp-svc
// and transpiled gas (transpiled cheaper), blob sizes and compile times, plus one
// disagreement and one unavailable runner.
func fullSummary(nCases int) *harness.Summary {
	cases := memCases(nCases)
	size := func(c *runners.Case) int64 { b, _ := c.ProgramBytes(); return int64(len(b)) }
	interp := &fakeRunner{name: "interp-svc", gas: func(c *runners.Case) int64 { return 40_000 * size(c) }, blob: i64(300_000)}
	trans := &fakeRunner{name: "transpiled", gas: func(c *runners.Case) int64 { return 4_000 * size(c) }, blob: i64(20_000), compileNS: i64(50_000_000),
		mutate: func(c *runners.Case, r *runners.Result) {
			r.BlobBytes = i64(200 * size(c))
			if c.Name == cases[1].Name {
				r.Logs[0] = "Program log: hellO"
			}
		}}
	slots := []harness.RunnerSlot{slot(&fakeRunner{name: "native"}), slot(interp), slot(trans), slot(&fakeRunner{name: "extra", available: errToolMissing})}
	s, err := harness.Run(context.Background(), harness.Config{Slots: slots, Repeat: 3, Command: "conformance",
		Repro: func(k string, rs []string) string { return "sbpf-pvm conformance --filter " + k }}, cases)
	Expect(err).NotTo(HaveOccurred())
	return s
}

// strictHTML checks that every non-void element is closed in order and that the page
// loads nothing from outside itself.
func strictHTML(b []byte) error {
	if _, err := html.Parse(bytes.NewReader(b)); err != nil {
		return err
	}
	void := map[string]bool{"meta": true, "img": true, "br": true, "hr": true, "link": true, "input": true}
	var stack []string
	z := html.NewTokenizer(bytes.NewReader(b))
	for {
		switch z.Next() {
		case html.ErrorToken:
			if z.Err() == io.EOF {
				if len(stack) > 0 {
					return fmt.Errorf("unclosed elements %v", stack)
				}
				return nil
			}
			return z.Err()
		case html.StartTagToken:
			t := z.Token()
			for _, a := range t.Attr {
				if (a.Key == "src" || a.Key == "href") && !strings.HasPrefix(a.Val, "data:") {
					return fmt.Errorf("<%s %s=%q> loads an external resource", t.Data, a.Key, a.Val)
				}
			}
			if !void[t.Data] {
				stack = append(stack, t.Data)
			}
		case html.EndTagToken:
			t := z.Token()
			if len(stack) == 0 || stack[len(stack)-1] != t.Data {
				return fmt.Errorf("</%s> closes %v", t.Data, stack)
			}
			stack = stack[:len(stack)-1]
		}
	}
}

// jsonPaths lists every key path of a JSON document; array elements are "[]" and
// the keys of the account-keyed diff map are "{}".
func jsonPaths(v any, prefix string, out map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		if strings.HasSuffix(prefix, ".diff") {
			for _, e := range x {
				jsonPaths(e, prefix+".{}", out)
			}
			return
		}
		for k, e := range x {
			p := strings.TrimPrefix(prefix+"."+k, ".")
			out[p] = true
			jsonPaths(e, p, out)
		}
	case []any:
		for _, e := range x {
			jsonPaths(e, prefix+"[]", out)
		}
	}
}

// typePaths lists every JSON key path a type can produce.
func typePaths(t reflect.Type, prefix string, out map[string]bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := strings.Split(f.Tag.Get("json"), ",")[0]
			if !f.IsExported() || tag == "-" {
				continue
			}
			if tag == "" {
				tag = f.Name
			}
			p := strings.TrimPrefix(prefix+"."+tag, ".")
			out[p] = true
			typePaths(f.Type, p, out)
		}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() != reflect.Uint8 {
			typePaths(t.Elem(), prefix+"[]", out)
		}
	case reflect.Map:
		typePaths(t.Elem(), prefix+".{}", out)
	}
}

func sortedKeys(m map[string]bool) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

var _ = Describe("Reports", func() {
	var s *harness.Summary
	BeforeEach(func() { s = fullSummary(8) })

	It("writes summary.json, report.md, a strict self-contained report.html, junit.xml and every plot", func() {
		dir := GinkgoT().TempDir()
		Expect(harness.WriteReports(s, dir)).To(Succeed())

		h, err := os.ReadFile(filepath.Join(dir, harness.HTMLFile))
		Expect(err).NotTo(HaveOccurred())
		Expect(strictHTML(h)).To(Succeed())
		Expect(strings.Count(string(h), `src="data:image/png;base64,`)).To(Equal(len(harness.PlotNames)))
		Expect(string(h)).To(ContainSubstring("p1/c001 — disagree"))
		Expect(string(h)).To(ContainSubstring("[4f]")) // the hex window of "hellO"

		for _, name := range harness.PlotNames {
			svg, err := os.ReadFile(filepath.Join(dir, "plots", name+".svg"))
			Expect(err).NotTo(HaveOccurred())
			Expect(svg).NotTo(BeEmpty())
			Expect(wellFormedXML(svg, "svg")).To(Succeed(), name)
			p, err := os.ReadFile(filepath.Join(dir, "plots", name+".png"))
			Expect(err).NotTo(HaveOccurred())
			img, err := png.Decode(bytes.NewReader(p))
			Expect(err).NotTo(HaveOccurred(), name)
			Expect(img.Bounds().Dx()).To(BeNumerically(">", 100))
			Expect(string(svg)).NotTo(ContainSubstring("no data"), name)
		}

		md, err := os.ReadFile(filepath.Join(dir, harness.MarkdownFile))
		Expect(err).NotTo(HaveOccurred())
		for _, l := range s.Verdict.Lines {
			Expect(string(md)).To(ContainSubstring(l.Formula))
		}
		Expect(string(md)).To(ContainSubstring("| extra | **no** | 0 | 0 | " + errToolMissing.Error()))
		Expect(string(md)).To(ContainSubstring("Reproduce: `sbpf-pvm conformance --filter p1/c001`"))

		j, err := os.ReadFile(filepath.Join(dir, harness.JUnitFile))
		Expect(err).NotTo(HaveOccurred())
		var suites struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
			Skipped  int `xml:"skipped,attr"`
			Suites   []struct {
				Name  string `xml:"name,attr"`
				Cases []struct {
					Name    string    `xml:"name,attr"`
					Failure *struct{} `xml:"failure"`
					Skipped *struct {
						Message string `xml:"message,attr"`
					} `xml:"skipped"`
				} `xml:"testcase"`
			} `xml:"testsuite"`
		}
		Expect(xml.Unmarshal(j, &suites)).To(Succeed())
		Expect(suites.Tests).To(Equal(8 + 4))
		Expect(suites.Failures).To(Equal(1))
		Expect(suites.Skipped).To(Equal(1))
		Expect(suites.Suites[0].Cases[1].Name).To(Equal("p1/c001"))
		Expect(suites.Suites[0].Cases[1].Failure).NotTo(BeNil())
		Expect(suites.Suites[1].Cases[3].Skipped.Message).To(ContainSubstring("clang-19"))
	})

	It("keeps summary.json's schema stable (golden field list)", func() {
		dir := GinkgoT().TempDir()
		Expect(harness.WriteReports(s, dir)).To(Succeed())
		b, err := os.ReadFile(filepath.Join(dir, harness.SummaryFile))
		Expect(err).NotTo(HaveOccurred())
		var doc any
		Expect(json.Unmarshal(b, &doc)).To(Succeed())
		emitted := map[string]bool{}
		jsonPaths(doc, "", emitted)
		declared := map[string]bool{}
		typePaths(reflect.TypeOf(harness.Summary{}), "", declared)

		// Everything emitted is declared (no custom marshaller sneaks fields in)...
		for _, p := range sortedKeys(emitted) {
			Expect(declared).To(HaveKey(p))
		}
		// ...and the declared list is the committed one.
		golden := filepath.Join("testdata", "summary_fields.golden")
		got := strings.Join(sortedKeys(declared), "\n") + "\n"
		if os.Getenv("SBPF_PVM_UPDATE_GOLDEN") == "1" {
			Expect(os.WriteFile(golden, []byte(got), 0o644)).To(Succeed())
		}
		want, err := os.ReadFile(golden)
		Expect(err).NotTo(HaveOccurred())
		Expect(got).To(Equal(string(want)), "summary.json fields changed: regenerate with SBPF_PVM_UPDATE_GOLDEN=1, and bump harness.SchemaVersion unless fields were only added")
		Expect(doc.(map[string]any)["schema"]).To(Equal(harness.SchemaVersion))
	})

	It("re-renders the same reports from summary.json", func() {
		dir := GinkgoT().TempDir()
		Expect(harness.WriteReports(s, dir)).To(Succeed())
		back, err := harness.ReadSummary(filepath.Join(dir, harness.SummaryFile))
		Expect(err).NotTo(HaveOccurred())
		Expect(back.Cases).To(HaveLen(len(s.Cases)))
		m, p := harness.ComputeMetrics(back)
		Expect(m).To(Equal(s.Metrics))
		Expect(p).To(Equal(s.Programs))
		Expect(harness.ComputeVerdict(back)).To(Equal(s.Verdict))
		other := GinkgoT().TempDir()
		Expect(harness.RenderReports(back, other)).To(Succeed())
		a, _ := os.ReadFile(filepath.Join(dir, harness.MarkdownFile))
		b, _ := os.ReadFile(filepath.Join(other, harness.MarkdownFile))
		Expect(string(b)).To(Equal(string(a)))
	})

	It("refuses a summary of another schema", func() {
		p := filepath.Join(GinkgoT().TempDir(), "s.json")
		Expect(os.WriteFile(p, []byte(`{"schema":"other/v9"}`), 0o644)).To(Succeed())
		_, err := harness.ReadSummary(p)
		Expect(err).To(MatchError(ContainSubstring("other/v9")))
		Expect(os.WriteFile(p, []byte(`{`), 0o644)).To(Succeed())
		_, err = harness.ReadSummary(p)
		Expect(err).To(MatchError(ContainSubstring("not a summary.json")))
	})

	It("still produces every plot, saying why, when no runner reports gas or sizes", func() {
		only, err := harness.Run(context.Background(), harness.Config{Slots: []harness.RunnerSlot{slot(&fakeRunner{name: "native"})}}, memCases(2))
		Expect(err).NotTo(HaveOccurred())
		dir := GinkgoT().TempDir()
		Expect(harness.WriteReports(only, dir)).To(Succeed())
		for _, name := range harness.PlotNames {
			svg, err := os.ReadFile(filepath.Join(dir, "plots", name+".svg"))
			Expect(err).NotTo(HaveOccurred())
			Expect(wellFormedXML(svg, "svg")).To(Succeed())
			if name != "wall_time" {
				Expect(string(svg)).To(ContainSubstring("no data"), name)
			}
		}
		h, _ := os.ReadFile(filepath.Join(dir, harness.HTMLFile))
		Expect(strictHTML(h)).To(Succeed())
		Expect(string(h)).To(ContainSubstring("not computable"))
	})

	It("prints a table, the failures with their hex windows, and benchstat lines", func() {
		var tbl, fail, bench bytes.Buffer
		harness.WriteTable(&tbl, s)
		harness.WriteFailures(&fail, s)
		harness.WriteBenchstat(&bench, s)
		Expect(strings.Split(strings.TrimSpace(tbl.String()), "\n")).To(HaveLen(1 + 8 + 1))
		Expect(tbl.String()).To(ContainSubstring("runner extra unavailable: " + errToolMissing.Error()))
		Expect(fail.String()).To(ContainSubstring("p1/c001: disagree"))
		Expect(fail.String()).To(ContainSubstring("logs[0]"))
		Expect(fail.String()).To(ContainSubstring("(first difference at byte 17)"))
		Expect(fail.String()).To(ContainSubstring("reproduce: sbpf-pvm conformance --filter p1/c001"))
		lines := strings.Split(strings.TrimSpace(bench.String()), "\n")
		Expect(lines[:3]).To(HaveEach(MatchRegexp(`^(goos|goarch|pkg): `)))
		Expect(lines[3:]).To(HaveLen(8 * 3 * 3)) // cases × runners × repeats
		Expect(lines[3:]).To(HaveEach(MatchRegexp(`^BenchmarkCorpus/case=p[01]:c\d{3}/runner=[a-z-]+-\d+\t1\t\d+ ns/op\t\d+ CU/op(\t\d+ gas/op\t[0-9.]+ gas/CU)?$`)))
	})

	It("shows a redrawn bar on a terminal and plain lines otherwise", func() {
		var tty, plain bytes.Buffer
		pt, pp := harness.NewProgress(&tty, true), harness.NewProgress(&plain, false)
		for i := 1; i <= 3; i++ {
			pt.Update(i, 3, "a/b", "native")
			pp.Update(i, 3, "a/b", "native")
		}
		Expect(plain.String()).To(Equal("[1/3] a/b on native\n[2/3] a/b on native\n[3/3] a/b on native\n"))
		Expect(tty.String()).To(HavePrefix("\r["))
		Expect(tty.String()).To(ContainSubstring("3/3"))
		Expect(tty.String()).To(HaveSuffix("\n"))
	})
})

func wellFormedXML(b []byte, root string) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	first := ""
	for {
		t, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if se, ok := t.(xml.StartElement); ok && first == "" {
			first = se.Name.Local
		}
	}
	if first != root {
		return fmt.Errorf("root element %q, want %q", first, root)
	}
	return nil
}
