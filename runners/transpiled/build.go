package transpiled

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/pvm/guest"
	"github.com/sbpf-pvm/sbpf-pvm/pvm/link"
	"github.com/sbpf-pvm/sbpf-pvm/runners/svcrt"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/elf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/syscalls"
	"github.com/sbpf-pvm/sbpf-pvm/solana"
)

// rtSources holds the engine glue.
//
//go:embed rt/*.c
var rtSources embed.FS

// goSources are this package's Go files. The non-test ones (translate.go, ops.go,
// liveness.go, provenance.go, the pipeline in build.go, ...) are the translator: their hash
// is part of the cache key, so any change to the translation invalidates cached blobs
// without a version to bump. Hashing every non-test file rather than a list keeps a new
// translator file from being forgotten; a change elsewhere in the package only costs a
// recompile.
//
//go:embed *.go
var goSources embed.FS

// translatorHash is the hash of the translator's sources (sourceHash of goSources).
var translatorHash = sync.OnceValues(func() (string, error) { return sourceHash(goSources) })

// sourceHash hashes the non-test .go files of fsys (names and contents, in name order).
func sourceHash(fsys fs.FS) (string, error) {
	h := sha256.New()
	if err := hashFS(h, fsys, func(name string) bool {
		return strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go")
	}); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// RuntimeCFlags are the flags of the runtime's C files: the same as interp-svc's, so that
// the two approaches differ only in their execution engine.
var RuntimeCFlags = []string{"-DSVC_NO_LIBC", "-O3", "-mno-strict-align", "-fno-function-sections", "-Wall", "-Wno-unused-function"}

// OptLevel is the optimisation level of the translated program (0..3).
type OptLevel int

// DefaultOpt is -O2.
const DefaultOpt OptLevel = 2

// Timings splits the compile time of one program: wall time per phase, and CPU time
// (user+system) per phase, which a loaded machine inflates less. The CPU of the Go phases
// is the building thread's (garbage collection on other threads is not counted); the
// LLVM phase's is the compiler processes'.
type Timings struct {
	Translate time.Duration // sBPF → LLVM IR (Go)
	LLVM      time.Duration // clang-19: IR → RISC-V object
	Link      time.Duration // pvm/link with the runtime objects

	TranslateCPU, LLVMCPU, LinkCPU time.Duration
}

// Total is the sum of the three phases (wall).
func (t Timings) Total() time.Duration { return t.Translate + t.LLVM + t.Link }

// TotalCPU is the sum of the three phases' CPU times.
func (t Timings) TotalCPU() time.Duration { return t.TranslateCPU + t.LLVMCPU + t.LinkCPU }

// Blob is one compiled program.
type Blob struct {
	Profile  pvm.Profile
	Bytes    []byte
	Program  *pvm.StandardProgram
	Decoded  *pvm.Decoded
	Stats    link.Stats
	Times    Timings // measured when compiled; for a cached blob, what its compile measured (sidecar)
	Cached   bool
	Key      string
	ELFBytes int
	IRBytes  int
	Units    int // codegen units (0 for a cached blob)
}

// ModuleFor loads and verifies elfBytes with the native loader and configuration and
// translates it; a program the loader or verifier rejects becomes a module whose load step
// fails with native's error kind.
func ModuleFor(elfBytes []byte) (*Module, error) { return unitsFor(elfBytes, 1) }

// unitsFor is ModuleFor split into codegen units (units 0: by the program's size).
func unitsFor(elfBytes []byte, units int) (*Module, error) {
	loader, err := syscalls.NewLoader()
	if err != nil {
		return nil, err
	}
	exe, err := elf.Load(elfBytes, loader)
	if err == nil {
		err = exe.Verify()
	}
	if err != nil {
		return LoadErrorModule(solana.ErrorKind(err), err.Error()), nil
	}
	return TranslateUnits(exe, units)
}

// rtObjects are the compiled runtime (svcrt + glue + libc) per profile.
var (
	rtMu   sync.Mutex
	rtObjs = map[pvm.Profile][]link.Input{}
	rtKey  = map[pvm.Profile]string{}
)

func writeTree(dir string) error {
	if err := svcrt.WriteTree(svcrt.CSources, "c", filepath.Join(dir, "svcrt", "c")); err != nil {
		return err
	}
	return svcrt.WriteTree(rtSources, "rt", filepath.Join(dir, "transpiled", "rt"))
}

func profileFlags(p pvm.Profile) []string {
	flags := append([]string{}, RuntimeCFlags...)
	if p == pvm.GP080 {
		flags = append(flags, "-DPVM_GP080")
	}
	return flags
}

// hashFS hashes the files of fsys that keep accepts (every file when keep is nil), in
// name order, each as its name, its length and its bytes.
func hashFS(h interface{ Write([]byte) (int, error) }, fsys fs.FS, keep func(string) bool) error {
	var names []string
	if err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (keep == nil || keep(p)) {
			names = append(names, p)
		}
		return err
	}); err != nil {
		return err
	}
	sort.Strings(names)
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", n, len(b))
		h.Write(b)
	}
	return nil
}

