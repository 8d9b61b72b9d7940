package interpsvc

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"sync"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/pvm/guest"
	"github.com/sbpf-pvm/sbpf-pvm/pvm/link"
	"github.com/sbpf-pvm/sbpf-pvm/runners/svcrt"
)

// guestSources holds the sBPF loader, verifier and interpreter in C.
//
//go:embed guest/*.c guest/*.h guest/hosttest/*.c
var guestSources embed.FS

// GuestFiles are the engine's translation units.
var GuestFiles = []string{"elf.c", "vm.c"}

// ExtraCFlags are added to the SDK's flags (pvm/guest.CFlags) for every guest file.
// -mno-strict-align: the PVM loads and stores at any address in one instruction, so
// unaligned accesses (sBPF memory, the wire format) must not be split into bytes.
var ExtraCFlags = []string{"-DSVC_NO_LIBC", "-O3", "-mno-strict-align", "-Wall", "-Wno-unused-function"}

// Blob is the built service.
type Blob struct {
	Profile pvm.Profile
	Bytes   []byte // JAM standard program
	Program *pvm.StandardProgram
	Decoded *pvm.Decoded
	Stats   link.Stats
	Key     string // the cache key (hash of sources, flags, profile)
}

// writeTree writes the embedded runtime and guest sources into dir with the layout the
// #include paths expect: dir/svcrt/c/*, dir/interp-svc/guest/*.
func writeTree(dir string) error {
	if err := svcrt.WriteTree(svcrt.CSources, "c", filepath.Join(dir, "svcrt", "c")); err != nil {
		return err
	}
	return svcrt.WriteTree(guestSources, "guest", filepath.Join(dir, "interp-svc", "guest"))
}

func profileFlags(p pvm.Profile) []string {
	flags := append([]string{}, ExtraCFlags...)
	if p == pvm.GP080 {
		flags = append(flags, "-DPVM_GP080")
	}
	return flags
}

// sourceKey hashes everything that determines the blob: the C sources, the SDK, the flags,
// the profile and the compiler's version.
func sourceKey(p pvm.Profile, clang string) (string, error) {
	h := sha256.New()
	add := func(fsys embed.FS) error {
		var names []string
		err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				names = append(names, p)
			}
			return err
		})
		if err != nil {
			return err
		}
		sort.Strings(names)
		for _, n := range names {
			b, err := fsys.ReadFile(n)
			if err != nil {
				return err
			}
			fmt.Fprintf(h, "%s %d\n", n, len(b))
			h.Write(b)
		}
		return nil
	}
	if err := add(svcrt.CSources); err != nil {
		return "", err
	}
	if err := add(guestSources); err != nil {
		return "", err
	}
	h.Write(guest.Header)
	h.Write(guest.LibC)
	fmt.Fprintf(h, "flags %q %q profile %s\n", guest.CFlags, profileFlags(p), p)
	if out, err := exec.Command(clang, "--version").Output(); err == nil {
		h.Write(out)
	}
	return hex.EncodeToString(h.Sum(nil))[:24], nil
}

// cacheDir is where built blobs are kept (see svcrt.CacheDir).
func cacheDir() string { return svcrt.CacheDir("interp-svc") }

var (
	blobMu    sync.Mutex
	blobCache = map[pvm.Profile]*Blob{}
)

// Build returns the service blob for profile p: from memory, from the build cache, or
// compiled with clang-19 and linked with pvm/link (then cached). Building twice gives the
// same bytes.
func Build(p pvm.Profile) (*Blob, error) {
	blobMu.Lock()
	defer blobMu.Unlock()
	if b, ok := blobCache[p]; ok {
		return b, nil
	}
	clang, err := guest.FindClang("")
	if err != nil {
		return nil, err
	}
	key, err := sourceKey(p, clang)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(cacheDir(), fmt.Sprintf("interp-svc-%s-%s.pvm", p, key))
	var raw []byte
	var stats link.Stats
	if b, err := os.ReadFile(path); err == nil {
		raw = b
	} else {
		res, err := compileAndLink(p)
		if err != nil {
			return nil, err
		}
		raw = res.Blob()
		stats = res.Stats
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err == nil {
			tmp := path + ".tmp"
			if os.WriteFile(tmp, raw, 0o644) == nil {
				_ = os.Rename(tmp, path)
			}
		}
	}
	sp, err := pvm.ParseStandardProgram(raw)
	if err != nil {
		return nil, fmt.Errorf("interp-svc: cached blob %s: %w", path, err)
	}
	d, err := pvm.Decode(p, sp.Code)
	if err != nil {
		return nil, fmt.Errorf("interp-svc: blob does not decode for %s: %w", p, err)
	}
	b := &Blob{Profile: p, Bytes: raw, Program: sp, Decoded: d, Stats: stats, Key: key}
	blobCache[p] = b
	return b, nil
}

