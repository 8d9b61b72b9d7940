package harness

import (
	"fmt"
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
