// Package host implements the JAM host calls a refine-style service needs (spec §5): gas,
// grow_heap (0.8), fetch, historical_lookup, export, the inner-machine calls (machine,
// peek, poke, pages, invoke, expunge) and JIP-1 log, as a pvm.HostCaller that runners
// configure with their data. Ids follow the profile: Gray Paper 0.7.2 for gp072 and
// latest64, the 0.8 draft (grow_heap = 1, later ids shifted by one) for gp080.
package host

import (
	"fmt"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
)

// Result codes returned in ω7 (spec §5.2).
const (
	OK   uint64 = 0
	NONE uint64 = ^uint64(0)
	WHAT uint64 = NONE - 1
	OOB  uint64 = NONE - 2
	WHO  uint64 = NONE - 3
	FULL uint64 = NONE - 4
	CORE uint64 = NONE - 5
	CASH uint64 = NONE - 6
	LOW  uint64 = NONE - 7
	HUH  uint64 = NONE - 8
)

// Inner-machine exit codes returned by invoke.
const (
	InnerHalt  = 0
	InnerPanic = 1
	InnerFault = 2
	InnerHost  = 3
	InnerOOG   = 4
)

// Call is a host function, independent of its id in a given Gray Paper version.
type Call uint8

// Host functions in 0.7.2 id order (grow_heap exists only in 0.8).
const (
	Gas Call = iota
	Fetch
	Lookup
	Read
	Write
	Info
	HistoricalLookup
	Export
	Machine
	Peek
	Poke
	Pages
	Invoke
	Expunge
	Bless
	Assign
	Designate
	Checkpoint
	New
	Upgrade
	Transfer
	Eject
	Query
	Solicit
	Forget
	Yield
	Provide
	GrowHeap
	Log
	numCalls
)

var callNames = [numCalls]string{"gas", "fetch", "lookup", "read", "write", "info", "historical_lookup", "export",
	"machine", "peek", "poke", "pages", "invoke", "expunge", "bless", "assign", "designate", "checkpoint", "new",
	"upgrade", "transfer", "eject", "query", "solicit", "forget", "yield", "provide", "grow_heap", "log"}

func (c Call) String() string {
	if c < numCalls {
		return callNames[c]
	}
	return fmt.Sprintf("call(%d)", uint8(c))
}

// LogID is JIP-1's debug log host call, the same in every version.
const LogID = 100

// ID returns the host-call id of c under profile p (false if the version lacks it).
func ID(p pvm.Profile, c Call) (uint64, bool) {
	switch {
	case c == Log:
		return LogID, true
	case c == Gas:
		return 0, true
	case c == GrowHeap:
		return 1, p == pvm.GP080
	case c < GrowHeap:
		if p == pvm.GP080 {
			return uint64(c) + 1, true
		}
		return uint64(c), true
	}
	return 0, false
}

// CallOf returns the host function with id under profile p.
func CallOf(p pvm.Profile, id uint64) (Call, bool) {
	if id == LogID {
		return Log, true
	}
	if p == pvm.GP080 {
		switch {
		case id == 0:
			return Gas, true
		case id == 1:
			return GrowHeap, true
		case id-1 < uint64(GrowHeap):
			return Call(id - 1), true
		}
		return 0, false
	}
	if id < uint64(GrowHeap) {
		return Call(id), true
	}
	return 0, false
}
