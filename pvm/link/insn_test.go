package link_test

import (
	"fmt"
	"math/bits"
	"sort"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
)

// RISC-V reference semantics (RV64 I, M, Zbb), written independently of the linker.
func sx32(v uint64) uint64 { return uint64(int64(int32(uint32(v)))) }

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func mulhs(a, b uint64, sa, sb bool) uint64 {
	hi, _ := bits.Mul64(a, b)
	if sa && int64(a) < 0 {
		hi -= b
	}
	if sb && int64(b) < 0 {
		hi -= a
	}
	return hi
}

var rrRef = map[string]func(a, b uint64) uint64{
	"add": func(a, b uint64) uint64 { return a + b }, "sub": func(a, b uint64) uint64 { return a - b },
	"sll": func(a, b uint64) uint64 { return a << (b & 63) }, "srl": func(a, b uint64) uint64 { return a >> (b & 63) },
	"sra": func(a, b uint64) uint64 { return uint64(int64(a) >> (b & 63)) },
	"slt": func(a, b uint64) uint64 { return b2u(int64(a) < int64(b)) }, "sltu": func(a, b uint64) uint64 { return b2u(a < b) },
	"xor": func(a, b uint64) uint64 { return a ^ b }, "or": func(a, b uint64) uint64 { return a | b },
	"and":  func(a, b uint64) uint64 { return a & b },
	"addw": func(a, b uint64) uint64 { return sx32(a + b) }, "subw": func(a, b uint64) uint64 { return sx32(a - b) },
	"sllw": func(a, b uint64) uint64 { return sx32(uint64(uint32(a) << (b & 31))) },
	"srlw": func(a, b uint64) uint64 { return sx32(uint64(uint32(a) >> (b & 31))) },
	"sraw": func(a, b uint64) uint64 { return uint64(int64(int32(a) >> (b & 31))) },
	"mul":  func(a, b uint64) uint64 { return a * b }, "mulw": func(a, b uint64) uint64 { return sx32(a * b) },
	"mulh":   func(a, b uint64) uint64 { return mulhs(a, b, true, true) },
	"mulhu":  func(a, b uint64) uint64 { return mulhs(a, b, false, false) },
	"mulhsu": func(a, b uint64) uint64 { return mulhs(a, b, true, false) },
	"div": func(a, b uint64) uint64 {
		switch {
		case b == 0:
			return ^uint64(0)
		case int64(a) == -1<<63 && int64(b) == -1:
			return a
		}
		return uint64(int64(a) / int64(b))
	},
	"divu": func(a, b uint64) uint64 {
		if b == 0 {
			return ^uint64(0)
		}
		return a / b
	},
	"rem": func(a, b uint64) uint64 {
		switch {
		case b == 0:
			return a
		case int64(a) == -1<<63 && int64(b) == -1:
			return 0
		}
		return uint64(int64(a) % int64(b))
	},
	"remu": func(a, b uint64) uint64 {
		if b == 0 {
			return a
		}
		return a % b
	},
	"divw": func(a, b uint64) uint64 {
		x, y := int32(a), int32(b)
		switch {
		case y == 0:
			return ^uint64(0)
		case x == -1<<31 && y == -1:
			return sx32(uint64(uint32(x)))
		}
		return uint64(int64(x / y))
	},
	"divuw": func(a, b uint64) uint64 {
		if uint32(b) == 0 {
			return ^uint64(0)
		}
		return sx32(uint64(uint32(a) / uint32(b)))
	},
	"remw": func(a, b uint64) uint64 {
		x, y := int32(a), int32(b)
		switch {
		case y == 0:
			return sx32(a)
		case x == -1<<31 && y == -1:
			return 0
		}
		return uint64(int64(x % y))
	},
	"remuw": func(a, b uint64) uint64 {
		if uint32(b) == 0 {
			return sx32(a)
		}
		return sx32(uint64(uint32(a) % uint32(b)))
	},
	"andn": func(a, b uint64) uint64 { return a &^ b }, "orn": func(a, b uint64) uint64 { return a | ^b },
	"xnor": func(a, b uint64) uint64 { return ^(a ^ b) },
	"min":  func(a, b uint64) uint64 { return uint64(min(int64(a), int64(b))) },
	"max":  func(a, b uint64) uint64 { return uint64(max(int64(a), int64(b))) },
	"minu": func(a, b uint64) uint64 { return min(a, b) }, "maxu": func(a, b uint64) uint64 { return max(a, b) },
	"rol":  func(a, b uint64) uint64 { return bits.RotateLeft64(a, int(b&63)) },
	"ror":  func(a, b uint64) uint64 { return bits.RotateLeft64(a, -int(b&63)) },
	"rolw": func(a, b uint64) uint64 { return sx32(uint64(bits.RotateLeft32(uint32(a), int(b&31)))) },
	"rorw": func(a, b uint64) uint64 { return sx32(uint64(bits.RotateLeft32(uint32(a), -int(b&31)))) },
}

