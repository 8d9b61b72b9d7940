package pvm_test

import (
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
)

// sampleProgram is the spec §4.1 worked example (v0.4 inst_jump_indirect_without_offset_ok).
var sampleProgram = []byte{1, 1, 16, 6, 51, 7, 2, 50, 7, 0, 20, 8, 239, 190, 173, 222, 0, 0, 0, 0, 105, 0}

var _ = Describe("varints", func() {
	DescribeTable("E(x) matches the Gray Paper examples", func(x uint64, want []byte) {
		Expect(pvm.AppendVarint(nil, x)).To(Equal(want))
	},
		Entry("0", uint64(0), []byte{0}),
		Entry("127", uint64(127), []byte{0x7F}),
		Entry("128", uint64(128), []byte{0x80, 0x80}),
		Entry("16383", uint64(16383), []byte{0xBF, 0xFF}),
		Entry("16384", uint64(16384), []byte{0xC0, 0x00, 0x40}),
		Entry("2^32-1", uint64(1<<32-1), []byte{0xF0, 0xFF, 0xFF, 0xFF, 0xFF}),
		Entry("2^64-1", ^uint64(0), []byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}),
	)
})

var _ = Describe("program blobs", func() {
	It("parses the worked example and runs it to the end of the code", func() {
		p, err := pvm.ParseProgram(sampleProgram)
		Expect(err).NotTo(HaveOccurred())
		Expect(p.JumpTable).To(Equal([]uint32{6}))
		Expect(p.Code).To(HaveLen(16))
		Expect(p.Bitmask).To(Equal([]byte{0x69, 0x00}))
		d, err := pvm.Decode(pvm.GP072, p)
		Expect(err).NotTo(HaveOccurred())
		Expect(d.Verify()).To(Succeed())
		m := pvm.NewMachine(d, nil, 100)
		ex := m.Run()
		Expect(ex.Status).To(Equal(pvm.StatusPanic))
		Expect(ex.PC).To(Equal(uint32(16)))
		Expect(m.Regs[8]).To(Equal(uint64(0xDEADBEEF)))
	})

	It("rejects every truncation of a valid blob with ErrTruncated", func() {
		for n := 0; n < len(sampleProgram); n++ {
			_, err := pvm.ParseProgram(sampleProgram[:n])
			Expect(err).To(MatchError(pvm.ErrTruncated), "prefix of %d bytes", n)
			var fe *pvm.FormatError
			Expect(errors.As(err, &fe)).To(BeTrue())
		}
	})

	DescribeTable("malformed blobs are typed errors", func(blob []byte, want error) {
		_, err := pvm.ParseProgram(blob)
		Expect(err).To(MatchError(want))
	},
		Entry("trailing bytes", append(append([]byte{}, sampleProgram...), 0), pvm.ErrTrailingBytes),
		Entry("bitmask padding bits set", []byte{0, 0, 1, 0, 0x03}, pvm.ErrBadBitmask),
		Entry("jump table entry size 5", []byte{0, 5, 1, 0, 1}, pvm.ErrBadJumpTable),
		Entry("entry size 0 with entries", []byte{1, 0, 1, 0, 1}, pvm.ErrBadJumpTable),
		Entry("oversized jump table", append([]byte{0xE2, 0, 0, 0}, 1, 1), pvm.ErrTooLarge),
		Entry("oversized code", []byte{0, 0, 0xE3, 0, 0, 0, 0}, pvm.ErrTooLarge),
		Entry("code length beyond the input", []byte{0, 0, 0xBF, 0xFF, 0}, pvm.ErrTruncated),
	)

	It("accepts over-long varints unless strict", func() {
		blob := []byte{0x80, 0x00, 0, 1, 0, 1} // |j| = 0 written in two bytes
		_, err := pvm.ParseProgram(blob)
		Expect(err).NotTo(HaveOccurred())
		_, err = pvm.ParseProgramStrict(blob)
		Expect(err).To(MatchError(pvm.ErrNonCanonical))
		_, err = pvm.ParseProgramStrict(sampleProgram)
		Expect(err).NotTo(HaveOccurred())
	})

	It("accepts a jump into the middle of an instruction but Verify reports it and a jump there panics", func() {
		// load_imm a0, 0x1234 (4 bytes at 0), trap at 4; jump table entry 2 = inside load_imm.
		code, mask, err := pvm.AppendInst(pvm.GP072, nil, nil, 0, pvm.Inst{Op: pvm.OpLoadImm, Ra: 7, Imm: 0x1234})
		Expect(err).NotTo(HaveOccurred())
		code, mask, _ = pvm.AppendInst(pvm.GP072, code, mask, uint32(len(code)), pvm.Inst{Op: pvm.OpJumpInd, Ra: 8})
		blob := (&pvm.Program{JumpTable: []uint32{2}, Code: code, Bitmask: pvm.PackBitmask(mask)}).Marshal()
		p, err := pvm.ParseProgram(blob)
		Expect(err).NotTo(HaveOccurred())
		d, err := pvm.Decode(pvm.GP072, p)
		Expect(err).NotTo(HaveOccurred())
		Expect(d.Verify()).To(MatchError(pvm.ErrBadTarget))
		m := pvm.NewMachine(d, nil, 100)
		m.Regs[8] = 2
		ex := m.Run()
		Expect(ex.Status).To(Equal(pvm.StatusPanic))
		Expect(ex.PC).To(Equal(uint32(4)))
	})

	It("rejects invalid opcodes in the 0.8 profile (v_blob) and treats them as trap in 0.7.2", func() {
		p := &pvm.Program{Code: []byte{111, 0}, Bitmask: []byte{0b11}} // 111 = reverse_bytes in 0.7.2, free in 0.8
		_, err := pvm.Decode(pvm.GP080, p)
		Expect(err).To(MatchError(pvm.ErrInvalidOpcode))
		p = &pvm.Program{Code: []byte{0xFF, 0}, Bitmask: []byte{0b11}}
		d, err := pvm.Decode(pvm.GP072, p)
		Expect(err).NotTo(HaveOccurred())
		Expect(d.Verify()).To(MatchError(pvm.ErrInvalidOpcode))
		ex := pvm.NewMachine(d, nil, 10).Run()
		Expect(ex.Status).To(Equal(pvm.StatusPanic))
		Expect(ex.PC).To(Equal(uint32(0)))
	})

	It("decodes a position after a skip longer than 24 bytes as trap", func() {
		code := make([]byte, 30) // fallthrough at 0, then 29 bytes without an opcode mark
		code[0] = 1
		code[25] = 51 // would be load_imm if it were decoded
		p := &pvm.Program{Code: code, Bitmask: pvm.PackBitmask(append([]bool{true}, make([]bool, 29)...))}
		d, err := pvm.Decode(pvm.GP072, p)
		Expect(err).NotTo(HaveOccurred())
		ex := pvm.NewMachine(d, nil, 10).Run()
		Expect(ex.Status).To(Equal(pvm.StatusPanic))
		Expect(ex.PC).To(Equal(uint32(25)))
	})

	It("round-trips every instruction through AppendInst and DecodeInst", func() {
		for o := pvm.Opcode(0); o < pvm.NumOpcodes; o++ {
			for _, p := range []pvm.Profile{pvm.GP072, pvm.GP080, pvm.Latest64} {
				if _, ok := p.Encode(o); !ok {
					continue
				}
				in := pvm.Inst{Op: o}
				switch o.Format() {
				case pvm.FmtImm:
					in.Imm = 1000
				case pvm.FmtRegImm64:
					in.Ra, in.Imm = 3, 0xFEDCBA9876543210
				case pvm.FmtImmImm:
					in.Imm, in.Imm2 = 0x20000, neg(5)
				case pvm.FmtOffset:
					in.Imm = 100
				case pvm.FmtRegImm:
					in.Ra, in.Imm = 12, neg(70000)
				case pvm.FmtRegImmImm:
					in.Ra, in.Imm, in.Imm2 = 4, 8, 0x7FFFFFFF
				case pvm.FmtRegImmOffset:
					in.Ra, in.Imm, in.Imm2 = 5, neg(1), 3
				case pvm.FmtRegReg:
					in.Rd, in.Ra = 11, 12
				case pvm.FmtRegRegImm:
					in.Ra, in.Rb, in.Imm = 1, 2, 0x800000
				case pvm.FmtRegRegOffset:
					in.Ra, in.Rb, in.Imm = 6, 9, 0
				case pvm.FmtRegRegImmImm:
					in.Ra, in.Rb, in.Imm, in.Imm2 = 0, 12, neg(129), 128
				case pvm.FmtRegRegReg:
					in.Ra, in.Rb, in.Rd = 10, 11, 12
				}
				const pc = 50
				code := make([]byte, pc)
				mask := make([]bool, pc)
				code, mask, err := pvm.AppendInst(p, code, mask, pc, in)
				Expect(err).NotTo(HaveOccurred(), "%s", o)
				got, n, err := pvm.DecodeInst(p, code, pvm.PackBitmask(append(mask, true)), pc)
				Expect(err).NotTo(HaveOccurred())
				Expect(got).To(Equal(in), "%s in %s", o, p)
				Expect(n).To(Equal(uint32(len(code) - pc)))
			}
		}
	})

	It("encodes immediates minimally", func() {
		for _, c := range []struct {
			imm  uint64
			size int
		}{{0, 2}, {1, 3}, {0x7F, 3}, {0x80, 4}, {neg(128), 3}, {neg(129), 4}, {0x7FFF, 4}, {0x8000, 5}, {0x7FFFFF, 5}, {0x800000, 6}, {neg(1), 3}} {
			code, _, err := pvm.AppendInst(pvm.GP080, nil, nil, 0, pvm.Inst{Op: pvm.OpLoadImm, Ra: 1, Imm: c.imm})
			Expect(err).NotTo(HaveOccurred())
			Expect(code).To(HaveLen(c.size), "imm %#x", c.imm)
		}
		_, _, err := pvm.AppendInst(pvm.GP080, nil, nil, 0, pvm.Inst{Op: pvm.OpLoadImm, Ra: 1, Imm: 0x80000000})
		Expect(err).To(MatchError(pvm.ErrBadImmediate))
		_, _, err = pvm.AppendInst(pvm.GP080, nil, nil, 0, pvm.Inst{Op: pvm.OpAdd64, Ra: 13})
		Expect(err).To(MatchError(pvm.ErrBadRegister))
		_, _, err = pvm.AppendInst(pvm.GP080, nil, nil, 0, pvm.Inst{Op: pvm.OpSbrk})
		Expect(err).To(MatchError(pvm.ErrInvalidOpcode))
	})

	It("maps opcodes per profile (spec §2.8)", func() {
		b, _ := pvm.GP072.Encode(pvm.OpCountSetBits64)
		Expect(b).To(Equal(byte(102)))
		b, _ = pvm.GP080.Encode(pvm.OpCountSetBits64)
		Expect(b).To(Equal(byte(101)))
		b, _ = pvm.GP080.Encode(pvm.OpUnlikely)
		Expect(b).To(Equal(byte(2)))
		b, _ = pvm.Latest64.Encode(pvm.OpUnlikely)
		Expect(b).To(Equal(byte(3)))
		o, ok := pvm.GP080.Decode(110)
		Expect(ok).To(BeTrue())
		Expect(o).To(Equal(pvm.OpReverseBytes))
		_, ok = pvm.GP080.Decode(111)
		Expect(ok).To(BeFalse())
		for _, p := range []pvm.Profile{pvm.GP072, pvm.GP080, pvm.Latest64} {
			q, err := pvm.ParseProfile(p.String())
			Expect(err).NotTo(HaveOccurred())
			Expect(q).To(Equal(p))
		}
		_, err := pvm.ParseProfile("gp070")
		Expect(err).To(HaveOccurred())
	})
})

