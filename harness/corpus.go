package harness

import (
	"debug/elf"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/sbpf-pvm/sbpf-pvm/runners"
)

// CorpusError collects every problem found while loading a corpus, so that one run
// reports all bad files at once.
type CorpusError struct {
	Dir  string
	Errs []error
}

func (e *CorpusError) Error() string {
	if len(e.Errs) == 1 {
		return e.Errs[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "corpus %s: %d problems", e.Dir, len(e.Errs))
	for _, err := range e.Errs {
		b.WriteString("\n  ")
		b.WriteString(err.Error())
	}
	return b.String()
}

func (e *CorpusError) Unwrap() []error { return e.Errs }

// LoadCorpus reads every *.yaml / *.yml case under dir (recursively) and returns the
// cases sorted by name. Case names must be unique. Program files are not read here
// (see LoadPrograms), so a corpus can be listed before it is built.
func LoadCorpus(dir string) ([]*runners.Case, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, &CorpusError{Dir: dir, Errs: []error{fmt.Errorf("corpus %s: %w", dir, err)}}
	}
	if !st.IsDir() {
		return nil, &CorpusError{Dir: dir, Errs: []error{fmt.Errorf("corpus %s: not a directory", dir)}}
	}
	var files []string
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, &CorpusError{Dir: dir, Errs: []error{fmt.Errorf("corpus %s: %w", dir, err)}}
	}
	sort.Strings(files)
	var errs []error
	var cases []*runners.Case
	byName := map[string]string{}
	for _, f := range files {
		c, err := runners.LoadCase(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if prev, dup := byName[c.Name]; dup {
			errs = append(errs, fmt.Errorf("case %s: name %q already used by %s", f, c.Name, prev))
			continue
		}
		byName[c.Name] = f
		cases = append(cases, c)
	}
	if len(errs) > 0 {
		return nil, &CorpusError{Dir: dir, Errs: errs}
	}
	SortCases(cases)
	return cases, nil
}

// SortCases orders cases by name, the order of every table and report.
func SortCases(cases []*runners.Case) {
	sort.SliceStable(cases, func(i, j int) bool { return cases[i].Name < cases[j].Name })
}

// LoadPrograms reads the program of every case, reporting all that are missing.
func LoadPrograms(cases []*runners.Case) error {
	var errs []error
	for _, c := range cases {
		if _, err := c.ProgramBytes(); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return &CorpusError{Dir: "programs", Errs: errs}
	}
	return nil
}

// Filter keeps the cases whose name matches any of the globs (path.Match syntax, where
// "*" stops at "/"; a trailing "/**" or a lone "**" matches every deeper name). No globs
// keeps everything. A malformed glob is an error.
func Filter(cases []*runners.Case, globs []string) ([]*runners.Case, error) {
	var pats []string
	for _, g := range globs {
		for _, p := range splitGlobs(g) {
			if p = strings.TrimSpace(p); p != "" {
				if _, err := path.Match(p, ""); err != nil {
					return nil, fmt.Errorf("filter %q: %w", p, err)
				}
				pats = append(pats, p)
			}
		}
	}
	if len(pats) == 0 {
		return cases, nil
	}
	var out []*runners.Case
	for _, c := range cases {
		for _, p := range pats {
			if globMatch(p, c.Name) {
				out = append(out, c)
				break
			}
		}
	}
	return out, nil
}

// splitGlobs splits a comma-separated list of globs, leaving escaped commas ("\\,") in.
func splitGlobs(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ',':
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func globMatch(pattern, name string) bool {
	if pattern == "**" {
		return true
	}
	if prefix, ok := strings.CutSuffix(pattern, "/**"); ok {
		// Match the prefix against as many leading segments as it has.
		n := strings.Count(prefix, "/") + 1
		segs := strings.Split(name, "/")
		if len(segs) <= n {
			return false
		}
		ok, _ := path.Match(prefix, strings.Join(segs[:n], "/"))
		return ok
	}
	ok, _ := path.Match(pattern, name)
	return ok
}

// EscapeGlob quotes a case name so that Filter matches exactly that name.
func EscapeGlob(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ { // bytewise: invalid UTF-8 must survive unchanged
		switch name[i] {
		case '*', '?', '[', ']', '\\', ',':
			b.WriteByte('\\')
		}
		b.WriteByte(name[i])
	}
	return b.String()
}

// Shard is one part of a corpus split into Count disjoint parts; Index is 1-based.
type Shard struct {
	Index, Count int
}

// ParseShard reads "I/N" with 1 ≤ I ≤ N. The empty string means the whole corpus.
func ParseShard(s string) (Shard, error) {
	if s == "" {
		return Shard{1, 1}, nil
	}
	i, n, ok := strings.Cut(s, "/")
	if !ok {
		return Shard{}, fmt.Errorf("shard %q: want I/N, for example 2/4", s)
	}
	idx, err1 := strconv.Atoi(i)
	cnt, err2 := strconv.Atoi(n)
	if err := errors.Join(err1, err2); err != nil {
		return Shard{}, fmt.Errorf("shard %q: want I/N: %w", s, err)
	}
	if cnt < 1 || idx < 1 || idx > cnt {
		return Shard{}, fmt.Errorf("shard %q: need 1 ≤ I ≤ N", s)
	}
	return Shard{Index: idx, Count: cnt}, nil
}

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// Select returns this shard's cases: every Count-th case of the sorted list starting
// at Index-1, so the shards are disjoint, their union is the whole list, and their
// sizes differ by at most one.
func (s Shard) Select(cases []*runners.Case) []*runners.Case {
	if s.Count <= 1 {
		return cases
	}
	var out []*runners.Case
	for i := s.Index - 1; i < len(cases); i += s.Count {
		out = append(out, cases[i])
	}
	return out
}

// ProgramName is the name plots and tables use for a case's program: the ELF file name
// without its extension ("counter" for ../../programs/counter/counter.so).
func ProgramName(c *runners.Case) string {
	p := c.Program
	if p == "" {
		p = c.ProgramPath
	}
	if p == "" {
		return c.Name
	}
	base := filepath.Base(p)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// ProgramSize returns the size of the program's executable text (sum of the
// executable sections of the ELF), or the file size when the ELF cannot be read.
func ProgramSize(prog []byte) (size int64) {
	size = int64(len(prog))
	defer func() {
		// debug/elf is robust, but a corpus must never crash the harness.
		if recover() != nil {
			size = int64(len(prog))
		}
	}()
	f, err := elf.NewFile(bytesReaderAt(prog))
	if err != nil {
		return size
	}
	var text int64
	for _, s := range f.Sections {
		if s.Flags&elf.SHF_EXECINSTR != 0 && s.Type == elf.SHT_PROGBITS {
			text += int64(s.Size)
		}
	}
	if text > 0 && text <= int64(len(prog)) {
		return text
	}
	return size
}