// Rebuild compiles and links the blob again, bypassing both caches (for determinism checks).
func Rebuild(p pvm.Profile) (*Blob, error) {
	res, err := compileAndLink(p)
	if err != nil {
		return nil, err
	}
	raw := res.Blob()
	sp, err := pvm.ParseStandardProgram(raw)
	if err != nil {
		return nil, err
	}
	d, err := pvm.Decode(p, sp.Code)
	if err != nil {
		return nil, err
	}
	return &Blob{Profile: p, Bytes: raw, Program: sp, Decoded: d, Stats: res.Stats}, nil
}

func compileAndLink(p pvm.Profile) (*link.Result, error) {
	dir, err := os.MkdirTemp("", "interp-svc-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := writeTree(dir); err != nil {
		return nil, err
	}
	var srcs []string
	for _, f := range svcrt.RuntimeFiles {
		srcs = append(srcs, filepath.Join(dir, "svcrt", "c", f))
	}
	for _, f := range GuestFiles {
		srcs = append(srcs, filepath.Join(dir, "interp-svc", "guest", f))
	}
	objs, err := guest.Compile(srcs, guest.Options{Flags: profileFlags(p)})
	if err != nil {
		return nil, err
	}
	// Object names must not depend on the temporary directory (determinism).
	for i := range objs {
		objs[i].Name = filepath.Base(objs[i].Name)
	}
	res, err := link.Link(objs, link.Options{Profile: p, Entries: []string{"refine_ext"}})
	if err != nil {
		return nil, fmt.Errorf("interp-svc: link: %w", err)
	}
	return res, nil
}

// HostBinary returns the host build of the service from the build cache, compiling it
// when the sources changed (fuzz workers and specs share it).
func HostBinary() (string, error) {
	clang, err := guest.FindClang("")
	if err != nil {
		return "", err
	}
	key, err := sourceKey(pvm.GP072, clang)
	if err != nil {
		return "", err
	}
	path := filepath.Join(cacheDir(), "svc-host-"+key)
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	dir, err := os.MkdirTemp("", "interp-svc-host-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	bin, err := BuildHost(dir)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	b, err := os.ReadFile(bin)
	if err != nil {
		return "", err
	}
	tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
	if err := os.WriteFile(tmp, b, 0o755); err != nil {
		return "", err
	}
	return path, os.Rename(tmp, path)
}

// BuildHost compiles the service for this machine (the hosttest harness: request on
// stdin, response on stdout) into dir and returns the executable's path. Tests use it to
// check the C code without the PVM.
func BuildHost(dir string) (string, error) {
	clang, err := guest.FindClang("")
	if err != nil {
		return "", err
	}
	if err := writeTree(dir); err != nil {
		return "", err
	}
	args := []string{"-O2", "-DSVC_NO_LIBC", "-fno-strict-aliasing", "-o", filepath.Join(dir, "svc-host"),
		filepath.Join(dir, "interp-svc", "guest", "hosttest", "main.c")}
	for _, f := range svcrt.RuntimeFiles {
		if f != "svc_refine.c" {
			args = append(args, filepath.Join(dir, "svcrt", "c", f))
		}
	}
	for _, f := range GuestFiles {
		args = append(args, filepath.Join(dir, "interp-svc", "guest", f))
	}
	if out, err := exec.Command(clang, args...).CombinedOutput(); err != nil {
		return "", fmt.Errorf("interp-svc: host build: %v\n%s", err, out)
	}
	return filepath.Join(dir, "svc-host"), nil
}
