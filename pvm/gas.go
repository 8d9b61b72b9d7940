package pvm

// Gas models (spec §1.5, §3). Both charge per basic block on entry; the cost of a block
// is computed once at decode time from its instructions.

// gasModel prices blocks of one decoded program.
type gasModel struct {
	d        *Decoded
	pipeline bool
	unlikely int // opcode byte of unlikely in this profile, or -1
	sim      simulator
}

func newGasModel(d *Decoded) *gasModel {
	g := &gasModel{d: d, pipeline: d.Profile.PipelineGas(), unlikely: -1}
	if b, ok := d.Profile.Encode(OpUnlikely); ok {
		g.unlikely = int(b)
	}
	return g
}

// blockCost prices the block entered at instruction index i: from i to the first
// terminator (an invalid opcode, a gap or the end of the code count as trap).
func (g *gasModel) blockCost(i int) int64 {
	if !g.pipeline {
		n := int64(0)
		for j := i; ; j++ {
			n++
			if g.d.isTerm(j) {
				return n
			}
		}
	}
	return g.sim.run(g, i)
}

// Pipeline simulation (GP 0.8 draft §A.9 / polkavm simulator.rs, CacheModel::L2Hit).

const (
	simDecodePerCycle = 4
	simROBSize        = 32
	simStartPerCycle  = 5
	simSlack          = 3
	memLatency        = 25
)

// Execution unit indices.
const (
	uALU = iota
	uLoad
	uStore
	uMul
	uDiv
	numUnits
)

var unitLimits = [numUnits]int{4, 4, 4, 1, 1}

const (
	stDecoded = iota
	stWaiting
	stExecuting
	stFinished
	stRetired
)

type robEntry struct {
	state      uint8
	left       int
	deps0, dep int32 // this entry's dependencies are depPool[deps0:dep]
	regs       uint16
	need       [numUnits]int
}

// simulator is reused across blocks so pricing a program allocates little. Entries before
// head have retired: they satisfy every dependency and can be skipped.
type simulator struct {
	rob     []robEntry
	depPool []int32
	head    int
}

// simCost is the static pipeline description of one instruction.
type simCost struct {
	cycles int
	slots  int
	need   [numUnits]int
	src    uint16
	dst    uint16
	move   bool // move_reg: renamed in the front end
}

func regBit(r uint8) uint16 { return 1 << r }

// p returns a if src and dst overlap, else b.
func pOverlap(src, dst uint16, a, b int) int {
	if src&dst != 0 {
		return a
	}
	return b
}

