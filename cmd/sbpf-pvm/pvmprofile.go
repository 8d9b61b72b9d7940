package main

// `sbpf-pvm pvm profile`: where the PVM gas of one service invocation goes, per function
// and per phase of the shared service runtime (runners/svcrt).

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/spf13/cobra"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/pvm/guest"
	"github.com/sbpf-pvm/sbpf-pvm/pvm/host"
	"github.com/sbpf-pvm/sbpf-pvm/pvm/link"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
	interpsvc "github.com/sbpf-pvm/sbpf-pvm/runners/interp-svc"
	"github.com/sbpf-pvm/sbpf-pvm/runners/svcrt"
	"github.com/sbpf-pvm/sbpf-pvm/runners/transpiled"
)

var pprofOpts struct {
	runner   string
	profile  string
	opt      int
	root     string
	top      int
	annotate string
}

var pprofCmd = &cobra.Command{
	Use:   "profile CASE.yaml",
	Short: "Per-function PVM instruction and gas profile of one service invocation (interp-svc or transpiled)",
	Long: `Builds the runner's service blob from the C sources under --root (the repository
checkout, so that local edits are profiled) with pvm/link's symbol map, runs the case's
request through the refine entry point one instruction at a time, and prints the
instructions and gas spent in each function, split by the service's phases (the gas
markers of runners/svcrt: entry, load, serialize, execute, diff, encode). Functions
inlined by clang are counted in their caller. Gas is deterministic: the numbers are exact.`,
	Args: cobra.ExactArgs(1),
	RunE: pprofRun,
}

func init() {
	f := pprofCmd.Flags()
	f.StringVar(&pprofOpts.runner, "runner", "transpiled", "interp-svc | transpiled")
	f.StringVar(&pprofOpts.profile, "profile", "gp072", "gp072 | gp080")
	f.IntVar(&pprofOpts.opt, "opt", int(transpiled.DefaultOpt), "optimisation level of the translated program (transpiled)")
	f.StringVar(&pprofOpts.root, "root", ".", "repository root holding runners/svcrt/c and the engines' C sources")
	f.IntVar(&pprofOpts.top, "top", 25, "functions listed per phase")
	f.StringVar(&pprofOpts.annotate, "annotate", "", "also list every instruction of this function with how often it ran")
	pvmCmd.AddCommand(pprofCmd)
}

// pprofPhases names the stretches between the runtime's gas markers (svc_run).
// pprofHostGas is the `gas` host call (pvm/guest/sdk/pvm.h PVM_HOST_GAS, the same id in
// 0.7.2 and 0.8): the runtime reads it at each phase boundary.
const pprofHostGas = 0

var pprofPhases = []string{"entry", "load", "serialize", "execute", "diff", "encode+exit"}

func pprofRun(cmd *cobra.Command, args []string) error {
	prof, err := pvm.ParseProfile(pprofOpts.profile)
	if err != nil {
		return usagef("%v", err)
	}
	c, err := runners.LoadCase(args[0])
	if err != nil {
		return usagef("%v", err)
	}
	prep, err := svcrt.FromCase(c)
	if err != nil {
		return usagef("%v", err)
	}
	res, err := pprofLink(prof, prep.Request.Program)
	if err != nil {
		return err
	}
	if pprofOpts.runner == "transpiled" {
		prep.Request.Program = nil // the program is in the blob
	}
	payload, err := prep.Request.Encode()
	if err != nil {
		return err
	}
	d, err := pvm.Decode(prof, res.Program.Code)
	if err != nil {
		return err
	}
	hc := &host.Refine{Profile: prof, ServiceID: svcrt.ServiceID, Fetch: host.FetchData{Payloads: [][]byte{payload}}}
	m, err := pvm.InitStandard(d, res.Program, 0, svcrt.RefineArgs(svcrt.ServiceID, payload), svcrt.MaxRefineGas)
	if err != nil {
		return err
	}
	m.Host = hc
	type cost struct{ insns, gas int64 }
	per := make([]map[string]*cost, len(pprofPhases))
	for i := range per {
		per[i] = map[string]*cost{}
	}
	phase := 0
	hits := map[uint32]int64{} // executions per pc, for --annotate
	var ex pvm.Exit
	for {
		pc, gas := m.PC, m.Gas
		var done bool
		ex, done = m.Step()
		isGas := done && ex.Status == pvm.StatusHostCall && ex.HostID == pprofHostGas
		if done && ex.Status == pvm.StatusHostCall {
			ex, done = m.HandleHostCall(ex)
		}
		name := "?"
		if s, ok := link.SymbolAt(res.Symbols, pc); ok {
			name = s.Name
		}
		k := per[phase][name]
		if k == nil {
			k = &cost{}
			per[phase][name] = k
		}
		k.insns++
		k.gas += gas - m.Gas
		hits[pc]++
		if isGas && phase < len(per)-1 {
			phase++
		}
		if done {
			break
		}
	}
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "%s@%s %s: %s, %d instructions, %d gas\n", pprofOpts.runner, prof, c.Name, ex.Status, m.Instructions, svcrt.MaxRefineGas-m.Gas)
	if ex.Status == pvm.StatusHalt {
		if resp, err := svcrt.DecodeResponse(pprofOutput(m)); err == nil {
			fmt.Fprintf(w, "response: status %d origin %d %s, %d CU\n", resp.Status, resp.Origin, resp.ErrorKind, resp.ComputeUnits)
		} else {
			fmt.Fprintf(w, "response does not decode: %v\n", err)
		}
	}
	total := map[string]*cost{}
	for i, ph := range per {
		var ti, tg int64
		for n, k := range ph {
			ti += k.insns
			tg += k.gas
			t := total[n]
			if t == nil {
				t = &cost{}
				total[n] = t
			}
			t.insns += k.insns
			t.gas += k.gas
		}
		fmt.Fprintf(w, "\n== %s: %d instructions, %d gas\n", pprofPhases[i], ti, tg)
		pprofTable(w, ph, pprofOpts.top, func(k *cost) (int64, int64) { return k.insns, k.gas })
	}
	fmt.Fprintf(w, "\n== all phases\n")
	pprofTable(w, total, pprofOpts.top, func(k *cost) (int64, int64) { return k.insns, k.gas })
	if pprofOpts.annotate != "" {
		pprofAnnotate(w, d, res.Symbols, pprofOpts.annotate, hits)
	}
	return nil
}

