package harness

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/sbpf-pvm/sbpf-pvm/runners"
)

// ExpectSide is the name Mismatch.A carries when a result is checked against the
// case's expect: block rather than against another runner.
const ExpectSide = "expect"

// Mismatch is one field on which two results (or a result and the case's expectation)
// differ. Field is a path such as "status", "logs[2]", "return_data.data" or
// "diff[<key>].data.new". For byte strings and log lines Offset is the first differing
// byte and Window shows both sides around it in hex.
type Mismatch struct {
	Case   string `json:"case"`
	A      string `json:"a"`
	B      string `json:"b"`
	Field  string `json:"field"`
	AValue string `json:"a_value"`
	BValue string `json:"b_value"`
	Offset *int   `json:"offset"`
	Window string `json:"window,omitempty"`
}

func (m Mismatch) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s: %s=%s, %s=%s", m.Case, m.Field, m.A, m.AValue, m.B, m.BValue)
	if m.Offset != nil {
		fmt.Fprintf(&b, " (first difference at byte %d)", *m.Offset)
	}
	return b.String()
}

// Compare returns every field on which a and b disagree, in a fixed order (status,
// error, exit_code, compute_units, instruction_count, logs, return_data, diff), so the
// first entry is the first differing field. Nil and empty logs or diffs are equal, and
// return data with an empty payload equals no return data (Agave reports empty return
// data as none). Gas, wall time and sizes are never compared.
func Compare(a, b *runners.Result) []Mismatch {
	an, bn := a.Runner, b.Runner
	c := comparer{kase: a.Case, a: an, b: bn}
	c.field("status", a.Status, b.Status)
	c.field("error", errString(a.Error), errString(b.Error))
	c.field("exit_code", strconv.FormatUint(a.ExitCode, 10), strconv.FormatUint(b.ExitCode, 10))
	c.field("compute_units", strconv.FormatUint(a.ComputeUnits, 10), strconv.FormatUint(b.ComputeUnits, 10))
	if a.InstructionCount != 0 && b.InstructionCount != 0 {
		c.field("instruction_count", strconv.FormatUint(a.InstructionCount, 10), strconv.FormatUint(b.InstructionCount, 10))
	}
	c.logs("logs", a.Logs, b.Logs)
	c.returnData(a.ReturnData, b.ReturnData)
	c.diff(a.Diff, b.Diff)
	return c.out
}

// CheckExpect returns every way r misses the case's expectation (nil without one).
func CheckExpect(kase *runners.Case, r *runners.Result) []Mismatch {
	e := kase.Expect
	if e == nil {
		return nil
	}
	c := comparer{kase: kase.Name, a: ExpectSide, b: r.Runner}
	c.field("status", e.Status, r.Status)
	if e.Error != "" || e.Status == runners.StatusSuccess {
		want := "null"
		if e.Error != "" {
			want = e.Error
		}
		c.field("error", want, errString(r.Error))
	}
	if e.ExitCode != nil {
		c.field("exit_code", strconv.FormatUint(*e.ExitCode, 10), strconv.FormatUint(r.ExitCode, 10))
	}
	if e.ComputeUnits != nil {
		c.field("compute_units", strconv.FormatUint(*e.ComputeUnits, 10), strconv.FormatUint(r.ComputeUnits, 10))
	}
	if e.Logs != nil {
		c.logs("logs", e.Logs, r.Logs)
	}
	if e.ReturnData != nil {
		var got []byte
		if r.ReturnData != nil {
			got = r.ReturnData.Data
		}
		c.bytes("return_data.data", *e.ReturnData, got)
	}
	return c.out
}

func errString(e *string) string {
	if e == nil {
		return "null"
	}
	return *e
}

type comparer struct {
	kase, a, b string
	out        []Mismatch
}

func (c *comparer) add(m Mismatch) {
	m.Case, m.A, m.B = c.kase, c.a, c.b
	c.out = append(c.out, m)
}

func (c *comparer) field(name, av, bv string) {
	if av != bv {
		c.add(Mismatch{Field: name, AValue: av, BValue: bv})
	}
}

func (c *comparer) logs(name string, a, b []string) {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			off := firstDiff([]byte(a[i]), []byte(b[i]))
			c.add(Mismatch{
				Field:  fmt.Sprintf("%s[%d]", name, i),
				AValue: strconv.Quote(a[i]), BValue: strconv.Quote(b[i]),
				Offset: &off,
				Window: HexWindow(c.a, []byte(a[i]), c.b, []byte(b[i]), off),
			})
			return // later lines are usually consequences of the first
		}
	}
	if len(a) != len(b) {
		extra := func(l []string) string {
			if len(l) > n {
				return fmt.Sprintf("%d lines, next %s", len(l), strconv.Quote(l[n]))
			}
			return fmt.Sprintf("%d lines", len(l))
		}
		c.add(Mismatch{Field: fmt.Sprintf("%s[%d]", name, n), AValue: extra(a), BValue: extra(b)})
	}
}

