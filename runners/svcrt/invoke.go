package svcrt

import (
	"fmt"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/pvm/host"
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
// decodes the response when the service halts. Both PVM runners go through here, so
// they differ only in the blob they run.
func InvokeRefine(profile pvm.Profile, d *pvm.Decoded, sp *pvm.StandardProgram, payload []byte, gas int64) (*Invocation, error) {
	hc := &host.Refine{Profile: profile, ServiceID: ServiceID, Fetch: host.FetchData{Payloads: [][]byte{payload}}}
	res := pvm.RunStandardDecoded(d, sp, 0, RefineArgs(ServiceID, payload), gas, hc)
	inv := &Invocation{PVM: res, Logs: hc.Logs}
	if res.Status == pvm.StatusHalt {
		resp, err := DecodeResponse(res.Output)
		if err != nil {
			return inv, fmt.Errorf("undecodable response: %w", err)
		}
		inv.Response = resp
	}
	return inv, nil
}