// pprofAnnotate lists the instructions of function name with their execution counts.
func pprofAnnotate(w io.Writer, d *pvm.Decoded, syms []link.Symbol, name string, hits map[uint32]int64) {
	for _, s := range syms {
		if s.Name != name {
			continue
		}
		fmt.Fprintf(w, "\n== %s [%d, %d)\n", name, s.PC, s.End)
		for _, in := range d.Instructions() {
			if in.PC < s.PC || in.PC >= s.End {
				continue
			}
			mark := " "
			if in.BlockStart {
				mark = ">"
			}
			fmt.Fprintf(w, "%8d %s%6d  %v\n", hits[in.PC], mark, in.PC, in.Inst)
		}
		return
	}
	fmt.Fprintf(w, "\nno function %q in the symbol map\n", name)
}

func pprofTable[T any](w io.Writer, m map[string]T, top int, get func(T) (int64, int64)) {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		_, gi := get(m[names[i]])
		_, gj := get(m[names[j]])
		if gi != gj {
			return gi > gj
		}
		return names[i] < names[j]
	})
	for i, n := range names {
		if i == top {
			fmt.Fprintf(w, "  … %d more\n", len(names)-top)
			break
		}
		insns, gas := get(m[n])
		fmt.Fprintf(w, "  %10d gas %10d insns  %s\n", gas, insns, n)
	}
}

func pprofOutput(m *pvm.Machine) []byte {
	n := m.Regs[8]
	if n > 1<<26 {
		return nil
	}
	b := make([]byte, n)
	if m.ReadMemory(uint32(m.Regs[7]), b) != nil {
		return nil
	}
	return b
}

// pprofLink compiles and links the runner's service from the sources under --root, the way
// the runner's build does, keeping the linker's symbol map.
func pprofLink(p pvm.Profile, elfBytes []byte) (*link.Result, error) {
	root := pprofOpts.root
	var srcs []string
	for _, f := range svcrt.RuntimeFiles {
		srcs = append(srcs, filepath.Join(root, "runners", "svcrt", "c", f))
	}
	var flags []string
	var extra []link.Input
	switch pprofOpts.runner {
	case "interp-svc":
		for _, f := range interpsvc.GuestFiles {
			srcs = append(srcs, filepath.Join(root, "runners", "interp-svc", "guest", f))
		}
		flags = append(flags, interpsvc.ExtraCFlags...)
	case "transpiled":
		srcs = append(srcs, filepath.Join(root, "runners", "transpiled", "rt", "engine.c"))
		flags = append(flags, transpiled.RuntimeCFlags...)
		mod, err := transpiled.ModuleFor(elfBytes)
		if err != nil {
			return nil, err
		}
		obj, err := transpiled.CompileIR(mod.IR, transpiled.OptLevel(pprofOpts.opt))
		if err != nil {
			return nil, err
		}
		extra = append(extra, link.Input{Name: "program.o", Data: obj})
	default:
		return nil, usagef("--runner %q: want interp-svc or transpiled", pprofOpts.runner)
	}
	for _, s := range srcs {
		if _, err := os.Stat(s); err != nil {
			return nil, usagef("%v (set --root to the repository checkout)", err)
		}
	}
	if p == pvm.GP080 {
		flags = append(flags, "-DPVM_GP080")
	}
	objs, err := guest.Compile(srcs, guest.Options{Flags: flags})
	if err != nil {
		return nil, err
	}
	for i := range objs {
		objs[i].Name = filepath.Base(objs[i].Name)
	}
	return link.Link(append(objs, extra...), link.Options{Profile: p, Entries: []string{"refine_ext"}})
}