func (c *comparer) bytes(name string, a, b []byte) {
	if bytes.Equal(a, b) {
		return
	}
	off := firstDiff(a, b)
	c.add(Mismatch{
		Field:  name,
		AValue: shortHex(a), BValue: shortHex(b),
		Offset: &off,
		Window: HexWindow(c.a, a, c.b, b, off),
	})
}

func (c *comparer) returnData(a, b *runners.ReturnData) {
	if a != nil && len(a.Data) == 0 {
		a = nil
	}
	if b != nil && len(b.Data) == 0 {
		b = nil
	}
	switch {
	case a == nil && b == nil:
		return
	case a == nil || b == nil:
		show := func(r *runners.ReturnData) string {
			if r == nil {
				return "null"
			}
			return r.ProgramID + ":" + shortHex(r.Data)
		}
		c.add(Mismatch{Field: "return_data", AValue: show(a), BValue: show(b)})
		return
	}
	c.field("return_data.program_id", a.ProgramID, b.ProgramID)
	c.bytes("return_data.data", a.Data, b.Data)
}

func (c *comparer) diff(a, b runners.StateDiff) {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		ad, aok := a[k]
		bd, bok := b[k]
		p := "diff[" + k + "]"
		if aok != bok {
			c.add(Mismatch{Field: p, AValue: presence(aok, ad), BValue: presence(bok, bd)})
			continue
		}
		pairU := func(x *[2]uint64) string {
			if x == nil {
				return "unchanged"
			}
			return fmt.Sprintf("%d→%d", x[0], x[1])
		}
		c.field(p+".lamports", pairU(ad.Lamports), pairU(bd.Lamports))
		switch {
		case ad.Data == nil && bd.Data == nil:
		case ad.Data == nil || bd.Data == nil:
			c.add(Mismatch{Field: p + ".data", AValue: dataPresence(ad.Data), BValue: dataPresence(bd.Data)})
		default:
			c.bytes(p+".data.old", ad.Data.Old, bd.Data.Old)
			c.bytes(p+".data.new", ad.Data.New, bd.Data.New)
		}
		pairS := func(x *[2]string) string {
			if x == nil {
				return "unchanged"
			}
			return x[0] + "→" + x[1]
		}
		c.field(p+".owner", pairS(ad.Owner), pairS(bd.Owner))
		pairB := func(x *[2]bool) string {
			if x == nil {
				return "unchanged"
			}
			return fmt.Sprintf("%t→%t", x[0], x[1])
		}
		c.field(p+".executable", pairB(ad.Executable), pairB(bd.Executable))
		c.field(p+".rent_epoch", pairU(ad.RentEpoch), pairU(bd.RentEpoch))
	}
}

func presence(ok bool, d runners.AccountDiff) string {
	if !ok {
		return "unchanged"
	}
	var parts []string
	if d.Lamports != nil {
		parts = append(parts, "lamports")
	}
	if d.Data != nil {
		parts = append(parts, "data")
	}
	if d.Owner != nil {
		parts = append(parts, "owner")
	}
	if d.Executable != nil {
		parts = append(parts, "executable")
	}
	if d.RentEpoch != nil {
		parts = append(parts, "rent_epoch")
	}
	return "changed(" + strings.Join(parts, ",") + ")"
}

func dataPresence(d *runners.DataDiff) string {
	if d == nil {
		return "unchanged"
	}
	return shortHex(d.Old) + "→" + shortHex(d.New)
}

// firstDiff returns the index of the first differing byte; for a strict prefix it is
// the length of the shorter slice.
func firstDiff(a, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// shortHex renders bytes as 0x… with their length, eliding the middle of long values.
func shortHex(b []byte) string {
	const keep = 16
	if len(b) <= 2*keep {
		return fmt.Sprintf("0x%s (%d bytes)", hex.EncodeToString(b), len(b))
	}
	return fmt.Sprintf("0x%s…%s (%d bytes)", hex.EncodeToString(b[:keep]), hex.EncodeToString(b[len(b)-keep:]), len(b))
}

// WindowRadius is how many bytes HexWindow shows on each side of the difference.
const WindowRadius = 16

// HexWindow renders the bytes of a and b around offset off, one line per side, with
// the differing byte bracketed and "--" past the end of the shorter side:
//
//	native     @0x0010: 00 01 02 [03] 04
//	interp-svc @0x0010: 00 01 02 [ff] 04
func HexWindow(aName string, a []byte, bName string, b []byte, off int) string {
	start := max(off-WindowRadius, 0)
	end := min(off+WindowRadius+1, max(len(a), len(b)))
	if end <= start {
		end = start + 1
	}
	w := max(len(aName), len(bName))
	line := func(name string, x []byte) string {
		var s strings.Builder
		fmt.Fprintf(&s, "%-*s @0x%04x:", w, name, start)
		for i := start; i < end; i++ {
			cell := "--"
			if i < len(x) {
				cell = fmt.Sprintf("%02x", x[i])
			}
			if i == off {
				s.WriteString(" [" + cell + "]")
			} else {
				s.WriteString(" " + cell)
			}
		}
		return s.String()
	}
	return line(aName, a) + "\n" + line(bName, b)
}