// runtime returns the runtime objects for p, compiling them once per process.
func runtime(p pvm.Profile) ([]link.Input, string, error) {
	rtMu.Lock()
	defer rtMu.Unlock()
	if o, ok := rtObjs[p]; ok {
		return o, rtKey[p], nil
	}
	clang, err := guest.FindClang("")
	if err != nil {
		return nil, "", err
	}
	h := sha256.New()
	if err := hashFS(h, svcrt.CSources, nil); err != nil {
		return nil, "", err
	}
	if err := hashFS(h, rtSources, nil); err != nil {
		return nil, "", err
	}
	h.Write(guest.Header)
	h.Write(guest.LibC)
	fmt.Fprintf(h, "flags %q %q profile %s\n", guest.CFlags, profileFlags(p), p)
	if out, err := exec.Command(clang, "--version").Output(); err == nil {
		h.Write(out)
	}
	key := hex.EncodeToString(h.Sum(nil))[:24]
	cached := filepath.Join(cacheDir(), "rt-"+p.String()+"-"+key)
	if objs, err := readObjects(cached); err == nil {
		rtObjs[p], rtKey[p] = objs, key
		return objs, key, nil
	}
	dir, err := os.MkdirTemp("", "transpiled-rt-")
	if err != nil {
		return nil, "", err
	}
	defer os.RemoveAll(dir)
	if err := writeTree(dir); err != nil {
		return nil, "", err
	}
	var srcs []string
	for _, f := range svcrt.RuntimeFiles {
		srcs = append(srcs, filepath.Join(dir, "svcrt", "c", f))
	}
	srcs = append(srcs, filepath.Join(dir, "transpiled", "rt", "engine.c"))
	objs, err := guest.Compile(srcs, guest.Options{Flags: profileFlags(p)})
	if err != nil {
		return nil, "", err
	}
	for i := range objs {
		objs[i].Name = filepath.Base(objs[i].Name)
	}
	_ = writeObjects(cached, objs)
	rtObjs[p], rtKey[p] = objs, key
	return objs, key, nil
}

// writeObjects stores compiled runtime objects in dir (written to a temporary directory
// and renamed, so that a concurrent reader sees all or nothing).
func writeObjects(dir string, objs []link.Input) error {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".rt-tmp-")
	if err != nil {
		return err
	}
	var index []byte
	for i, o := range objs {
		name := fmt.Sprintf("%02d-%s", i, filepath.Base(o.Name))
		if err := os.WriteFile(filepath.Join(tmp, name), o.Data, 0o644); err != nil {
			os.RemoveAll(tmp)
			return err
		}
		index = append(index, name+"\n"...)
	}
	if err := os.WriteFile(filepath.Join(tmp, "index"), index, 0o644); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	return nil
}

