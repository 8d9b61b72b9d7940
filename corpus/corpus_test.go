package corpus_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/corpus"
	"github.com/sbpf-pvm/sbpf-pvm/corpus/gen"
	"github.com/sbpf-pvm/sbpf-pvm/node"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
	"github.com/sbpf-pvm/sbpf-pvm/runners/native"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/elf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/syscalls"
	"github.com/sbpf-pvm/sbpf-pvm/solana"
)

// caseFiles lists the corpus at tree-construction time, so every case is its own spec.
func caseFiles() []string {
	var files []string
	err := filepath.WalkDir("cases", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".yaml") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		panic(err)
	}
	sort.Strings(files)
	return files
}

var programs map[string][]byte

var _ = BeforeSuite(func() {
	var err error
	programs, err = corpus.Build(".", "")
	Expect(err).NotTo(HaveOccurred())
	Expect(len(programs)).To(BeNumerically(">=", 30))
})

// load reads a case and gives it the program this suite built.
func load(file string) *runners.Case {
	GinkgoHelper()
	c, err := runners.LoadCase(file)
	Expect(err).NotTo(HaveOccurred())
	name := strings.TrimSuffix(filepath.Base(c.ProgramPath), ".so")
	prog, ok := programs[name]
	Expect(ok).To(BeTrue(), "case %s names program %s, which the corpus does not build", file, name)
	c.SetProgramBytes(prog)
	return c
}

