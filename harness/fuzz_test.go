package harness_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sbpf-pvm/sbpf-pvm/harness"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
)

// FuzzParseShard: any string either parses into a valid shard or is an error.
func FuzzParseShard(f *testing.F) {
	for _, s := range []string{"", "1/1", "2/4", "0/3", "4/3", "x/y", "1/2/3", "-1/2", "9999999999999999999/1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sh, err := harness.ParseShard(s)
		if err != nil {
			return
		}
		if sh.Count < 1 || sh.Index < 1 || sh.Index > sh.Count {
			t.Fatalf("ParseShard(%q) = %+v", s, sh)
		}
		// A parsed shard selects a subset of a small corpus without panicking.
		if got := sh.Select(memCasesT(5)); len(got) > 5 {
			t.Fatalf("shard %v selected %d of 5", sh, len(got))
		}
	})
}

// FuzzFilter: a glob either errors or selects a subset, and an escaped name always
// selects itself.
func FuzzFilter(f *testing.F) {
	for _, s := range []string{"*", "p0/*", "**", "p1/**", "[", `\`, "a,b", `a\,b`, "*/c00?"} {
		f.Add(s, "p0/c000")
	}
	f.Fuzz(func(t *testing.T, glob, name string) {
		cs := memCasesT(4)
		if got, err := harness.Filter(cs, []string{glob}); err == nil && len(got) > len(cs) {
			t.Fatalf("filter %q selected %d of %d", glob, len(got), len(cs))
		}
		c := &runners.Case{Name: name}
		got, err := harness.Filter([]*runners.Case{c}, []string{harness.EscapeGlob(name)})
		if name != "" && strings.TrimSpace(name) == name && (err != nil || len(got) != 1) {
			t.Fatalf("escaped %q does not select itself: %v %v", name, got, err)
		}
	})
}

// FuzzSummary: any JSON that decodes into a Summary can be re-analysed and rendered
// (what `sbpf-pvm report` does with a file it is given) without panicking.
func FuzzSummary(f *testing.F) {
	f.Add([]byte(`{"schema":"sbpf-pvm/summary/v1","runners":[{"name":"interp-svc","available":true}],` +
		`"cases":[{"name":"a","program":"p","outcome":"agree","results":[{"runner":"interp-svc","result":{"status":"success","compute_units":0,"gas":{"total":5}}}]}]}`))
	f.Add([]byte(`{"cases":[{"results":[{"runner":"transpiled","result":null}]}],"runners":[{"name":"transpiled","available":true}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var s harness.Summary
		if json.Unmarshal(b, &s) != nil {
			return
		}
		s.Metrics, s.Programs = harness.ComputeMetrics(&s)
		s.Verdict = harness.ComputeVerdict(&s)
		_ = harness.Markdown(&s, nil)
		if _, err := harness.HTML(&s, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := harness.JUnit(&s); err != nil {
			t.Fatal(err)
		}
		harness.CompareSummaries(&s, &s, 0.1)
	})
}

// FuzzCompare: comparing arbitrary byte strings reports a difference exactly when they
// differ, at an offset inside the longer one.
func FuzzCompare(f *testing.F) {
	f.Add([]byte{1, 2, 3}, []byte{1, 2, 4})
	f.Add([]byte{}, []byte{0})
	f.Fuzz(func(t *testing.T, a, b []byte) {
		ra, rb := baseResult("c", "x"), baseResult("c", "y")
		ra.ReturnData.Data, rb.ReturnData.Data = append(runners.Hex{9}, a...), append(runners.Hex{9}, b...)
		ms := harness.Compare(ra, rb)
		same := string(a) == string(b)
		if same != (len(ms) == 0) {
			t.Fatalf("a=%x b=%x: %v", a, b, ms)
		}
		if !same && ms[0].Offset != nil && *ms[0].Offset > max(len(a), len(b))+1 {
			t.Fatalf("offset %d past the data", *ms[0].Offset)
		}
	})
}

func memCasesT(n int) []*runners.Case {
	var cs []*runners.Case
	for i := 0; i < n; i++ {
		cs = append(cs, &runners.Case{Name: "p" + string(rune('0'+i%2)) + "/c00" + string(rune('0'+i))})
	}
	return cs
}
