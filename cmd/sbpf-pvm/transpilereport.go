package main

// `sbpf-pvm transpile-report`: issue 8's figures for the transpiled runner (gas per CU,
// compile time per KB of ELF split by phase, blob size against ELF size) per -O level and
// gas profile, from cold compiles of the corpus programs and of a large synthetic program.

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sbpf-pvm/sbpf-pvm/harness"
	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
	"github.com/sbpf-pvm/sbpf-pvm/runners/native"
	"github.com/sbpf-pvm/sbpf-pvm/runners/transpiled"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/asm"
)

var trrepOpts struct {
	cases     string
	levels    string
	profiles  string
	synthKB   int
	repeat    int
	out       string
	noCorpus  bool
	noCompare bool
	writeSyn  string
	realKB    int
	programs  string
	writeReal string
}

var trrepCmd = &cobra.Command{
	Use:   "transpile-report [--cases DIR] [-O 0,2] [--profiles gp072,gp080] [--synthetic-kb 100] [--repeat N] [-o REPORT.md]",
	Short: "Issue 8's figures: gas per CU, compile time per KB of ELF by phase, blob size, per -O level and gas profile",
	Long: `transpile-report compiles every distinct program of the corpus cold (no build cache) at each
-O level and gas profile, runs the corpus cases on the blobs, and prints a markdown report:

  * gas per CU (total and execution phase only): median and worst over the cases with CU > 0;
  * compile time split into translate (Go), LLVM and link (pvm/link), summed over the programs
    and divided by their summed ELF size, per KB and per 100 KB, in CPU time (user+system of
    the building thread and the compiler processes) and in wall time;
  * blob bytes against ELF bytes: median ratio over the programs, and the totals;
  * the same compile and size figures for a synthetic program of about --synthetic-kb KB
    (chained functions of ALU, stack and input accesses, branches, a division and a loop).

With --repeat N each program is compiled N times and each phase's minimum is kept (timings
on a shared machine are noisy). Each case's result is compared with the native runner's as
conformance does (harness.Compare: status, error, exit code, compute units, instruction
count, logs, return data, state diff); a difference is listed and makes the exit status 1.`,
	Args: cobra.NoArgs,
	RunE: trrepRun,
}

func init() {
	f := trrepCmd.Flags()
	f.StringVar(&trrepOpts.cases, "cases", "corpus/cases", "corpus directory of case files")
	f.StringVarP(&trrepOpts.levels, "opt", "O", "0,2", "optimisation levels, comma-separated (0..3)")
	f.StringVar(&trrepOpts.profiles, "profiles", "gp072,gp080", "gas profiles, comma-separated")
	f.IntVar(&trrepOpts.synthKB, "synthetic-kb", 100, "size of the synthetic program's text in KB (0 = none)")
	f.IntVar(&trrepOpts.repeat, "repeat", 1, "cold compiles per program and level; each phase's minimum is reported")
	f.StringVarP(&trrepOpts.out, "output", "o", "", "also write the report to this file")
	f.BoolVar(&trrepOpts.noCorpus, "no-corpus", false, "only the synthetic program")
	f.BoolVar(&trrepOpts.noCompare, "no-compare", false, "do not run the native runner to compare")
	f.StringVar(&trrepOpts.writeSyn, "write-synthetic", "", "also write the synthetic program's ELF to this file (to compile it with `transpile`)")
	f.IntVar(&trrepOpts.realKB, "realistic-kb", 100, "minimum ELF size in KB of the realistic program built from the corpus C programs (0 = none)")
	f.StringVar(&trrepOpts.programs, "programs", "", "directory of the C programs (DIR/NAME/*.c) for the realistic program; default: programs next to --cases (headers from its sibling sdk)")
	f.StringVar(&trrepOpts.writeReal, "write-realistic", "", "also write the realistic program's ELF to this file")
	rootCmd.AddCommand(trrepCmd)
}

// trrepProgram is one distinct ELF with the cases that run it.
type trrepProgram struct {
	name  string
	elf   []byte
	cases []*runners.Case
}

// trrepCompile sums one level's compiles.
type trrepCompile struct {
	programs          int
	elfBytes, irBytes int
	blobBytes         int
	ratios            []float64 // blob/ELF per program
	wall, cpu         transpiled.Timings
}

