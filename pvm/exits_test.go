package pvm_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
)

var _ = Describe("exits and gas", func() {
	// Two blocks: [load_imm a0,1; load_imm a1,2; fallthrough] [load_imm a2,3; trap].
	twoBlocks := func(p pvm.Profile) *pvm.Machine {
		return machineFor(p, nil,
			I(pvm.Inst{Op: pvm.OpLoadImm, Ra: a0, Imm: 1}),
			I(pvm.Inst{Op: pvm.OpLoadImm, Ra: a1, Imm: 2}),
			I(pvm.Inst{Op: pvm.OpFallthrough}),
			L("b"),
			I(pvm.Inst{Op: pvm.OpLoadImm, Ra: a2, Imm: 3}),
			I(pvm.Inst{Op: pvm.OpTrap}))
	}

	It("charges gp072 one gas per instruction, per block on entry", func() {
		m := twoBlocks(pvm.GP072)
		Expect(m.Program().GasBlocks()).To(Equal(map[uint32]int64{0: 3, 7: 2, 11: 1}))
		m.Gas = 4 // enough for the first block (3), not the second (2)
		ex := m.Run()
		Expect(ex.Status).To(Equal(pvm.StatusOutOfGas))
		Expect(ex.PC).To(Equal(uint32(7)), "stops where the unpaid block starts")
		Expect(ex.GasLeft).To(Equal(int64(1)), "gas is left unchanged by the failed charge")
		Expect(m.Regs[a1]).To(Equal(uint64(2)))
		Expect(m.Regs[a2]).To(BeZero())
		m.Gas += 1 // resume: the block is charged now
		ex = m.Run()
		Expect(ex.Status).To(Equal(pvm.StatusPanic))
		Expect(ex.GasLeft).To(BeZero())
		Expect(m.Regs[a2]).To(Equal(uint64(3)))
	})

	It("charges one gas before each instruction with PerInstructionGas (GP 0.7.2 text)", func() {
		prog := mustAsm(pvm.GP072,
			I(pvm.Inst{Op: pvm.OpLoadImm, Ra: a0, Imm: 1}),
			I(pvm.Inst{Op: pvm.OpEcalli, Imm: 1}),
			I(pvm.Inst{Op: pvm.OpLoadImm, Ra: a1, Imm: 2}),
			I(pvm.Inst{Op: pvm.OpLoadU8, Ra: a2, Imm: 0x50000}),
			I(pvm.Inst{Op: pvm.OpTrap}))
		d, err := pvm.DecodeWith(pvm.GP072, prog, pvm.Options{PerInstructionGas: true})
		Expect(err).NotTo(HaveOccurred())
		m := pvm.NewMachine(d, nil, 1)
		ex := m.Run()
		Expect(ex.Status).To(Equal(pvm.StatusOutOfGas))
		Expect(ex.PC).To(Equal(uint32(3)), "stops at the ecalli it cannot pay")
		Expect(ex.GasLeft).To(BeZero())
		Expect(m.Regs[a0]).To(Equal(uint64(1)))
		m.Gas = 2
		ex = m.Run()
		Expect(ex.Status).To(Equal(pvm.StatusHostCall))
		Expect(ex.GasLeft).To(Equal(int64(1)))
		ex = m.Run() // the load_imm after the ecalli is paid on resume
		Expect(ex.Status).To(Equal(pvm.StatusOutOfGas))
		Expect(m.Regs[a1]).To(Equal(uint64(2)))
		m.Gas = 1
		ex = m.Run()
		Expect(ex.Status).To(Equal(pvm.StatusPageFault))
		Expect(ex.GasLeft).To(BeZero(), "the faulting instruction is paid")
		m.Mem.Map(0x50000, pvm.PageSize, pvm.AccessRead)
		m.Gas = 1
		ex = m.Run() // the load re-executes without a second charge; the trap costs 1
		Expect(ex.Status).To(Equal(pvm.StatusPanic))
		Expect(ex.GasLeft).To(BeZero())
	})

	It("runs out of gas before the first block with exactly one gas too few", func() {
		m := twoBlocks(pvm.GP080)
		cost, ok := m.Program().BlockCost(0)
		Expect(ok).To(BeTrue())
		m.Gas = cost - 1
		ex := m.Run()
		Expect(ex.Status).To(Equal(pvm.StatusOutOfGas))
		Expect(ex.PC).To(BeZero())
		Expect(ex.GasLeft).To(Equal(cost - 1))
		Expect(m.Regs[a0]).To(BeZero())
	})

	It("charges a mid-block start the full cost of the containing block", func() {
		m := twoBlocks(pvm.GP072)
		m.PC = 3 // the second load_imm
		ex := m.Run()
		Expect(ex.Status).To(Equal(pvm.StatusPanic))
		Expect(m.Regs[a0]).To(BeZero())
		Expect(m.Regs[a1]).To(Equal(uint64(2)))
		Expect(1_000_000 - ex.GasLeft).To(Equal(int64(3 + 2)))
	})

	It("panics without charge when started at a pc that is not an instruction", func() {
		m := twoBlocks(pvm.GP080)
		m.PC = 1
		ex := m.Run()
		Expect(ex.Status).To(Equal(pvm.StatusPanic))
		Expect(ex.GasLeft).To(Equal(int64(1_000_000)))
	})

	It("charges the implicit trap block when running off the end of the code", func() {
		for _, c := range []struct {
			p    pvm.Profile
			cost int64
		}{{pvm.GP072, 1}, {pvm.GP080, 2}} {
			m := machineFor(c.p, nil, I(pvm.Inst{Op: pvm.OpFallthrough}))
			ex := m.Run()
			Expect(ex.Status).To(Equal(pvm.StatusPanic))
			Expect(ex.PC).To(Equal(uint32(1)))
			first, _ := m.Program().BlockCost(0)
			Expect(1_000_000 - ex.GasLeft).To(Equal(first + c.cost))
		}
	})

	Describe("memory faults", func() {
		load := func(addr uint64) *pvm.Machine {
			return machineFor(pvm.GP080, nil,
				I(pvm.Inst{Op: pvm.OpLoadImm, Ra: a1, Imm: 9}),
				I(pvm.Inst{Op: pvm.OpLoadIndU64, Ra: a0, Rb: a2, Imm: addr}),
				I(pvm.Inst{Op: pvm.OpTrap}))
		}

		It("reports a page fault at the page base, keeps state and re-executes on resume without recharging", func() {
			m := load(0x40010)
			ex := m.Run()
			Expect(ex.Status).To(Equal(pvm.StatusPageFault))
			Expect(ex.FaultAddr).To(Equal(uint32(0x40000)))
			Expect(ex.PC).To(Equal(uint32(3)))
			Expect(m.Regs[a1]).To(Equal(uint64(9)))
			gas := m.Gas
			m.Mem.Map(0x40000, pvm.PageSize, pvm.AccessRead)
			Expect(m.Mem.Poke(0x40010, []byte{42})).To(Succeed())
			ex = m.Run()
			Expect(ex.Status).To(Equal(pvm.StatusPanic))
			Expect(m.Regs[a0]).To(Equal(uint64(42)))
			Expect(m.Gas).To(Equal(gas))
		})

		It("faults at the first inaccessible page of an access straddling two pages", func() {
			m := load(0x20FFC) // 0x20000 is mapped W, 0x21000 is not
			ex := m.Run()
			Expect(ex.Status).To(Equal(pvm.StatusPageFault))
			Expect(ex.FaultAddr).To(Equal(uint32(0x21000)))
		})

		It("reads across a page boundary when both pages are mapped", func() {
			m := load(0x20FFC)
			m.Mem.Map(0x21000, pvm.PageSize, pvm.AccessRead)
			Expect(m.Mem.Poke(0x20FFC, []byte{1, 2, 3, 4, 5, 6, 7, 8})).To(Succeed())
			Expect(m.Run().Status).To(Equal(pvm.StatusPanic))
			Expect(m.Regs[a0]).To(Equal(uint64(0x0807060504030201)))
		})

		It("panics for inaccessible addresses below 0x10000", func() {
			ex := load(0xFFF8).Run()
			Expect(ex.Status).To(Equal(pvm.StatusPanic))
			Expect(ex.PC).To(Equal(uint32(3)))
		})

		It("uses polkavm's 0x4000 threshold when asked", func() {
			prog := mustAsm(pvm.GP080, I(pvm.Inst{Op: pvm.OpLoadU8, Ra: a0, Imm: 0x8000}), I(pvm.Inst{Op: pvm.OpTrap}))
			d, err := pvm.DecodeWith(pvm.GP080, prog, pvm.Options{PolkaVMLowAddress: true})
			Expect(err).NotTo(HaveOccurred())
			ex := pvm.NewMachine(d, nil, 100).Run()
			Expect(ex.Status).To(Equal(pvm.StatusPageFault))
			Expect(ex.FaultAddr).To(Equal(uint32(0x8000)))
		})

		It("wraps an access past 2^32 to low memory (a panic)", func() {
			m := load(0xFFFFFFFC)
			m.Mem.Map(0xFFFFF000, pvm.PageSize, pvm.AccessWrite)
			Expect(m.Run().Status).To(Equal(pvm.StatusPanic))
		})

		It("faults on a write to a read-only page (panics with ReadOnlyWritePanics)", func() {
			items := []asmItem{I(pvm.Inst{Op: pvm.OpStoreImmU8, Imm: 0x30000, Imm2: 1}), I(pvm.Inst{Op: pvm.OpTrap})}
			m := machineFor(pvm.GP080, nil, items...)
			ex := m.Run()
			Expect(ex.Status).To(Equal(pvm.StatusPageFault))
			Expect(ex.FaultAddr).To(Equal(uint32(0x30000)))

			prog := mustAsm(pvm.GP080, items...)
			d, err := pvm.DecodeWith(pvm.GP080, prog, pvm.Options{ReadOnlyWritePanics: true})
			Expect(err).NotTo(HaveOccurred())
			mem := pvm.NewMemory()
			mem.Map(0x30000, pvm.PageSize, pvm.AccessRead)
			Expect(pvm.NewMachine(d, mem, 1000).Run().Status).To(Equal(pvm.StatusPanic))
		})

		It("writes nothing when a store faults half-way", func() {
			m := machineFor(pvm.GP080, nil, I(pvm.Inst{Op: pvm.OpStoreImmU64, Imm: 0x20FFC, Imm2: neg(1)}), I(pvm.Inst{Op: pvm.OpTrap}))
			Expect(m.Run().Status).To(Equal(pvm.StatusPageFault))
			Expect(m.Mem.NonZeroRuns()).To(BeEmpty())
		})
	})

	It("reports the pc of the dynamic jump on halt", func() {
		m := machineFor(pvm.GP080, nil, I(pvm.Inst{Op: pvm.OpFallthrough}), I(pvm.Inst{Op: pvm.OpJumpInd, Ra: 0}))
		m.Regs[0] = pvm.HaltAddress
		ex := m.Run()
		Expect(ex.Status).To(Equal(pvm.StatusHalt))
		Expect(ex.PC).To(Equal(uint32(1)))
	})

	It("dispatches host calls to a HostCaller and honours its verdict", func() {
		prog := []asmItem{
			I(pvm.Inst{Op: pvm.OpEcalli, Imm: 3}),
			I(pvm.Inst{Op: pvm.OpEcalli, Imm: 4}),
			I(pvm.Inst{Op: pvm.OpJumpInd, Ra: 0}),
		}
		var seen []uint64
		m := machineFor(pvm.GP080, nil, prog...)
		m.Regs[0] = pvm.HaltAddress
		m.Host = pvm.HostFunc(func(id uint64, m *pvm.Machine) (bool, error) {
			seen = append(seen, id)
			m.Regs[a0] += id
			return true, m.ChargeGas(5)
		})
		gas := m.Gas
		ex := m.Run()
		Expect(ex.Status).To(Equal(pvm.StatusHalt))
		Expect(seen).To(Equal([]uint64{3, 4}))
		Expect(m.Regs[a0]).To(Equal(uint64(7)))
		cost, _ := m.Program().BlockCost(0)
		Expect(gas - ex.GasLeft).To(Equal(cost + 10))

		m = machineFor(pvm.GP080, nil, prog...)
		m.Host = pvm.HostFunc(func(uint64, *pvm.Machine) (bool, error) { return false, pvm.ErrOutOfGas })
		Expect(m.Run().Status).To(Equal(pvm.StatusOutOfGas))
		m = machineFor(pvm.GP080, nil, prog...)
		m.Host = pvm.HostFunc(func(uint64, *pvm.Machine) (bool, error) { return false, pvm.ErrHostPanic })
		ex = m.Run()
		Expect(ex.Status).To(Equal(pvm.StatusPanic))
		Expect(ex.Err).To(MatchError(pvm.ErrHostPanic))
		m = machineFor(pvm.GP080, nil, prog...)
		m.Host = pvm.HostFunc(func(uint64, *pvm.Machine) (bool, error) { return false, nil })
		Expect(m.Run().Status).To(Equal(pvm.StatusHalt))
	})

	It("treats a branch with an invalid untaken side as trap only with StrictBranches", func() {
		// branch_eq_imm at the very end: its fall-through is len(code), not a block start.
		items := []asmItem{I(pvm.Inst{Op: pvm.OpFallthrough}), L("t"), J(pvm.Inst{Op: pvm.OpBranchEqImm, Ra: a0, Imm: 1}, "t")}
		prog := mustAsm(pvm.GP080, items...)
		lax, err := pvm.Decode(pvm.GP080, prog)
		Expect(err).NotTo(HaveOccurred())
		ex := pvm.NewMachine(lax, nil, 1000).Run()
		Expect(ex.PC).To(Equal(uint32(len(prog.Code))), "GP: not taken, runs off the end")
		strict, err := pvm.DecodeWith(pvm.GP080, prog, pvm.Options{StrictBranches: true})
		Expect(err).NotTo(HaveOccurred())
		ex = pvm.NewMachine(strict, nil, 1000).Run()
		Expect(ex.Status).To(Equal(pvm.StatusPanic))
		Expect(ex.PC).To(Equal(uint32(1)), "polkavm: the branch itself traps")
		Expect(strict.GasBlocks()).To(Equal(lax.GasBlocks()), "priced as the branch it is")
		Expect(strict.Verify()).To(MatchError(pvm.ErrBadTarget))
	})

	It("shares one Decoded between concurrent machines", func() {
		prog, err := assemble(pvm.GP080, []string{"ret"}, branchyLoop()...)
		Expect(err).NotTo(HaveOccurred())
		d, err := pvm.Decode(pvm.GP080, prog)
		Expect(err).NotTo(HaveOccurred())
		results := make(chan [13]uint64, 4)
		for g := 0; g < 4; g++ {
			go func() {
				defer GinkgoRecover()
				m := pvm.NewMachine(d, nil, 1<<40)
				m.Regs[0], m.Regs[a0] = pvm.HaltAddress, 500
				Expect(m.Run().Status).To(Equal(pvm.StatusHalt))
				results <- m.Regs
			}()
		}
		first := <-results
		for g := 1; g < 4; g++ {
			Expect(<-results).To(Equal(first))
		}
	})

	It("is deterministic", func() {
		run := func() (pvm.Exit, [13]uint64, uint64) {
			m := machineFor(pvm.GP080, []string{"ret"}, branchyLoop()...)
			m.Regs[0], m.Regs[a0] = pvm.HaltAddress, 1000
			ex := m.Run()
			return ex, m.Regs, m.Instructions
		}
		e1, r1, n1 := run()
		e2, r2, n2 := run()
		Expect(e1.Status).To(Equal(pvm.StatusHalt))
		Expect(e2).To(Equal(e1))
		Expect(r2).To(Equal(r1))
		Expect(n2).To(Equal(n1))
	})
})

