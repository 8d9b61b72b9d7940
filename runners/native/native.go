// Package native is the reference runner: it executes a case on the Go sBPF VM with the
// Solana syscalls, the way Agave's bpf_loader executes one top-level instruction of a
// program owned by bpf_loader_upgradeable: load and verify the ELF, serialize the
// accounts (ABI v1), run with the case's compute budget and a 32 KiB heap, deserialize,
// check the instruction is balanced, and report logs, return data, compute units and the
// state diff.
package native

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/sbpf-pvm/sbpf-pvm/runners"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/elf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/syscalls"
	"github.com/sbpf-pvm/sbpf-pvm/solana"
)

// Name is the runner's identifier.
const Name = "native"

// Runner runs cases natively. The zero value is ready to use.
type Runner struct {
	// Sysvars, when non-nil, overrides the sysvars of every case.
	Sysvars *solana.Sysvars
}

// New returns a native runner.
func New() *Runner { return &Runner{} }

// Name implements runners.Runner.
func (r *Runner) Name() string { return Name }

// Run implements runners.Runner. The error return is for a case that cannot be used (no
// program file, malformed keys); every program outcome, including an ELF the loader
// rejects, is a Result.
func (r *Runner) Run(ctx context.Context, c *runners.Case) (*runners.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	prog, err := c.ProgramBytes()
	if err != nil {
		return nil, err
	}
	accounts, ix, err := solana.FromCase(c)
	if err != nil {
		return nil, fmt.Errorf("case %s: %w", c.Name, err)
	}
	sysvars := solana.SysvarsFromCase(c)
	if r.Sysvars != nil {
		sysvars = *r.Sysvars
	}
	budget := c.ComputeBudget
	if budget == 0 { // a case that skipped Validate
		budget = runners.DefaultComputeBudget
	}
	start := time.Now()
	res := Execute(prog, accounts, ix, budget, sysvars)
	res.WallNS = time.Since(start).Nanoseconds()
	res.Case = c.Name
	return res, nil
}

// Execute runs one instruction of the program in elfBytes over accounts and returns the
// Result (without Case and WallNS). accounts are not modified.
func Execute(elfBytes []byte, accounts []solana.Account, ix *solana.Instruction, budget uint64, sysvars solana.Sysvars) *runners.Result {
	pid := ix.ProgramID.String()
	ic := syscalls.NewInvokeContext(ix.ProgramID, budget)
	ic.Sysvars = sysvars
	res := &runners.Result{Runner: Name, Status: runners.StatusSuccess, Logs: []string{}, Diff: runners.StateDiff{}}
	finish := func() *runners.Result {
		res.ComputeUnits = budget - ic.Remaining()
		res.Logs = append(res.Logs, ic.Logs...)
		ic.Logs = nil
		if len(ic.ReturnData.Data) > 0 {
			res.ReturnData = &runners.ReturnData{ProgramID: ic.ReturnData.ProgramID.String(), Data: ic.ReturnData.Data}
		}
		return res
	}
	fail := func(kind, detail string) *runners.Result {
		res.Status = runners.StatusFailure
		res.Error = &kind
		res.ErrorDetail = detail
		res.Diff = runners.StateDiff{}
		return finish()
	}

	ic.Log("Program " + pid + " invoke [1]")

	exe, err := loadProgram(elfBytes)
	var setupErr *loaderError
	if errors.As(err, &setupErr) {
		ic.Log("Failed to create SBF VM: " + err.Error())
		return fail(solana.ProgramEnvironmentSetupFailure, err.Error())
	}
	if err != nil {
		// Agave never deploys such a program; executing it finds a FailedVerification
		// cache entry: "Program is not deployed", UnsupportedProgramId.
		final := solana.NewInstructionError(solana.UnsupportedProgramID)
		ic.Log("Program is not deployed")
		ic.Log("Program " + pid + " failed: " + final.Error())
		return fail(solana.ErrorKind(err), err.Error()+"; instruction error: "+final.Kind)
	}

	pre := accounts
	post := solana.CloneAccounts(accounts)
	in, err := solana.SerializeInto(bufOf(inputPool.Get()), post, ix)
	if err != nil {
		final := solana.FinalInstructionError(err)
		ic.Log("Program " + pid + " failed: " + final.Error())
		return fail(solana.ErrorKind(err), err.Error())
	}
	// Deserialize copies what it keeps, so the buffer goes back to the pool afterwards.
	defer func() { b := in.Buffer[:0]; inputPool.Put(&b) }()

	// create_vm!: the "of Y" of the consumed line is read before the heap is paid for; a
	// heap that cannot be paid for, or a mapping that cannot be built, fails the VM setup.
	prevRemaining := ic.Remaining()
	setupFailed := func(err error) *runners.Result {
		ic.Log("Failed to create SBF VM: " + err.Error())
		final := solana.NewInstructionError(solana.ProgramEnvironmentSetupFailure)
		ic.Log("Program " + pid + " failed: " + final.Error())
		return fail(final.Kind, err.Error())
	}
	if err := ic.ConsumeChecked(solana.HeapCost(ic.HeapSize, ic.Cost.HeapCost)); err != nil {
		return setupFailed(err)
	}
	cfg := exe.Config()
	stack, heap := getZeroed(&stackPool, cfg.StackSize()), getZeroed(&heapPool, int(ic.HeapSize))
	defer stackPool.Put(&stack)
	defer heapPool.Put(&heap)
	mem, err := sbpf.NewStandardMapping(exe, stack, heap, in.Buffer, nil)
	if err != nil {
		return setupFailed(err)
	}
	vm := sbpf.NewVM(exe, ic, mem, ic)
	consumed, r0, runErr := vm.Execute()
	res.InstructionCount = consumed - min(consumed, ic.SyscallUnits())
	ic.Log(fmt.Sprintf("Program %s consumed %d of %d compute units", pid, consumed, prevRemaining))
	if len(ic.ReturnData.Data) > 0 {
		ic.Log("Program return: " + pid + " " + base64.StdEncoding.EncodeToString(ic.ReturnData.Data))
	}

	switch {
	case runErr != nil:
		if !isSyscallError(runErr) {
			// deplete_cu_meter_on_vm_failure: a fault of the VM itself burns the budget.
			ic.Consume(ic.Remaining())
		}
		final := solana.FinalInstructionError(runErr)
		ic.Log("Program " + pid + " failed: " + solana.FailureText(runErr))
		return fail(solana.ErrorKind(runErr), solana.FailureText(runErr)+"; instruction error: "+final.Kind)
	case r0 != 0:
		ierr := solana.InstructionErrorFromReturn(r0)
		res.ExitCode = r0
		ic.Log("Program " + pid + " failed: " + ierr.Error())
		return fail(ierr.Kind, ierr.Error())
	}

	if err := solana.Deserialize(in.Buffer, post, ix, originalLens(in)); err != nil {
		ic.Log("Program " + pid + " failed: " + err.Error())
		return fail(solana.ErrorKind(err), err.Error())
	}
	ic.Log("Program " + pid + " success")
	// TransactionContext::pop: reported after the success line, as in Agave.
	if err := solana.CheckBalanced(pre, post, ix); err != nil {
		return fail(solana.ErrorKind(err), err.Error())
	}
	res.Diff = solana.ComputeDiff(pre, post)
	return finish()
}