func (c *trrepCompile) add(elfLen int, b *transpiled.Blob, t transpiled.Timings) {
	c.programs++
	c.elfBytes += elfLen
	c.irBytes += b.IRBytes
	c.blobBytes += len(b.Bytes)
	c.ratios = append(c.ratios, float64(len(b.Bytes))/float64(elfLen))
	c.wall.Translate += t.Translate
	c.wall.LLVM += t.LLVM
	c.wall.Link += t.Link
	c.cpu.Translate += t.TranslateCPU
	c.cpu.LLVM += t.LLVMCPU
	c.cpu.Link += t.LinkCPU
}

// trrepGas collects per-case gas per CU.
type trrepGas struct {
	total, exec []float64
	totalGas    []float64
	cases       int
	errors      []string
}

func trrepRun(cmd *cobra.Command, _ []string) error {
	var levels []transpiled.OptLevel
	for _, s := range strings.Split(trrepOpts.levels, ",") {
		n, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(s), "O"))
		if err != nil || n < 0 || n > 3 {
			return usagef("transpile-report: -O %q: want levels 0..3, comma-separated", trrepOpts.levels)
		}
		levels = append(levels, transpiled.OptLevel(n))
	}
	var profiles []pvm.Profile
	for _, s := range strings.Split(trrepOpts.profiles, ",") {
		p, err := pvm.ParseProfile(strings.TrimSpace(s))
		if err != nil {
			return usagef("transpile-report: --profiles: %v", err)
		}
		profiles = append(profiles, p)
	}
	if trrepOpts.repeat < 1 || trrepOpts.synthKB < 0 || trrepOpts.synthKB > 1024 || trrepOpts.realKB < 0 || trrepOpts.realKB > 1024 {
		return usagef("transpile-report: --repeat must be >= 1, --synthetic-kb and --realistic-kb 0..1024")
	}
	var progs []*trrepProgram
	if !trrepOpts.noCorpus {
		var err error
		if progs, err = trrepLoad(trrepOpts.cases); err != nil {
			return usagef("transpile-report: %v", err)
		}
	}
	log := cmd.ErrOrStderr()
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}

	// Native results once, to check that every blob agrees.
	ref := map[*runners.Case]*runners.Result{}
	if !trrepOpts.noCompare {
		nat := native.New()
		for _, p := range progs {
			for _, c := range p.cases {
				res, err := nat.Run(ctx, c)
				if err != nil {
					return fmt.Errorf("transpile-report: native %s: %w", c.Name, err)
				}
				ref[c] = res
			}
		}
	}

	compiles := map[transpiled.OptLevel]*trrepCompile{}
	gas := map[string]*trrepGas{} // "level/profile"
	var disagree []string
	for _, lv := range levels {
		comp := &trrepCompile{}
		compiles[lv] = comp
		for pi, prof := range profiles {
			g := &trrepGas{}
			gas[fmt.Sprintf("%d/%s", lv, prof)] = g
			r := &transpiled.Runner{Profile: prof, Opt: lv, Gas: transpiled.MaxRefineGas}
			for _, p := range progs {
				fmt.Fprintf(log, "-O%d %s %s\n", lv, prof, p.name)
				b, t, err := trrepBuild(p.elf, transpiled.Options{Profile: prof, Opt: lv, NoCache: true})
				if err != nil {
					return fmt.Errorf("transpile-report: %s -O%d: %w", p.name, lv, err)
				}
				if pi == 0 { // compile figures from the first profile (the link differs only in the runtime)
					comp.add(len(p.elf), b, t)
				}
				for _, c := range p.cases {
					res, err := r.RunBlob(ctx, c, b)
					if err != nil {
						g.errors = append(g.errors, fmt.Sprintf("%s: %v", c.Name, err))
						continue
					}
					g.cases++
					if res.Gas != nil && res.ComputeUnits > 0 {
						g.total = append(g.total, float64(res.Gas.Total)/float64(res.ComputeUnits))
						g.exec = append(g.exec, float64(res.Gas.Execute)/float64(res.ComputeUnits))
					}
					if want := ref[c]; want != nil {
						if ms := harness.Compare(want, res); len(ms) > 0 {
							disagree = append(disagree, fmt.Sprintf("-O%d %s %s", lv, prof, ms[0]))
						}
					}
				}
			}
		}
	}

	synth := map[transpiled.OptLevel]*trrepCompile{}
	var synthELF []byte
	if trrepOpts.synthKB > 0 {
		var err error
		if synthELF, err = asm.AssembleELF(trrepSynthetic(trrepOpts.synthKB*1024), sbpf.V0); err != nil {
			return fmt.Errorf("transpile-report: synthetic program: %w", err)
		}
		if trrepOpts.writeSyn != "" {
			if err := os.WriteFile(trrepOpts.writeSyn, synthELF, 0o644); err != nil {
				return err
			}
		}
		for _, lv := range levels {
			fmt.Fprintf(log, "-O%d synthetic (%d bytes)\n", lv, len(synthELF))
			b, t, err := trrepBuild(synthELF, transpiled.Options{Profile: profiles[0], Opt: lv, NoCache: true})
			if err != nil {
				return fmt.Errorf("transpile-report: synthetic -O%d: %w", lv, err)
			}
			synth[lv] = &trrepCompile{}
			synth[lv].add(len(synthELF), b, t)
		}
	}

	real := map[transpiled.OptLevel]*trrepCompile{}
	realGas := map[string]*trrepGas{}
	var realELF []byte
	realRounds := 0
	if trrepOpts.realKB > 0 {
		dir := trrepOpts.programs
		if dir == "" {
			dir = filepath.Join(filepath.Dir(filepath.Clean(trrepOpts.cases)), "programs")
		}
		fmt.Fprintf(log, "building the realistic program from %s\n", dir)
		var err error
		realELF, realRounds, err = trrepRealistic(ctx, dir, filepath.Join(filepath.Dir(filepath.Clean(dir)), "sdk"), trrepOpts.realKB*1024)
		if err != nil {
			return fmt.Errorf("transpile-report: realistic program: %w", err)
		}
		if trrepOpts.writeReal != "" {
			if err := os.WriteFile(trrepOpts.writeReal, realELF, 0o644); err != nil {
				return err
			}
		}
		for _, lv := range levels {
			fmt.Fprintf(log, "-O%d realistic (%d bytes)\n", lv, len(realELF))
			b, t, err := trrepBuild(realELF, transpiled.Options{Profile: profiles[0], Opt: lv, NoCache: true})
			if err != nil {
				return fmt.Errorf("transpile-report: realistic -O%d: %w", lv, err)
			}
			real[lv] = &trrepCompile{}
			real[lv].add(len(realELF), b, t)
		}
		if len(progs) > 0 {
			// Gas on the realistic program: every corpus case's input (accounts, data),
			// compared with native like the corpus cases.
			cases, err := harness.LoadCorpus(trrepOpts.cases)
			if err != nil {
				return err
			}
			for _, c := range cases {
				c.SetProgramBytes(realELF)
			}
			for _, lv := range levels {
				for _, prof := range profiles {
					fmt.Fprintf(log, "-O%d %s realistic: %d cases\n", lv, prof, len(cases))
					g := &trrepGas{}
					realGas[fmt.Sprintf("%d/%s", lv, prof)] = g
					r := &transpiled.Runner{Profile: prof, Opt: lv, Gas: transpiled.MaxRefineGas}
					b, err := transpiled.Build(realELF, transpiled.Options{Profile: prof, Opt: lv})
					if err != nil {
						return fmt.Errorf("transpile-report: realistic -O%d: %w", lv, err)
					}
					for _, c := range cases {
						res, err := r.RunBlob(ctx, c, b)
						if err != nil {
							g.errors = append(g.errors, fmt.Sprintf("%s: %v", c.Name, err))
							continue
						}
						g.cases++
						if res.Gas != nil {
							g.totalGas = append(g.totalGas, float64(res.Gas.Total))
							if res.ComputeUnits > 0 {
								g.total = append(g.total, float64(res.Gas.Total)/float64(res.ComputeUnits))
								g.exec = append(g.exec, float64(res.Gas.Execute)/float64(res.ComputeUnits))
							}
						}
						if !trrepOpts.noCompare {
							want, err := native.New().Run(ctx, c)
							if err != nil {
								return fmt.Errorf("transpile-report: native %s: %w", c.Name, err)
							}
							if ms := harness.Compare(want, res); len(ms) > 0 {
								disagree = append(disagree, fmt.Sprintf("-O%d %s realistic %s", lv, prof, ms[0]))
							}
						}
					}
				}
			}
		}
	}

	var w strings.Builder
	trrepWrite(&w, levels, profiles, progs, compiles, gas, synth, len(synthELF), disagree)
	if len(realELF) > 0 {
		fmt.Fprintf(&w, "\n## Compile time and size, realistic program (%d bytes of ELF, profile %s)\n\n", len(realELF), profiles[0])
		fmt.Fprintf(&w, "The corpus C programs (clang-19 -target bpfel -O2 and sbpf/link, as `sbpf cc`), %d instances of each under renamed entry points, behind one dispatching entrypoint.\n\n", realRounds)
		trrepCompileTable(&w, levels, real)
		if len(realGas) > 0 {
			fmt.Fprintf(&w, "\nGas on it with every corpus case's input (accounts and instruction data; the entrypoint picks an instance from them), compared with native:\n\n")
			fmt.Fprintf(&w, "| level | profile | total gas median | gas/CU median | execute gas/CU median | cases run | run errors |\n|---|---|---|---|---|---|---|\n")
			for _, lv := range levels {
				for _, p := range profiles {
					g := realGas[fmt.Sprintf("%d/%s", lv, p)]
					fmt.Fprintf(&w, "| -O%d | %s | %.1f | %.2f | %.2f | %d | %d |\n", lv, p, trrepMedian(g.totalGas), trrepMedian(g.total), trrepMedian(g.exec), g.cases, len(g.errors))
				}
			}
		}
	}
	fmt.Fprint(cmd.OutOrStdout(), w.String())
	if trrepOpts.out != "" {
		if err := os.WriteFile(trrepOpts.out, []byte(w.String()), 0o644); err != nil {
			return err
		}
	}
	if len(disagree) > 0 {
		return mismatchError{fmt.Sprintf("transpile-report: %d results differ from native", len(disagree))}
	}
	return nil
}

