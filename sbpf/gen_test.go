package sbpf_test

import (
	"math/rand"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
)

// Random program generator shared by the structured fuzz target and the
// oracle differential test: mostly valid opcodes for the version, jumps and
// calls inside the program, memory accesses around r1 (input) and r10 (stack).

var interestingImms = []int64{0, 1, -1, 2, 7, 8, 16, 31, 32, 33, 63, 64, 255, -256, 0x7fffffff, -0x80000000, 0x1000, -4096}

func validOpcodes(v sbpf.Version) []uint8 {
	var ops []uint8
	for o := 0; o < 256; o++ {
		err := sbpf.Verify(prog(ix(uint8(o), 1, 2, 0, 16), exit, exit), v)
		if ve, ok := err.(*sbpf.VerifierError); ok && ve.Kind == sbpf.VerrUnknownOpCode && ve.PC == 0 {
			continue
		}
		ops = append(ops, uint8(o))
	}
	return ops
}

func genProgram(rng *rand.Rand, v sbpf.Version, ops []uint8) []byte {
	n := 3 + rng.Intn(30)
	var out []byte
	// prologue: interesting register values (sign bits, boundaries)
	if rng.Intn(2) == 0 {
		vals := []uint64{1 << 63, 1<<63 - 1, 1 << 31, 0xffffffff, 0xffffffff80000000, ^uint64(0), 0x100000000, sbpf.MMInputStart + 8}
		for k := rng.Intn(4); k >= 0; k-- {
			dst := uint8(rng.Intn(10))
			val := vals[rng.Intn(len(vals))]
			if v.DisableLDDW() {
				out = append(out, ix(sbpf.OpMov32Imm, dst, 0, 0, int64(int32(uint32(val))))...)
				out = append(out, ix(sbpf.OpHor64Imm, dst, 0, 0, int64(int32(uint32(val>>32))))...)
			} else {
				out = append(out, lddw(dst, val)...)
			}
			n += 2
		}
	}
	for pc := len(out) / 8; pc < n-1; pc++ {
		opc := ops[rng.Intn(len(ops))]
		if rng.Intn(50) == 0 {
			opc = uint8(rng.Intn(256))
		}
		dst := uint8(rng.Intn(10))
		src := uint8(rng.Intn(11))
		imm := interestingImms[rng.Intn(len(interestingImms))]
		if rng.Intn(3) == 0 {
			imm = int64(int32(rng.Uint32()))
		}
		off := int16(rng.Intn(33) - 16)
		cls := opc & 7
		isMem := false
		switch {
		case opc == sbpf.OpCallImm:
			switch rng.Intn(4) {
			case 0:
				imm = int64(int32(sbpf.HashSymbolName([]byte("gather"))))
				src = 0
			case 1:
				imm = int64(int32(sbpf.HashSymbolName([]byte("burn"))))
				src = 0
			case 2:
				imm = int64(int32(rng.Uint32())) // unresolved
				src = uint8(rng.Intn(2))
			default:
				t := rng.Intn(n)
				if v.StaticSyscalls() {
					imm, src = int64(t-pc-1), 1
				} else {
					imm = int64(t)
				}
			}
		case opc == sbpf.OpCallReg:
			r := uint8(rng.Intn(10))
			dst, src, imm = 0, 0, int64(r)
			if v.CallxUsesSrcReg() {
				src, imm = r, 0
			} else if v.CallxUsesDstReg() {
				dst, imm = r, 0
			}
		case cls == sbpf.ClsJMP64 || (cls == sbpf.ClsJMP32 && v.EnableJmp32()):
			off = int16(rng.Intn(n) - pc - 1)
		case cls <= sbpf.ClsSTX, v.MoveMemoryInstructionClasses() && (opc&0x60 != 0 || opc&0x80 != 0) && (cls == sbpf.ClsALU32 || cls == sbpf.ClsALU64) && opc&0xf0 != 0xf0:
			isMem = true
		}
		if isMem {
			base := []uint8{1, 10, 1, 10, uint8(rng.Intn(11))}[rng.Intn(5)]
			if cls == sbpf.ClsLDX || (v.MoveMemoryInstructionClasses() && cls == sbpf.ClsALU32) {
				src = base
			} else {
				dst = base
			}
			if base == 10 {
				off = int16(-8 * (1 + rng.Intn(8)))
				if rng.Intn(4) == 0 {
					off = int16(rng.Intn(8192) - 4096)
				}
			} else {
				off = int16(rng.Intn(72) - 4)
			}
		}
		if opc == sbpf.OpAdd64Imm && rng.Intn(4) == 0 {
			dst, imm = 10, int64(64*(rng.Intn(5)-2))
		}
		if opc == sbpf.OpLdDwImm && pc < n-2 {
			out = append(out, lddw(dst, rng.Uint64()>>uint(rng.Intn(64)))...)
			pc++
			continue
		}
		b := sbpf.Insn{Opc: opc, Dst: dst, Src: src, Off: off, Imm: imm}.Bytes()
		out = append(out, b[:]...)
	}
	if rng.Intn(10) == 0 {
		return append(out, ix(sbpf.OpMov64Imm, 0, 0, 0, 1)...) // runs off the end
	}
	return append(out, exit...)
}
