package svcrt

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/sbpf-pvm/sbpf-pvm/runners"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
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
		LogBytes:      uint16(len(invokeLine(ix.ProgramID.String()))),
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
	sv := solana.SysvarsFromCase(c)
	q.Sysvars = []Sysvar{
		{Kind: SysvarClock, Value: sv.Clock.Bytes()},
		{Kind: SysvarRent, Value: sv.Rent.Bytes()},
		{Kind: SysvarEpochSchedule, Value: sv.EpochSchedule.Bytes()},
		{Kind: SysvarLastRestartSlot, Value: sv.LastRestartSlot.Bytes()},
	}
	return &Prepared{Request: q, Accounts: accounts, Instr: ix}, nil
}

// Result turns the guest's response into a runners.Result (without gas, wall time and
// sizes, which the runner fills), the way runners/native reports an execution: the log
// lines Agave adds around the program's own ("consumed", "return", "success" / "failed:"),
// the whole budget burnt by a VM fault, return data only when non-empty, and the state
// diff computed with package solana from the accounts before and the changes reported.
func (p *Prepared) Result(c *runners.Case, runner string, resp *Response) (*runners.Result, error) {
	switch resp.Status {
	case StatusOK, StatusFailure:
	case StatusBadRequest:
		return nil, fmt.Errorf("svcrt: the service rejected the request: %s", resp.ErrorDetail)
	default:
		return nil, fmt.Errorf("svcrt: service fault %s: %s", resp.ErrorKind, resp.ErrorDetail)
	}
	pid := p.Instr.ProgramID.String()
	res := &runners.Result{
		Case:             c.Name,
		Runner:           runner,
		Status:           runners.StatusSuccess,
		ExitCode:         resp.ExitCode,
		ComputeUnits:     resp.ComputeUnits,
		InstructionCount: resp.InstructionCount,
		Diff:             runners.StateDiff{},
	}
	// The host logs the invoke line (the service's collector started with its bytes spent).
	logs := solana.ResumeLogCollector(append([]string{invokeLine(pid)}, resp.Logs...))
	fail := func(kind, detail string) {
		res.Status = runners.StatusFailure
		k := kind
		res.Error = &k
		res.ErrorDetail = detail
	}
	heapCost := solana.HeapCost(p.Request.HeapSize, solana.DefaultExecutionCost().HeapCost)
	switch resp.Origin {
	case OriginLoad:
		logs.Log("Program is not deployed")
		logs.Log("Program " + pid + " failed: " + solana.NewInstructionError(solana.UnsupportedProgramID).Error())
		fail(resp.ErrorKind, resp.ErrorDetail)
	case OriginSetup:
		logs.Log("Failed to create SBF VM: " + resp.ErrorDetail)
		logs.Log("Program " + pid + " failed: " + solana.NewInstructionError(solana.ProgramEnvironmentSetupFailure).Error())
		fail(resp.ErrorKind, resp.ErrorDetail)
	default:
		consumed := resp.ComputeUnits - min(resp.ComputeUnits, heapCost)
		logs.Log(fmt.Sprintf("Program %s consumed %d of %d compute units", pid, consumed, p.Request.ComputeBudget))
		if resp.ReturnData != nil && len(resp.ReturnData.Data) > 0 {
			logs.Log("Program return: " + pid + " " + base64.StdEncoding.EncodeToString(resp.ReturnData.Data))
		}
		switch {
		case resp.Origin == OriginVM || resp.Origin == OriginSyscall:
			if resp.Origin == OriginVM {
				res.ComputeUnits = p.Request.ComputeBudget // deplete_cu_meter_on_vm_failure
			}
			text := failureText(resp)
			logs.Log("Program " + pid + " failed: " + text)
			fail(resp.ErrorKind, text)
		case resp.Status == StatusOK && resp.ExitCode != 0:
			ierr := solana.InstructionErrorFromReturn(resp.ExitCode)
			logs.Log("Program " + pid + " failed: " + ierr.Error())
			fail(ierr.Kind, ierr.Error())
		case resp.Origin == OriginDeserialize:
			ierr := solana.NewInstructionError(resp.ErrorKind)
			logs.Log("Program " + pid + " failed: " + ierr.Error())
			fail(resp.ErrorKind, ierr.Error())
		default:
			logs.Log("Program " + pid + " success")
			if resp.Origin == OriginBalance {
				fail(resp.ErrorKind, solana.NewInstructionError(resp.ErrorKind).Error())
			}
		}
	}
	res.Logs = logs.Logs
	if resp.ReturnData != nil && len(resp.ReturnData.Data) > 0 {
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

// invokeLine is the first line Agave logs for a top-level instruction.
func invokeLine(pid string) string { return "Program " + pid + " invoke [1]" }

// failureText is what Agave prints after "failed: " for a VM or syscall error: the
// Display of the EbpfError, or of the error the syscall returned.
func failureText(resp *Response) string {
	k := resp.ErrorKind
	switch k {
	case "AccessViolation", "StackAccessViolation", solana.ReturnDataTooLarge:
		return resp.ErrorDetail
	case solana.Panic:
		parts := strings.Split(resp.ErrorDetail, ":")
		if len(parts) == 3 {
			file, err1 := hex.DecodeString(parts[0])
			line, err2 := strconv.ParseUint(parts[1], 10, 64)
			col, err3 := strconv.ParseUint(parts[2], 10, 64)
			if err1 == nil && err2 == nil && err3 == nil {
				return solana.PanicError(string(file), line, col).Error()
			}
		}
		return resp.ErrorDetail
	case solana.InvalidString:
		b, err := hex.DecodeString(resp.ErrorDetail)
		if err != nil {
			return resp.ErrorDetail
		}
		return solana.InvalidStringError(b).Error()
	case solana.BadSeeds:
		return solana.BadSeedsError().Error()
	case syscalls.UnsupportedSyscall:
		return resp.ErrorDetail + " is not supported by sbpf-pvm"
	case solana.ComputationalBudgetExceeded, solana.UnsupportedSysvar:
		return solana.NewInstructionError(k).Error()
	}
	if resp.Origin == OriginVM {
		for i := sbpf.EbpfErrorKind(0); i < 32; i++ {
			if i.String() == k {
				return (&sbpf.EbpfError{Kind: i}).Error()
			}
		}
	}
	return solana.NewSyscallError(k).Error()
}