// trrepBuild compiles cold trrepOpts.repeat times and keeps each phase's minimum.
func trrepBuild(elfBytes []byte, o transpiled.Options) (*transpiled.Blob, transpiled.Timings, error) {
	var best transpiled.Timings
	var b *transpiled.Blob
	for i := 0; i < trrepOpts.repeat; i++ {
		nb, err := transpiled.Build(elfBytes, o)
		if err != nil {
			return nil, best, err
		}
		t := nb.Times
		if i == 0 {
			b, best = nb, t
			continue
		}
		m := func(a *time.Duration, v time.Duration) { *a = min(*a, v) }
		m(&best.Translate, t.Translate)
		m(&best.LLVM, t.LLVM)
		m(&best.Link, t.Link)
		m(&best.TranslateCPU, t.TranslateCPU)
		m(&best.LLVMCPU, t.LLVMCPU)
		m(&best.LinkCPU, t.LinkCPU)
	}
	return b, best, nil
}

// trrepLoad groups the corpus cases by program.
func trrepLoad(dir string) ([]*trrepProgram, error) {
	cases, err := harness.LoadCorpus(dir)
	if err != nil {
		return nil, err
	}
	if err := harness.LoadPrograms(cases); err != nil {
		return nil, err
	}
	byHash := map[[32]byte]*trrepProgram{}
	var progs []*trrepProgram
	for _, c := range cases {
		elfBytes, err := c.ProgramBytes()
		if err != nil {
			return nil, err
		}
		h := sha256.Sum256(elfBytes)
		p := byHash[h]
		if p == nil {
			name := c.ProgramPath
			if i := strings.LastIndex(name, "/"); i >= 0 {
				name = name[i+1:]
			}
			p = &trrepProgram{name: name, elf: elfBytes}
			byHash[h] = p
			progs = append(progs, p)
		}
		p.cases = append(p.cases, c)
	}
	if len(progs) == 0 {
		return nil, fmt.Errorf("no cases under %s", dir)
	}
	return progs, nil
}

