package runners_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/runners"
)

const key1 = "11111111111111111111111111111111"
const key2 = "SysvarC1ock11111111111111111111111111111111"

var _ = Describe("Case files", func() {
	parse := func(y string) (*runners.Case, error) {
		return runners.ParseCase([]byte(y), "/corpus/cases/x/y.yaml")
	}

	It("parses a full case, resolves the program path and fills the default budget", func() {
		c, err := parse(`
name: counter/increment
program: ../../programs/counter/counter.so
program_id: ` + key1 + `
instruction_data: "0x01_00 00 00"
accounts:
  - {key: ` + key2 + `, owner: ` + key1 + `, lamports: 5, data_len: 3, writable: true}
  - {key: ` + key2 + `, owner: ` + key1 + `, lamports: 5, data_len: 3, writable: true}
sysvars:
  clock: {slot: 7, unix_timestamp: -1}
  last_restart_slot: 3
expect: {status: failure, error: Custom, exit_code: 1}
`)
		Expect(err).NotTo(HaveOccurred())
		Expect(c.ProgramPath).To(Equal("/corpus/programs/counter/counter.so"))
		Expect(c.ComputeBudget).To(Equal(uint64(runners.DefaultComputeBudget)))
		Expect([]byte(c.InstructionData)).To(Equal([]byte{1, 0, 0, 0}))
		Expect(c.Accounts[0].Data).To(HaveLen(3))
		Expect(c.Sysvars.Clock.Slot).To(Equal(uint64(7)))
		Expect(c.Sysvars.Clock.UnixTimestamp).To(Equal(int64(-1)))
		Expect(*c.Sysvars.LastRestartSlot).To(Equal(uint64(3)))
		Expect(*c.Expect.ExitCode).To(Equal(uint64(1)))
	})

	DescribeTable("rejects bad cases with the field named",
		func(y, field string) {
			_, err := parse(y)
			var ce *runners.CaseError
			Expect(errors.As(err, &ce)).To(BeTrue(), "error %v", err)
			Expect(ce.Field).To(Equal(field))
			Expect(err.Error()).To(ContainSubstring("/corpus/cases/x/y.yaml"))
		},
		Entry("no name", "program: a.so\nprogram_id: "+key1, "name"),
		Entry("no program", "name: a\nprogram_id: "+key1, "program"),
		Entry("bad program id", "name: a\nprogram: a.so\nprogram_id: 0OIl", "program_id"),
		Entry("bad account key", "name: a\nprogram: a.so\nprogram_id: "+key1+"\naccounts: [{key: x, owner: "+key1+"}]", "accounts[0].key"),
		Entry("data and data_len", "name: a\nprogram: a.so\nprogram_id: "+key1+"\naccounts: [{key: "+key1+", owner: "+key1+", data: '0x00', data_len: 1}]", "accounts[0]"),
		Entry("huge data_len", "name: a\nprogram: a.so\nprogram_id: "+key1+"\naccounts: [{key: "+key1+", owner: "+key1+", data_len: 99999999999}]", "accounts[0].data_len"),
		Entry("inconsistent duplicate", "name: a\nprogram: a.so\nprogram_id: "+key1+"\naccounts: [{key: "+key1+", owner: "+key1+", lamports: 1}, {key: "+key1+", owner: "+key1+", lamports: 2}]", "accounts[1]"),
		Entry("bad expect status", "name: a\nprogram: a.so\nprogram_id: "+key1+"\nexpect: {status: ok}", "expect.status"),
		Entry("error with success", "name: a\nprogram: a.so\nprogram_id: "+key1+"\nexpect: {status: success, error: Custom}", "expect.error"),
		Entry("burn percent", "name: a\nprogram: a.so\nprogram_id: "+key1+"\nsysvars: {rent: {burn_percent: 101}}", "sysvars.rent.burn_percent"),
		Entry("unknown field", "name: a\nprogram: a.so\nprogram_id: "+key1+"\nbogus: 1", ""),
		Entry("bad hex", "name: a\nprogram: a.so\nprogram_id: "+key1+"\ninstruction_data: 0xzz", ""),
	)

	It("reports a missing program file with a hint to build the corpus", func() {
		dir := GinkgoT().TempDir()
		p := filepath.Join(dir, "c.yaml")
		Expect(os.WriteFile(p, []byte("name: a\nprogram: nope.so\nprogram_id: "+key1+"\n"), 0o644)).To(Succeed())
		c, err := runners.LoadCase(p)
		Expect(err).NotTo(HaveOccurred())
		_, err = c.ProgramBytes()
		Expect(err).To(MatchError(ContainSubstring("make corpus")))
	})

	It("rejects an unreadable case file", func() {
		_, err := runners.LoadCase(filepath.Join(GinkgoT().TempDir(), "missing.yaml"))
		var ce *runners.CaseError
		Expect(errors.As(err, &ce)).To(BeTrue())
	})
})

var _ = Describe("Result JSON", func() {
	It("keeps the DESIGN.md field names and 0x hex", func() {
		rd := runners.ReturnData{ProgramID: key1, Data: runners.Hex{0xab}}
		r := runners.Result{Case: "c", Runner: "native", Status: runners.StatusSuccess, Logs: []string{},
			ReturnData: &rd, Diff: runners.StateDiff{key2: {Lamports: &[2]uint64{1, 2},
				Data: &runners.DataDiff{Old: runners.Hex{1}, New: runners.Hex{2}}}}}
		b, err := json.Marshal(r)
		Expect(err).NotTo(HaveOccurred())
		var m map[string]any
		Expect(json.Unmarshal(b, &m)).To(Succeed())
		for _, k := range []string{"case", "runner", "status", "error", "exit_code", "compute_units", "gas", "wall_ns",
			"logs", "return_data", "diff", "blob_bytes", "compile_ns"} {
			Expect(m).To(HaveKey(k))
		}
		Expect(m["return_data"]).To(HaveKeyWithValue("data", "0xab"))
		Expect(string(b)).To(ContainSubstring(`"data":{"old":"0x01","new":"0x02"}`))
		var back runners.Result
		Expect(json.Unmarshal(b, &back)).To(Succeed())
		Expect(back.Diff[key2].Data.New).To(Equal(runners.Hex{2}))
	})
})
