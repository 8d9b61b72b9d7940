package harness

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/sbpf-pvm/sbpf-pvm/runners"
)

// Options are the settings every runner factory receives.
type Options struct {
	// Profile is the PVM gas profile: "gp072" or "gp080". Runners without a PVM ignore it.
	Profile string
}

// Profiles accepted by Options.Profile.
var Profiles = []string{"gp072", "gp080"}

// DefaultProfile is the gas profile of the cost report (see ../shared/spec/pvm.md §0.2).
const DefaultProfile = "gp080"

// Factory builds a runner. It returns an error only when the runner cannot be built at
// all; a runner that is built but cannot run on this machine implements
// runners.Availability instead, so that the harness can report why.
type Factory func(Options) (runners.Runner, error)

type registration struct {
	factory Factory
	order   int
	// profiled runners run on the PVM and are built once per gas profile.
	profiled bool
}

var (
	registryMu sync.Mutex
	registry   = map[string]registration{}
)

// Register makes a runner available by name. Registering a name twice panics: it is a
// programming error in an init function.
func Register(name string, f Factory) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if name == "" || f == nil {
		panic("harness: Register with empty name or nil factory")
	}
	if _, dup := registry[name]; dup {
		panic("harness: runner registered twice: " + name)
	}
	registry[name] = registration{factory: f, order: len(registry)}
}

// RegisterProfiled is Register for a runner whose results depend on the PVM gas
// profile: BuildProfiles builds it once per selected profile.
func RegisterProfiled(name string, f Factory) {
	Register(name, f)
	registryMu.Lock()
	defer registryMu.Unlock()
	r := registry[name]
	r.profiled = true
	registry[name] = r
}

// ProfileAll is the --profile alias for every profile.
const ProfileAll = "both"

// DefaultProfiles is what conformance runs by default: both profiles, the cost
// report's DefaultProfile first.
var DefaultProfiles = DefaultProfile + ",gp072"

