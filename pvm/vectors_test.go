package pvm_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
)

// vectorsDir is ../shared/testdata/pvm relative to the repository root, computed from this
// file's location so that `go test` works from any directory.
func vectorsDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "shared", "testdata", "pvm")
}

func vectorFiles(sub string) []string {
	files, err := filepath.Glob(filepath.Join(vectorsDir(), sub, "*.json"))
	if err != nil || len(files) == 0 {
		// An empty table would pass silently; make the missing data visible instead.
		return []string{filepath.Join(vectorsDir(), sub, "MISSING")}
	}
	sort.Strings(files)
	return files
}

type memChunk struct {
	Address  uint32 `json:"address"`
	Contents []byte `json:"contents"`
}

// UnmarshalJSON reads contents as a list of numbers (not base64).
func (c *memChunk) UnmarshalJSON(b []byte) error {
	var raw struct {
		Address  uint32 `json:"address"`
		Contents []int  `json:"contents"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	c.Address = raw.Address
	c.Contents = make([]byte, len(raw.Contents))
	for i, v := range raw.Contents {
		c.Contents[i] = byte(v)
	}
	return nil
}

type byteList []byte

func (l *byteList) UnmarshalJSON(b []byte) error {
	var raw []int
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*l = make([]byte, len(raw))
	for i, v := range raw {
		(*l)[i] = byte(v)
	}
	return nil
}

type v04Vector struct {
	Name        string     `json:"name"`
	InitialRegs []uint64   `json:"initial-regs"`
	InitialPC   uint32     `json:"initial-pc"`
	PageMap     []pageSpec `json:"initial-page-map"`
	InitialMem  []memChunk `json:"initial-memory"`
	InitialGas  int64      `json:"initial-gas"`
	Program     byteList   `json:"program"`
	Status      string     `json:"expected-status"`
	Regs        []uint64   `json:"expected-regs"`
	PC          uint32     `json:"expected-pc"`
	Memory      []memChunk `json:"expected-memory"`
	Gas         int64      `json:"expected-gas"`
	FaultAddr   *uint32    `json:"expected-page-fault-address"`
}

type pageSpec struct {
	Address  uint32 `json:"address"`
	Length   uint64 `json:"length"`
	Writable bool   `json:"is-writable"`
}

type gpStep struct {
	Kind      string     `json:"kind"`
	Reg       int        `json:"reg"`
	Value     uint64     `json:"value"`
	Address   uint32     `json:"address"`
	Length    uint64     `json:"length"`
	Writable  bool       `json:"is_writable"`
	Contents  byteList   `json:"contents"`
	Status    string     `json:"status"`
	Gas       int64      `json:"gas"`
	PC        uint32     `json:"pc"`
	Regs      []uint64   `json:"regs"`
	Memory    []memChunk `json:"memory"`
	FaultAddr *uint32    `json:"page_fault_address"`
	HostCall  *uint64    `json:"hostcall"`
}

type gp080Vector struct {
	Name       string           `json:"name"`
	InitialPC  uint32           `json:"initial-pc"`
	InitialGas int64            `json:"initial-gas"`
	Program    byteList         `json:"program"`
	Steps      []gpStep         `json:"steps"`
	BlockCosts map[string]int64 `json:"block-gas-costs"`
}

func statusName(s pvm.Status) string {
	if s == pvm.StatusHostCall {
		return "ecalli"
	}
	return s.String()
}

func chunks(cs []memChunk) []pvm.Chunk {
	out := []pvm.Chunk{}
	for _, c := range cs {
		out = append(out, pvm.Chunk{Address: c.Address, Contents: c.Contents})
	}
	return out
}

func nonZero(m *pvm.Memory) []pvm.Chunk {
	out := m.NonZeroRuns()
	if out == nil {
		out = []pvm.Chunk{}
	}
	return out
}

func access(w bool) pvm.Access {
	if w {
		return pvm.AccessWrite
	}
	return pvm.AccessRead
}

// run executes m like Run, or one Step at a time when stepped is set (both must agree).
func run(m *pvm.Machine, stepped bool) pvm.Exit {
	if !stepped {
		return m.Run()
	}
	for {
		if ex, done := m.Step(); done {
			return ex
		}
	}
}

func runV04(path string, stepped bool) {
	raw, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred(), "test vectors are read from ../shared/testdata/pvm beside the checkout")
	var v v04Vector
	Expect(json.Unmarshal(raw, &v)).To(Succeed())
	prog, err := pvm.ParseProgram(v.Program)
	Expect(err).NotTo(HaveOccurred())
	dec, err := pvm.Decode(pvm.GP072, prog)
	Expect(err).NotTo(HaveOccurred())
	mem := pvm.NewMemory()
	for _, p := range v.PageMap {
		mem.Map(p.Address, p.Length, access(p.Writable))
	}
	for _, c := range v.InitialMem {
		Expect(mem.Poke(c.Address, c.Contents)).To(Succeed())
	}
	m := pvm.NewMachine(dec, mem, v.InitialGas)
	copy(m.Regs[:], v.InitialRegs)
	m.PC = v.InitialPC
	ex := run(m, stepped)
	Expect(statusName(ex.Status)).To(Equal(v.Status), "status")
	Expect(m.Regs[:]).To(Equal(v.Regs), "registers")
	Expect(ex.PC).To(Equal(v.PC), "pc")
	Expect(ex.GasLeft).To(Equal(v.Gas), "gas")
	Expect(nonZero(mem)).To(Equal(chunks(v.Memory)), "memory")
	if v.FaultAddr != nil {
		Expect(ex.FaultAddr).To(Equal(*v.FaultAddr), "page fault address")
	}
}

// readOnlyStoreVectors are the two koute vectors that expect panic for a store to a
// read-only page where the Gray Paper and polkavm HEAD give a page fault (spec §7.4).
var readOnlyStoreVectors = map[string]bool{
	"inst_store_u8_trap_read_only":     true,
	"inst_store_imm_u8_trap_read_only": true,
}

func loadGP080(path string) gp080Vector {
	raw, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred(), "test vectors are read from ../shared/testdata/pvm beside the checkout")
	var v gp080Vector
	Expect(json.Unmarshal(raw, &v)).To(Succeed())
	return v
}

// runGP080 executes a koute vector's steps with the given options; with check set it
// asserts every step, otherwise it returns the exits for the caller to inspect.
func runGP080(v gp080Vector, opts pvm.Options, check, stepped bool) ([]pvm.Exit, *pvm.Machine) {
	prog, err := pvm.ParseProgram(v.Program)
	Expect(err).NotTo(HaveOccurred())
	dec, err := pvm.DecodeWith(pvm.Latest64, prog, opts)
	Expect(err).NotTo(HaveOccurred())
	m := pvm.NewMachine(dec, nil, v.InitialGas)
	m.PC = v.InitialPC
	var exits []pvm.Exit
	var last pvm.Exit
	for si, s := range v.Steps {
		switch s.Kind {
		case "set-reg":
			m.Regs[s.Reg] = s.Value
		case "map":
			m.Mem.Map(s.Address, s.Length, access(s.Writable))
		case "write":
			Expect(m.Mem.Poke(s.Address, s.Contents)).To(Succeed())
		case "run":
			last = run(m, stepped)
			exits = append(exits, last)
		case "assert":
			if !check {
				continue
			}
			Expect(statusName(last.Status)).To(Equal(s.Status), "step %d status", si)
			Expect(last.GasLeft).To(Equal(s.Gas), "step %d gas", si)
			Expect(last.PC).To(Equal(s.PC), "step %d pc", si)
			Expect(m.Regs[:]).To(Equal(s.Regs), "step %d registers", si)
			Expect(nonZero(m.Mem)).To(Equal(chunks(s.Memory)), "step %d memory", si)
			if s.FaultAddr != nil {
				Expect(last.FaultAddr).To(Equal(*s.FaultAddr), "step %d page fault address", si)
			}
			if s.HostCall != nil {
				Expect(last.HostID).To(Equal(*s.HostCall), "step %d host call", si)
			}
		default:
			Fail("unknown step kind " + s.Kind)
		}
	}
	return exits, m
}

func checkBlockCosts(v gp080Vector) {
	prog, err := pvm.ParseProgram(v.Program)
	Expect(err).NotTo(HaveOccurred())
	dec, err := pvm.Decode(pvm.Latest64, prog)
	Expect(err).NotTo(HaveOccurred())
	// The vectors list the blocks polkavm compiled while running the test, so every listed
	// block must be one we price, at the listed cost.
	ours := dec.GasBlocks()
	Expect(v.BlockCosts).NotTo(BeEmpty())
	for key, want := range v.BlockCosts {
		pc, err := strconv.ParseUint(key, 10, 32)
		Expect(err).NotTo(HaveOccurred())
		Expect(ours).To(HaveKeyWithValue(uint32(pc), want), "block at pc %d", pc)
	}
}

func entries(sub string, args ...any) []TableEntry {
	var out []TableEntry
	for _, f := range vectorFiles(sub) {
		out = append(out, Entry(strings.TrimSuffix(filepath.Base(f), ".json"), append([]any{f}, args...)...))
	}
	return out
}

var _ = Describe("PVM test vectors", func() {
	DescribeTable("v04 (gp072, 1 gas per instruction charged per block)", runV04, entries("v04/programs", false))
	DescribeTable("v04 single-stepped", runV04, entries("v04/programs", true))

	// With Gray Paper 0.7.2 text gas (1 per instruction, before it runs) the end state is
	// the same except for gas: each executed instruction costs exactly 1, and a faulting
	// instruction has been paid although it did not run.
	DescribeTable("v04 with per-instruction gas", func(path string) {
		raw, err := os.ReadFile(path)
		Expect(err).NotTo(HaveOccurred())
		var v v04Vector
		Expect(json.Unmarshal(raw, &v)).To(Succeed())
		prog, err := pvm.ParseProgram(v.Program)
		Expect(err).NotTo(HaveOccurred())
		dec, err := pvm.DecodeWith(pvm.GP072, prog, pvm.Options{PerInstructionGas: true})
		Expect(err).NotTo(HaveOccurred())
		var results []pvm.Exit
		for _, stepped := range []bool{false, true} {
			mem := pvm.NewMemory()
			for _, p := range v.PageMap {
				mem.Map(p.Address, p.Length, access(p.Writable))
			}
			for _, c := range v.InitialMem {
				Expect(mem.Poke(c.Address, c.Contents)).To(Succeed())
			}
			m := pvm.NewMachine(dec, mem, v.InitialGas)
			copy(m.Regs[:], v.InitialRegs)
			m.PC = v.InitialPC
			ex := run(m, stepped)
			Expect(statusName(ex.Status)).To(Equal(v.Status))
			Expect(ex.PC).To(Equal(v.PC))
			Expect(m.Regs[:]).To(Equal(v.Regs))
			paid := int64(m.Instructions)
			if ex.Status == pvm.StatusPageFault {
				paid++
			}
			Expect(v.InitialGas - ex.GasLeft).To(Equal(paid))
			results = append(results, ex)
		}
		Expect(results[1]).To(Equal(results[0]))
	}, entries("v04/programs"))

	DescribeTable("gp080 block costs (pipeline model)", func(path string) {
		checkBlockCosts(loadGP080(path))
	}, entries("gp080/tests/programs"))

	DescribeTable("gp080 execution (Latest64 numbering, pipeline model)", func(path string, stepped bool) {
		v := loadGP080(path)
		if !readOnlyStoreVectors[v.Name] {
			runGP080(v, pvm.Options{}, true, stepped)
			return
		}
		// spec §7.4: the vector expects panic for a store to a read-only page. The Gray
		// Paper and polkavm HEAD (dynamic paging) give a page fault at the page base; that
		// is our default. The vector's behaviour is reproduced with ReadOnlyWritePanics.
		exits, m := runGP080(v, pvm.Options{}, false, stepped)
		Expect(exits).To(HaveLen(1))
		Expect(exits[0].Status).To(Equal(pvm.StatusPageFault))
		Expect(exits[0].FaultAddr).To(Equal(uint32(0x10000)))
		Expect(m.Mem.PageAccess(0x10000)).To(Equal(pvm.AccessRead))
		runGP080(v, pvm.Options{ReadOnlyWritePanics: true}, true, stepped)
	}, append(entries("gp080/tests/programs", false), entries("gp080/tests/programs", true)...))
})
