package svcrt

import (
	"embed"
	"io/fs"
	"os"
	"path/filepath"
)

// CSources holds the C runtime (c/*.c, c/*.h) so that runners can build their guests from
// any working directory.
//
//go:embed c/*.c c/*.h
var CSources embed.FS

// RuntimeFiles are the runtime's translation units, in link order. svc_refine.c is the
// PVM entry point; a host build replaces it with its own main.
var RuntimeFiles = []string{"svc_core.c", "svc_service.c", "svc_syscalls.c", "svc_crypto.c", "svc_refine.c"}

// WriteTree copies the files under root in fsys (an embedded source tree) to dst, keeping
// their relative paths, so that clang can compile them with the #include layout they
// expect.
func WriteTree(fsys fs.FS, root, dst string) error {
	return fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		out := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		return os.WriteFile(out, b, 0o644)
	})
}

// CacheDir is where a PVM runner keeps built blobs: build/<name> under the module root
// (the directory holding go.mod, searched upwards from the working directory), or the
// user cache directory when there is no module root.
func CacheDir(name string) string {
	dir, err := os.Getwd()
	for err == nil {
		if _, e := os.Stat(filepath.Join(dir, "go.mod")); e == nil {
			return filepath.Join(dir, "build", name)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	if c, e := os.UserCacheDir(); e == nil {
		return filepath.Join(c, "sbpf-pvm", name)
	}
	return filepath.Join(os.TempDir(), "sbpf-pvm-"+name)
}
