package link_test

import "encoding/binary"

// A tiny assembler and reference interpreter for testdata/bytecode.c's stack machine.

type bcAsm struct {
	code   []byte
	labels map[string]int
	fixups map[int]string
}

func newBC() *bcAsm { return &bcAsm{labels: map[string]int{}, fixups: map[int]string{}} }

func (a *bcAsm) op(o byte) *bcAsm { a.code = append(a.code, o); return a }
func (a *bcAsm) push(v int32) *bcAsm {
	a.code = binary.LittleEndian.AppendUint32(append(a.code, 1), uint32(v))
	return a
}
func (a *bcAsm) label(n string) *bcAsm       { a.labels[n] = len(a.code); return a }
func (a *bcAsm) local(o byte, k byte) *bcAsm { a.code = append(a.code, o, k); return a }
func (a *bcAsm) jump(o byte, label string) *bcAsm {
	a.code = append(a.code, o)
	a.fixups[len(a.code)] = label
	a.code = append(a.code, 0, 0)
	return a
}
func (a *bcAsm) bytes() []byte {
	for at, l := range a.fixups {
		binary.LittleEndian.PutUint16(a.code[at:], uint16(a.labels[l]))
	}
	return a.code
}

const (
	bcHalt = iota
	bcPush
	bcAdd
	bcSub
	bcMul
	bcDiv
	bcDup
	bcSwap
	bcDrop
	bcJnz
	bcJmp
	bcLt
	bcOver
	bcXor
	bcShl
	bcLoad
	bcStore
)

func bytecodePrograms() [][]byte {
	var out [][]byte
	// sum of i*i for i < n
	for _, n := range []int32{0, 10, 1000} {
		out = append(out, newBC().push(0).local(bcStore, 0).push(0).local(bcStore, 1).
			label("loop").local(bcLoad, 0).push(n).op(bcLt).jump(bcJnz, "body").local(bcLoad, 1).op(bcHalt).
			label("body").local(bcLoad, 1).local(bcLoad, 0).op(bcDup).op(bcMul).op(bcAdd).local(bcStore, 1).
			local(bcLoad, 0).push(1).op(bcAdd).local(bcStore, 0).jump(bcJmp, "loop").bytes())
	}
	// iterative fibonacci (wrapping) of n, using the stack only
	for _, n := range []int32{1, 50, 90} {
		out = append(out, newBC().push(0).push(1).push(n).
			label("loop").op(bcDup).jump(bcJnz, "body").op(bcDrop).op(bcDrop).op(bcHalt).
			label("body").push(1).op(bcSub).local(bcStore, 7). // counter
			op(bcSwap).op(bcOver).op(bcAdd).                   // a b -> b a+b
			local(bcLoad, 7).jump(bcJmp, "loop").bytes())
	}
	// collatz steps of x, with xor/shift/div mixed in
	for _, x := range []int32{27, 97, 871} {
		out = append(out, newBC().push(x).local(bcStore, 0).push(0).local(bcStore, 1).
			label("loop").local(bcLoad, 0).push(1).op(bcXor).jump(bcJnz, "step").local(bcLoad, 1).op(bcHalt).
			label("step").local(bcLoad, 1).push(1).op(bcAdd).local(bcStore, 1).
			local(bcLoad, 0).local(bcLoad, 0).push(2).op(bcDiv).push(1).op(bcShl).op(bcSub).jump(bcJnz, "odd").
			local(bcLoad, 0).push(2).op(bcDiv).local(bcStore, 0).jump(bcJmp, "loop").
			label("odd").local(bcLoad, 0).push(3).op(bcMul).push(1).op(bcAdd).local(bcStore, 0).jump(bcJmp, "loop").bytes())
	}
	// error paths: division by zero, an unknown opcode, running off the end
	out = append(out, newBC().push(5).push(0).op(bcDiv).op(bcHalt).bytes(),
		newBC().push(5).op(99).bytes(), newBC().push(5).bytes())
	return out
}

func runBytecode(code []byte) int64 {
	errv := func(c int64) int64 { return int64(uint64(1)<<63 + uint64(c)) }
	var stack []int64
	var locals [8]int64
	pc, steps := 0, 0
	for {
		if pc >= len(code) {
			return errv(1)
		}
		if steps++; steps > 5000000 {
			return errv(2)
		}
		op := code[pc]
		pc++
		switch op {
		case bcHalt:
			if len(stack) == 0 {
				return errv(3)
			}
			return stack[len(stack)-1]
		case bcPush:
			stack = append(stack, int64(int32(binary.LittleEndian.Uint32(code[pc:]))))
			pc += 4
		case bcAdd, bcSub, bcMul, bcDiv, bcLt, bcXor, bcShl:
			b, a := stack[len(stack)-1], stack[len(stack)-2]
			stack = stack[:len(stack)-1]
			var r int64
			switch op {
			case bcAdd:
				r = a + b
			case bcSub:
				r = a - b
			case bcMul:
				r = a * b
			case bcDiv:
				if b != 0 && (a != -1<<63 || b != -1) {
					r = a / b
				}
			case bcLt:
				if a < b {
					r = 1
				}
			case bcXor:
				r = a ^ b
			case bcShl:
				r = int64(uint64(a) << (b & 63))
			}
			stack[len(stack)-1] = r
		case bcDup:
			stack = append(stack, stack[len(stack)-1])
		case bcSwap:
			n := len(stack)
			stack[n-1], stack[n-2] = stack[n-2], stack[n-1]
		case bcDrop:
			stack = stack[:len(stack)-1]
		case bcJnz, bcJmp:
			t := int(binary.LittleEndian.Uint16(code[pc:]))
			pc += 2
			if op == bcJmp {
				pc = t
				break
			}
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if v != 0 {
				pc = t
			}
		case bcOver:
			stack = append(stack, stack[len(stack)-2])
		case bcLoad:
			stack = append(stack, locals[code[pc]&7])
			pc++
		case bcStore:
			locals[code[pc]&7] = stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			pc++
		default:
			return errv(15)
		}
	}
}