// misses lists how res misses e (the fields DESIGN.md's expect block can set).
func misses(e *runners.Expect, res *runners.Result) []string {
	var out []string
	if res.Status != e.Status {
		out = append(out, fmt.Sprintf("status %s, want %s (error %v: %s)", res.Status, e.Status, deref(res.Error), res.ErrorDetail))
	}
	if got := deref(res.Error); (e.Error != "" || e.Status == runners.StatusSuccess) && got != e.Error {
		out = append(out, fmt.Sprintf("error %q, want %q", got, e.Error))
	}
	if e.ExitCode != nil && res.ExitCode != *e.ExitCode {
		out = append(out, fmt.Sprintf("exit code %d, want %d", res.ExitCode, *e.ExitCode))
	}
	if e.ComputeUnits != nil && res.ComputeUnits != *e.ComputeUnits {
		out = append(out, fmt.Sprintf("compute units %d, want %d", res.ComputeUnits, *e.ComputeUnits))
	}
	if e.ReturnData != nil {
		var got []byte
		if res.ReturnData != nil {
			got = res.ReturnData.Data
		}
		if !bytes.Equal(got, *e.ReturnData) {
			out = append(out, fmt.Sprintf("return data %s, want %s", runners.Hex(got), *e.ReturnData))
		}
	}
	if e.Logs != nil && strings.Join(e.Logs, "\n") != strings.Join(res.Logs, "\n") {
		out = append(out, fmt.Sprintf("logs %q, want %q", res.Logs, e.Logs))
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// programLogs are the lines the programs themselves log, derived from Agave's log
// formats (sol_log_64_: "{:#x}, " joined; sol_log_data: base64 fields joined by spaces).
var programLogs = map[string][]string{
	"hello/log":            {"Program log: Hello, Solana!"},
	"hello/log-empty-data": {"Program log: Hello, Solana!"},
	"hello/log-64":         {"Program log: 0x1, 0x2, 0x3, 0x4, 0xdeadbeef"},
	"hello/log-pubkey":     {"Program log: ScVReBC5DRkcxnHGsvEB2nwVJDGJoidZ6V3hTVSEJGR"},
	"hello/log-data":       {"Program data: c2JwZg== BP8="},
	"hello/log-all": {"Program log: Hello, Solana!", "Program log: 0x1, 0x2, 0x3, 0x4, 0xdeadbeef",
		"Program log: ScVReBC5DRkcxnHGsvEB2nwVJDGJoidZ6V3hTVSEJGR", "Program data: c2JwZg== BQ=="},
	"counter/increment":       {"Program log: 0x0, 0x0, 0x0, 0x0, 0x1"},
	"counter/add":             {"Program log: 0x0, 0x0, 0x0, 0x0, 0x4d2"},
	"token/mint-to":           {"Program log: Instruction: MintTo"},
	"token/transfer":          {"Program log: Instruction: Transfer"},
	"token/burn":              {"Program log: Instruction: Burn"},
	"fail/custom-after-log":   {"Program log: about to fail"},
	"realloc/grow":            {"Program log: 0x4, 0x64, 0x0, 0x0, 0x0"},
	"hello/log-compute-units": {},
}

func programLines(logs []string) []string {
	out := []string{}
	for _, l := range logs {
		if strings.HasPrefix(l, "Program log: ") || strings.HasPrefix(l, "Program data: ") {
			out = append(out, l)
		}
	}
	return out
}

var _ = Describe("the corpus", func() {
	files := caseFiles()

	It("is exactly what corpus/gen generates (expectations are derived, not edited by hand)", func() {
		generated, err := gen.Generate()
		Expect(err).NotTo(HaveOccurred())
		want := map[string]bool{}
		for _, g := range generated {
			path := filepath.Join("cases", g.Path)
			want[path] = true
			onDisk, err := os.ReadFile(path)
			Expect(err).NotTo(HaveOccurred(), "run `go run ./corpus/tools/gencases`")
			Expect(string(onDisk)).To(Equal(string(g.Content)), "%s differs from the generator's output", path)
		}
		for _, f := range files {
			Expect(want).To(HaveKey(f), "%s is not produced by corpus/gen", f)
		}
	})

	It("has at least 80 cases, every one with an expectation", func() {
		Expect(len(files)).To(BeNumerically(">=", 80))
		for _, f := range files {
			Expect(load(f).Expect).NotTo(BeNil(), f)
		}
	})

	Describe("on the native runner, through the node", func() {
		for _, f := range files {
			It(f, func() {
				c := load(f)
				res, err := native.New().Run(context.Background(), c)
				Expect(err).NotTo(HaveOccurred())
				checked, rc, err := node.CheckResult(c, res)
				Expect(err).NotTo(HaveOccurred())
				Expect(misses(c.Expect, checked)).To(BeEmpty())
				if res.Status == runners.StatusSuccess {
					Expect(rc.Status).To(Equal(node.ReceiptCommitted), "node rejected a diff the runtime accepted: %s %s", rc.Error, rc.Detail)
				}
				if want, ok := programLogs[c.Name]; ok {
					Expect(programLines(res.Logs)).To(Equal(want))
				}
			})
		}
	})

	Describe("adversarial programs: the raw diff they leave is judged by the node alone", func() {
		for _, f := range files {
			if !strings.Contains(filepath.ToSlash(f), "/adversarial/") {
				continue
			}
			It(f, func() {
				c := load(f)
				accs, ix, err := solana.FromCase(c)
				Expect(err).NotTo(HaveOccurred())
				post := rawRun(c, accs, ix)
				diff := solana.ComputeDiff(accs, post)
				keys := make([]solana.PublicKey, len(accs))
				for i := range accs {
					keys[i] = accs[i].Key
				}
				store := node.NewMemStore(accs...)
				before := store.Encode()
				rc, err := node.New(store).Submit(c.Name, keys, ix, diff)
				Expect(err).NotTo(HaveOccurred())
				if c.Expect.Status == runners.StatusFailure {
					Expect(diff).NotTo(BeEmpty(), "the program changed nothing")
					Expect(rc.Status).To(Equal(node.ReceiptRejected))
					Expect(rc.Error).To(Equal(c.Expect.Error), rc.Detail)
					Expect(store.Encode()).To(Equal(before), "a rejected diff must leave the store byte-identical")
				} else {
					Expect(rc.Status).To(Equal(node.ReceiptCommitted), "%s: %s", rc.Error, rc.Detail)
					res, err := native.New().Run(context.Background(), c)
					Expect(err).NotTo(HaveOccurred())
					Expect(diff).To(Equal(res.Diff), "the node's view of the diff matches the runtime's")
				}
			})
		}
	})
})

// rawRun executes a case's program and reads the accounts back from the input buffer
// without any of the runtime's rules: what the program wrote, legal or not.
func rawRun(c *runners.Case, accs []solana.Account, ix *solana.Instruction) []solana.Account {
	GinkgoHelper()
	prog, err := c.ProgramBytes()
	Expect(err).NotTo(HaveOccurred())
	loader, err := syscalls.NewLoader()
	Expect(err).NotTo(HaveOccurred())
	exe, err := elf.Load(prog, loader)
	Expect(err).NotTo(HaveOccurred())
	Expect(exe.Verify()).To(Succeed())
	in, err := solana.Serialize(accs, ix)
	Expect(err).NotTo(HaveOccurred())
	ic := syscalls.NewInvokeContext(ix.ProgramID, c.ComputeBudget)
	mem, err := sbpf.NewStandardMapping(exe, make([]byte, exe.Config().StackSize()), make([]byte, ic.HeapSize), in.Buffer, nil)
	Expect(err).NotTo(HaveOccurred())
	_, r0, err := sbpf.NewVM(exe, ic, mem, ic).Execute()
	Expect(err).NotTo(HaveOccurred())
	Expect(r0).To(BeZero(), "adversarial programs succeed in the VM")
	post := solana.CloneAccounts(accs)
	buf := in.Buffer
	for i, sa := range in.Accounts {
		if sa.Duplicate {
			continue
		}
		a := &post[ix.Accounts[i].Index]
		a.Lamports = binary.LittleEndian.Uint64(buf[sa.LamportsOffset:])
		copy(a.Owner[:], buf[sa.OwnerOffset:sa.OwnerOffset+32])
		n := binary.LittleEndian.Uint64(buf[sa.DataLenOffset:])
		end := uint64(sa.DataOffset) + n
		if end > uint64(len(buf)) || end < n {
			Fail(fmt.Sprintf("%s: data_len %d runs past the input buffer", c.Name, n))
		}
		a.Data = bytes.Clone(buf[sa.DataOffset:end])
	}
	return post
}
