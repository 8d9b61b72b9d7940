package svcrt

import (
	"errors"
	"fmt"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/pvm/host"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
)

// ServiceID is the service id the runners give their service in refine invocations.
const ServiceID = 1

// Invocation is the raw outcome of one refine invocation of a service blob.
type Invocation struct {
	// Response is the decoded refine output; nil when the run did not halt (out of
	// gas, panic, page fault).
	Response *Response
	PVM      *pvm.RunResult
	Logs     []host.LogEntry
	// GasLimit is the gas the invocation was given.
	GasLimit int64
}

// RefineArgs encodes the refine entry point's argument bytes (pvm.md §5.5):
// E(core) E(item) E(service) E(|payload|) payload H(package), core, item and the
// package hash zero.
func RefineArgs(serviceID uint64, payload []byte) []byte {
	arg := pvm.AppendVarint(nil, 0)
	arg = pvm.AppendVarint(arg, 0)
	arg = pvm.AppendVarint(arg, serviceID)
	arg = pvm.AppendVarint(arg, uint64(len(payload)))
	arg = append(arg, payload...)
	return append(arg, make([]byte, 32)...)
}

// InvokeRefine runs an encoded request through a service blob's refine entry point
// (pc 0) with the refine host calls, the payload also available through fetch, and
// decodes the response when the service halts. A gas limit of 0 or less means
// MaxRefineGas. Both PVM runners go through here, so they differ only in the blob they
// run.
func InvokeRefine(profile pvm.Profile, d *pvm.Decoded, sp *pvm.StandardProgram, payload []byte, gas int64) (*Invocation, error) {
	if gas <= 0 {
		gas = MaxRefineGas
	}
	hc := &host.Refine{Profile: profile, ServiceID: ServiceID, Fetch: host.FetchData{Payloads: [][]byte{payload}}}
	res := pvm.RunStandardDecoded(d, sp, 0, RefineArgs(ServiceID, payload), gas, hc)
	inv := &Invocation{PVM: res, Logs: hc.Logs, GasLimit: gas}
	if res.Status == pvm.StatusHalt {
		resp, err := DecodeResponse(res.Output)
		if err != nil {
			return inv, fmt.Errorf("undecodable response: %w", err)
		}
		inv.Response = resp
	}
	return inv, nil
}

// MaxRefineGas is G_R, the most gas one work package's refinement may use (GP 0.7.2):
// the default gas limit of a service invocation.
const MaxRefineGas = 5_000_000_000

// Error kinds of failures that are the PVM's, not the program's.
const (
	KindOutOfGas = "PVMOutOfGas" // the service ran out of PVM gas
	KindPanic    = "PVMPanic"    // the service trapped (a bug in the service)
)

// ResultOf turns one invocation into the case's Result for runner: the decoded response
// with the gas split by the service's phase markers, or a PVM-level failure (out of gas,
// trap) when the service did not halt.
func (p *Prepared) ResultOf(c *runners.Case, runner string, inv *Invocation, profile pvm.Profile) (*runners.Result, error) {
	gas := &runners.GasReport{Profile: profile.String(), Total: inv.PVM.GasUsed, Instructions: inv.PVM.Instructions}
	var res *runners.Result
	switch {
	case inv.Response != nil:
		var err error
		if res, err = p.Result(c, runner, inv.Response); err != nil {
			return nil, err
		}
		m := inv.Response.GasMarks
		gas.Load = int64(m[0] - m[1])
		gas.Serialize = int64(m[1] - m[2])
		gas.Execute = int64(m[2] - m[3])
		gas.Diff = int64(m[3] - m[4])
	case inv.PVM.Status == pvm.StatusOutOfGas:
		res = pvmFailure(c, runner, KindOutOfGas, fmt.Sprintf("the service ran out of PVM gas (limit %d)", inv.GasLimit))
	default:
		detail := fmt.Sprintf("the service stopped with %v at pc %d", inv.PVM.Status, inv.PVM.Exit.PC)
		if inv.PVM.Exit.Err != nil && !errors.Is(inv.PVM.Exit.Err, pvm.ErrOutOfGas) {
			detail += ": " + inv.PVM.Exit.Err.Error()
		}
		res = pvmFailure(c, runner, KindPanic, detail)
	}
	res.Gas = gas
	return res, nil
}

func pvmFailure(c *runners.Case, runner, kind, detail string) *runners.Result {
	return &runners.Result{Case: c.Name, Runner: runner, Status: runners.StatusFailure, Error: &kind, ErrorDetail: detail,
		Logs: []string{}, Diff: runners.StateDiff{}}
}
