package interpsvc_test

import (
	"github.com/sbpf-pvm/sbpf-pvm/runners"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/elf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/syscalls"
	"github.com/sbpf-pvm/sbpf-pvm/solana"
)

// reference runs a case on the Go sBPF VM the way Agave executes one instruction (load,
// verify, serialize, execute, deserialize, diff). It stands in for runners/native in these
// specs: the fields compared are the agreement fields of DESIGN.md minus the framing logs.
func reference(c *runners.Case) *runners.Result {
	res := &runners.Result{Case: c.Name, Runner: "reference", Status: runners.StatusSuccess, Logs: []string{}, Diff: runners.StateDiff{}}
	fail := func(err error) *runners.Result {
		res.Status = runners.StatusFailure
		k := solana.ErrorKind(err)
		res.Error = &k
		res.ErrorDetail = err.Error()
		return res
	}
	prog, err := c.ProgramBytes()
	if err != nil {
		panic(err)
	}
	accounts, ix, err := solana.FromCase(c)
	if err != nil {
		panic(err)
	}
	loader, err := syscalls.NewLoader()
	if err != nil {
		panic(err)
	}
	exe, err := elf.Load(prog, loader)
	if err != nil {
		return fail(err)
	}
	if err := exe.Verify(); err != nil {
		return fail(err)
	}
	ic := syscalls.NewInvokeContext(ix.ProgramID, c.ComputeBudget)
	in, err := solana.Serialize(accounts, ix)
	if err != nil {
		return fail(err)
	}
	mem, err := sbpf.NewStandardMapping(exe, nil, make([]byte, solana.DefaultHeapSize), in.Buffer, nil)
	if err != nil {
		panic(err)
	}
	vm := sbpf.NewVM(exe, ic, mem, ic)
	_, r0, err := vm.Execute()
	res.ComputeUnits = c.ComputeBudget - ic.Remaining()
	res.InstructionCount = res.ComputeUnits - ic.SyscallUnits()
	res.Logs = append(res.Logs, ic.Logs...)
	if ic.ReturnData.Data != nil || ic.ReturnData.ProgramID != (solana.PublicKey{}) {
		res.ReturnData = &runners.ReturnData{ProgramID: ic.ReturnData.ProgramID.String(), Data: ic.ReturnData.Data}
	}
	if err != nil {
		return fail(err)
	}
	res.ExitCode = r0
	if r0 != 0 {
		return fail(solana.InstructionErrorFromReturn(r0))
	}
	post := solana.CloneAccounts(accounts)
	lens := make([]int, len(in.Accounts))
	for i, a := range in.Accounts {
		lens[i] = a.OriginalDataLen
	}
	if err := solana.Deserialize(in.Buffer, post, ix, lens); err != nil {
		return fail(err)
	}
	if err := solana.CheckBalanced(accounts, post, ix); err != nil {
		return fail(err)
	}
	res.Diff = solana.ComputeDiff(accounts, post)
	return res
}
