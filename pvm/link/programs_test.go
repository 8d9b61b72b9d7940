package link_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/big"
	"math/rand/v2"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"golang.org/x/crypto/sha3"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/pvm/link"
)

type integer interface {
	~int8 | ~uint8 | ~int16 | ~uint16 | ~int32 | ~uint32 | ~int64 | ~uint64
}

// cOps is the Go meaning of arith.c's OPS(T).
func cOps[T integer](op uint64, a, b T, bits uint) int64 {
	sh := uint(b) & (bits - 1)
	switch op {
	case 0:
		return int64(T(uint64(a) + uint64(b)))
	case 1:
		return int64(T(uint64(a) - uint64(b)))
	case 2:
		return int64(T(uint64(a) * uint64(b)))
	case 3:
		return int64(a / b)
	case 4:
		return int64(a % b)
	case 5:
		return int64(a & b)
	case 6:
		return int64(a | b)
	case 7:
		return int64(a ^ b)
	case 8:
		return int64(T(uint64(a) << sh))
	case 9:
		return int64(a >> sh)
	case 10, 11, 12:
		c := [3]bool{a < b, a <= b, a == b}[op-10]
		if c {
			return 1
		}
		return 0
	case 13:
		return int64(T(0 - uint64(a)))
	case 14:
		return int64(^a)
	case 15:
		return int64(max(a, b))
	}
	return 0
}

// checkWidth runs every op of one width on edge values and random pairs.
func checkWidth[T integer](r linked, entry string, bits uint, signed bool, rng *rand.Rand) {
	GinkgoHelper()
	edges := []uint64{0, 1, 2, 3, 7, 1<<(bits-1) - 1, 1 << (bits - 1), 1<<(bits-1) + 1, 1<<bits - 1, 1<<bits - 2}
	var vals []T
	for _, e := range edges {
		vals = append(vals, T(e))
	}
	for range 12 {
		vals = append(vals, T(rng.Uint64()))
	}
	minT := T(uint64(1) << (bits - 1))
	for _, p := range profiles {
		for op := uint64(0); op < 16; op++ {
			for i, a := range vals {
				b := vals[(i*7+int(op))%len(vals)]
				if (op == 3 || op == 4) && (b == 0 || (signed && a == minT && b == ^T(0))) {
					continue
				}
				want := cOps(op, a, b, bits)
				got := call(r[p], p, entry, nil, op, uint64(a), uint64(b)).Regs[7]
				Expect(int64(got)).To(Equal(want), "%s op %d (%v, %v) on %s", entry, op, a, b, p)
			}
		}
	}
}

func mulhRef(a, b *big.Int) uint64 {
	p := new(big.Int).Mul(a, b)
	p.Rsh(p, 64)
	return new(big.Int).And(p, new(big.Int).SetUint64(^uint64(0))).Uint64()
}