func trrepMedian(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	} else {
		return (s[n/2-1] + s[n/2]) / 2
	}
}

func trrepMax(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	return slices.Max(xs)
}

func trrepWrite(w io.Writer, levels []transpiled.OptLevel, profiles []pvm.Profile, progs []*trrepProgram,
	compiles map[transpiled.OptLevel]*trrepCompile, gas map[string]*trrepGas, synth map[transpiled.OptLevel]*trrepCompile, synthLen int, disagree []string) {
	ncases := 0
	for _, p := range progs {
		ncases += len(p.cases)
	}
	fmt.Fprintf(w, "# Transpiled runner: issue 8 figures\n\n")
	fmt.Fprintf(w, "Command: `sbpf-pvm transpile-report --cases %s -O %s --profiles %s --synthetic-kb %d --repeat %d`, %s UTC.\n",
		trrepOpts.cases, trrepOpts.levels, trrepOpts.profiles, trrepOpts.synthKB, trrepOpts.repeat, time.Now().UTC().Format("2006-01-02 15:04"))
	fmt.Fprintf(w, "Cold compiles (no build cache). CPU = user+system of the building thread (translate, link) and of the compiler processes (LLVM).\n\n")
	fmt.Fprintf(w, "Levels: ")
	for i, lv := range levels {
		if i > 0 {
			fmt.Fprintf(w, "; ")
		}
		fmt.Fprintf(w, "-O%d = `%s`", lv, transpiled.Pipeline(lv))
	}
	fmt.Fprintf(w, ".\n\n")
	if len(progs) > 0 {
		fmt.Fprintf(w, "## Gas per CU (%d cases of %d programs; over the cases with CU > 0)\n\n", ncases, len(progs))
		fmt.Fprintf(w, "| level | profile | gas/CU median | gas/CU worst | execute gas/CU median | execute gas/CU worst | cases run | run errors |\n|---|---|---|---|---|---|---|---|\n")
		for _, lv := range levels {
			for _, p := range profiles {
				g := gas[fmt.Sprintf("%d/%s", lv, p)]
				fmt.Fprintf(w, "| -O%d | %s | %.1f | %.1f | %.2f | %.2f | %d | %d |\n", lv, p,
					trrepMedian(g.total), trrepMax(g.total), trrepMedian(g.exec), trrepMax(g.exec), g.cases, len(g.errors))
			}
		}
		fmt.Fprintf(w, "\n## Compile time and size, corpus (%d programs, profile %s)\n\n", len(progs), profiles[0])
		trrepCompileTable(w, levels, compiles)
	}
	if synthLen > 0 {
		fmt.Fprintf(w, "\n## Compile time and size, synthetic program (%d bytes of ELF, profile %s)\n\n", synthLen, profiles[0])
		trrepCompileTable(w, levels, synth)
	}
	if len(disagree) > 0 {
		fmt.Fprintf(w, "\n## Results that differ from native (%d)\n\n", len(disagree))
		for _, d := range disagree {
			fmt.Fprintf(w, "* %s\n", d)
		}
	} else if len(progs) > 0 && !trrepOpts.noCompare {
		fmt.Fprintf(w, "\nEvery case's result (status, error, exit code, CU, logs, return data, state diff): all agree with native at every level and profile.\n")
	}
	for _, lv := range levels {
		for _, p := range profiles {
			if g := gas[fmt.Sprintf("%d/%s", lv, p)]; g != nil && len(g.errors) > 0 {
				fmt.Fprintf(w, "\nRun errors at -O%d %s: %s\n", lv, p, strings.Join(g.errors, "; "))
			}
		}
	}
}

