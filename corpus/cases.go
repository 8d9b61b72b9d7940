package corpus

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sbpf-pvm/sbpf-pvm/runners"
)

// Cases builds every program under root (see Build) and loads every case under
// root/cases with its program bytes set from that build, so a test suite can run the
// whole corpus from a clean checkout without `make corpus`. Cases come in path order.
func Cases(root, clang string) ([]*runners.Case, error) {
	programs, err := Build(root, clang)
	if err != nil {
		return nil, err
	}
	var files []string
	err = filepath.WalkDir(filepath.Join(root, "cases"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".yaml") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	cases := make([]*runners.Case, 0, len(files))
	for _, f := range files {
		c, err := runners.LoadCase(f)
		if err != nil {
			return nil, err
		}
		name := strings.TrimSuffix(filepath.Base(c.ProgramPath), ".so")
		prog, ok := programs[name]
		if !ok {
			return nil, fmt.Errorf("case %s names program %s, which the corpus does not build", f, name)
		}
		c.SetProgramBytes(prog)
		cases = append(cases, c)
	}
	return cases, nil
}
