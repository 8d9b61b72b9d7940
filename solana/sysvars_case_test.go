package solana_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/runners"
	"github.com/sbpf-pvm/sbpf-pvm/solana"
)

var _ = Describe("SysvarsFromCase", func() {
	It("keeps the defaults for a case without sysvars", func() {
		Expect(solana.SysvarsFromCase(&runners.Case{})).To(Equal(solana.DefaultSysvars()))
	})
	It("replaces only the sysvars the case sets", func() {
		slot := uint64(9)
		c := &runners.Case{Sysvars: &runners.CaseSysvars{
			Clock:           &runners.CaseClock{Slot: 5, UnixTimestamp: 1700000000},
			LastRestartSlot: &slot,
		}}
		s := solana.SysvarsFromCase(c)
		Expect(s.Clock.Slot).To(Equal(uint64(5)))
		Expect(s.Clock.UnixTimestamp).To(Equal(int64(1700000000)))
		Expect(s.LastRestartSlot.Slot).To(Equal(uint64(9)))
		Expect(s.Rent).To(Equal(solana.DefaultRent()))
		Expect(s.EpochSchedule).To(Equal(solana.DefaultEpochSchedule()))
	})
})