var _ = Describe("standard programs", func() {
	sp := func() *pvm.StandardProgram {
		p, err := pvm.ParseProgram(sampleProgram)
		Expect(err).NotTo(HaveOccurred())
		return &pvm.StandardProgram{RO: []byte("ro"), RW: []byte{1, 2, 3}, HeapPages: 2, StackSize: 5000, Code: p}
	}

	It("round-trips, also with metadata", func() {
		s := sp()
		blob := s.Marshal()
		Expect(blob[:11]).To(Equal([]byte{2, 0, 0, 3, 0, 0, 2, 0, 0x88, 0x13, 0}))
		back, err := pvm.ParseStandardProgram(blob)
		Expect(err).NotTo(HaveOccurred())
		Expect(back.Marshal()).To(Equal(blob))
		meta, back2, err := pvm.ParseServiceCode(s.MarshalServiceCode([]byte("meta")))
		Expect(err).NotTo(HaveOccurred())
		Expect(meta).To(Equal([]byte("meta")))
		Expect(back2.Marshal()).To(Equal(blob))
	})

	It("rejects truncations, trailing bytes and a bad inner blob", func() {
		blob := sp().Marshal()
		for n := 0; n < len(blob); n++ {
			_, err := pvm.ParseStandardProgram(blob[:n])
			Expect(err).To(HaveOccurred(), "prefix %d", n)
		}
		_, err := pvm.ParseStandardProgram(append(blob, 0))
		Expect(err).To(MatchError(pvm.ErrTrailingBytes))
		bad := append([]byte{}, blob...)
		bad[11+2+3+4+1] = 7 // the inner blob's jump table entry size
		_, err = pvm.ParseStandardProgram(bad)
		Expect(err).To(MatchError(pvm.ErrBadJumpTable))
	})

	It("initializes memory and registers as Y does", func() {
		s := sp()
		d, err := pvm.Decode(pvm.GP080, s.Code)
		Expect(err).NotTo(HaveOccurred())
		m, err := pvm.InitStandard(d, s, 0, []byte{9, 8, 7}, 1000)
		Expect(err).NotTo(HaveOccurred())
		Expect(m.Regs).To(Equal([13]uint64{0xFFFF0000, 0xFEFE0000, 0, 0, 0, 0, 0, 0xFEFF0000, 3, 0, 0, 0, 0}))
		mem := m.Mem
		Expect(mem.PageAccess(0x10000)).To(Equal(pvm.AccessRead))
		Expect(mem.PageAccess(0x11000)).To(Equal(pvm.AccessNone))
		rw := uint32(0x30000) // 0x20000 + Q(2)
		Expect(m.Layout.RWAddress).To(Equal(rw))
		for pg := uint32(0); pg < 3; pg++ { // P(3) + 2 heap pages
			Expect(mem.PageAccess(rw + pg*4096)).To(Equal(pvm.AccessWrite))
		}
		Expect(mem.PageAccess(rw + 3*4096)).To(Equal(pvm.AccessNone))
		Expect(mem.PageAccess(0xFEFE0000 - 8192)).To(Equal(pvm.AccessWrite)) // P(5000) = 8192
		Expect(mem.PageAccess(0xFEFE0000 - 8193)).To(Equal(pvm.AccessNone))
		Expect(mem.PageAccess(0xFEFE0000)).To(Equal(pvm.AccessNone))
		Expect(mem.PageAccess(0xFEFF0000)).To(Equal(pvm.AccessRead))
		Expect(mem.PageAccess(0xFEFF1000)).To(Equal(pvm.AccessNone))
		buf := make([]byte, 3)
		Expect(mem.Read(0x10000, buf[:2])).To(Succeed())
		Expect(buf[:2]).To(Equal([]byte("ro")))
		Expect(mem.Read(rw, buf)).To(Succeed())
		Expect(buf).To(Equal([]byte{1, 2, 3}))
		Expect(mem.Read(0xFEFF0000, buf)).To(Succeed())
		Expect(buf).To(Equal([]byte{9, 8, 7}))
		Expect(mem.Write(0x10000, buf)).To(HaveOccurred(), "read-only data")
	})

	It("maps the largest layout the header allows without allocating it", func() {
		s := sp()
		s.StackSize = 0xFFFFFF
		s.HeapPages = 0xFFFF
		s.RO = make([]byte, 0xFFFFFF)
		d, err := pvm.Decode(pvm.GP080, s.Code)
		Expect(err).NotTo(HaveOccurred())
		m, err := pvm.InitStandard(d, s, 0, nil, 1000)
		Expect(err).NotTo(HaveOccurred())
		Expect(m.Mem.PageAccess(m.Layout.RWEnd - 1)).To(Equal(pvm.AccessWrite))
		Expect(m.Mem.MappedPages()).To(BeNumerically("<", 5000), "untouched zero pages share storage")
	})

	It("fails initialization when the argument is too large: panic with no gas used", func() {
		s := sp()
		res, err := pvm.RunStandard(pvm.GP080, s, 0, make([]byte, pvm.MaxArgsLength+1), 1000, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Status).To(Equal(pvm.StatusPanic))
		Expect(res.GasUsed).To(BeZero())
		Expect(res.Exit.Err).To(MatchError(pvm.ErrBadLayout))
	})

	It("returns μ[a0, a0+a1) on halt, empty when unreadable", func() {
		// a0 = 0xFEFF0000 + 1 (the argument), a1 = 2: echo bytes 1..2 of the argument.
		prog := mustAsm(pvm.GP080,
			I(pvm.Inst{Op: pvm.OpAddImm64, Ra: 7, Rb: 7, Imm: 1}),
			I(pvm.Inst{Op: pvm.OpLoadImm, Ra: 8, Imm: 2}),
			I(pvm.Inst{Op: pvm.OpJumpInd, Ra: 0}))
		s := &pvm.StandardProgram{Code: prog}
		res, err := pvm.RunStandard(pvm.GP080, s, 0, []byte{5, 6, 7}, 1000, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Status).To(Equal(pvm.StatusHalt))
		Expect(res.Output).To(Equal([]byte{6, 7}))
		Expect(res.GasUsed).To(BeNumerically(">", 0))
		Expect(res.Instructions).To(Equal(uint64(3)))

		big := mustAsm(pvm.GP080, I(pvm.Inst{Op: pvm.OpLoadImm, Ra: 8, Imm: 0x10000}), I(pvm.Inst{Op: pvm.OpJumpInd, Ra: 0}))
		res, err = pvm.RunStandard(pvm.GP080, &pvm.StandardProgram{Code: big}, 0, []byte{1}, 1000, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Status).To(Equal(pvm.StatusHalt))
		Expect(res.Output).To(BeEmpty())
	})

	It("maps out-of-gas, page faults and unhandled host calls as Ψ_M does", func() {
		fault := mustAsm(pvm.GP080, I(pvm.Inst{Op: pvm.OpLoadU8, Ra: 7, Imm: 0x50000}), I(pvm.Inst{Op: pvm.OpTrap}))
		res, _ := pvm.RunStandard(pvm.GP080, &pvm.StandardProgram{Code: fault}, 0, nil, 1000, nil)
		Expect(res.Status).To(Equal(pvm.StatusPanic))
		Expect(res.Exit.Status).To(Equal(pvm.StatusPageFault))
		res, _ = pvm.RunStandard(pvm.GP080, &pvm.StandardProgram{Code: fault}, 0, nil, 5, nil)
		Expect(res.Status).To(Equal(pvm.StatusOutOfGas))
		Expect(res.GasUsed).To(BeZero())
		ecall := mustAsm(pvm.GP080, I(pvm.Inst{Op: pvm.OpEcalli, Imm: 1}), I(pvm.Inst{Op: pvm.OpTrap}))
		res, _ = pvm.RunStandard(pvm.GP080, &pvm.StandardProgram{Code: ecall}, 0, nil, 1000, nil)
		Expect(res.Status).To(Equal(pvm.StatusPanic))
		Expect(res.Exit.Err).To(HaveOccurred())
	})
})

