package link

import (
	"math/bits"
)

// evalRV computes a RISC-V ALU operation on constant operands (RV64 semantics,
// M-extension division results included). It is used when an operand is x0, so
// that the instruction can become a load_imm or a simpler form.
func evalRV(op rvOp, a, b uint64) uint64 {
	sx := func(v uint64) uint64 { return uint64(int64(int32(uint32(v)))) }
	switch op {
	case rvADD, rvADDI:
		return a + b
	case rvSUB:
		return a - b
	case rvADDW, rvADDIW:
		return sx(a + b)
	case rvSUBW:
		return sx(a - b)
	case rvAND, rvANDI:
		return a & b
	case rvOR, rvORI:
		return a | b
	case rvXOR, rvXORI:
		return a ^ b
	case rvANDN:
		return a &^ b
	case rvORN:
		return a | ^b
	case rvXNOR:
		return ^(a ^ b)
	case rvSLL, rvSLLI:
		return a << (b & 63)
	case rvSRL, rvSRLI:
		return a >> (b & 63)
	case rvSRA, rvSRAI:
		return uint64(int64(a) >> (b & 63))
	case rvSLLW, rvSLLIW:
		return sx(uint64(uint32(a) << (b & 31)))
	case rvSRLW, rvSRLIW:
		return sx(uint64(uint32(a) >> (b & 31)))
	case rvSRAW, rvSRAIW:
		return uint64(int64(int32(a) >> (b & 31)))
	case rvROL:
		return bits.RotateLeft64(a, int(b&63))
	case rvROR, rvRORI:
		return bits.RotateLeft64(a, -int(b&63))
	case rvROLW:
		return sx(uint64(bits.RotateLeft32(uint32(a), int(b&31))))
	case rvRORW, rvRORIW:
		return sx(uint64(bits.RotateLeft32(uint32(a), -int(b&31))))
	case rvSLT, rvSLTI:
		if int64(a) < int64(b) {
			return 1
		}
		return 0
	case rvSLTU, rvSLTIU:
		if a < b {
			return 1
		}
		return 0
	case rvMUL:
		return a * b
	case rvMULW:
		return sx(a * b)
	case rvMULHU:
		hi, _ := bits.Mul64(a, b)
		return hi
	case rvMULH:
		hi, _ := bits.Mul64(a, b)
		if int64(a) < 0 {
			hi -= b
		}
		if int64(b) < 0 {
			hi -= a
		}
		return hi
	case rvMULHSU:
		hi, _ := bits.Mul64(a, b)
		if int64(a) < 0 {
			hi -= b
		}
		return hi
	case rvDIVU:
		if b == 0 {
			return ^uint64(0)
		}
		return a / b
	case rvDIV:
		switch {
		case b == 0:
			return ^uint64(0)
		case int64(a) == -1<<63 && int64(b) == -1:
			return a
		}
		return uint64(int64(a) / int64(b))
	case rvREMU:
		if b == 0 {
			return a
		}
		return a % b
	case rvREM:
		switch {
		case b == 0:
			return a
		case int64(a) == -1<<63 && int64(b) == -1:
			return 0
		}
		return uint64(int64(a) % int64(b))
	case rvDIVUW:
		if uint32(b) == 0 {
			return ^uint64(0)
		}
		return sx(uint64(uint32(a) / uint32(b)))
	case rvDIVW:
		x, y := int32(a), int32(b)
		switch {
		case y == 0:
			return ^uint64(0)
		case x == -1<<31 && y == -1:
			return sx(uint64(uint32(x)))
		}
		return uint64(int64(x / y))
	case rvREMUW:
		if uint32(b) == 0 {
			return sx(a)
		}
		return sx(uint64(uint32(a) % uint32(b)))
	case rvREMW:
		x, y := int32(a), int32(b)
		switch {
		case y == 0:
			return sx(a)
		case x == -1<<31 && y == -1:
			return 0
		}
		return uint64(int64(x % y))
	case rvMIN:
		if int64(a) < int64(b) {
			return a
		}
		return b
	case rvMAX:
		if int64(a) > int64(b) {
			return a
		}
		return b
	case rvMINU:
		return min(a, b)
	case rvMAXU:
		return max(a, b)
	}
	return 0
}

// evalUnary is the value of a Zbb unary operation applied to zero.
func evalUnaryZero(op rvOp) uint64 {
	switch op {
	case rvCLZ, rvCTZ:
		return 64
	case rvCLZW, rvCTZW:
		return 32
	}
	return 0
}