// costOf returns the pipeline cost of instruction index i (spec §3.3).
func (g *gasModel) costOf(i int) simCost {
	in := &g.d.ins[i]
	A, B, D := regBit(in.a), regBit(in.b), regBit(in.d)
	alu := [numUnits]int{1, 0, 0, 0, 0}
	mul := [numUnits]int{1, 0, 0, 1, 0}
	div := [numUnits]int{1, 0, 0, 0, 1}
	ld := [numUnits]int{1, 1, 0, 0, 0}
	st := [numUnits]int{1, 0, 1, 0, 0}
	none := [numUnits]int{}
	// F12: A,B -> D. F9: B -> A. F8: A -> D.
	rrr := func(cyc, pa, pb int) simCost {
		return simCost{cycles: cyc, slots: pOverlap(A|B, D, pa, pb), need: alu, src: A | B, dst: D}
	}
	rri := func(cyc, pa, pb int) simCost {
		return simCost{cycles: cyc, slots: pOverlap(B, A, pa, pb), need: alu, src: B, dst: A}
	}
	fixed := func(cyc, slots int, src, dst uint16) simCost {
		return simCost{cycles: cyc, slots: slots, need: alu, src: src, dst: dst}
	}
	ps := func(a, b int) int {
		if in.a == in.d {
			return a
		}
		return b
	}
	switch in.op {
	case OpMoveReg:
		return simCost{slots: 1, src: A, dst: D, move: true}
	case OpAnd, OpXor, OpOr, OpAdd64, OpSub64:
		return rrr(1, 1, 2)
	case OpAdd32, OpSub32:
		return rrr(2, 2, 3)
	case OpAndImm, OpXorImm, OpOrImm, OpAddImm64, OpShloRImm64, OpSharRImm64, OpShloLImm64, OpRotR64Imm:
		return rri(1, 1, 2)
	case OpReverseBytes:
		return simCost{cycles: 1, slots: pOverlap(A, D, 1, 2), need: alu, src: A, dst: D}
	case OpAddImm32, OpShloRImm32, OpSharRImm32, OpShloLImm32, OpRotR32Imm:
		return rri(2, 2, 3)
	case OpCountSetBits64, OpCountSetBits32, OpLeadingZeroBits64, OpLeadingZeroBits32, OpSignExtend8, OpSignExtend16, OpZeroExtend16:
		return fixed(1, 1, A, D)
	case OpTrailingZeroBits64, OpTrailingZeroBits32:
		return simCost{cycles: 2, slots: 1, need: [numUnits]int{2, 0, 0, 0, 0}, src: A, dst: D}
	case OpShloL64, OpShloR64, OpSharR64, OpRotL64, OpRotR64:
		return simCost{cycles: 1, slots: ps(2, 3), need: alu, src: A | B, dst: D}
	case OpShloL32, OpShloR32, OpSharR32, OpRotL32, OpRotR32:
		return simCost{cycles: 2, slots: ps(3, 4), need: alu, src: A | B, dst: D}
	case OpShloLImmAlt64, OpShloRImmAlt64, OpSharRImmAlt64, OpRotR64ImmAlt:
		return fixed(1, 3, B, A)
	case OpShloLImmAlt32, OpShloRImmAlt32, OpSharRImmAlt32, OpRotR32ImmAlt:
		return fixed(2, 4, B, A)
	case OpSetLtU, OpSetLtS:
		return fixed(3, 3, A|B, D)
	case OpSetLtUImm, OpSetLtSImm, OpSetGtUImm, OpSetGtSImm:
		return fixed(3, 3, B, A)
	case OpCmovIz, OpCmovNz:
		return fixed(2, 2, A|B, D)
	case OpCmovIzImm, OpCmovNzImm:
		return fixed(2, 3, B, A)
	case OpMax, OpMaxU, OpMin, OpMinU:
		return rrr(3, 2, 3)
	case OpLoadIndU8, OpLoadIndI8, OpLoadIndU16, OpLoadIndI16, OpLoadIndU32, OpLoadIndI32, OpLoadIndU64:
		return simCost{cycles: memLatency, slots: 1, need: ld, src: B, dst: A}
	case OpLoadU8, OpLoadI8, OpLoadU16, OpLoadI16, OpLoadU32, OpLoadI32, OpLoadU64:
		return simCost{cycles: memLatency, slots: 1, need: ld, dst: A}
	case OpStoreImmIndU8, OpStoreImmIndU16, OpStoreImmIndU32, OpStoreImmIndU64:
		return simCost{cycles: 25, slots: 1, need: st, src: A}
	case OpStoreIndU8, OpStoreIndU16, OpStoreIndU32, OpStoreIndU64:
		return simCost{cycles: 25, slots: 1, need: st, src: A | B}
	case OpStoreImmU8, OpStoreImmU16, OpStoreImmU32, OpStoreImmU64:
		return simCost{cycles: 25, slots: 1, need: st}
	case OpStoreU8, OpStoreU16, OpStoreU32, OpStoreU64:
		return simCost{cycles: 25, slots: 1, need: st, src: A}
	case OpBranchEq, OpBranchNe, OpBranchLtU, OpBranchLtS, OpBranchGeU, OpBranchGeS:
		return simCost{cycles: g.branchCost(i, in.imm), slots: 1, need: alu, src: A | B}
	case OpBranchEqImm, OpBranchNeImm, OpBranchLtUImm, OpBranchLeUImm, OpBranchGeUImm,
		OpBranchGtUImm, OpBranchLtSImm, OpBranchLeSImm, OpBranchGeSImm, OpBranchGtSImm:
		return simCost{cycles: g.branchCost(i, in.imm2), slots: 1, need: alu, src: A}
	case OpDivU32, OpDivS32, OpRemU32, OpRemS32, OpDivU64, OpDivS64, OpRemU64, OpRemS64:
		return simCost{cycles: 60, slots: 4, need: div, src: A | B, dst: D}
	case OpAndInv, OpOrInv:
		return fixed(2, 3, A|B, D)
	case OpXnor:
		return rrr(2, 2, 3)
	case OpNegAddImm64:
		return fixed(2, 3, B, A)
	case OpNegAddImm32:
		return fixed(3, 4, B, A)
	case OpLoadImm:
		return simCost{cycles: 1, slots: 1, need: none, dst: A}
	case OpLoadImm64:
		return simCost{cycles: 1, slots: 2, need: none, dst: A}
	case OpMul64:
		return simCost{cycles: 3, slots: pOverlap(A|B, D, 1, 2), need: mul, src: A | B, dst: D}
	case OpMul32:
		return simCost{cycles: 4, slots: pOverlap(A|B, D, 2, 3), need: mul, src: A | B, dst: D}
	case OpMulImm64:
		return simCost{cycles: 3, slots: pOverlap(B, A, 1, 2), need: mul, src: B, dst: A}
	case OpMulImm32:
		return simCost{cycles: 4, slots: pOverlap(B, A, 2, 3), need: mul, src: B, dst: A}
	case OpMulUpperSS, OpMulUpperUU:
		return simCost{cycles: 4, slots: 4, need: mul, src: A | B, dst: D}
	case OpMulUpperSU:
		return simCost{cycles: 6, slots: 4, need: mul, src: A | B, dst: D}
	case OpUnlikely:
		return simCost{cycles: 40, slots: 1}
	case OpJump, OpLoadImmJump:
		return simCost{cycles: 15, slots: 1}
	case OpJumpInd:
		return simCost{cycles: 22, slots: 1, src: A}
	case OpLoadImmJumpInd:
		return simCost{cycles: 22, slots: 1, src: B}
	case OpEcalli:
		return simCost{cycles: 100, slots: 4, need: alu}
	case OpSbrk:
		return simCost{cycles: 100, slots: 4, need: alu, src: A, dst: D}
	case OpMemset:
		return simCost{cycles: 100, slots: 4, need: alu}
	}
	// trap, fallthrough, invalid opcodes, gaps and the end of the code.
	return simCost{cycles: 2, slots: 1}
}