// I-type ops: the reference of "op rd, rs, imm" is rrRef of the register form.
var riForm = map[string]string{
	"addi": "add", "slti": "slt", "sltiu": "sltu", "xori": "xor", "ori": "or", "andi": "and",
	"slli": "sll", "srli": "srl", "srai": "sra", "addiw": "addw", "slliw": "sllw", "srliw": "srlw", "sraiw": "sraw",
	"rori": "ror", "roriw": "rorw",
}

var unaryRef = map[string]func(a uint64) uint64{
	"clz":    func(a uint64) uint64 { return uint64(bits.LeadingZeros64(a)) },
	"clzw":   func(a uint64) uint64 { return uint64(bits.LeadingZeros32(uint32(a))) },
	"ctz":    func(a uint64) uint64 { return uint64(bits.TrailingZeros64(a)) },
	"ctzw":   func(a uint64) uint64 { return uint64(bits.TrailingZeros32(uint32(a))) },
	"cpop":   func(a uint64) uint64 { return uint64(bits.OnesCount64(a)) },
	"cpopw":  func(a uint64) uint64 { return uint64(bits.OnesCount32(uint32(a))) },
	"sext.b": func(a uint64) uint64 { return uint64(int64(int8(a))) },
	"sext.h": func(a uint64) uint64 { return uint64(int64(int16(a))) },
	"zext.h": func(a uint64) uint64 { return a & 0xFFFF },
	"rev8":   bits.ReverseBytes64,
	"orc.b": func(a uint64) uint64 {
		var r uint64
		for i := 0; i < 64; i += 8 {
			if a>>i&0xFF != 0 {
				r |= 0xFF << i
			}
		}
		return r
	},
}

type insnCase struct {
	body string
	ref  func(a, b uint64) uint64
}