func trrepCompileTable(w io.Writer, levels []transpiled.OptLevel, cs map[transpiled.OptLevel]*trrepCompile) {
	fmt.Fprintf(w, "Seconds per 100 KB of ELF (sum over programs / sum of ELF bytes); CPU, with wall in parentheses.\n\n")
	fmt.Fprintf(w, "| level | programs | ELF KB | IR bytes/ELF byte | translate | LLVM | link | total | total ms/KB (CPU) | blob/ELF median | blob KB total |\n|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, lv := range levels {
		c := cs[lv]
		if c == nil || c.programs == 0 {
			continue
		}
		per := func(d time.Duration) float64 { return d.Seconds() * 100 * 1024 / float64(c.elfBytes) }
		col := func(cpu, wall time.Duration) string { return fmt.Sprintf("%.2f (%.2f)", per(cpu), per(wall)) }
		fmt.Fprintf(w, "| -O%d | %d | %.1f | %.0f | %s | %s | %s | %s | %.1f | %.1f | %.0f |\n", lv, c.programs, float64(c.elfBytes)/1024,
			float64(c.irBytes)/float64(c.elfBytes),
			col(c.cpu.Translate, c.wall.Translate), col(c.cpu.LLVM, c.wall.LLVM), col(c.cpu.Link, c.wall.Link),
			col(c.cpu.Total(), c.wall.Total()), c.cpu.Total().Seconds()*1000*1024/float64(c.elfBytes),
			trrepMedian(c.ratios), float64(c.blobBytes)/1024)
	}
}

