package harness_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/harness"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
)

var _ = Describe("Compare", func() {
	It("finds nothing between equal results, ignoring gas, wall time and sizes", func() {
		a, b := baseResult("c", "native"), baseResult("c", "interp-svc")
		b.Gas = &runners.GasReport{Total: 99}
		b.WallNS, b.BlobBytes, b.CompileNS = 12345, i64(7), i64(8)
		Expect(harness.Compare(a, b)).To(BeEmpty())
	})

	It("treats nil and empty logs, diffs and return data as equal", func() {
		a, b := baseResult("c", "x"), baseResult("c", "y")
		a.Logs, b.Logs = nil, []string{}
		a.Diff, b.Diff = nil, runners.StateDiff{}
		a.ReturnData, b.ReturnData = nil, &runners.ReturnData{ProgramID: programID}
		Expect(harness.Compare(a, b)).To(BeEmpty())
	})

	type fieldCase struct {
		mutate func(r *runners.Result)
		field  string
		offset int // -1: no byte offset
		window string
	}
	DescribeTable("catches a difference in every compared field and points at it",
		func(fc fieldCase) {
			a, b := baseResult("c", "native"), baseResult("c", "interp-svc")
			fc.mutate(b)
			ms := harness.Compare(a, b)
			Expect(ms).NotTo(BeEmpty())
			m := ms[0]
			Expect(m.Field).To(Equal(fc.field))
			Expect(m.Case).To(Equal("c"))
			Expect(m.A).To(Equal("native"))
			Expect(m.B).To(Equal("interp-svc"))
			Expect(m.AValue).NotTo(Equal(m.BValue))
			if fc.offset < 0 {
				Expect(m.Offset).To(BeNil())
			} else {
				Expect(m.Offset).NotTo(BeNil())
				Expect(*m.Offset).To(Equal(fc.offset))
				lines := strings.Split(m.Window, "\n")
				Expect(lines).To(HaveLen(2))
				Expect(lines[0]).To(HavePrefix("native "))
				Expect(lines[1]).To(HavePrefix("interp-svc "))
				Expect(lines[1]).To(ContainSubstring(fc.window))
			}
		},
		Entry("status", fieldCase{func(r *runners.Result) { r.Status = runners.StatusFailure }, "status", -1, ""}),
		Entry("error kind", fieldCase{func(r *runners.Result) { e := "AccessViolation"; r.Error = &e }, "error", -1, ""}),
		Entry("exit code", fieldCase{func(r *runners.Result) { r.ExitCode = 3 }, "exit_code", -1, ""}),
		Entry("compute units", fieldCase{func(r *runners.Result) { r.ComputeUnits++ }, "compute_units", -1, ""}),
		Entry("a log line, at its first differing byte", fieldCase{func(r *runners.Result) { r.Logs[1] = "Program log: counter=8" }, "logs[1]", 21, "[38]"}),
		Entry("a missing log line", fieldCase{func(r *runners.Result) { r.Logs = r.Logs[:2] }, "logs[2]", -1, ""}),
		Entry("return data bytes", fieldCase{func(r *runners.Result) { r.ReturnData.Data[5] = 0xee }, "return_data.data", 5, "[ee]"}),
		Entry("return data length", fieldCase{func(r *runners.Result) { r.ReturnData.Data = r.ReturnData.Data[:6] }, "return_data.data", 6, "[--]"}),
		Entry("return data program", fieldCase{func(r *runners.Result) { r.ReturnData.ProgramID = ownerKey }, "return_data.program_id", -1, ""}),
		Entry("return data absent", fieldCase{func(r *runners.Result) { r.ReturnData = nil }, "return_data", -1, ""}),
		Entry("an account missing from the diff", fieldCase{func(r *runners.Result) { delete(r.Diff, keyB) }, "diff[" + keyB + "]", -1, ""}),
		Entry("lamports", fieldCase{func(r *runners.Result) { r.Diff[keyB].Lamports[1] = 101 }, "diff[" + keyB + "].lamports", -1, ""}),
		Entry("new account data, deep inside", fieldCase{func(r *runners.Result) { r.Diff[keyA].Data.New[33] = 0x99 }, "diff[" + keyA + "].data.new", 33, "[99]"}),
		Entry("old account data", fieldCase{func(r *runners.Result) { r.Diff[keyA].Data.Old[0] = 1 }, "diff[" + keyA + "].data.old", 0, "[01]"}),
		Entry("account data unchanged on one side", fieldCase{func(r *runners.Result) { d := r.Diff[keyA]; d.Data = nil; r.Diff[keyA] = d }, "diff[" + keyA + "].data", -1, ""}),
		Entry("owner", fieldCase{func(r *runners.Result) {
			d := r.Diff[keyA]
			d.Owner = &[2]string{ownerKey, programID}
			r.Diff[keyA] = d
		}, "diff[" + keyA + "].owner", -1, ""}),
		Entry("executable", fieldCase{func(r *runners.Result) { d := r.Diff[keyA]; d.Executable = &[2]bool{false, true}; r.Diff[keyA] = d }, "diff[" + keyA + "].executable", -1, ""}),
		Entry("rent epoch", fieldCase{func(r *runners.Result) { d := r.Diff[keyA]; d.RentEpoch = &[2]uint64{0, 1}; r.Diff[keyA] = d }, "diff[" + keyA + "].rent_epoch", -1, ""}),
	)

	It("compares instruction counts only when both runners report one", func() {
		a, b := baseResult("c", "x"), baseResult("c", "y")
		b.InstructionCount = 10
		Expect(harness.Compare(a, b)).To(BeEmpty())
		a.InstructionCount = 11
		ms := harness.Compare(a, b)
		Expect(ms).To(HaveLen(1))
		Expect(ms[0].Field).To(Equal("instruction_count"))
	})

	It("lists fields in a fixed order, so the first entry is the first differing field", func() {
		a, b := baseResult("c", "x"), baseResult("c", "y")
		b.Diff[keyA].Data.New[0] = 0xff
		b.ComputeUnits = 1
		b.Logs[0] = "other"
		var fields []string
		for _, m := range harness.Compare(a, b) {
			fields = append(fields, m.Field)
		}
		Expect(fields).To(Equal([]string{"compute_units", "logs[0]", "diff[" + keyA + "].data.new"}))
	})

	It("renders a hex window around the difference, bounded on both sides", func() {
		a := seq(100)
		b := append(runners.Hex(nil), a...)
		b[50] = 0xab
		w := harness.HexWindow("left", a, "right", b, 50)
		lines := strings.Split(w, "\n")
		Expect(lines[0]).To(HavePrefix("left  @0x0022:"))
		Expect(lines[0]).To(ContainSubstring(" [32] "))
		Expect(lines[1]).To(ContainSubstring(" [ab] "))
		// 16 bytes either side plus the marked one.
		Expect(strings.Fields(strings.SplitN(lines[1], ":", 2)[1])).To(HaveLen(2*harness.WindowRadius + 1))
	})

	Describe("CheckExpect", func() {
		It("holds a result to every field of the expect block", func() {
			cu, code := uint64(1234), uint64(0)
			rd := runners.Hex{1, 2, 3, 4, 5, 6, 7, 8}
			c := &runners.Case{Name: "c", Expect: &runners.Expect{Status: "success", ComputeUnits: &cu, ExitCode: &code, ReturnData: &rd,
				Logs: []string{"Program log: hello", "Program log: counter=7", "Program consumed 1234 of 200000 compute units"}}}
			Expect(harness.CheckExpect(c, baseResult("c", "native"))).To(BeEmpty())

			r := baseResult("c", "native")
			r.ComputeUnits = 1
			r.ReturnData.Data[7] = 0
			ms := harness.CheckExpect(c, r)
			Expect(ms).To(HaveLen(2))
			Expect(ms[0].A).To(Equal(harness.ExpectSide))
			Expect(ms[0].Field).To(Equal("compute_units"))
			Expect(ms[1].Field).To(Equal("return_data.data"))
			Expect(*ms[1].Offset).To(Equal(7))
		})

		It("checks the error kind of an expected failure", func() {
			c := &runners.Case{Name: "c", Expect: &runners.Expect{Status: "failure", Error: "AccessViolation"}}
			r := baseResult("c", "native")
			r.Status = runners.StatusFailure
			e := "DivideByZero"
			r.Error = &e
			ms := harness.CheckExpect(c, r)
			Expect(ms).To(HaveLen(1))
			Expect(ms[0].Field).To(Equal("error"))
			Expect(ms[0].AValue).To(Equal("AccessViolation"))
			Expect(ms[0].BValue).To(Equal("DivideByZero"))
		})

		It("expects no error kind on an expected success", func() {
			c := &runners.Case{Name: "c", Expect: &runners.Expect{Status: "success"}}
			r := baseResult("c", "native")
			e := "Whatever"
			r.Error = &e
			ms := harness.CheckExpect(c, r)
			Expect(ms).To(HaveLen(1))
			Expect(ms[0].Field).To(Equal("error"))
		})
	})
})
