package solana

import "github.com/sbpf-pvm/sbpf-pvm/runners"

// SysvarsFromCase returns the sysvars a case asks for: DefaultSysvars with every sysvar
// the case sets replaced.
func SysvarsFromCase(c *runners.Case) Sysvars {
	s := DefaultSysvars()
	sv := c.Sysvars
	if sv == nil {
		return s
	}
	if k := sv.Clock; k != nil {
		s.Clock = Clock{Slot: k.Slot, EpochStartTimestamp: k.EpochStartTimestamp, Epoch: k.Epoch,
			LeaderScheduleEpoch: k.LeaderScheduleEpoch, UnixTimestamp: k.UnixTimestamp}
	}
	if r := sv.Rent; r != nil {
		s.Rent = Rent{LamportsPerByteYear: r.LamportsPerByteYear, ExemptionThreshold: r.ExemptionThreshold, BurnPercent: r.BurnPercent}
	}
	if e := sv.EpochSchedule; e != nil {
		s.EpochSchedule = EpochSchedule{SlotsPerEpoch: e.SlotsPerEpoch, LeaderScheduleSlotOffset: e.LeaderScheduleSlotOffset,
			Warmup: e.Warmup, FirstNormalEpoch: e.FirstNormalEpoch, FirstNormalSlot: e.FirstNormalSlot}
	}
	if sv.LastRestartSlot != nil {
		s.LastRestartSlot = LastRestartSlot{Slot: *sv.LastRestartSlot}
	}
	return s
}