// trrepSynthetic writes an sBPF v0 program of about textBytes of text: chains of
// trrepChain functions, each with stack and input loads and stores, ALU work, a branch, a
// division by a non-zero register and a short loop, calling the next one; the entrypoint
// calls each chain. (One chain of all the functions, as before, went deeper than the 64
// call frames: LLVM deleted the functions beyond depth 64 as unreachable, ~80% of them,
// and the compile time measured a fifth of the program.)
const trrepChain = 16

func trrepSynthetic(textBytes int) string {
	var b strings.Builder
	const insnsPerFn = 36 // keep in step with the body below
	n := max(1, textBytes/(insnsPerFn*sbpf.InsnSize))
	b.WriteString("entrypoint:\n    mov64 r6, r1\n    mov64 r7, 0\n")
	for i := 0; i < n; i += trrepChain {
		fmt.Fprintf(&b, "    call fn_%d\n", i)
	}
	b.WriteString("    mov64 r0, 0\n    exit\n")
	for i := 0; i < n; i++ {
		k := i*11 + 3
		fmt.Fprintf(&b, "fn_%d:\n", i)
		fmt.Fprintf(&b, "    ldxdw r2, [r6+%d]\n    add64 r2, %d\n    stxdw [r10-8], r2\n", 8*(i%8), k)
		fmt.Fprintf(&b, "    ldxb r3, [r6+%d]\n    lsh64 r3, %d\n    xor64 r3, r2\n    stxdw [r10-16], r3\n", 16+i%64, i%29)
		fmt.Fprintf(&b, "    mov64 r4, r3\n    and64 r4, 0xffff\n    mul64 r4, %d\n    add64 r7, r4\n", k%97+1)
		fmt.Fprintf(&b, "    jgt r4, %d, big_%d\n    sub64 r7, r3\n    rsh64 r7, 3\n    ja join_%d\n", 1000+k, i, i)
		fmt.Fprintf(&b, "big_%d:\n    or64 r7, %d\n    add64 r7, r4\njoin_%d:\n", i, k&0xff, i)
		fmt.Fprintf(&b, "    mov64 r5, r7\n    or64 r5, 1\n    mov64 r8, %d\n    div64 r8, r5\n    add64 r7, r8\n", 100000+k)
		fmt.Fprintf(&b, "    mov64 r9, %d\nloop_%d:\n    ldxdw r2, [r10-8]\n    add64 r2, r9\n    stxdw [r10-8], r2\n    sub64 r9, 1\n    jne r9, 0, loop_%d\n", 3+i%4, i, i)
		fmt.Fprintf(&b, "    ldxdw r3, [r10-16]\n    add64 r7, r3\n    ldxw r4, [r10-8]\n    xor64 r7, r4\n    stxw [r10-24], r7\n")
		if i+1 < n && (i+1)%trrepChain != 0 {
			fmt.Fprintf(&b, "    call fn_%d\n", i+1)
		} else {
			b.WriteString("    mov64 r0, r7\n")
		}
		b.WriteString("    mov64 r0, r7\n    exit\n")
	}
	return b.String()
}
