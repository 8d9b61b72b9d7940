package solana

import (
	"encoding/binary"
	"math"
)

// Clock is the Clock sysvar (#[repr(C)], 40 bytes).
type Clock struct {
	Slot                uint64
	EpochStartTimestamp int64
	Epoch               uint64
	LeaderScheduleEpoch uint64
	UnixTimestamp       int64
}

// ClockSize is size_of::<Clock>().
const ClockSize = 40

// Bytes is the in-memory (VM) representation sol_get_clock_sysvar writes.
func (c Clock) Bytes() []byte {
	b := make([]byte, ClockSize)
	binary.LittleEndian.PutUint64(b[0:], c.Slot)
	binary.LittleEndian.PutUint64(b[8:], uint64(c.EpochStartTimestamp))
	binary.LittleEndian.PutUint64(b[16:], c.Epoch)
	binary.LittleEndian.PutUint64(b[24:], c.LeaderScheduleEpoch)
	binary.LittleEndian.PutUint64(b[32:], uint64(c.UnixTimestamp))
	return b
}

// Rent is the Rent sysvar (#[repr(C)]: u64, f64, u8 and 7 bytes of padding: 24 bytes).
type Rent struct {
	LamportsPerByteYear uint64
	ExemptionThreshold  float64
	BurnPercent         uint8
}

// RentSize is size_of::<Rent>().
const RentSize = 24

// DefaultRent is Rent::default().
func DefaultRent() Rent {
	return Rent{LamportsPerByteYear: 3480, ExemptionThreshold: 2.0, BurnPercent: 50}
}

// Bytes is the VM representation; padding bytes are zero as Agave's clone leaves them.
func (r Rent) Bytes() []byte {
	b := make([]byte, RentSize)
	binary.LittleEndian.PutUint64(b[0:], r.LamportsPerByteYear)
	binary.LittleEndian.PutUint64(b[8:], math.Float64bits(r.ExemptionThreshold))
	b[16] = r.BurnPercent
	return b
}

// EpochSchedule is the EpochSchedule sysvar (#[repr(C)]: u64, u64, bool+7 padding, u64,
// u64: 40 bytes).
type EpochSchedule struct {
	SlotsPerEpoch            uint64
	LeaderScheduleSlotOffset uint64
	Warmup                   bool
	FirstNormalEpoch         uint64
	FirstNormalSlot          uint64
}

// EpochScheduleSize is size_of::<EpochSchedule>().
const EpochScheduleSize = 40

// DefaultEpochSchedule is EpochSchedule::default(): 432000 slots per epoch with warmup
// from 32-slot epochs, so the first normal epoch is 14 starting at slot 524256.
func DefaultEpochSchedule() EpochSchedule {
	return EpochSchedule{
		SlotsPerEpoch:            432_000,
		LeaderScheduleSlotOffset: 432_000,
		Warmup:                   true,
		FirstNormalEpoch:         14,
		FirstNormalSlot:          524_256,
	}
}

// Bytes is the VM representation.
func (e EpochSchedule) Bytes() []byte {
	b := make([]byte, EpochScheduleSize)
	binary.LittleEndian.PutUint64(b[0:], e.SlotsPerEpoch)
	binary.LittleEndian.PutUint64(b[8:], e.LeaderScheduleSlotOffset)
	if e.Warmup {
		b[16] = 1
	}
	binary.LittleEndian.PutUint64(b[24:], e.FirstNormalEpoch)
	binary.LittleEndian.PutUint64(b[32:], e.FirstNormalSlot)
	return b
}

// LastRestartSlot is the LastRestartSlot sysvar (one u64).
type LastRestartSlot struct{ Slot uint64 }

// LastRestartSlotSize is size_of::<LastRestartSlot>().
const LastRestartSlotSize = 8

// Bytes is the VM representation.
func (l LastRestartSlot) Bytes() []byte {
	b := make([]byte, LastRestartSlotSize)
	binary.LittleEndian.PutUint64(b, l.Slot)
	return b
}

// Sysvars is the sysvar cache a run sees. The zero Clock is deliberate: runs are
// deterministic and do not depend on the wall clock.
type Sysvars struct {
	Clock           Clock
	Rent            Rent
	EpochSchedule   EpochSchedule
	LastRestartSlot LastRestartSlot
}

// DefaultSysvars returns the sysvars used when a case does not set them.
func DefaultSysvars() Sysvars {
	return Sysvars{Rent: DefaultRent(), EpochSchedule: DefaultEpochSchedule()}
}