// readObjects loads what writeObjects stored.
func readObjects(dir string) ([]link.Input, error) {
	index, err := os.ReadFile(filepath.Join(dir, "index"))
	if err != nil {
		return nil, err
	}
	var objs []link.Input
	for _, name := range strings.Fields(string(index)) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		objs = append(objs, link.Input{Name: name[3:], Data: b})
	}
	if len(objs) == 0 {
		return nil, fmt.Errorf("transpiled: empty runtime cache %s", dir)
	}
	return objs, nil
}

// CompileIR compiles an IR module to a RISC-V object at level opt (see Pipeline).
func CompileIR(ir []byte, opt OptLevel) ([]byte, error) {
	obj, _, err := compileIR(ir, opt)
	return obj, err
}

// Pipeline describes what level opt runs, for reports and the cache key. Each level is
// one clang-19 process per codegen unit: a custom pass list needs opt-19 and llc-19 as
// two processes, which measured slower than clang -O2 on the corpus (see README).
func Pipeline(opt OptLevel) string {
	return fmt.Sprintf("clang-19 -O%d -mllvm -disable-lsr; programs of %d+ translated instructions in units of ~%d (at most %d), compiled concurrently", opt, splitMinInsns, unitInsns, maxUnits)
}

// compileUnits compiles the units concurrently (at most GOMAXPROCS clang processes at
// once) and returns the objects in unit order and the processes' summed CPU time.
func compileUnits(units [][]byte, opt OptLevel) ([]link.Input, time.Duration, error) {
	objs := make([]link.Input, len(units))
	cpus := make([]time.Duration, len(units))
	errs := make([]error, len(units))
	sem := make(chan struct{}, max(1, goruntime.GOMAXPROCS(0)))
	var wg sync.WaitGroup
	for u, ir := range units {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			var obj []byte
			obj, cpus[u], errs[u] = compileIR(ir, opt)
			objs[u] = link.Input{Name: unitName(u), Data: obj}
		}()
	}
	wg.Wait()
	var cpu time.Duration
	for u := range units {
		if errs[u] != nil {
			return nil, 0, errs[u]
		}
		cpu += cpus[u]
	}
	return objs, cpu, nil
}

// compileIR also returns the CPU time (user+system) of the compiler processes.
func compileIR(ir []byte, opt OptLevel) ([]byte, time.Duration, error) {
	if opt < 0 || opt > 3 {
		return nil, 0, fmt.Errorf("transpiled: optimisation level %d (want 0..3)", opt)
	}
	clang, err := guest.FindClang("")
	if err != nil {
		return nil, 0, err
	}
	dir, err := os.MkdirTemp("", "transpiled-")
	if err != nil {
		return nil, 0, err
	}
	defer os.RemoveAll(dir)
	in, out := filepath.Join(dir, "prog.ll"), filepath.Join(dir, "prog.o")
	if err := os.WriteFile(in, ir, 0o644); err != nil {
		return nil, 0, err
	}
	args := append([]string{}, guest.CFlags...)
	args = append(args, fmt.Sprintf("-O%d", opt), "-mno-strict-align", "-fno-function-sections", "-Wno-override-module", "-c", in, "-o", out)
	// Loop strength reduction rewrites the translated loops' address and meter
	// arithmetic into more live induction variables than RV64E's registers hold
	// (README: corpus execute gas/CU median at gp072 3.35 -> 3.28, gp080 26.7 -> 24.2).
	args = append(args, "-mllvm", "-disable-lsr")
	cmd := exec.Command(clang, args...)
	b, err := cmd.CombinedOutput()
	cpu := processCPU(cmd)
	if err != nil {
		return nil, cpu, fmt.Errorf("transpiled: clang: %v\n%s", err, b)
	}
	obj, err := os.ReadFile(out)
	return obj, cpu, err
}

func processCPU(cmd *exec.Cmd) time.Duration {
	if cmd.ProcessState == nil {
		return 0
	}
	return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}

// cacheDir is where built blobs are kept (see svcrt.CacheDir).
func cacheDir() string { return svcrt.CacheDir("transpiled") }