// branchCost is 𝔟: 1 if the byte at the fall-through or at the taken target is trap or
// unlikely, else 20.
func (g *gasModel) branchCost(i int, target uint64) int {
	code := g.d.Program.Code
	cheap := func(b byte) bool { return b == 0 || int(b) == g.unlikely }
	if cheap(zeta(code, uint64(g.d.ins[i+1].pc))) {
		return 1
	}
	if target <= 0xFFFFFFFF && cheap(zeta(code, target)) {
		return 1
	}
	return 20
}

// run simulates the block starting at instruction index start (spec §3.2).
func (s *simulator) run(g *gasModel, start int) int64 {
	s.rob = s.rob[:0]
	s.depPool = s.depPool[:0]
	s.head = 0
	pc := start
	cycles, d, e := 0, simDecodePerCycle, simStartPerCycle
	units := unitLimits
	live := 0
	for {
		if pc >= 0 {
			c := g.costOf(pc)
			if c.slots <= d && live < simROBSize {
				if c.move {
					for k := s.head; k < len(s.rob); k++ {
						x := &s.rob[k]
						if x.regs&c.src != 0 {
							x.regs |= c.dst
						} else {
							x.regs &^= c.dst
						}
					}
					d -= c.slots
					pc++
					continue
				}
				d0 := int32(len(s.depPool))
				for k := s.head; k < len(s.rob); k++ {
					if c.src&s.rob[k].regs != 0 {
						s.depPool = append(s.depPool, int32(k))
					}
				}
				for k := s.head; k < len(s.rob); k++ {
					s.rob[k].regs &^= c.dst
				}
				s.rob = append(s.rob, robEntry{state: stDecoded, left: c.cycles, deps0: d0, dep: int32(len(s.depPool)), regs: c.dst, need: c.need})
				live++
				d -= c.slots
				if g.d.isTerm(pc) {
					pc = -1
				} else {
					pc++
				}
				continue
			}
		}
		if e > 0 {
			if n := s.startable(&units); n >= 0 {
				e--
				x := &s.rob[n]
				for u := range units {
					units[u] -= x.need[u]
				}
				x.state = stExecuting
				continue
			}
		}
		if pc < 0 && live == 0 {
			return int64(max(cycles-simSlack, 1))
		}
		// Advance one cycle; every condition reads the state from before this step.
		d, e = simDecodePerCycle, simStartPerCycle
		cycles++
		for k := s.head; k < len(s.rob); k++ {
			x := &s.rob[k]
			if x.state == stExecuting && x.left == 1 {
				for u := range units {
					units[u] += x.need[u]
				}
			}
		}
		prefixDone := true
		newHead := s.head
		for k := s.head; k < len(s.rob); k++ {
			x := &s.rob[k]
			prev, prevLeft := x.state, x.left
			prefixDone = prefixDone && (prev == stFinished || prev == stRetired)
			switch {
			case prefixDone:
				if prev != stRetired {
					live--
				}
				x.state = stRetired
				newHead = k + 1
			case prev == stDecoded:
				x.state = stWaiting
			case prev == stExecuting && prevLeft == 0:
				x.state = stFinished
			}
			if prev == stExecuting && prevLeft > 0 {
				x.left--
			}
		}
		s.head = newHead
	}
}

// startable returns the lowest waiting entry whose units are free and whose dependencies
// have finished their latency, or -1.
func (s *simulator) startable(units *[numUnits]int) int {
next:
	for k := s.head; k < len(s.rob); k++ {
		x := &s.rob[k]
		if x.state != stWaiting {
			continue
		}
		for u := range units {
			if x.need[u] > units[u] {
				continue next
			}
		}
		for _, dep := range s.depPool[x.deps0:x.dep] {
			if s.rob[dep].left != 0 {
				continue next
			}
		}
		return k
	}
	return -1
}