// ParseProfiles reads a comma-separated profile list ("both" stands for all). The
// result has no duplicates and starts with the primary profile: DefaultProfile when
// listed, else the first one given. The primary profile's runners keep their plain
// names; the others are named ProfileRunnerName(runner, profile).
func ParseProfiles(list string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(list, ",") {
		p = strings.TrimSpace(p)
		names := []string{p}
		if p == ProfileAll {
			names = Profiles
		} else if !slices.Contains(Profiles, p) {
			return nil, fmt.Errorf("unknown profile %q (want %s, a comma-separated list of them, or %s)", p, strings.Join(Profiles, " or "), ProfileAll)
		}
		for _, n := range names {
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	if i := slices.Index(out, DefaultProfile); i > 0 {
		out = append([]string{DefaultProfile}, slices.Delete(out, i, i+1)...)
	}
	return out, nil
}

// ProfileRunnerName is the name of a profiled runner running under a profile other
// than the primary one, e.g. "interp-svc@gp072".
func ProfileRunnerName(runner, profile string) string { return runner + "@" + profile }

// SplitProfileRunnerName undoes ProfileRunnerName; profile is "" for a plain name.
func SplitProfileRunnerName(name string) (runner, profile string) {
	if i := strings.LastIndexByte(name, '@'); i > 0 {
		return name[:i], name[i+1:]
	}
	return name, ""
}

// BuildProfiles creates the named runners (every registered one when names is empty)
// under the first (primary) profile, then the profiled ones again under each further
// profile, named ProfileRunnerName(runner, profile). A name may carry its profile
// ("interp-svc@gp072") to select that one run; it must be one of profiles.
func BuildProfiles(names, profiles []string) ([]RunnerSlot, error) {
	if len(profiles) == 0 {
		return nil, errors.New("no gas profile selected")
	}
	if len(names) == 0 {
		names = Registered()
	}
	known := Registered()
	type want struct{ runner, profile string }
	var wants []want
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		base, prof := SplitProfileRunnerName(n)
		registryMu.Lock()
		reg, ok := registry[base]
		registryMu.Unlock()
		if !ok {
			return nil, &UnknownRunnerError{Name: n, Known: known}
		}
		switch {
		case prof != "" && (!reg.profiled || !slices.Contains(profiles, prof)):
			return nil, fmt.Errorf("runner %q: %s does not run under profile %q here (profiles: %s)", n, base, prof, strings.Join(profiles, ","))
		case prof != "":
			wants = append(wants, want{base, prof})
		case reg.profiled:
			for _, p := range profiles {
				wants = append(wants, want{base, p})
			}
		default:
			wants = append(wants, want{base, ""})
		}
	}
	// Primary-profile (and profile-free) runners first, in the order given; then each
	// further profile in turn.
	seen := map[string]bool{}
	var slots []RunnerSlot
	for _, group := range append([]string{""}, profiles[1:]...) {
		for _, w := range wants {
			prof := w.profile
			if prof == profiles[0] {
				prof = ""
			}
			if prof != group {
				continue
			}
			name := w.runner
			if prof != "" {
				name = ProfileRunnerName(w.runner, prof)
			}
			if seen[name] {
				continue
			}
			seen[name] = true
			registryMu.Lock()
			reg := registry[w.runner]
			registryMu.Unlock()
			r, err := reg.factory(Options{Profile: cmpOr(w.profile, profiles[0])})
			sl := NewSlot(name, r, err)
			if reg.profiled {
				sl.Profile = cmpOr(w.profile, profiles[0])
			}
			slots = append(slots, sl)
		}
	}
	return slots, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Registered lists the registered runner names: the reference runner "native" first,
// then the rest in canonical order (interp-svc, transpiled), then any others by name.
func Registered() []string {
	registryMu.Lock()
	defer registryMu.Unlock()
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	SortRunnerNames(names)
	return names
}

// canonicalOrder is the order runners appear in tables and plots.
var canonicalOrder = map[string]int{"native": 0, "interp-svc": 1, "transpiled": 2}

// SortRunnerNames sorts runner names in canonical order (native, interp-svc,
// transpiled, then the others alphabetically).
func SortRunnerNames(names []string) {
	sort.SliceStable(names, func(i, j int) bool {
		oi, iok := canonicalOrder[names[i]]
		oj, jok := canonicalOrder[names[j]]
		switch {
		case iok && jok:
			return oi < oj
		case iok != jok:
			return iok
		}
		return names[i] < names[j]
	})
}

// UnknownRunnerError names a runner that is not registered.
type UnknownRunnerError struct {
	Name  string
	Known []string
}

func (e *UnknownRunnerError) Error() string {
	known := "none registered"
	if len(e.Known) > 0 {
		known = "known: " + strings.Join(e.Known, ", ")
	}
	return fmt.Sprintf("unknown runner %q (%s)", e.Name, known)
}

// Build creates the named runners. An empty list means every registered runner. A
// factory that fails yields an unavailable entry with its reason rather than an error:
// only an unknown name is the caller's mistake.
func Build(names []string, opts Options) ([]RunnerSlot, error) {
	if len(names) == 0 {
		names = Registered()
	}
	known := Registered()
	seen := map[string]bool{}
	var slots []RunnerSlot
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" || seen[n] {
			continue
		}
		seen[n] = true
		registryMu.Lock()
		reg, ok := registry[n]
		registryMu.Unlock()
		if !ok {
			return nil, &UnknownRunnerError{Name: n, Known: known}
		}
		r, err := reg.factory(opts)
		slots = append(slots, NewSlot(n, r, err))
	}
	return slots, nil
}

// RunnerSlot is one selected runner and whether it can run here.
type RunnerSlot struct {
	Name   string
	Runner runners.Runner // nil when unavailable
	// Unavailable is the reason the runner cannot run here ("" when it can).
	Unavailable string
	// Profile is the PVM gas profile the runner runs under ("" for runners without a
	// PVM, or when built by Build).
	Profile string
}

// NewSlot wraps a built runner, asking it (through runners.Availability) whether it
// can run on this machine. buildErr is the factory's error, if any.
func NewSlot(name string, r runners.Runner, buildErr error) RunnerSlot {
	s := RunnerSlot{Name: name, Runner: r}
	switch {
	case buildErr != nil:
		s.Runner, s.Unavailable = nil, buildErr.Error()
	case r == nil:
		s.Unavailable = "factory returned no runner"
	default:
		if a, ok := r.(runners.Availability); ok {
			if err := a.Available(); err != nil {
				s.Runner, s.Unavailable = nil, err.Error()
			}
		}
	}
	return s
}