var _ = Describe("polkavm containers", func() {
	module := func() *pvm.Module {
		p, err := pvm.ParseProgram(sampleProgram)
		Expect(err).NotTo(HaveOccurred())
		return &pvm.Module{ISA: pvm.ISAJamV1, ROSize: 10, RWSize: 5000, StackSize: 8192,
			RO: []byte("abc"), RW: []byte{1, 2}, Imports: []string{"log", "fetch"},
			Exports: []pvm.Export{{PC: 0, Name: "refine"}, {PC: 5, Name: "accumulate"}}, Code: p}
	}

	It("round-trips and converts to a standard program (spec §4.5)", func() {
		blob := module().Marshal()
		Expect(blob[:5]).To(Equal([]byte{'P', 'V', 'M', 0, 3}))
		m, err := pvm.ParsePolkaVM(blob)
		Expect(err).NotTo(HaveOccurred())
		Expect(m.Imports).To(Equal([]string{"log", "fetch"}))
		e, ok := m.Export("accumulate")
		Expect(ok).To(BeTrue())
		Expect(e.PC).To(Equal(uint32(5)))
		p, ok := m.Profile()
		Expect(ok).To(BeTrue())
		Expect(p).To(Equal(pvm.GP080))
		Expect(m.Marshal()).To(Equal(blob))
		sp := m.StandardProgram()
		Expect(sp.RO).To(Equal([]byte{'a', 'b', 'c', 0, 0, 0, 0, 0, 0, 0}))
		Expect(sp.RW).To(Equal([]byte{1, 2}))
		Expect(sp.HeapPages).To(Equal(uint32(1))) // P(5000) - P(2) = 4096
		Expect(sp.StackSize).To(Equal(uint32(8192)))
	})

	It("skips unknown optional sections", func() {
		blob := module().Marshal()
		// insert an optional section 0x90 before the end byte and fix the length
		b := append(append([]byte{}, blob[:len(blob)-1]...), 0x90, 2, 0xAA, 0xBB, 0)
		b[5] = byte(len(b))
		_, err := pvm.ParsePolkaVM(b)
		Expect(err).NotTo(HaveOccurred())
	})

	DescribeTable("rejects malformed containers", func(mutate func([]byte) []byte, want error) {
		_, err := pvm.ParsePolkaVM(mutate(module().Marshal()))
		Expect(err).To(MatchError(want))
	},
		Entry("bad magic", func(b []byte) []byte { b[0] = 'X'; return b }, pvm.ErrBadMagic),
		Entry("length mismatch", func(b []byte) []byte { return append(b, 0) }, pvm.ErrTruncated),
		Entry("unknown version", func(b []byte) []byte { b[4] = 9; return b }, pvm.ErrBadSection),
		Entry("truncated", func(b []byte) []byte { b = b[:len(b)-3]; b[5] = byte(len(b)); return b }, pvm.ErrTruncated),
		Entry("unexpected section", func(b []byte) []byte { b[len(b)-1] = 0x07; return b }, pvm.ErrBadSection),
	)
})
