package host_test

import (
	"encoding/binary"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/pvm/host"
)

// program assembles straight-line instructions for profile p.
func program(p pvm.Profile, ins ...pvm.Inst) *pvm.Program {
	var code []byte
	var mask []bool
	for _, in := range ins {
		var err error
		code, mask, err = pvm.AppendInst(p, code, mask, uint32(len(code)), in)
		Expect(err).NotTo(HaveOccurred())
	}
	return &pvm.Program{Code: code, Bitmask: pvm.PackBitmask(mask)}
}

// stopped returns a machine with the standard layout (RW data of 2 pages at 0x20000, a
// 4 KiB stack) stopped as if on an ecalli, for driving host calls directly.
func stopped(p pvm.Profile, gas int64) *pvm.Machine {
	sp := &pvm.StandardProgram{RW: []byte{0}, HeapPages: 1, StackSize: 4096, Code: program(p, pvm.Inst{Op: pvm.OpTrap})}
	d, err := pvm.Decode(p, sp.Code)
	Expect(err).NotTo(HaveOccurred())
	m, err := pvm.InitStandard(d, sp, 0, nil, gas)
	Expect(err).NotTo(HaveOccurred())
	Expect(m.Layout.RWAddress).To(Equal(uint32(0x20000)))
	return m
}

const rw = 0x20000

func call(r *host.Refine, c host.Call, m *pvm.Machine) (bool, error) {
	id, ok := host.ID(r.Profile, c)
	Expect(ok).To(BeTrue())
	return r.HostCall(id, m)
}

var _ = Describe("host-call ids", func() {
	It("follow 0.7.2 for gp072 and the 0.8 draft for gp080", func() {
		id, _ := host.ID(pvm.GP072, host.Fetch)
		Expect(id).To(Equal(uint64(1)))
		id, _ = host.ID(pvm.GP080, host.Fetch)
		Expect(id).To(Equal(uint64(2)))
		id, _ = host.ID(pvm.GP080, host.GrowHeap)
		Expect(id).To(Equal(uint64(1)))
		_, ok := host.ID(pvm.GP072, host.GrowHeap)
		Expect(ok).To(BeFalse())
		id, _ = host.ID(pvm.GP080, host.Provide)
		Expect(id).To(Equal(uint64(27)))
		for _, p := range []pvm.Profile{pvm.GP072, pvm.GP080} {
			for c := host.Gas; c <= host.Log; c++ {
				id, ok := host.ID(p, c)
				if !ok {
					continue
				}
				back, ok := host.CallOf(p, id)
				Expect(ok).To(BeTrue())
				Expect(back).To(Equal(c), "%s in %s", c, p)
			}
		}
		_, ok = host.CallOf(pvm.GP072, 27)
		Expect(ok).To(BeFalse())
	})
})