// The loader (Agave's program runtime environment: config + syscalls) is the same for
// every run, and a verified Executable is read-only while it runs, so both are built once
// and shared, as Agave's program cache shares a deployed program between instructions.
// Executables (and load or verification errors) are cached by the SHA-256 of the ELF.
var (
	loaderOnce   sync.Once
	sharedLoader *sbpf.Loader
	sharedErr    error

	programsMu sync.Mutex
	programs   = map[[sha256.Size]byte]cachedProgram{}
)

// maxCachedPrograms bounds the cache; when it is full it starts again empty.
const maxCachedPrograms = 256

type cachedProgram struct {
	exe *sbpf.Executable
	err error
}

// loaderError marks a failure to build the loader itself (not the program's fault).
type loaderError struct{ err error }

func (e *loaderError) Error() string { return e.err.Error() }
func (e *loaderError) Unwrap() error { return e.err }

// loadProgram returns the loaded and verified executable of elfBytes, or the *elf.Error
// or *sbpf.VerifierError that rejected it, or a *loaderError.
func loadProgram(elfBytes []byte) (*sbpf.Executable, error) {
	loaderOnce.Do(func() { sharedLoader, sharedErr = syscalls.NewLoader() })
	if sharedErr != nil {
		return nil, &loaderError{sharedErr}
	}
	key := sha256.Sum256(elfBytes)
	programsMu.Lock()
	c, ok := programs[key]
	programsMu.Unlock()
	if ok {
		return c.exe, c.err
	}
	exe, err := elf.Load(elfBytes, sharedLoader)
	if err == nil {
		err = exe.Verify()
	}
	if err != nil {
		exe = nil
	}
	programsMu.Lock()
	if len(programs) >= maxCachedPrograms {
		clear(programs)
	}
	programs[key] = cachedProgram{exe, err}
	programsMu.Unlock()
	return exe, err
}

// bufPool recycles stack and heap buffers between runs (Agave keeps a VmMemoryPool for
// the same reason); a buffer is zeroed before reuse, so every run starts from zeroed
// memory.
var stackPool, heapPool, inputPool sync.Pool

// bufOf is the buffer a pool handed out, or nil.
func bufOf(p any) []byte {
	if b, ok := p.(*[]byte); ok {
		return *b
	}
	return nil
}

func getZeroed(pool *sync.Pool, n int) []byte {
	if p, ok := pool.Get().(*[]byte); ok && cap(*p) >= n {
		b := (*p)[:n]
		clear(b)
		return b
	}
	return make([]byte, n)
}

func originalLens(in *solana.Input) []int {
	out := make([]int, len(in.Accounts))
	for i, a := range in.Accounts {
		out[i] = a.OriginalDataLen
	}
	return out
}

// isSyscallError reports whether the VM stopped because a syscall failed
// (EbpfError::SyscallError), which Agave does not punish with the whole budget.
func isSyscallError(err error) bool {
	ee, ok := err.(*sbpf.EbpfError)
	return ok && ee.Kind == sbpf.ErrSyscallError
}
