package link_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/pvm/guest"
	"github.com/sbpf-pvm/sbpf-pvm/pvm/link"
)

// Both profiles every program is linked and run under.
var profiles = []pvm.Profile{pvm.GP072, pvm.GP080}

const testGas = 500_000_000

// compile compiles testdata files (or absolute paths) with the guest flags plus extra.
func compile(files []string, extra ...string) []link.Input {
	GinkgoHelper()
	var paths []string
	for _, f := range files {
		if !filepath.IsAbs(f) {
			f = filepath.Join("testdata", f)
		}
		paths = append(paths, f)
	}
	ins, err := guest.Compile(paths, guest.Options{Flags: extra})
	Expect(err).NotTo(HaveOccurred())
	return ins
}

// compileSource writes src to a temporary .c or .S file and compiles it.
func compileSource(name, src string, extra ...string) []link.Input {
	GinkgoHelper()
	p := filepath.Join(GinkgoT().TempDir(), name)
	Expect(os.WriteFile(p, []byte(src), 0o644)).To(Succeed())
	return compile([]string{p}, extra...)
}

// linked is one program linked for every profile.
type linked map[pvm.Profile]*link.Result

func linkAll(ins []link.Input, entries ...string) linked {
	GinkgoHelper()
	out := linked{}
	for _, p := range profiles {
		res, err := link.Link(ins, link.Options{Profile: p, Entries: entries})
		Expect(err).NotTo(HaveOccurred())
		out[p] = res
	}
	return out
}

func build(files []string, entries []string, extra ...string) linked {
	GinkgoHelper()
	return linkAll(compile(files, extra...), entries...)
}

func entryPC(r *link.Result, name string) uint32 {
	GinkgoHelper()
	for _, e := range r.Exports {
		if e.Name == name {
			return e.PC
		}
	}
	Fail("no entry point " + name)
	return 0
}

var decoded = map[*pvm.Program]*pvm.Decoded{}

func decode(p pvm.Profile, prog *pvm.Program) *pvm.Decoded {
	GinkgoHelper()
	if d, ok := decoded[prog]; ok {
		return d
	}
	d, err := pvm.Decode(p, prog)
	Expect(err).NotTo(HaveOccurred())
	decoded[prog] = d
	return d
}

// call runs entry with integer arguments in a0..a5 and expects a halt.
func call(r *link.Result, p pvm.Profile, entry string, hc pvm.HostCaller, args ...uint64) *pvm.RunResult {
	GinkgoHelper()
	m, err := pvm.InitStandard(decode(p, r.Program.Code), r.Program, entryPC(r, entry), nil, testGas)
	Expect(err).NotTo(HaveOccurred())
	for i, a := range args {
		m.Regs[7+i] = a
	}
	res := m.RunInvocation(hc)
	Expect(res.Status).To(Equal(pvm.StatusHalt), "%s on %s: %+v", entry, p, res.Exit)
	return res
}

// callArg runs entry with the standard argument convention and returns the output.
func callArg(r *link.Result, p pvm.Profile, entry string, arg []byte, hc pvm.HostCaller) *pvm.RunResult {
	GinkgoHelper()
	m, err := pvm.InitStandard(decode(p, r.Program.Code), r.Program, entryPC(r, entry), arg, testGas)
	Expect(err).NotTo(HaveOccurred())
	res := m.RunInvocation(hc)
	Expect(res.Status).To(Equal(pvm.StatusHalt), "%s on %s: %+v", entry, p, res.Exit)
	return res
}

// ldRelocatable runs ld.lld-19 with args on the inputs and returns the output file.
func lld(ins []link.Input, args ...string) link.Input {
	GinkgoHelper()
	dir := GinkgoT().TempDir()
	var files []string
	for i, in := range ins {
		f := filepath.Join(dir, fmt.Sprintf("in%d.o", i))
		Expect(os.WriteFile(f, in.Data, 0o644)).To(Succeed())
		files = append(files, f)
	}
	out := filepath.Join(dir, "out")
	cmd := exec.Command("ld.lld-19", append(append(args, files...), "-o", out)...)
	b, err := cmd.CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), string(b))
	data, err := os.ReadFile(out)
	Expect(err).NotTo(HaveOccurred())
	return link.Input{Name: "ld.lld " + fmt.Sprint(args), Data: data}
}

// trace is a recording host: every call is appended; id 42 mixes its arguments,
// id 0 returns the gas left, id 100 (log) records the message.
type trace struct {
	calls   []string
	generic bool // every id takes the default branch
}

func (t *trace) HostCall(id uint64, m *pvm.Machine) (bool, error) {
	r := &m.Regs
	sel := id
	if t.generic {
		sel = 1 << 32
	}
	switch sel {
	case 0:
		t.calls = append(t.calls, "gas")
		r[7] = uint64(m.Gas)
	case 42:
		t.calls = append(t.calls, fmt.Sprintf("mix(%d,%d,%d)", r[7], r[8], r[9]))
		r[7] = r[7]*31 + r[8] ^ r[9]
	case 100:
		tgt := make([]byte, r[9])
		msg := make([]byte, r[11])
		if err := m.ReadMemory(uint32(r[8]), tgt); err != nil {
			return false, err
		}
		if err := m.ReadMemory(uint32(r[10]), msg); err != nil {
			return false, err
		}
		t.calls = append(t.calls, fmt.Sprintf("log(%d,%q,%q)", r[7], tgt, msg))
	default:
		t.calls = append(t.calls, fmt.Sprintf("host%d(%d)", id, r[7]))
		r[7] = id*1000 + r[7]
	}
	return true, nil
}