// sorted returns the keys of m in order, so that generated sources are deterministic.
func sorted[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func insnCases() []insnCase {
	var cs []insnCase
	add := func(body string, ref func(a, b uint64) uint64) { cs = append(cs, insnCase{body, ref}) }
	for _, op := range sorted(rrRef) {
		f := rrRef[op]
		add(fmt.Sprintf("%s a0, a0, a1", op), f)
		add(fmt.Sprintf("%s a2, a1, a0\n mv a0, a2", op), func(a, b uint64) uint64 { return f(b, a) })
		add(fmt.Sprintf("%s a2, a0, zero\n mv a0, a2", op), func(a, b uint64) uint64 { return f(a, 0) })
		add(fmt.Sprintf("%s a2, zero, a1\n mv a0, a2", op), func(a, b uint64) uint64 { return f(0, b) })
		add(fmt.Sprintf("%s a0, zero, zero", op), func(a, b uint64) uint64 { return f(0, 0) })
		add(fmt.Sprintf("%s a0, a0, zero", op), func(a, b uint64) uint64 { return f(a, 0) })
		add(fmt.Sprintf("%s a1, zero, a1\n mv a0, a1", op), func(a, b uint64) uint64 { return f(0, b) })
		add(fmt.Sprintf("%s zero, a0, a1", op), func(a, b uint64) uint64 { return a })
	}
	for _, op := range sorted(riForm) {
		rr := riForm[op]
		f := rrRef[rr]
		imms := []int64{0, 1, -1, 7, 100, 2047, -2048}
		if strings.HasPrefix(rr, "s") && rr != "sub" && rr != "slt" && rr != "sltu" || strings.HasPrefix(rr, "ro") {
			imms = []int64{0, 1, 13, 31}
			if !strings.HasSuffix(op, "w") {
				imms = append(imms, 32, 63)
			}
		}
		for _, imm := range imms {
			add(fmt.Sprintf("%s a0, a0, %d", op, imm), func(a, b uint64) uint64 { return f(a, uint64(imm)) })
			add(fmt.Sprintf("%s a0, zero, %d", op, imm), func(a, b uint64) uint64 { return f(0, uint64(imm)) })
		}
	}
	for _, op := range sorted(unaryRef) {
		f := unaryRef[op]
		add(fmt.Sprintf("%s a0, a0", op), func(a, b uint64) uint64 { return f(a) })
		add(fmt.Sprintf("%s a0, zero", op), func(a, b uint64) uint64 { return f(0) })
		add(fmt.Sprintf("%s a2, a1\n mv a0, a2", op), func(a, b uint64) uint64 { return f(b) })
	}
	for _, v := range []uint32{0x12345, 0x80000, 0xFFFFF, 1} {
		add(fmt.Sprintf("lui a0, 0x%x", v), func(a, b uint64) uint64 { return sx32(uint64(v) << 12) })
	}
	// XTheadCondMov
	add("li a2, 77\n th.mveqz a2, a1, a0\n mv a0, a2", func(a, b uint64) uint64 { return map[bool]uint64{true: b, false: 77}[a == 0] })
	add("li a2, 77\n th.mvnez a2, a1, a0\n mv a0, a2", func(a, b uint64) uint64 { return map[bool]uint64{true: b, false: 77}[a != 0] })
	add("li a2, 77\n th.mveqz a2, zero, a0\n mv a0, a2", func(a, b uint64) uint64 { return map[bool]uint64{true: 0, false: 77}[a == 0] })
	add("li a2, 77\n th.mvnez a2, zero, a0\n mv a0, a2", func(a, b uint64) uint64 { return map[bool]uint64{true: 0, false: 77}[a != 0] })
	add("li a2, 77\n th.mveqz a2, a1, zero\n mv a0, a2", func(a, b uint64) uint64 { return b })
	add("li a2, 77\n th.mvnez a2, a1, zero\n mv a0, a2", func(a, b uint64) uint64 { return 77 })
	// branches, with x0 on either side
	branches := map[string]func(a, b uint64) bool{
		"beq": func(a, b uint64) bool { return a == b }, "bne": func(a, b uint64) bool { return a != b },
		"blt": func(a, b uint64) bool { return int64(a) < int64(b) }, "bge": func(a, b uint64) bool { return int64(a) >= int64(b) },
		"bltu": func(a, b uint64) bool { return a < b }, "bgeu": func(a, b uint64) bool { return a >= b },
	}
	for _, op := range sorted(branches) {
		cond := branches[op]
		for _, v := range [][2]string{{"a0", "a1"}, {"a0", "zero"}, {"zero", "a1"}, {"zero", "zero"}} {
			x, y := v[0] == "zero", v[1] == "zero"
			add(fmt.Sprintf("%s %s, %s, 1f\n li a0, 5\n ret\n1: li a0, 9", op, v[0], v[1]), func(a, b uint64) uint64 {
				if x {
					a = 0
				}
				if y {
					b = 0
				}
				if cond(a, b) {
					return 9
				}
				return 5
			})
		}
	}
	// fences are no-ops; a load to x0 is dropped
	add("fence\n fence.i\n ld zero, 0(sp)\n addi a0, a0, 1", func(a, b uint64) uint64 { return a + 1 })
	return cs
}

// Loads, stores and atomics on a 32-byte buffer; results in a0 and a1.
type memCase struct {
	body string
	ref  func(a, b uint64, buf []byte) (uint64, uint64)
}

func le(buf []byte, n int) uint64 {
	var v uint64
	for i := n - 1; i >= 0; i-- {
		v = v<<8 | uint64(buf[i])
	}
	return v
}

func memCases() []memCase {
	var cs []memCase
	loads := map[string]func(b []byte) uint64{
		"lb": func(b []byte) uint64 { return uint64(int64(int8(b[0]))) }, "lbu": func(b []byte) uint64 { return uint64(b[0]) },
		"lh": func(b []byte) uint64 { return uint64(int64(int16(le(b, 2)))) }, "lhu": func(b []byte) uint64 { return le(b, 2) },
		"lw": func(b []byte) uint64 { return sx32(le(b, 4)) }, "lwu": func(b []byte) uint64 { return le(b, 4) },
		"ld": func(b []byte) uint64 { return le(b, 8) },
	}
	for _, op := range sorted(loads) {
		f := loads[op]
		for _, off := range []int{0, 3, 8} {
			cs = append(cs, memCase{fmt.Sprintf("lla a2, buf\n andi a0, a0, 7\n add a2, a2, a0\n %s a0, %d(a2)", op, off),
				func(a, b uint64, buf []byte) (uint64, uint64) { return f(buf[int(a&7)+off:]), b }})
		}
	}
	stores := map[string]int{"sb": 1, "sh": 2, "sw": 4, "sd": 8}
	for _, op := range sorted(stores) {
		n := stores[op]
		for _, src := range []string{"a1", "zero"} {
			cs = append(cs, memCase{fmt.Sprintf("lla a2, sbuf\n li a3, -1\n sd a3, 0(a2)\n sd a3, 8(a2)\n andi a0, a0, 7\n add a3, a2, a0\n %s %s, 1(a3)\n ld a0, 0(a2)\n ld a1, 8(a2)", op, src),
				func(a, b uint64, _ []byte) (uint64, uint64) {
					m := make([]byte, 16)
					for i := range m {
						m[i] = 0xFF
					}
					if src == "zero" {
						b = 0
					}
					for i := 0; i < n; i++ {
						m[int(a&7)+1+i] = byte(b >> (8 * i))
					}
					return le(m, 8), le(m[8:], 8)
				}})
		}
	}
	amo := map[string]func(old, v uint64) uint64{
		"amoswap": func(o, v uint64) uint64 { return v }, "amoadd": func(o, v uint64) uint64 { return o + v },
		"amoxor": func(o, v uint64) uint64 { return o ^ v }, "amoand": func(o, v uint64) uint64 { return o & v },
		"amoor":   func(o, v uint64) uint64 { return o | v },
		"amomin":  func(o, v uint64) uint64 { return uint64(min(int64(o), int64(v))) },
		"amomax":  func(o, v uint64) uint64 { return uint64(max(int64(o), int64(v))) },
		"amominu": func(o, v uint64) uint64 { return min(o, v) }, "amomaxu": func(o, v uint64) uint64 { return max(o, v) },
	}
	for _, op := range sorted(amo) {
		f := amo[op]
		cs = append(cs, memCase{fmt.Sprintf("lla a2, sbuf\n sd a0, 0(a2)\n %s.d a3, a1, (a2)\n ld a1, 0(a2)\n mv a0, a3", op),
			func(a, b uint64, _ []byte) (uint64, uint64) { return a, f(a, b) }})
		cs = append(cs, memCase{fmt.Sprintf("lla a2, sbuf\n sd a0, 0(a2)\n %s.w a3, a1, (a2)\n ld a1, 0(a2)\n mv a0, a3", op),
			func(a, b uint64, _ []byte) (uint64, uint64) {
				o, v := sx32(a), sx32(b)
				if op == "amominu" || op == "amomaxu" {
					o, v = uint64(uint32(a)), uint64(uint32(b))
				}
				return sx32(a), a&^0xFFFFFFFF | uint64(uint32(f(o, v)))
			}})
		cs = append(cs, memCase{fmt.Sprintf("lla a2, sbuf\n sd a0, 0(a2)\n %s.d zero, a1, (a2)\n ld a0, 0(a2)", op),
			func(a, b uint64, _ []byte) (uint64, uint64) { return f(a, b), b }})
	}
	cs = append(cs,
		memCase{"lla a2, sbuf\n sd a0, 0(a2)\n lr.d a3, (a2)\n sc.d a4, a1, (a2)\n ld a0, 0(a2)\n add a0, a0, a4\n add a1, a3, a4",
			func(a, b uint64, _ []byte) (uint64, uint64) { return b, a }},
		memCase{"lla a2, sbuf\n sd a0, 0(a2)\n lr.w a3, (a2)\n sc.w a4, a1, (a2)\n ld a0, 0(a2)\n add a0, a0, a4\n add a1, a3, a4",
			func(a, b uint64, _ []byte) (uint64, uint64) { return a&^0xFFFFFFFF | uint64(uint32(b)), sx32(a) }})
	return cs
}

var neg98765 = uint64(1<<64 - 98765)

const insnData = `
    .data
    .p2align 3
buf: .byte 0x81, 0x02, 0xF3, 0x44, 0x95, 0x06, 0xE7, 0x78, 0x09, 0xAA, 0x3B, 0xCC, 0x0D, 0xEE, 0x7F, 0x90, 0x11, 0xA2, 0x33, 0x44, 0xC5, 0x56, 0x67, 0xF8, 0x99, 0x1A, 0xAB, 0x3C, 0xCD, 0x5E, 0xEF, 0x80
sbuf: .quad 0, 0
`

func insnSource(rvc bool) (string, []string) {
	var sb strings.Builder
	if rvc {
		sb.WriteString(".option rvc\n")
	} else {
		sb.WriteString(".option norvc\n")
	}
	var names []string
	fn := func(body string) {
		name := fmt.Sprintf("t%d", len(names))
		names = append(names, name)
		fmt.Fprintf(&sb, "    .text\n    .globl %s\n%s:\n    %s\n    ret\n", name, name, body)
	}
	for _, c := range insnCases() {
		fn(c.body)
	}
	for _, c := range memCases() {
		fn(c.body)
	}
	fn("unimp")
	fn("lb zero, 0(zero)")
	sb.WriteString(insnData)
	return sb.String(), names
}

var _ = Describe("instruction translation", func() {
	vals := []uint64{0, 1, 5, ^uint64(0), 1 << 63, 1<<63 - 1, 1 << 31, 0xFFFFFFFF, 0x80000000FFFF0001,
		neg98765, 0xDEADBEEFCAFEF00D, 63}

	for _, rvc := range []bool{false, true} {
		It(fmt.Sprintf("executes every RV64IMAC, Zbb and XTheadCondMov instruction class (rvc=%v)", rvc), func() {
			src, names := insnSource(rvc)
			ins := compileSource("insn.S", src, "-march=rv64emac_zbb_xtheadcondmov")
			ins = ins[:1] // no libc needed
			r := linkAll(ins, names...)
			cases, mcs := insnCases(), memCases()
			bufBytes := []byte{0x81, 0x02, 0xF3, 0x44, 0x95, 0x06, 0xE7, 0x78, 0x09, 0xAA, 0x3B, 0xCC, 0x0D, 0xEE, 0x7F, 0x90, 0x11, 0xA2, 0x33, 0x44, 0xC5, 0x56, 0x67, 0xF8, 0x99, 0x1A, 0xAB, 0x3C, 0xCD, 0x5E, 0xEF, 0x80}
			for _, p := range profiles {
				for i, c := range cases {
					for k, a := range vals {
						b := vals[(k*5+i)%len(vals)]
						got := call(r[p], p, names[i], nil, a, b).Regs[7]
						Expect(got).To(Equal(c.ref(a, b)), "%q with a0=%#x a1=%#x on %s", c.body, a, b, p)
					}
				}
				for j, c := range mcs {
					for k, a := range vals {
						b := vals[(k*3+j)%len(vals)]
						regs := call(r[p], p, names[len(cases)+j], nil, a, b).Regs
						w0, w1 := c.ref(a, b, bufBytes)
						Expect([2]uint64{regs[7], regs[8]}).To(Equal([2]uint64{w0, w1}), "%q with a0=%#x a1=%#x on %s", c.body, a, b, p)
					}
				}
				for _, trap := range names[len(names)-2:] {
					m, err := pvm.InitStandard(decode(p, r[p].Program.Code), r[p].Program, entryPC(r[p], trap), nil, testGas)
					Expect(err).NotTo(HaveOccurred())
					Expect(m.RunInvocation(nil).Status).To(Equal(pvm.StatusPanic), "unimp and the load-to-x0-from-0 idiom trap")
				}
			}
		})
	}
})