var _ = Describe("the gp080 cost model", func() {
	DescribeTable("matches the spec's cross-checks (§3.3)", func(p pvm.Profile, items []asmItem, want int64) {
		prog := mustAsm(p, items...)
		d, err := pvm.Decode(p, prog)
		Expect(err).NotTo(HaveOccurred())
		c, ok := d.BlockCost(0)
		Expect(ok).To(BeTrue())
		Expect(c).To(Equal(want))
	},
		Entry("add_32; trap", pvm.GP080, []asmItem{I(pvm.Inst{Op: pvm.OpAdd32, Ra: 7, Rb: 8, Rd: 9}), I(pvm.Inst{Op: pvm.OpTrap})}, int64(2)),
		Entry("a bare ret", pvm.GP080, []asmItem{I(pvm.Inst{Op: pvm.OpJumpInd, Ra: 0})}, int64(22)),
		Entry("load_u8; trap", pvm.GP080, []asmItem{I(pvm.Inst{Op: pvm.OpLoadU8, Ra: 7, Imm: 0x20000}), I(pvm.Inst{Op: pvm.OpTrap})}, int64(25)),
		Entry("three dependent ALU ops; trap", pvm.GP080, []asmItem{
			I(pvm.Inst{Op: pvm.OpAdd64, Ra: 8, Rb: 9, Rd: 7}), I(pvm.Inst{Op: pvm.OpAdd64, Ra: 7, Rb: 9, Rd: 10}),
			I(pvm.Inst{Op: pvm.OpAdd64, Ra: 10, Rb: 9, Rd: 11}), I(pvm.Inst{Op: pvm.OpTrap})}, int64(3)),
		Entry("gp072: the instruction count", pvm.GP072, []asmItem{I(pvm.Inst{Op: pvm.OpLoadU8, Ra: 7, Imm: 0x20000}), I(pvm.Inst{Op: pvm.OpTrap})}, int64(2)),
	)
})
