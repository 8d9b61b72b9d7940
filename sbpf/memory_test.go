package sbpf_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
)

func av(access sbpf.AccessType, addr, n uint64, region string) *sbpf.EbpfError {
	return &sbpf.EbpfError{Kind: sbpf.ErrAccessViolation, Access: access, Addr: addr, Len: n, Region: region}
}

func sav(access sbpf.AccessType, addr, n uint64, frame int64) *sbpf.EbpfError {
	return &sbpf.EbpfError{Kind: sbpf.ErrStackAccessViolation, Access: access, Addr: addr, Len: n, Frame: frame}
}

var _ = Describe("memory", func() {
	cfgUnaligned := sbpf.DefaultConfig()
	cfgAligned := sbpf.DefaultConfig()
	cfgAligned.AlignedMemoryMapping = true

	Describe("MemoryMapping", func() {
		It("rejects overlapping unaligned regions and clashing aligned slots", func() {
			mem1, mem2 := []byte{1, 2, 3, 4}, []byte{5, 6}
			_, err := sbpf.NewMemoryMapping([]sbpf.MemoryRegion{
				sbpf.NewRegionReadonly(mem1, sbpf.MMRegionSize),
				sbpf.NewRegionReadonly(mem2, sbpf.MMRegionSize+3),
			}, &cfgUnaligned, sbpf.V3)
			Expect(ebpfErr(err).Kind).To(Equal(sbpf.ErrInvalidMemoryRegion))
			Expect(ebpfErr(err).Index).To(Equal(uint64(1)))
			_, err = sbpf.NewMemoryMapping([]sbpf.MemoryRegion{
				sbpf.NewRegionReadonly(mem1, sbpf.MMRegionSize),
				sbpf.NewRegionReadonly(mem2, sbpf.MMRegionSize+4),
			}, &cfgUnaligned, sbpf.V3)
			Expect(err).NotTo(HaveOccurred())
			_, err = sbpf.NewMemoryMapping([]sbpf.MemoryRegion{
				sbpf.NewRegionReadonly(mem1, sbpf.MMRegionSize),
				sbpf.NewRegionReadonly(mem2, sbpf.MMRegionSize+4),
			}, &cfgAligned, sbpf.V3)
			Expect(ebpfErr(err).Kind).To(Equal(sbpf.ErrInvalidMemoryRegion))
		})

		It("maps unaligned neighbouring regions (test_unaligned_map, _load, _store)", func() {
			mem1, mem2, mem3 := []byte{11}, []byte{22, 22}, []byte{33}
			m, err := sbpf.NewMemoryMapping([]sbpf.MemoryRegion{
				sbpf.NewRegionWritable(mem1, sbpf.MMRegionSize),
				sbpf.NewRegionReadonly(mem2, sbpf.MMRegionSize+1),
				sbpf.NewRegionReadonly(mem3, sbpf.MMRegionSize+3),
			}, &cfgUnaligned, sbpf.V3)
			Expect(err).NotTo(HaveOccurred())
			b, err := m.Translate(sbpf.Store, sbpf.MMRegionSize, 1)
			Expect(err).NotTo(HaveOccurred())
			b[0] = 99
			Expect(mem1[0]).To(Equal(byte(99)))
			_, err = m.Translate(sbpf.Load, sbpf.MMRegionSize, 2)
			Expect(ebpfErr(err).Kind).To(Equal(sbpf.ErrAccessViolation))
			v, err := m.Load(sbpf.MMRegionSize+1, 2)
			Expect(err).NotTo(HaveOccurred())
			Expect(v).To(Equal(uint64(0x1616)))
			Expect(m.Store(sbpf.MMRegionSize+1, 1, 0)).To(MatchError(ContainSubstring("Access violation writing 1 bytes at address 0x100000001 (in program region)")))
			_, err = m.Load(sbpf.MMRegionSize+4, 1)
			Expect(err).To(HaveOccurred())
			Expect(ebpfErr(err).Region).To(Equal("unallocated"))
			_, err = m.Load(sbpf.MMRegionSize-1, 1)
			Expect(ebpfErr(err).Region).To(Equal("unallocated"))
		})

		It("finds regions like the aligned mapping does (test_aligned_region)", func() {
			mem1, mem2 := []byte{0xff, 0xff, 0xff, 0xff}, []byte{0xdd, 0xdd, 0xdd, 0xdd}
			m, err := sbpf.NewMemoryMapping([]sbpf.MemoryRegion{
				sbpf.NewRegionWritable(mem1, sbpf.MMRegionSize),
				sbpf.NewRegionReadonly(mem2, sbpf.MMRegionSize*2),
			}, &cfgAligned, sbpf.V4)
			Expect(err).NotTo(HaveOccurred())
			i, ok := m.FindRegion(sbpf.MMRegionSize - 1)
			Expect(ok).To(BeTrue())
			Expect(m.Regions()[i].Host).To(BeEmpty())
			i, ok = m.FindRegion(sbpf.MMRegionSize + 4)
			Expect(ok).To(BeTrue())
			Expect(m.Regions()[i].Host).To(Equal(mem1))
			_, ok = m.FindRegion(sbpf.MMRegionSize*3 + 4)
			Expect(ok).To(BeFalse())
		})

		It("maps gapped regions frame by frame (test_gapped_map)", func() {
			for _, cfg := range []sbpf.Config{cfgUnaligned, cfgAligned} {
				mem1 := []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
				m, err := sbpf.NewMemoryMapping([]sbpf.MemoryRegion{
					sbpf.NewRegionReadonly(make([]byte, 8), sbpf.MMRegionSize),
					sbpf.NewRegionWritableGapped(mem1, sbpf.MMStackStart, 2),
				}, &cfg, sbpf.V3)
				Expect(err).NotTo(HaveOccurred())
				for frame := uint64(0); frame < 4; frame++ {
					addr := sbpf.MMStackStart + frame*4
					v, err := m.Load(addr, 2)
					Expect(err).NotTo(HaveOccurred())
					Expect(v).To(Equal(uint64(0xffff)))
					_, err = m.Load(addr+2, 2)
					Expect(ebpfErr(err).Kind).To(Equal(sbpf.ErrStackAccessViolation))
					Expect(m.Store(addr, 2, 0x1234)).To(Succeed())
					Expect(m.Store(addr+2, 2, 0x1234)).NotTo(Succeed())
				}
				Expect(mem1).To(Equal([]byte{0x34, 0x12, 0x34, 0x12, 0x34, 0x12, 0x34, 0x12}))
			}
		})

		It("lets an access violation handler grow a region", func() {
			host := make([]byte, 16)
			m, err := sbpf.NewMemoryMapping([]sbpf.MemoryRegion{sbpf.NewRegionWritable(host[:4], sbpf.MMInputStart)}, &cfgUnaligned, sbpf.V3)
			Expect(err).NotTo(HaveOccurred())
			calls := 0
			m.OnAccessViolation = func(r *sbpf.MemoryRegion, maxLen uint64, access sbpf.AccessType, addr, n uint64) {
				calls++
				Expect(maxLen).To(Equal(^uint64(0) - sbpf.MMInputStart))
				r.Host = host
			}
			Expect(m.Store(sbpf.MMInputStart+8, 8, 0x0102030405060708)).To(Succeed())
			Expect(calls).To(Equal(1))
			Expect(host[8]).To(Equal(byte(8)))
			// Translate does not call the handler
			_, err = m.Translate(sbpf.Load, sbpf.MMInputStart+16, 1)
			Expect(err).To(HaveOccurred())
			Expect(calls).To(Equal(1))
		})
	})

	Describe("program accesses", func() {
		It("reports the region of an access violation (test_err_ldxdw_oob, _nomem)", func() {
			v := sbpf.V4
			input := []byte{0xaa, 0xbb, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0xcc, 0xdd}
			text := prog(nop(v), ix(sbpf.OpLdDwReg, 0, 1, 6, 0), exit)
			expectRun(runSpec{v: v, budget: 2, text: text, input: input}, av(sbpf.Load, 0x400000006, 8, "input"))
			expectRun(runSpec{v: v, budget: 2, text: text}, av(sbpf.Load, 0x400000006, 8, "unallocated"))
		})

		It("names allocated, unallocated and far addresses (test_err_mem_access_out_of_bound)", func() {
			v := sbpf.V4
			for _, c := range []struct {
				addr   uint64
				region string
			}{{0x2, "allocated"}, {0x8002, "unallocated"}, {0x80000002, "unallocated"}, {0x8000000000000002, "unallocated"}} {
				text := prog(ix(sbpf.OpAdd64Imm, 0, 0, 0, 0), lddw(0, c.addr), ix(sbpf.OpStBImm, 0, 0, 0, 0), exit)
				expectRun(runSpec{v: v, budget: 3, text: text, input: make([]byte, 512)}, av(sbpf.Store, c.addr, 1, c.region))
			}
		})

		It("reports stack frames around the stack (test_err_stack_out_of_bound)", func() {
			cfg := func(c *sbpf.Config) { c.EnableStackFrameGaps = false; c.MaxCallDepth = 64 }
			v := sbpf.V4
			expectRun(runSpec{v: v, cfg: cfg, budget: 1, text: prog(ix(sbpf.OpStBImm, 10, 0, -0x1001, 0), exit)},
				sav(sbpf.Store, sbpf.MMStackStart-1, 1, 0))
			stackSize := uint64(64 * 4096)
			expectRun(runSpec{v: v, cfg: cfg, budget: 5, text: prog(ix(sbpf.OpMov64Reg, 0, 10, 0, 0), movi(1, 63),
				ix(sbpf.OpLsh64Imm, 1, 0, 0, 12), ix(sbpf.OpAdd64Reg, 0, 1, 0, 0), ix(sbpf.OpStBImm, 0, 0, 0, 0), exit)},
				sav(sbpf.Store, sbpf.MMStackStart+stackSize, 1, 64))
			// below frame -1 it is a plain access violation (test_err_fixed_stack_out_of_bound)
			v = sbpf.V0
			cfg3 := func(c *sbpf.Config) { c.EnabledVersions = [2]sbpf.Version{v, v}; c.MaxCallDepth = 3 }
			expectRun(runSpec{v: v, cfg: cfg3, budget: 2, text: prog(nop(v), ix(sbpf.OpStBImm, 10, 0, -0x4000, 0), exit)},
				av(sbpf.Store, 0x1FFFFD000, 1, "unallocated"))
		})

		It("has stack frame gaps on v0 only (test_stack_gaps)", func() {
			v := sbpf.V0
			fr := sbpf.NewFunctionRegistry()
			text := prog(ix(sbpf.OpStWImm, 10, 0, 8, 77), call(v, fr, 1, 3), exit, ix(sbpf.OpLdDwReg, 0, 10, -4088, 0), exit)
			expectRun(runSpec{v: v, cfg: versionCfg(v), budget: 1, text: text, funcs: fr}, sav(sbpf.Store, 0x200001008, 4, 1))
			for _, v := range []sbpf.Version{sbpf.V3, sbpf.V4} {
				fr := sbpf.NewFunctionRegistry()
				text := prog(ix(sbpf.OpStWImm, 10, 0, 8, 77), call(v, fr, 1, 3), exit, ix(sbpf.OpLdDwReg, 0, 10, -4088, 0), exit)
				expectRun(runSpec{v: v, cfg: versionCfg(v), budget: 5, text: text, funcs: fr}, 77)
			}
			// v0 without gaps (config switch): the same store succeeds
			cfg := func(c *sbpf.Config) { c.EnabledVersions = [2]sbpf.Version{v, v}; c.EnableStackFrameGaps = false }
			fr = sbpf.NewFunctionRegistry()
			text = prog(ix(sbpf.OpStWImm, 10, 0, 8, 77), call(v, fr, 1, 3), exit, ix(sbpf.OpLdDwReg, 0, 10, -4088, 0), exit)
			expectRun(runSpec{v: v, cfg: cfg, budget: 5, text: text, funcs: fr}, 77)
		})

		It("bumps r10 manually on v1/v2 (test_dynamic_stack_frames_sbpfv1)", func() {
			for _, v := range []sbpf.Version{sbpf.V1, sbpf.V2} {
				top := sbpf.MMStackStart + 64*4096
				fr := sbpf.NewFunctionRegistry()
				text := prog(nop(v), call(v, fr, 1, 3), exit, nop(v), ix(sbpf.OpMov64Reg, 0, 10, 0, 0), exit)
				expectRun(runSpec{v: v, cfg: versionCfg(v), budget: 6, text: text, funcs: fr}, top)

				fr = sbpf.NewFunctionRegistry()
				stx := ix(sbpf.OpStDwReg, 10, 10, -8, 0)
				ldx := ix(sbpf.OpLdDwReg, 0, 10, -8, 0)
				if v.MoveMemoryInstructionClasses() {
					stx = ix(sbpf.OpSt8bReg, 10, 10, -8, 0)
					ldx = ix(sbpf.OpLd8bReg, 0, 10, -8, 0)
				}
				text = prog(ix(sbpf.OpAdd64Imm, 10, 0, 0, -64), stx, call(v, fr, 2, 5), ldx, exit, nop(v), exit)
				expectRun(runSpec{v: v, cfg: versionCfg(v), budget: 7, text: text, funcs: fr}, top-64)

				fr = sbpf.NewFunctionRegistry()
				text = prog(nop(v), call(v, fr, 1, 4), ix(sbpf.OpMov64Reg, 0, 10, 0, 0), exit, ix(sbpf.OpAdd64Imm, 10, 0, 0, -64), exit)
				expectRun(runSpec{v: v, cfg: versionCfg(v), budget: 6, text: text, funcs: fr}, top)

				// stack pointer far below the stack: plain access violation, no stack frame report
				fr = sbpf.NewFunctionRegistry()
				st := ix(sbpf.OpStBImm, 10, 0, 0, 0)
				if v.MoveMemoryInstructionClasses() {
					st = ix(sbpf.OpSt1bImm, 10, 0, 0, 0)
				}
				text = prog(ix(sbpf.OpAdd64Imm, 10, 0, 0, -0x7FFFFF00), call(v, fr, 1, 3), exit,
					ix(sbpf.OpAdd64Imm, 10, 0, 0, -0x7FFFFF00), call(v, fr, 4, 6), exit,
					ix(sbpf.OpAdd64Imm, 10, 0, 0, -0x7FFFFF00), call(v, fr, 7, 9), exit,
					ix(sbpf.OpAdd64Imm, 10, 0, 0, -0x7FFFFF00), call(v, fr, 10, 12), exit,
					ix(sbpf.OpAdd64Imm, 10, 0, 0, -0x1440), call(v, fr, 13, 15), exit,
					nop(v), st, exit)
				expectRun(runSpec{v: v, cfg: versionCfg(v), budget: 12, text: text, funcs: fr}, av(sbpf.Store, 0x3F000-64, 1, "unallocated"))
			}
		})

		It("stores and loads every width (test_direct_stores, test_stack1)", func() {
			v := sbpf.V0
			res := expectRun(runSpec{v: v, cfg: versionCfg(v), budget: 12, input: make([]byte, 16), text: prog(
				ix(sbpf.OpStBImm, 1, 0, 0, 0x11), ix(sbpf.OpStHImm, 1, 0, 1, 0x3322), ix(sbpf.OpStWImm, 1, 0, 3, 0x77665544),
				ix(sbpf.OpStDwImm, 1, 0, 7, -1146447480), ix(sbpf.OpLdDwReg, 0, 1, 0, 0), ix(sbpf.OpLdWReg, 5, 1, 8, 0),
				ix(sbpf.OpLdHReg, 6, 1, 12, 0), ix(sbpf.OpLdBReg, 7, 1, 14, 0), ix(sbpf.OpAdd64Reg, 0, 5, 0, 0),
				ix(sbpf.OpAdd64Reg, 0, 6, 0, 0), ix(sbpf.OpAdd64Reg, 0, 7, 0, 0), exit)}, uint64(0x8877665643efcda8))
			Expect(res.input[0]).To(Equal(byte(0x11)))

			v = sbpf.V4 // "add64 r10, 64" assembles to a no-op on v4
			expectRun(runSpec{v: v, budget: 10, text: prog(
				nop(v), movi(1, 51), ix(sbpf.OpStDwImm, 10, 0, -16, 0xab), ix(sbpf.OpStDwImm, 10, 0, -8, 0xcd),
				ix(sbpf.OpAnd64Imm, 1, 0, 0, 1), ix(sbpf.OpLsh64Imm, 1, 0, 0, 3), ix(sbpf.OpMov64Reg, 2, 10, 0, 0),
				ix(sbpf.OpAdd64Reg, 2, 1, 0, 0), ix(sbpf.OpLdDwReg, 0, 2, -16, 0), exit)}, 0xcd)
			// on v2 r10 starts at the top of the stack: bumping it up leaves the stack
			v = sbpf.V2
			expectRun(runSpec{v: v, cfg: versionCfg(v), budget: 3, text: prog(
				ix(sbpf.OpAdd64Imm, 10, 0, 0, 64), movi(1, 51), ix(sbpf.OpSt8bImm, 10, 0, -16, 0xab), exit)},
				av(sbpf.Store, sbpf.MMStackStart+64*4096+48, 8, "unallocated"))
		})

		It("refuses writes to the read-only region", func() {
			v := sbpf.V0
			expectRun(runSpec{v: v, cfg: versionCfg(v), budget: 3, text: prog(nop(v), lddw(1, sbpf.MMBytecodeStart), ix(sbpf.OpStBImm, 1, 0, 0, 1), exit)},
				av(sbpf.Store, sbpf.MMBytecodeStart, 1, "program"))
			// ...but reads of the program bytes work on v0 (text is in the rodata region)
			expectRun(runSpec{v: v, cfg: versionCfg(v), budget: 4, text: prog(nop(v), lddw(1, sbpf.MMBytecodeStart), ix(sbpf.OpLdBReg, 0, 1, 0, 0), exit)},
				uint64(sbpf.OpOr64Imm))
		})
	})
})