// Options of Build.
type Options struct {
	Profile pvm.Profile
	Opt     OptLevel
	NoCache bool // compile even when a cached blob exists (and do not write one)
	// Units forces the number of codegen units (0: by the program's size, see split.go;
	// the environment variable SBPF_PVM_TRANSPILED_UNITS sets it when 0, to measure
	// what splitting costs in gas on small programs).
	Units int
}

// unitsEnv is SBPF_PVM_TRANSPILED_UNITS (0 when unset or invalid).
func unitsEnv() int {
	n, err := strconv.Atoi(os.Getenv("SBPF_PVM_TRANSPILED_UNITS"))
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// cacheKey names a blob in the caches: profile, -O level, the ELF's hash, the runtime's
// hash (svcrt and engine.c sources, flags, clang), the translator's source hash and the
// LLVM pipeline with its codegen units.
func cacheKey(o Options, elfBytes []byte, rtKey, trHash string) string {
	ph := sha256.Sum256(elfBytes)
	pl := sha256.Sum256([]byte(fmt.Sprintf("%s; units %d", Pipeline(o.Opt), o.Units)))
	return fmt.Sprintf("%s-O%d-%s-%s-%s-%s", o.Profile, o.Opt, hex.EncodeToString(ph[:12]), rtKey[:12], trHash[:12], hex.EncodeToString(pl[:3]))
}

var (
	memMu    sync.Mutex
	memCache = map[string]*Blob{}
)

// Build compiles the program in elfBytes into a service blob: from memory, from the build
// cache (keyed by the program's hash, the runtime and the options), or translated,
// compiled and linked. The same input gives the same bytes.
func Build(elfBytes []byte, o Options) (*Blob, error) {
	if o.Units == 0 {
		o.Units = unitsEnv()
	}
	rt, rtk, err := runtime(o.Profile)
	if err != nil {
		return nil, err
	}
	trh, err := translatorHash()
	if err != nil {
		return nil, err
	}
	key := cacheKey(o, elfBytes, rtk, trh)
	path := filepath.Join(cacheDir(), key+".pvm")
	if !o.NoCache {
		memMu.Lock()
		b, ok := memCache[key]
		memMu.Unlock()
		if ok {
			return b, nil
		}
		if raw, err := os.ReadFile(path); err == nil {
			if b, err := finish(raw, o.Profile); err == nil {
				b.Cached, b.Key, b.ELFBytes = true, key, len(elfBytes)
				if sc, err := readSidecar(sidecarPath(path)); err == nil {
					b.Times, b.IRBytes = sc.timings(), sc.IRBytes
				}
				memMu.Lock()
				memCache[key] = b
				memMu.Unlock()
				return b, nil
			}
		}
	}
	var tm Timings
	goruntime.LockOSThread() // threadCPU measures this goroutine's phases
	defer goruntime.UnlockOSThread()
	t0, c0 := time.Now(), threadCPU()
	mod, err := unitsFor(elfBytes, o.Units)
	if err != nil {
		return nil, err
	}
	tm.Translate, tm.TranslateCPU = time.Since(t0), threadCPU()-c0
	t1 := time.Now()
	objs, cpu, err := compileUnits(mod.Units, o.Opt)
	if err != nil {
		return nil, err
	}
	tm.LLVM, tm.LLVMCPU = time.Since(t1), cpu
	t2, c2 := time.Now(), threadCPU()
	inputs := append(append([]link.Input{}, rt...), objs...)
	res, err := link.Link(inputs, link.Options{Profile: o.Profile, Entries: []string{"refine_ext"}})
	if err != nil {
		return nil, fmt.Errorf("transpiled: link: %w", err)
	}
	raw := res.Blob()
	tm.Link, tm.LinkCPU = time.Since(t2), threadCPU()-c2
	b, err := finish(raw, o.Profile)
	if err != nil {
		return nil, err
	}
	irBytes := 0
	for _, u := range mod.Units {
		irBytes += len(u)
	}
	b.Stats, b.Times, b.Key, b.ELFBytes, b.IRBytes, b.Units = res.Stats, tm, key, len(elfBytes), irBytes, len(mod.Units)
	if !o.NoCache {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err == nil {
			tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
			// The sidecar first: a reader that finds the blob finds its timings too.
			_ = writeSidecar(sidecarPath(path), sidecarOf(b))
			if os.WriteFile(tmp, raw, 0o644) == nil {
				_ = os.Rename(tmp, path)
			}
		}
		memMu.Lock()
		memCache[key] = b
		memMu.Unlock()
	}
	return b, nil
}

// sidecar is what a cached blob keeps of its compile (KEY.json next to KEY.pvm), so that
// runs served from the cache still report the compile time.
type sidecar struct {
	TranslateNS    int64 `json:"translate_ns"`
	LLVMNS         int64 `json:"llvm_ns"`
	LinkNS         int64 `json:"link_ns"`
	TranslateCPUNS int64 `json:"translate_cpu_ns"`
	LLVMCPUNS      int64 `json:"llvm_cpu_ns"`
	LinkCPUNS      int64 `json:"link_cpu_ns"`
	ELFBytes       int   `json:"elf_bytes"`
	IRBytes        int   `json:"ir_bytes"`
	BlobBytes      int   `json:"blob_bytes"`
}

func sidecarOf(b *Blob) sidecar {
	t := b.Times
	return sidecar{TranslateNS: t.Translate.Nanoseconds(), LLVMNS: t.LLVM.Nanoseconds(), LinkNS: t.Link.Nanoseconds(),
		TranslateCPUNS: t.TranslateCPU.Nanoseconds(), LLVMCPUNS: t.LLVMCPU.Nanoseconds(), LinkCPUNS: t.LinkCPU.Nanoseconds(),
		ELFBytes: b.ELFBytes, IRBytes: b.IRBytes, BlobBytes: len(b.Bytes)}
}

func (s sidecar) timings() Timings {
	d := func(ns int64) time.Duration { return time.Duration(max(ns, 0)) }
	return Timings{Translate: d(s.TranslateNS), LLVM: d(s.LLVMNS), Link: d(s.LinkNS),
		TranslateCPU: d(s.TranslateCPUNS), LLVMCPU: d(s.LLVMCPUNS), LinkCPU: d(s.LinkCPUNS)}
}

func sidecarPath(blobPath string) string { return strings.TrimSuffix(blobPath, ".pvm") + ".json" }

func writeSidecar(path string, s sidecar) error {
	j, err := json.Marshal(s)
	if err != nil {
		return err
	}
	tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
	if err := os.WriteFile(tmp, j, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// readSidecar reads a sidecar; a missing, malformed or implausible one is an error (the
// blob is still used, without timings).
func readSidecar(path string) (sidecar, error) {
	var s sidecar
	j, err := os.ReadFile(path)
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(j, &s); err != nil {
		return s, err
	}
	if s.TranslateNS < 0 || s.LLVMNS < 0 || s.LinkNS < 0 || s.TranslateNS+s.LLVMNS+s.LinkNS <= 0 {
		return sidecar{}, fmt.Errorf("transpiled: sidecar %s has no timings", path)
	}
	return s, nil
}

func finish(raw []byte, p pvm.Profile) (*Blob, error) {
	sp, err := pvm.ParseStandardProgram(raw)
	if err != nil {
		return nil, fmt.Errorf("transpiled: blob: %w", err)
	}
	d, err := pvm.Decode(p, sp.Code)
	if err != nil {
		return nil, fmt.Errorf("transpiled: blob does not decode for %s: %w", p, err)
	}
	return &Blob{Profile: p, Bytes: raw, Program: sp, Decoded: d}, nil
}

// Executable is a helper for tests and tools: the native loader's view of elfBytes.
func Executable(elfBytes []byte) (*sbpf.Executable, error) {
	loader, err := syscalls.NewLoader()
	if err != nil {
		return nil, err
	}
	exe, err := elf.Load(elfBytes, loader)
	if err != nil {
		return nil, err
	}
	return exe, exe.Verify()
}
