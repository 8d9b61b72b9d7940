package svcrt

import (
	"fmt"

	"github.com/sbpf-pvm/sbpf-pvm/runners"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/syscalls"
	"github.com/sbpf-pvm/sbpf-pvm/solana"
)

// Prepared is a case turned into a request, with what is needed to read the answer.
type Prepared struct {
	Request  *Request
	Accounts []solana.Account // transaction accounts before execution
	Instr    *solana.Instruction
}

// FromCase builds the request for a case with the configuration the native runner uses
// (sbpf/syscalls.Config: Agave's program runtime environment v1) and Agave's default
// sysvars, heap and cost table.
func FromCase(c *runners.Case) (*Prepared, error) {
	prog, err := c.ProgramBytes()
	if err != nil {
		return nil, err
	}
	accounts, ix, err := solana.FromCase(c)
	if err != nil {
		return nil, err
	}
	cfg := syscalls.Config()
	q := &Request{
		Flags:         FlagMaskRentEpoch | FlagCheckAligned,
		ComputeBudget: c.ComputeBudget,
		HeapSize:      solana.DefaultHeapSize,
		MaxCallDepth:  uint32(cfg.MaxCallDepth),
		FrameSize:     uint32(cfg.StackFrameSize),
		MinVersion:    uint8(cfg.EnabledVersions[0]),
		MaxVersion:    uint8(cfg.EnabledVersions[1]),
		ProgramID:     ix.ProgramID,
		Program:       prog,
	}
	if cfg.EnableStackFrameGaps {
		q.Flags |= FlagStackGaps
	}
	if cfg.RejectBrokenELFs {
		q.Flags |= FlagRejectBrokenELFs
	}
	if cfg.OptimizeRodata {
		q.Flags |= FlagOptimizeRodata
	}
	first := map[int]int{}
	for i, ia := range ix.Accounts {
		if j, dup := first[ia.Index]; dup {
			if j > 254 {
				return nil, fmt.Errorf("svcrt: duplicate of account %d cannot be encoded", j)
			}
			q.Accounts = append(q.Accounts, Account{DupOf: uint8(j), Signer: ia.Signer, Writable: ia.Writable})
			continue
		}
		first[ia.Index] = i
		a := &accounts[ia.Index]
		q.Accounts = append(q.Accounts, Account{DupOf: NotDuplicate, Signer: ia.Signer, Writable: ia.Writable,
			Executable: a.Executable, Key: a.Key, Owner: a.Owner, Lamports: a.Lamports, RentEpoch: a.RentEpoch, Data: a.Data})
	}
	q.InstructionData = ix.Data
	sv := solana.DefaultSysvars()
	q.Sysvars = []Sysvar{
		{Kind: SysvarClock, Value: sv.Clock.Bytes()},
		{Kind: SysvarRent, Value: sv.Rent.Bytes()},
		{Kind: SysvarEpochSchedule, Value: sv.EpochSchedule.Bytes()},
	}
	return &Prepared{Request: q, Accounts: accounts, Instr: ix}, nil
}

// Result turns the guest's response into a runners.Result (without gas, wall time and
// sizes, which the runner fills). The state diff is computed with package solana from the
// accounts before and the changes the guest reported, so it has exactly the native form.
func (p *Prepared) Result(c *runners.Case, runner string, resp *Response) (*runners.Result, error) {
	res := &runners.Result{
		Case:             c.Name,
		Runner:           runner,
		Status:           runners.StatusSuccess,
		ExitCode:         resp.ExitCode,
		ComputeUnits:     resp.ComputeUnits,
		InstructionCount: resp.InstructionCount,
		Logs:             append([]string{}, resp.Logs...),
		Diff:             runners.StateDiff{},
	}
	fail := func(kind, detail string) {
		res.Status = runners.StatusFailure
		k := kind
		res.Error = &k
		res.ErrorDetail = detail
	}
	switch resp.Status {
	case StatusOK:
		if resp.ExitCode != 0 {
			fail(solana.InstructionErrorFromReturn(resp.ExitCode).Kind, "")
		}
	case StatusFailure:
		fail(resp.ErrorKind, resp.ErrorDetail)
	case StatusBadRequest:
		return nil, fmt.Errorf("svcrt: the service rejected the request: %s", resp.ErrorDetail)
	default:
		return nil, fmt.Errorf("svcrt: service fault %s: %s", resp.ErrorKind, resp.ErrorDetail)
	}
	if resp.ReturnData != nil {
		res.ReturnData = &runners.ReturnData{ProgramID: solana.PublicKey(resp.ReturnData.ProgramID).String(), Data: resp.ReturnData.Data}
	}
	if res.Status == runners.StatusSuccess && len(resp.Changes) > 0 {
		post := solana.CloneAccounts(p.Accounts)
		for _, ch := range resp.Changes {
			if int(ch.Index) >= len(p.Instr.Accounts) {
				return nil, fmt.Errorf("svcrt: change for account %d of %d", ch.Index, len(p.Instr.Accounts))
			}
			a := &post[p.Instr.Accounts[ch.Index].Index]
			if ch.Mask&ChangedLamports != 0 {
				a.Lamports = ch.Lamports
			}
			if ch.Mask&ChangedData != 0 {
				a.Data = append([]byte{}, ch.Data...)
			}
			if ch.Mask&ChangedOwner != 0 {
				a.Owner = ch.Owner
			}
		}
		res.Diff = solana.ComputeDiff(p.Accounts, post)
	}
	return res, nil
}