var _ = Describe("refine host calls", func() {
	It("gas returns the gas left after paying 10", func() {
		m := stopped(pvm.GP080, 1000)
		cont, err := call(&host.Refine{Profile: pvm.GP080}, host.Gas, m)
		Expect(cont).To(BeTrue())
		Expect(err).NotTo(HaveOccurred())
		Expect(m.Regs[7]).To(Equal(uint64(990)))
		Expect(m.Gas).To(Equal(int64(990)))
	})

	It("runs out of gas when 10 are not left", func() {
		m := stopped(pvm.GP080, 9)
		_, err := call(&host.Refine{Profile: pvm.GP080}, host.Gas, m)
		Expect(err).To(MatchError(pvm.ErrOutOfGas))
		Expect(m.Gas).To(Equal(int64(9)))
	})

	It("answers unknown and accumulate-only ids with WHAT for 10 gas", func() {
		m := stopped(pvm.GP072, 100)
		r := &host.Refine{Profile: pvm.GP072}
		cont, err := r.HostCall(77, m)
		Expect(cont).To(BeTrue())
		Expect(err).NotTo(HaveOccurred())
		Expect(m.Regs[7]).To(Equal(host.WHAT))
		Expect(m.Gas).To(Equal(int64(90)))
		_, _ = call(r, host.Write, m)
		Expect(m.Regs[7]).To(Equal(host.WHAT))
	})

	Describe("fetch", func() {
		r := func() *host.Refine {
			return &host.Refine{Profile: pvm.GP072, Fetch: host.FetchData{
				Constants: []byte("hello"), Payloads: [][]byte{[]byte("p0"), []byte("p1")},
				Extrinsics: [][][]byte{{[]byte("x00")}, {[]byte("x10"), []byte("x11")}}, Item: 1,
				Summaries: [][]byte{{1, 2}, {3}},
			}}
		}
		DescribeTable("copies v[offset : offset+maxlen] and returns |v|", func(kind, a, b, offset, maxLen uint64, want string, length uint64) {
			m := stopped(pvm.GP072, 100)
			m.Regs[7], m.Regs[8], m.Regs[9], m.Regs[10], m.Regs[11], m.Regs[12] = rw, offset, maxLen, kind, a, b
			cont, err := call(r(), host.Fetch, m)
			Expect(cont).To(BeTrue())
			Expect(err).NotTo(HaveOccurred())
			Expect(m.Regs[7]).To(Equal(length))
			got := make([]byte, len(want)+1)
			Expect(m.ReadMemory(rw, got)).To(Succeed())
			Expect(got).To(Equal(append([]byte(want), 0)))
		},
			Entry("constants, middle", uint64(0), uint64(0), uint64(0), uint64(1), uint64(3), "ell", uint64(5)),
			Entry("constants, offset past the end", uint64(0), uint64(0), uint64(0), uint64(9), uint64(3), "", uint64(5)),
			Entry("maxlen 0 sizes a buffer", uint64(0), uint64(0), uint64(0), uint64(0), uint64(0), "", uint64(5)),
			Entry("payload of item 1", uint64(13), uint64(1), uint64(0), uint64(0), uint64(10), "p1", uint64(2)),
			Entry("extrinsic 1 of item 1", uint64(3), uint64(1), uint64(1), uint64(0), uint64(10), "x11", uint64(3)),
			Entry("extrinsic 0 of the current item", uint64(4), uint64(0), uint64(0), uint64(0), uint64(10), "x10", uint64(3)),
			Entry("all summaries, length-prefixed", uint64(11), uint64(0), uint64(0), uint64(0), uint64(10), "\x02\x01\x02\x03", uint64(4)),
			Entry("missing item", uint64(13), uint64(5), uint64(0), uint64(0), uint64(10), "", host.NONE),
			Entry("unknown kind", uint64(99), uint64(0), uint64(0), uint64(0), uint64(10), "", host.NONE),
		)

		It("returns the full-chain constants by default", func() {
			m := stopped(pvm.GP072, 100)
			m.Regs[7], m.Regs[8], m.Regs[9], m.Regs[10] = rw, 0, 0, 0
			_, err := call(&host.Refine{Profile: pvm.GP072}, host.Fetch, m)
			Expect(err).NotTo(HaveOccurred())
			Expect(m.Regs[7]).To(Equal(uint64(134)))                          // 7·8 + 13·2 + 13·4
			Expect(host.ConstantsBlob()[24:26]).To(Equal([]byte{0x55, 0x01})) // 341 cores
		})

		It("panics when the output range is not writable", func() {
			m := stopped(pvm.GP072, 100)
			m.Regs[7], m.Regs[8], m.Regs[9], m.Regs[10] = 0x10000, 0, 5, 0 // read-only / unmapped
			_, err := call(r(), host.Fetch, m)
			Expect(err).To(MatchError(pvm.ErrHostPanic))
		})
	})

	It("log records JIP-1 messages (current text: 10 gas, WHAT; legacy: free, no result)", func() {
		m := stopped(pvm.GP080, 100)
		Expect(m.WriteMemory(rw, []byte("tgtmessage"))).To(Succeed())
		r := &host.Refine{Profile: pvm.GP080}
		m.Regs[7], m.Regs[8], m.Regs[9], m.Regs[10], m.Regs[11] = 2, rw, 3, rw+3, 7
		_, err := r.HostCall(host.LogID, m)
		Expect(err).NotTo(HaveOccurred())
		Expect(r.Logs).To(Equal([]host.LogEntry{{Level: 2, Target: "tgt", Message: "message"}}))
		Expect(m.Regs[7]).To(Equal(host.WHAT))
		Expect(m.Gas).To(Equal(int64(90)))

		legacy := &host.Refine{Profile: pvm.GP080, LegacyLog: true}
		m.Regs[7] = 1
		_, err = legacy.HostCall(host.LogID, m)
		Expect(err).NotTo(HaveOccurred())
		Expect(m.Regs[7]).To(Equal(uint64(1)))
		Expect(m.Gas).To(Equal(int64(90)))
		Expect(legacy.Logs).To(HaveLen(1))
	})

	It("export pads segments to 4104 bytes and numbers them from the offset", func() {
		m := stopped(pvm.GP072, 100)
		Expect(m.WriteMemory(rw, []byte{7, 8, 9})).To(Succeed())
		r := &host.Refine{Profile: pvm.GP072, ExportOffset: 5}
		m.Regs[7], m.Regs[8] = rw, 3
		_, err := call(r, host.Export, m)
		Expect(err).NotTo(HaveOccurred())
		Expect(m.Regs[7]).To(Equal(uint64(5)))
		Expect(r.Exports).To(HaveLen(1))
		Expect(r.Exports[0]).To(HaveLen(host.SegmentSize))
		Expect(r.Exports[0][:4]).To(Equal([]byte{7, 8, 9, 0}))

		full := &host.Refine{Profile: pvm.GP072, ExportOffset: host.MaxExports}
		m.Regs[7], m.Regs[8] = rw, 3
		_, err = call(full, host.Export, m)
		Expect(err).NotTo(HaveOccurred())
		Expect(m.Regs[7]).To(Equal(host.FULL))
	})

	It("historical_lookup resolves the service and copies the preimage", func() {
		m := stopped(pvm.GP072, 100)
		hash := [32]byte{1, 2, 3}
		Expect(m.WriteMemory(rw, hash[:])).To(Succeed())
		var gotService uint64
		r := &host.Refine{Profile: pvm.GP072, ServiceID: 42, Lookup: func(s uint64, h [32]byte) ([]byte, bool) {
			gotService = s
			return []byte("preimage"), h == hash
		}}
		m.Regs[7], m.Regs[8], m.Regs[9], m.Regs[10], m.Regs[11] = host.NONE, rw, rw+100, 3, 100
		_, err := call(r, host.HistoricalLookup, m)
		Expect(err).NotTo(HaveOccurred())
		Expect(gotService).To(Equal(uint64(42)))
		Expect(m.Regs[7]).To(Equal(uint64(8)))
		got := make([]byte, 5)
		Expect(m.ReadMemory(rw+100, got)).To(Succeed())
		Expect(string(got)).To(Equal("image"))
	})

	It("grow_heap maps pages up to the requested end and charges per new page (gp080)", func() {
		m := stopped(pvm.GP080, 1000)
		r := &host.Refine{Profile: pvm.GP080}
		a := uint64(rw / pvm.PageSize) // RW data (1 page) + 1 heap page are mapped: c = 2
		m.Regs[7] = a + 5
		_, err := call(r, host.GrowHeap, m)
		Expect(err).NotTo(HaveOccurred())
		Expect(m.Regs[7]).To(Equal(a + 5))
		Expect(m.Gas).To(Equal(int64(1000 - 100 - 10*3)))
		Expect(m.Mem.PageAccess(uint32(a+4) * pvm.PageSize)).To(Equal(pvm.AccessWrite))
		Expect(m.Mem.PageAccess(uint32(a+5) * pvm.PageSize)).To(Equal(pvm.AccessNone))

		m.Regs[7] = 0 // query
		_, err = call(r, host.GrowHeap, m)
		Expect(err).NotTo(HaveOccurred())
		Expect(m.Regs[7]).To(Equal(a + 5))

		m.Regs[7] = 1 << 40 // beyond the stack: refused for the base cost
		gas := m.Gas
		_, err = call(r, host.GrowHeap, m)
		Expect(err).NotTo(HaveOccurred())
		Expect(m.Regs[7]).To(Equal(a + 5))
		Expect(m.Gas).To(Equal(gas - 100))
	})

	It("runs an inner machine: machine, pages, poke, invoke, peek, expunge", func() {
		p := pvm.GP080
		m := stopped(p, 100000)
		r := &host.Refine{Profile: p}
		// inner: a0 = mem64[0x10000]; a0 += a1; mem64[0x10008] = a0; ecalli 9; trap
		inner := program(p,
			pvm.Inst{Op: pvm.OpLoadU64, Ra: 7, Imm: 0x10000},
			pvm.Inst{Op: pvm.OpAdd64, Ra: 7, Rb: 8, Rd: 7},
			pvm.Inst{Op: pvm.OpStoreU64, Ra: 7, Imm: 0x10008},
			pvm.Inst{Op: pvm.OpEcalli, Imm: 9},
			pvm.Inst{Op: pvm.OpTrap}).Marshal()
		Expect(m.WriteMemory(rw, inner)).To(Succeed())
		m.Regs[7], m.Regs[8], m.Regs[9] = rw, uint64(len(inner)), 0
		_, err := call(r, host.Machine, m)
		Expect(err).NotTo(HaveOccurred())
		h := m.Regs[7]
		Expect(h).To(Equal(uint64(0)))

		// invoke before mapping: the load faults at 0x10000
		state := make([]byte, 112)
		binary.LittleEndian.PutUint64(state, 1000)
		binary.LittleEndian.PutUint64(state[8+8*8:], 5) // a1 = 5
		Expect(m.WriteMemory(rw+0x100, state)).To(Succeed())
		m.Regs[7], m.Regs[8] = h, rw+0x100
		_, err = call(r, host.Invoke, m)
		Expect(err).NotTo(HaveOccurred())
		Expect(m.Regs[7]).To(Equal(uint64(host.InnerFault)))
		Expect(m.Regs[8]).To(Equal(uint64(0x10000)))

		m.Regs[7], m.Regs[8], m.Regs[9], m.Regs[10] = h, 16, 1, 2 // page 16 = 0x10000, writable
		_, err = call(r, host.Pages, m)
		Expect(err).NotTo(HaveOccurred())
		Expect(m.Regs[7]).To(Equal(host.OK))

		Expect(m.WriteMemory(rw+0x200, []byte{37, 0, 0, 0, 0, 0, 0, 0})).To(Succeed())
		m.Regs[7], m.Regs[8], m.Regs[9], m.Regs[10] = h, rw+0x200, 0x10000, 8
		_, err = call(r, host.Poke, m)
		Expect(err).NotTo(HaveOccurred())
		Expect(m.Regs[7]).To(Equal(host.OK))

		m.Regs[7], m.Regs[8] = h, rw+0x100
		_, err = call(r, host.Invoke, m)
		Expect(err).NotTo(HaveOccurred())
		Expect(m.Regs[7]).To(Equal(uint64(host.InnerHost)))
		Expect(m.Regs[8]).To(Equal(uint64(9)))
		Expect(m.ReadMemory(rw+0x100, state)).To(Succeed())
		Expect(binary.LittleEndian.Uint64(state[8+7*8:])).To(Equal(uint64(42)))
		Expect(binary.LittleEndian.Uint64(state)).To(BeNumerically("<", 1000))

		m.Regs[7], m.Regs[8], m.Regs[9], m.Regs[10] = h, rw+0x300, 0x10008, 8
		_, err = call(r, host.Peek, m)
		Expect(err).NotTo(HaveOccurred())
		got := make([]byte, 8)
		Expect(m.ReadMemory(rw+0x300, got)).To(Succeed())
		Expect(binary.LittleEndian.Uint64(got)).To(Equal(uint64(42)))

		m.Regs[7], m.Regs[8] = h, rw+0x100 // resume after the ecalli: trap
		_, err = call(r, host.Invoke, m)
		Expect(err).NotTo(HaveOccurred())
		Expect(m.Regs[7]).To(Equal(uint64(host.InnerPanic)))

		m.Regs[7] = h
		_, err = call(r, host.Expunge, m)
		Expect(err).NotTo(HaveOccurred())
		m.Regs[7], m.Regs[8] = h, rw+0x100
		_, err = call(r, host.Invoke, m)
		Expect(err).NotTo(HaveOccurred())
		Expect(m.Regs[7]).To(Equal(host.WHO))
	})

	It("invoke bills the caller for inner gas with ChargeInnerGas", func() {
		for _, charge := range []bool{false, true} {
			m := stopped(pvm.GP072, 5000)
			r := &host.Refine{Profile: pvm.GP072, ChargeInnerGas: charge}
			inner := program(pvm.GP072, pvm.Inst{Op: pvm.OpFallthrough}, pvm.Inst{Op: pvm.OpTrap}).Marshal()
			Expect(m.WriteMemory(rw, inner)).To(Succeed())
			m.Regs[7], m.Regs[8], m.Regs[9] = rw, uint64(len(inner)), 0
			_, err := call(r, host.Machine, m)
			Expect(err).NotTo(HaveOccurred())
			state := make([]byte, 112)
			binary.LittleEndian.PutUint64(state, 1<<40)
			Expect(m.WriteMemory(rw+0x100, state)).To(Succeed())
			m.Regs[8] = rw + 0x100
			gas := m.Gas
			_, err = call(r, host.Invoke, m)
			Expect(err).NotTo(HaveOccurred())
			Expect(m.Regs[7]).To(Equal(uint64(host.InnerPanic)))
			if charge {
				Expect(gas-m.Gas).To(Equal(int64(10+2)), "base cost plus two one-instruction blocks")
			} else {
				Expect(gas - m.Gas).To(Equal(int64(10)))
			}
		}
	})

	It("machine rejects an invalid blob with HUH; pages rejects bad arguments", func() {
		m := stopped(pvm.GP072, 1000)
		r := &host.Refine{Profile: pvm.GP072}
		Expect(m.WriteMemory(rw, []byte{0, 9, 1, 0, 1})).To(Succeed())
		m.Regs[7], m.Regs[8], m.Regs[9] = rw, 5, 0
		_, err := call(r, host.Machine, m)
		Expect(err).NotTo(HaveOccurred())
		Expect(m.Regs[7]).To(Equal(host.HUH))
		m.Regs[7], m.Regs[8], m.Regs[9], m.Regs[10] = 3, 16, 1, 2
		_, _ = call(r, host.Pages, m)
		Expect(m.Regs[7]).To(Equal(host.WHO))
	})
})
