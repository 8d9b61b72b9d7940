package pvm_test

import (
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
)

const (
	max64  = ^uint64(0)
	minI64 = uint64(1) << 63
)

func neg(x int64) uint64 { return uint64(-x) }

// machineFor assembles items for profile p and returns a machine at pc 0 with lots of gas,
// a writable page at 0x20000 and a read-only page at 0x30000.
func machineFor(p pvm.Profile, jumpTable []string, items ...asmItem) *pvm.Machine {
	prog, err := assemble(p, jumpTable, items...)
	Expect(err).NotTo(HaveOccurred())
	dec, err := pvm.Decode(p, prog)
	Expect(err).NotTo(HaveOccurred())
	mem := pvm.NewMemory()
	mem.Map(0x20000, pvm.PageSize, pvm.AccessWrite)
	mem.Map(0x30000, pvm.PageSize, pvm.AccessRead)
	return pvm.NewMachine(dec, mem, 1_000_000)
}

// runOne executes a single instruction followed by trap with the given registers and
// returns the machine after the trap.
func runOne(p pvm.Profile, in pvm.Inst, regs map[int]uint64) *pvm.Machine {
	m := machineFor(p, nil, I(in), I(pvm.Inst{Op: pvm.OpTrap}))
	for r, v := range regs {
		m.Regs[r] = v
	}
	ex := m.Run()
	Expect(ex.Status).To(Equal(pvm.StatusPanic), "the instruction should fall through to the trap")
	return m
}
