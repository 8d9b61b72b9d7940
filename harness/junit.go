package harness

import (
	"encoding/xml"
	"fmt"
	"strings"
	"time"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",chardata"`
}

func secs(ns int64) string { return fmt.Sprintf("%.6f", time.Duration(ns).Seconds()) }

// JUnit renders the run as JUnit XML: one test per case (failed on a disagreement or a
// missed expectation, errored on a harness fault), and one per unavailable runner,
// marked skipped with its reason so CI shows it.
func JUnit(s *Summary) ([]byte, error) {
	cs := junitSuite{Name: "conformance"}
	for i := range s.Cases {
		c := &s.Cases[i]
		var wall int64
		for _, r := range c.Results {
			if r.Result != nil {
				wall += r.Result.WallNS
			}
		}
		jc := junitCase{Name: c.Name, Classname: "conformance." + c.Program, Time: secs(wall)}
		var body strings.Builder
		for _, r := range c.Results {
			if r.HarnessError != "" {
				fmt.Fprintf(&body, "%s could not run it: %s\n", r.Runner, r.HarnessError)
			}
		}
		for _, m := range c.Mismatches {
			body.WriteString(m.String() + "\n")
			if m.Window != "" {
				body.WriteString(m.Window + "\n")
			}
		}
		if c.Repro != "" {
			body.WriteString("reproduce: " + c.Repro + "\n")
		}
		switch c.Outcome {
		case OutcomeError:
			jc.Error = &junitMessage{Message: "harness error", Type: c.Outcome, Body: body.String()}
			cs.Errors++
		case OutcomeDisagree, OutcomeExpectFailed:
			msg := c.Outcome
			if len(c.Mismatches) > 0 {
				msg += ": " + c.Mismatches[0].Field
			}
			jc.Failure = &junitMessage{Message: msg, Type: c.Outcome, Body: body.String()}
			cs.Failures++
		}
		cs.Cases = append(cs.Cases, jc)
	}
	cs.Tests = len(cs.Cases)
	cs.Time = secs(s.DurationNS)
	rs := junitSuite{Name: "runners", Time: "0"}
	for _, r := range s.Runners {
		jc := junitCase{Name: r.Name, Classname: "runners", Time: "0"}
		if !r.Available {
			jc.Skipped = &junitMessage{Message: "unavailable: " + r.Reason}
			rs.Skipped++
		}
		rs.Cases = append(rs.Cases, jc)
	}
	rs.Tests = len(rs.Cases)
	all := junitSuites{
		Name: "sbpf-pvm " + s.Command, Tests: cs.Tests + rs.Tests, Failures: cs.Failures,
		Errors: cs.Errors, Skipped: rs.Skipped, Time: cs.Time, Suites: []junitSuite{cs, rs},
	}
	b, err := xml.MarshalIndent(all, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(b, '\n')...), nil
}