var _ = Describe("C programs on the Go PVM", func() {
	rng := rand.New(rand.NewPCG(1, 2))

	Describe("integer arithmetic (arith.c)", Ordered, func() {
		var r linked
		BeforeAll(func() {
			r = build([]string{"arith.c"}, []string{"op_u8", "op_i8", "op_u16", "op_i16", "op_u32", "op_i32", "op_u64", "op_i64", "mulhu", "mulh", "mulhsu", "mixed", "div128"})
		})
		It("computes 8-bit ops", func() {
			checkWidth[uint8](r, "op_u8", 8, false, rng)
			checkWidth[int8](r, "op_i8", 8, true, rng)
		})
		It("computes 16-bit ops", func() {
			checkWidth[uint16](r, "op_u16", 16, false, rng)
			checkWidth[int16](r, "op_i16", 16, true, rng)
		})
		It("computes 32-bit ops", func() {
			checkWidth[uint32](r, "op_u32", 32, false, rng)
			checkWidth[int32](r, "op_i32", 32, true, rng)
		})
		It("computes 64-bit ops including multiply and divide", func() {
			checkWidth[uint64](r, "op_u64", 64, false, rng)
			checkWidth[int64](r, "op_i64", 64, true, rng)
		})
		It("computes the high half of 64x64 products (mulh, mulhu, mulhsu)", func() {
			vals := []uint64{0, 1, 2, 1 << 63, 1<<63 - 1, ^uint64(0), 0xDEADBEEFCAFEBABE, 3 << 62}
			for range 10 {
				vals = append(vals, rng.Uint64())
			}
			for _, p := range profiles {
				for i, a := range vals {
					b := vals[(i*5+3)%len(vals)]
					ua, ub := new(big.Int).SetUint64(a), new(big.Int).SetUint64(b)
					sa, sb := big.NewInt(int64(a)), big.NewInt(int64(b))
					Expect(call(r[p], p, "mulhu", nil, a, b).Regs[7]).To(Equal(mulhRef(ua, ub)))
					Expect(call(r[p], p, "mulh", nil, a, b).Regs[7]).To(Equal(mulhRef(sa, sb)))
					Expect(call(r[p], p, "mulhsu", nil, a, b).Regs[7]).To(Equal(mulhRef(sa, ub)))
				}
			}
		})
		It("divides 128-bit integers with libc's __udivti3 and friends", func() {
			mod128 := new(big.Int).Lsh(big.NewInt(1), 128)
			toBytes := func(v *big.Int) []byte {
				v = new(big.Int).Mod(v, mod128)
				b := make([]byte, 16)
				v.FillBytes(b)
				for i, j := 0, 15; i < j; i, j = i+1, j-1 {
					b[i], b[j] = b[j], b[i]
				}
				return b
			}
			fromBytes := func(b []byte) *big.Int {
				r := make([]byte, 16)
				for i := range r {
					r[i] = b[15-i]
				}
				return new(big.Int).SetBytes(r)
			}
			signed := func(b []byte) *big.Int {
				v := fromBytes(b)
				if b[15]&0x80 != 0 {
					v.Sub(v, mod128)
				}
				return v
			}
			for _, p := range profiles {
				for k := range 40 {
					a, b := make([]byte, 16), make([]byte, 16)
					for i := range a {
						a[i], b[i] = byte(rng.Uint32()), byte(rng.Uint32())
					}
					switch k % 4 { // small divisors, small dividends and 64-bit operands as well
					case 1:
						clear(b[8:])
					case 2:
						clear(a[8:])
						clear(b[8:])
					case 3:
						clear(b[3:])
					}
					if fromBytes(b).Sign() == 0 {
						b[0] = 1
					}
					out := callArg(r[p], p, "div128", append(append([]byte{}, a...), b...), nil).Output
					ua, ub := fromBytes(a), fromBytes(b)
					sa, sb := signed(a), signed(b)
					q, m := new(big.Int).QuoRem(ua, ub, new(big.Int))
					sq, sm := new(big.Int).QuoRem(sa, sb, new(big.Int)) // truncated, like C
					Expect(out[0:16]).To(Equal(toBytes(q)))
					Expect(out[16:32]).To(Equal(toBytes(m)))
					Expect(out[32:48]).To(Equal(toBytes(sq)))
					Expect(out[48:64]).To(Equal(toBytes(sm)))
				}
			}
		})
		It("converts between widths", func() {
			for _, p := range profiles {
				for range 40 {
					a, b, c, d := int8(rng.Uint32()), uint16(rng.Uint32()), int32(rng.Int32N(1<<30))-1<<29, rng.Uint64()
					x := int32(a)*int32(b) - c
					y := uint32(x) >> 3
					z := int64(x) * int64(int32(y))
					s := int16(uint16(a) << 9)
					want := uint64(z) + d/(uint64(b)|1) - d%97 + uint64(int64(s))
					got := call(r[p], p, "mixed", nil, uint64(int64(a)), uint64(b), uint64(int64(c)), d).Regs[7]
					Expect(got).To(Equal(want))
				}
			}
		})
	})

	Describe("control flow (control.c)", Ordered, func() {
		var r, nopic linked
		BeforeAll(func() {
			entries := []string{"sw", "fptr", "fib", "ackermann", "parity", "rsum", "sort_checksum"}
			r = build([]string{"control.c"}, entries)
			nopic = build([]string{"control.c"}, entries, "-fno-PIC")
		})
		swRef := func(x int, y int64) int64 {
			switch x {
			case 0:
				return y*3 + 1
			case 1:
				return y * y
			case 2:
				return 37 - y
			case 3:
				return y << 4
			case 4:
				return 55 ^ y
			case 5:
				return 66 + y
			case 6:
				return 71 * y
			case 7:
				return y / 3
			case 8:
				return y % 11
			case 9:
				return -y
			}
			return -1
		}
		It("runs switch statements compiled to jump tables, PIC and non-PIC", func() {
			for _, prog := range []linked{r, nopic} {
				Expect(prog[pvm.GP080].Stats.JumpTable).To(BeNumerically(">=", 10), "the switch's cases need jump-table slots")
				for _, p := range profiles {
					for x := -2; x < 12; x++ {
						y := int64(rng.Int32())
						got := call(prog[p], p, "sw", nil, uint64(int64(x)), uint64(y)).Regs[7]
						Expect(int64(got)).To(Equal(swRef(x, y)), "sw(%d, %d)", x, y)
					}
				}
			}
		})
		It("calls through function pointers in .rodata, .data and arguments", func() {
			fs := []func(a, b int64) int64{
				func(a, b int64) int64 { return a + b }, func(a, b int64) int64 { return a - b },
				func(a, b int64) int64 { return a * b }, func(a, b int64) int64 { return max(a, b) },
			}
			for _, p := range profiles {
				for _, prog := range []linked{r, nopic} {
					rw := []int{3, 2, 1, 0}
					// The blob is re-initialised on every call, so rw_table starts fresh each time.
					for i := uint64(0); i < 16; i++ {
						a, b := int64(rng.Int32N(1000)), int64(rng.Int32N(1000))
						want := fs[i&3](a, b)*1000 + fs[rw[(i>>2)&3]](a, b)
						rw2 := append([]int{}, rw...)
						rw2[i&3] = int((i + 1) & 3)
						want += fs[rw2[i&3]](b, a)
						Expect(int64(call(prog[p], p, "fptr", nil, i, uint64(a), uint64(b)).Regs[7])).To(Equal(want))
					}
				}
			}
		})
		It("recurses (fib, ackermann, mutual, deep)", func() {
			for _, p := range profiles {
				Expect(call(r[p], p, "fib", nil, 20).Regs[7]).To(Equal(uint64(6765)))
				Expect(call(r[p], p, "ackermann", nil, 2, 3).Regs[7]).To(Equal(uint64(9)))
				Expect(call(r[p], p, "ackermann", nil, 3, 3).Regs[7]).To(Equal(uint64(61)))
				Expect(call(r[p], p, "parity", nil, 101).Regs[7]).To(Equal(uint64(1)))
				Expect(call(r[p], p, "parity", nil, 64).Regs[7]).To(Equal(uint64(2)))
				Expect(call(r[p], p, "rsum", nil, 4000).Regs[7]).To(Equal(uint64(4000 * 4001 / 2)))
			}
		})
		It("sorts with recursive quicksort", func() {
			ref := func(seed, n uint64) uint64 {
				a := make([]int64, n)
				for i := range a {
					seed = seed*6364136223846793005 + 1442695040888963407
					a[i] = int64(seed>>20) - 1<<42
				}
				for i := 1; i < len(a); i++ {
					for j := i; j > 0 && a[j-1] > a[j]; j-- {
						a[j-1], a[j] = a[j], a[j-1]
					}
				}
				h := uint64(0)
				for _, v := range a {
					h = h*31 + uint64(v)
				}
				return h
			}
			for _, p := range profiles {
				for _, n := range []uint64{1, 2, 17, 500} {
					Expect(call(r[p], p, "sort_checksum", nil, n*7, n).Regs[7]).To(Equal(ref(n*7, n)))
				}
			}
		})
	})

	It("keeps globals in .data, .bss and .rodata (globals.c)", func() {
		r := build([]string{"globals.c"}, []string{"globals"})
		ref := func(k uint64) uint64 {
			primes := []uint64{2, 3, 5, 7, 11, 13, 17, 19, 23, 29}
			names := []string{"zero", "one", "two", "three"}
			counter := int32(7) + int32(k)
			var small [3]uint8
			small[k%3]++
			h := uint64(0)
			for _, c := range []byte("hello, pvm") {
				h = h*131 + uint64(c)
			}
			for _, c := range []byte(names[k&3]) {
				h = h*7 + uint64(c)
			}
			sum := uint64(0)
			for i := range 64 {
				sum += uint64(i)*k + primes[i%10]
			}
			z := 3 + k
			return h ^ sum<<1 ^ uint64(counter)<<40 ^ z<<20 ^ 1<<56 ^ uint64(small[0]+2*small[1]+4*small[2])
		}
		for _, p := range profiles {
			res := r[p]
			Expect(res.Stats.RWImage).To(BeNumerically(">", 0), ".data must be in the RW image")
			Expect(res.Stats.RWSize).To(BeNumerically(">", uint32(res.Stats.RWImage)), ".bss must follow the image")
			for _, k := range []uint64{0, 1, 5, 1234567} {
				Expect(call(res, p, "globals", nil, k).Regs[7]).To(Equal(ref(k)), "k=%d", k)
			}
		}
	})

	It("runs memcpy-heavy code (memops.c)", func() {
		r := build([]string{"memops.c"}, []string{"memops"})
		for _, p := range profiles {
			for iter := range 4 {
				arg := make([]byte, 7*(40+iter*30))
				for i := range arg {
					arg[i] = byte(rng.Uint32())
				}
				buf := make([]byte, 4096)
				for i := range buf {
					buf[i] = byte(i*7 + 3)
				}
				var acc int64
				for q := 0; q+7 <= len(arg); q += 7 {
					op := arg[q] % 5
					d := (int(arg[q+1]) | int(arg[q+2])<<8) % 4096
					s := (int(arg[q+3]) | int(arg[q+4])<<8) % 4096
					n := (int(arg[q+5]) | int(arg[q+6])<<8) % 1024
					n = min(n, 4096-d, 4096-s)
					switch op {
					case 0, 1:
						copy(buf[d:d+n], buf[s:s+n])
					case 2:
						for i := d; i < d+n; i++ {
							buf[i] = arg[q+3]
						}
					case 3:
						acc = acc*3 + int64(bytes.Compare(buf[d:d+n], buf[s:s+n]))
					case 4:
						if d+40 <= 4096 && s+40 <= 4096 {
							t := append([]byte{}, buf[s:s+40]...)
							copy(buf[d:], t)
						}
					}
				}
				want := binary.LittleEndian.AppendUint64(buf, uint64(acc))
				Expect(callArg(r[p], p, "memops", arg, nil).Output).To(Equal(want))
			}
		}
	})

	It("computes SHA-256 like crypto/sha256 (sha256.c)", func() {
		r := build([]string{"sha256.c"}, []string{"sha256"})
		for _, p := range profiles {
			for _, n := range []int{0, 1, 55, 56, 63, 64, 65, 119, 120, 1000} {
				msg := make([]byte, n)
				for i := range msg {
					msg[i] = byte(rng.Uint32())
				}
				want := sha256.Sum256(msg)
				Expect(callArg(r[p], p, "sha256", msg, nil).Output).To(Equal(want[:]), "length %d", n)
			}
		}
	})

	It("computes Keccak-256 like x/crypto/sha3 (keccak.c)", func() {
		r := build([]string{"keccak.c"}, []string{"keccak256"})
		for _, p := range profiles {
			for _, n := range []int{0, 1, 135, 136, 137, 271, 272, 1000} {
				msg := make([]byte, n)
				for i := range msg {
					msg[i] = byte(rng.Uint32())
				}
				h := sha3.NewLegacyKeccak256()
				h.Write(msg)
				Expect(callArg(r[p], p, "keccak256", msg, nil).Output).To(Equal(h.Sum(nil)), "length %d", n)
			}
		}
	})

	It("runs a bytecode interpreter loop (bytecode.c)", func() {
		r := build([]string{"bytecode.c"}, []string{"bytecode"})
		for _, p := range profiles {
			for _, prog := range bytecodePrograms() {
				want := runBytecode(prog)
				out := callArg(r[p], p, "bytecode", prog, nil).Output
				Expect(int64(binary.LittleEndian.Uint64(out))).To(Equal(want))
			}
		}
	})

	It("calls host functions with ecalli and fixed indices (hostcall.c)", func() {
		r := build([]string{"hostcall.c"}, []string{"hosty"})
		for _, p := range profiles {
			Expect(r[p].Imports).To(ConsistOf(
				HaveField("Index", uint32(100)), HaveField("Index", uint32(0)), HaveField("Index", uint32(42))))
			tr := &trace{}
			res := call(r[p], p, "hosty", tr, 3)
			acc := uint64(1)
			want := []string{`log(2,"","start")`}
			for i := uint64(0); i < 3; i++ {
				want = append(want, fmt.Sprintf("mix(%d,%d,%d)", acc, i, 3))
				acc = acc*31 + i ^ 3
			}
			hex := make([]byte, 16)
			for i := range hex {
				hex[i] = "0123456789abcdef"[(acc>>(4*i))&15]
			}
			want = append(want, fmt.Sprintf("log(3,%q,%q)", "test", hex), "gas")
			Expect(tr.calls).To(Equal(want))
			Expect(res.Regs[7]).To(Equal(acc + 1))
		}
	})

	It("takes entry points from PVM_EXPORT and numbers unindexed imports by name (exports.c)", func() {
		r := build([]string{"exports.c"}, nil)
		for _, p := range profiles {
			res := r[p]
			Expect(res.Exports).To(Equal([]link.Export{{Name: "first", PC: 0}, {Name: "second", PC: 5}}))
			Expect(res.Imports).To(ConsistOf(link.Import{Name: "alpha", Index: 0}, link.Import{Name: "zeta", Index: 1}))
			Expect(res.Stats.StackSize).To(Equal(uint32(65536)))
			tr := &trace{generic: true}
			out := callArg(res, p, "first", []byte{9, 8, 7}, tr).Output
			Expect(tr.calls).To(Equal([]string{"host0(3)", "host1(9)"}))
			Expect(binary.LittleEndian.Uint64(out)).To(Equal(uint64(3 + 1000 + 9)))
			Expect(call(res, p, "second", nil, 6, 7).Regs[7]).To(Equal(uint64(43)))

			// The same program as a .polkavm container: exports by name, imports by index.
			blob, err := res.PolkaVM()
			Expect(err).NotTo(HaveOccurred())
			mod, err := pvm.ParsePolkaVM(blob)
			Expect(err).NotTo(HaveOccurred())
			Expect(mod.Imports).To(Equal([]string{"alpha", "zeta"}))
			e, ok := mod.Export("second")
			Expect(ok).To(BeTrue())
			mp, ok := mod.Profile()
			Expect(ok).To(BeTrue())
			sp := mod.StandardProgram()
			m, err := pvm.InitStandard(decode(mp, sp.Code), sp, e.PC, nil, testGas)
			Expect(err).NotTo(HaveOccurred())
			m.Regs[7], m.Regs[8] = 6, 7
			Expect(m.RunInvocation(nil).Regs[7]).To(Equal(uint64(43)))
		}
	})
})

var _ = Describe("determinism", func() {
	It("produces the same bytes for the same inputs", func() {
		ins := compile([]string{"control.c", "sha256.c", "hostcall.c"})
		entries := []string{"sw", "fptr", "sha256", "hosty"}
		for _, p := range profiles {
			a, err := link.Link(ins, link.Options{Profile: p, Entries: entries})
			Expect(err).NotTo(HaveOccurred())
			b, err := link.Link(ins, link.Options{Profile: p, Entries: entries})
			Expect(err).NotTo(HaveOccurred())
			Expect(b.Blob()).To(Equal(a.Blob()))
		}
	})
})
