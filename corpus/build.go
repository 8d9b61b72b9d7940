package corpus

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/asm"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/link"
)

// Build compiles every program under root/programs the way `make corpus` does (C with
// clang-19 and sbpf/link, assembly with sbpf/asm) and returns the shared objects by
// program name; C programs are also linked for SBPF v3, as "<name>.v3". It writes nothing into the tree (clang writes the objects to its
// standard output). clang is the compiler binary ("clang-19" when empty).
func Build(root, clang string) (map[string][]byte, error) {
	if clang == "" {
		clang = "clang-19"
	}
	dirs, err := filepath.Glob(filepath.Join(root, "programs", "*"))
	if err != nil {
		return nil, err
	}
	sort.Strings(dirs)
	out := map[string][]byte{}
	for _, dir := range dirs {
		name := filepath.Base(dir)
		cs, _ := filepath.Glob(filepath.Join(dir, "*.c"))
		if len(cs) > 0 {
			var objs []link.Object
			for _, c := range cs {
				data, err := link.CompileC(context.Background(), clang, "", c, "2", "-I", filepath.Join(root, "sdk"))
				if err != nil {
					return nil, fmt.Errorf("corpus (run `make deps`?): %w", err)
				}
				objs = append(objs, link.Object{Name: c, Data: data})
			}
			so, err := link.Link(objs, link.Options{})
			if err != nil {
				return nil, fmt.Errorf("corpus: %s: %w", name, err)
			}
			out[name] = so
			v3, err := link.Link(objs, link.Options{Version: sbpf.V3})
			if err != nil {
				return nil, fmt.Errorf("corpus: %s (v3): %w", name, err)
			}
			out[name+".v3"] = v3
			continue
		}
		src := filepath.Join(dir, name+".s")
		text, err := os.ReadFile(src)
		if err != nil {
			continue // not a program directory
		}
		so, err := asm.AssembleELF(string(text), sbpf.V0)
		if err != nil {
			return nil, fmt.Errorf("corpus: %s: %w", src, err)
		}
		out[name] = so
	}
	return out, nil
}
