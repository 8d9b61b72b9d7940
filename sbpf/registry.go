package sbpf

import (
	"bytes"
	"sort"
)

type regEntry struct {
	name string
	pc   uint64
}

// FunctionRegistry maps u32 keys to (name, pc) (program.rs FunctionRegistry<usize>).
// Iteration is in key order like Rust's BTreeMap.
type FunctionRegistry struct {
	m map[uint32]regEntry
}

// NewFunctionRegistry returns an empty registry.
func NewFunctionRegistry() *FunctionRegistry { return &FunctionRegistry{m: map[uint32]regEntry{}} }

// Register adds key -> (name, pc). Re-registering a key with the same pc keeps
// the first name; a different pc is a SymbolHashCollision.
func (r *FunctionRegistry) Register(key uint32, name string, pc uint64) error {
	if r.m == nil {
		r.m = map[uint32]regEntry{}
	}
	if e, ok := r.m[key]; ok {
		if e.pc != pc {
			return &RegistryError{Kind: "SymbolHashCollision", Key: key}
		}
		return nil
	}
	r.m[key] = regEntry{name: name, pc: pc}
	return nil
}

// Unregister removes key and reports whether it was present.
func (r *FunctionRegistry) Unregister(key uint32) bool {
	_, ok := r.m[key]
	delete(r.m, key)
	return ok
}

// Lookup finds a key.
func (r *FunctionRegistry) Lookup(key uint32) (name string, pc uint64, ok bool) {
	if r == nil {
		return "", 0, false
	}
	e, ok := r.m[key]
	return e.name, e.pc, ok
}

// LookupByName returns the entry with the given name that has the smallest key
// (BTreeMap order, as lookup_by_name).
func (r *FunctionRegistry) LookupByName(name string) (key uint32, pc uint64, ok bool) {
	if r == nil {
		return 0, 0, false
	}
	for _, k := range r.Keys() {
		if e := r.m[k]; e.name == name {
			return k, e.pc, true
		}
	}
	return 0, 0, false
}

// Keys returns all keys in ascending order.
func (r *FunctionRegistry) Keys() []uint32 {
	if r == nil {
		return nil
	}
	ks := make([]uint32, 0, len(r.m))
	for k := range r.m {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i] < ks[j] })
	return ks
}

// Len is the number of entries.
func (r *FunctionRegistry) Len() int {
	if r == nil {
		return 0
	}
	return len(r.m)
}

// RegisterHashedLegacy is register_function_hashed_legacy: with hashSymbolName
// the key is the murmur3 of "entrypoint" (for that name) or of the pc as 8 LE
// bytes, and must not collide with a syscall of the loader; otherwise the key is
// the pc. The name is kept only with EnableSymbolAndSectionLabels or for "entrypoint".
func (r *FunctionRegistry) RegisterHashedLegacy(loader *Loader, hashSymbolName bool, name []byte, pc uint64) (uint32, error) {
	var key uint32
	if hashSymbolName {
		if bytes.Equal(name, []byte("entrypoint")) {
			key = HashSymbolName([]byte("entrypoint"))
		} else {
			var le [8]byte
			for i := range le {
				le[i] = byte(pc >> (8 * i))
			}
			key = HashSymbolName(le[:])
		}
		if _, _, ok := loader.LookupSyscall(key); ok {
			return 0, &RegistryError{Kind: "SymbolHashCollision", Key: key}
		}
	} else {
		key = uint32(pc)
	}
	keep := ""
	if loader.Config().EnableSymbolAndSectionLabels || string(name) == "entrypoint" {
		keep = string(name)
	}
	if err := r.Register(key, keep, pc); err != nil {
		return 0, err
	}
	return key, nil
}

// SyscallFunc is a host function callable from a program. It may use vm.Memory,
// vm.Context and vm.Meter(); a returned error aborts the program with a
// SyscallError wrapping it.
type SyscallFunc func(vm *VM, a1, a2, a3, a4, a5 uint64) (uint64, error)

type syscallEntry struct {
	name string
	fn   SyscallFunc
}

// Loader is anza's BuiltinProgram used as a loader: a Config plus the syscall
// registry keyed by HashSymbolName(name).
type Loader struct {
	cfg      Config
	syscalls map[uint32]syscallEntry
}

// NewLoader returns a loader with no syscalls.
func NewLoader(cfg Config) *Loader {
	return &Loader{cfg: cfg, syscalls: map[uint32]syscallEntry{}}
}

// Config returns the loader's configuration (mutable before executables are built).
func (l *Loader) Config() *Config { return &l.cfg }

// RegisterSyscall adds a syscall under HashSymbolName(name). A key that is
// already registered is a SymbolHashCollision (anza compares function pointers,
// which Go cannot; registering twice is always a mistake).
func (l *Loader) RegisterSyscall(name string, fn SyscallFunc) error {
	key := HashSymbolName([]byte(name))
	if _, ok := l.syscalls[key]; ok {
		return &RegistryError{Kind: "SymbolHashCollision", Key: key}
	}
	l.syscalls[key] = syscallEntry{name: name, fn: fn}
	return nil
}

// UnregisterSyscall removes a syscall by name.
func (l *Loader) UnregisterSyscall(name string) bool {
	key := HashSymbolName([]byte(name))
	_, ok := l.syscalls[key]
	delete(l.syscalls, key)
	return ok
}

// LookupSyscall finds a syscall by key.
func (l *Loader) LookupSyscall(key uint32) (name string, fn SyscallFunc, ok bool) {
	if l == nil {
		return "", nil, false
	}
	e, ok := l.syscalls[key]
	return e.name, e.fn, ok
}

// SyscallKeys returns the registered keys in ascending order.
func (l *Loader) SyscallKeys() []uint32 {
	ks := make([]uint32, 0, len(l.syscalls))
	for k := range l.syscalls {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i] < ks[j] })
	return ks
}
