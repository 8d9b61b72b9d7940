package transpiled_test

import (
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/runners"
	"github.com/sbpf-pvm/sbpf-pvm/runners/transpiled"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/asm"
)

// mix folds r2 into the accumulator r0 (so that every intermediate value is observed
// through the exit code) and reloads r2 with a test pattern.
const mix = "mul64 r0, 31\nadd64 r0, r2\n"

// alu applies every operation of a list to a few operand patterns and mixes the results.
func alu(ops []string, withReg bool) string {
	var b strings.Builder
	b.WriteString("mov64 r0, 0\n")
	patterns := []string{"lddw r2, 0x8000000000000001", "mov64 r2, -7", "mov64 r2, 0x7fffffff", "lddw r2, 0xfffffffe00000003", "mov64 r2, 0"}
	for _, p := range patterns {
		for _, o := range ops {
			b.WriteString(p + "\n")
			if withReg {
				b.WriteString("mov64 r3, 5\n" + o + " r2, r3\n" + mix)
				b.WriteString("mov64 r3, -3\n" + o + " r2, r3\n" + mix)
			}
			b.WriteString(o + " r2, 3\n" + mix)
			b.WriteString(o + " r2, -9\n" + mix)
		}
	}
	b.WriteString("exit\n")
	return b.String()
}

var _ = Describe("instruction classes agree with native", func() {
	versions := []sbpf.Version{sbpf.V0, sbpf.V1, sbpf.V2, sbpf.V3}
	for _, v := range versions {
		v := v
		It(fmt.Sprintf("ALU64 and ALU32 on %s", v), func() {
			ops64 := []string{"add64", "sub64", "mul64", "or64", "and64", "xor64", "mov64", "lsh64", "rsh64", "arsh64"}
			ops32 := []string{"add32", "sub32", "or32", "and32", "xor32", "mov32", "lsh32", "rsh32", "arsh32"}
			if v != sbpf.V2 {
				ops64 = append(ops64, "div64", "mod64")
				ops32 = append(ops32, "mul32", "div32", "mod32")
			}
			fix := func(src string) string {
				// shifts by a negative immediate do not verify: use in-range ones
				src = strings.NewReplacer("sh64 r2, -9", "sh64 r2, 63", "sh32 r2, -9", "sh32 r2, 31").Replace(src)
				return src
			}
			for _, ops := range [][]string{ops64, ops32} {
				src := fix(alu(ops, true))
				// division by the zero-valued register pattern is a fault: keep divisors non-zero
				expectAgreement(newCase("alu", src, v, 100000))
			}
		})
	}

	It("neg, le/be and lddw (v0)", func() {
		expectAgreement(newCase("neg-end", `
			mov64 r0, 0
			lddw r2, 0x1122334455667788
			neg64 r2
			`+mix+`
			lddw r2, 0x1122334455667788
			neg32 r2
			`+mix+`
			lddw r2, 0x1122334455667788
			le16 r2
			`+mix+`
			lddw r2, 0x1122334455667788
			le32 r2
			`+mix+`
			lddw r2, 0x1122334455667788
			le64 r2
			`+mix+`
			lddw r2, 0x1122334455667788
			be16 r2
			`+mix+`
			lddw r2, 0x1122334455667788
			be32 r2
			`+mix+`
			lddw r2, 0x1122334455667788
			be64 r2
			`+mix+`
			exit`, sbpf.V0, 1000))
	})

	It("PQR on v2", func() {
		ops := []string{"lmul32", "lmul64", "uhmul64", "shmul64", "udiv32", "udiv64", "urem32", "urem64", "sdiv32", "sdiv64", "srem32", "srem64"}
		src := alu(ops, true)
		expectAgreement(newCase("pqr", src, sbpf.V2, 100000))
		expectAgreement(newCase("hor", "mov64 r0, 5\nhor64 r0, 0x12345678\nexit", sbpf.V2, 100))
	})

	It("32-bit results per version: sign-extended except on v2", func() {
		for _, v := range versions {
			expectAgreement(newCase("ext", "mov64 r0, 0x7fffffff\nadd32 r0, 1\nmov64 r1, r0\nrsh64 r1, 32\nor64 r0, r1\nsub32 r0, 3\nexit", v, 100))
			expectAgreement(newCase("sub-imm", "mov64 r0, 10\nsub64 r0, 3\nsub32 r0, 2\nexit", v, 100))
		}
	})

	It("loads and stores of every size on the stack, the heap and the input", func() {
		for _, v := range []sbpf.Version{sbpf.V0, sbpf.V3} {
			expectAgreement(newCase("mem", fmt.Sprintf(`
				mov64 r6, r1
				lddw r7, 0x300000000
				stdw [r10-8], -2
				stw [r10-16], 0x12345678
				sth [r10-24], -1
				stb [r10-32], 0x80
				ldxdw r2, [r10-8]
				ldxw r3, [r10-16]
				ldxh r4, [r10-24]
				ldxb r5, [r10-32]
				stxdw [r7+8], r2
				stxw [r7+16], r3
				stxh [r7+24], r4
				stxb [r7+32], r5
				ldxdw r0, [r7+8]
				ldxw r2, [r7+16]
				add64 r0, r2
				ldxh r2, [r7+24]
				add64 r0, r2
				ldxb r2, [r7+32]
				add64 r0, r2
				ldxdw r2, [r6+%d]
				stxdw [r6+%d], r0
				stxw [r6+%d], r2
				stxh [r6+%d], r5
				stxb [r6+%d], r4
				mov64 r2, r10
				stxdw [r2-40], r0
				ldxdw r3, [r2-40]
				sub64 r0, r3
				exit`, inData, inData, inData+8, inData+12, inData+15), v, 1000))
		}
	})

	It("accesses through pointers whose provenance misleads (region hints, frame offsets)", func() {
		// hints are only an order of checks: a heap-hinted pointer moved into the input,
		// an input-hinted one moved into the heap, a stack pointer walking out of its
		// frame (into the gap on v0), a function receiving a stack pointer from one call
		// site and an input pointer from another, a frame pointer copy in a loop
		src := fmt.Sprintf(`
			mov64 r6, r1
			lddw r7, 0x300000000
			lddw r2, 0x100000000
			add64 r7, r2
			ldxdw r0, [r7+%d]
			mov64 r8, r6
			sub64 r8, r2
			stxdw [r8+16], r0
			ldxdw r3, [r8+16]
			mov64 r1, r10
			add64 r1, -200
			call f
			mov64 r1, r6
			call f
			mov64 r4, r10
			mov64 r5, 4
		loop:
			add64 r4, -8
			stxdw [r4+0], r5
			sub64 r5, 1
			jne r5, 0, loop
			mov64 r9, r10
			add64 r9, %d
			ldxb r0, [r9+0]
			exit
		f:
			ldxdw r2, [r1+%d]
			add64 r2, 1
			stxdw [r1+%d], r2
			mov64 r0, r2
			exit`, inData, 4096+8, inData, inData)
		for _, v := range []sbpf.Version{sbpf.V0, sbpf.V3} {
			r := expectAgreement(newCase("misleading-provenance", src, v, 1000))
			Expect(r.Status).To(Equal(runners.StatusSuccess))
			// the same with the last load in the gap (v0) or past the stack (v3)
			off := "8"
			if v == sbpf.V3 {
				off = "0x100000"
			}
			far := strings.Replace(src, fmt.Sprintf("add64 r9, %d", 4096+8), "add64 r9, "+off, 1)
			r = expectAgreement(newCase("misleading-provenance-fault", far, v, 1000))
			Expect(r.Status).To(Equal(runners.StatusFailure))
		}
	})

	It("local stack pointers: the current frame first, then any frame, faults where native faults", func() {
		// A pointer derived from the function's own r10 is first checked against the
		// current frame; walking out of it must reach the caller's frame (valid), the gap
		// (v0: StackAccessViolation) or past the stack at exactly native's instruction and
		// CU, at every budget.
		progs := map[string]string{
			"walks down out of its frame": `
			mov64 r4, r10
			add64 r4, -4080
			mov64 r5, 6
		loop:
			add64 r4, -8
			stxdw [r4+0], r5
			ldxdw r3, [r4+8]
			sub64 r5, 1
			jne r5, 0, loop
			mov64 r0, 0
			exit`,
			"walks up out of its frame": `
			mov64 r4, r10
			add64 r4, -24
			mov64 r5, 6
		loop:
			add64 r4, 8
			ldxb r3, [r4+3]
			stxw [r4-4], r5
			sub64 r5, 1
			jne r5, 0, loop
			mov64 r0, 0
			exit`,
			"a callee writes its caller's frame through its own r10 and a passed pointer": `
			mov64 r1, r10
			add64 r1, -16
			stdw [r10-16], 5
			call f
			ldxdw r0, [r10-16]
			ldxdw r2, [r10-40]
			sub64 r0, r2
			exit
		f:
			ldxdw r2, [r1+0]
			add64 r2, 1
			stxdw [r1+0], r2
			mov64 r3, r10
			add64 r3, -8232
			stxdw [r3+0], r2
			mov64 r4, r10
			add64 r4, -8
			stxdw [r4+0], r2
			exit`,
		}
		// native's outcome per program on v0 (gaps) and v3 (contiguous frames)
		fails := map[string][2]bool{
			"walks down out of its frame": {true, true},
			"walks up out of its frame":   {true, false},
			// (v3: the frame below the caller's is below the stack)
			"a callee writes its caller's frame through its own r10 and a passed pointer": {false, true},
		}
		for name, src := range progs {
			for i, v := range []sbpf.Version{sbpf.V0, sbpf.V3} {
				full := expectAgreement(newCase(name, src, v, 1000))
				want := runners.StatusSuccess
				if fails[name][i] {
					want = runners.StatusFailure
				}
				Expect(full.Status).To(Equal(want), "%s on %s", name, v)
				for b := uint64(1); b <= full.ComputeUnits; b++ {
					expectAgreement(newCase(name, src, v, b))
				}
			}
		}
	})

	It("accesses checked once per block: a span leaving its region faults at native's instruction", func() {
		// Groups of accesses through one base value are checked at once (groups.go); a
		// span that does not fit falls back to per-access checks, so the fault stays at
		// the first access outside, at every budget. Bases: a heap-hinted lddw, an
		// unhinted heap pointer (tried as the input first), the input (r1), a local stack
		// pointer (v0: the current frame), spans of up to 8 bytes and wider ones.
		heapEnd := 0x300000000 + 32*1024
		progs := map[string]struct {
			src   string
			fails [2]bool // on v0, v3
		}{
			"heap-hinted base, last access past the heap": {fmt.Sprintf(`
			lddw r6, %d
			stdw [r6+0], 7
			ldxdw r2, [r6+0]
			stxdw [r6+8], r2
			ldxw r3, [r6+16]
			mov64 r0, 0
			exit`, heapEnd-16), [2]bool{true, true}},
			"heap-hinted base, wide span inside": {fmt.Sprintf(`
			lddw r6, %d
			stdw [r6+0], 7
			ldxdw r2, [r6+0]
			stxdw [r6+40], r2
			ldxb r3, [r6+47]
			mov64 r0, r3
			exit`, heapEnd-48), [2]bool{false, false}},
			"heap-hinted base, wide span past the end by one byte": {fmt.Sprintf(`
			lddw r6, %d
			stdw [r6+0], 7
			ldxdw r2, [r6+0]
			stxdw [r6+40], r2
			ldxb r3, [r6+48]
			mov64 r0, 0
			exit`, heapEnd-48), [2]bool{true, true}},
			"unhinted heap pointer, span crossing the heap's end": {fmt.Sprintf(`
			mov64 r6, 3
			lsh64 r6, 32
			add64 r6, %d
			stdw [r6+0], 7
			ldxw r2, [r6+4]
			ldxh r3, [r6+6]
			ldxb r4, [r6+8]
			mov64 r0, 0
			exit`, 32*1024-8), [2]bool{true, true}},
			"input base with fields read and written": {fmt.Sprintf(`
			ldxdw r2, [r1+%d]
			ldxb r3, [r1+%d]
			ldxb r4, [r1+%d]
			add64 r3, r4
			stxb [r1+%d], r3
			ldxdw r5, [r1+%d]
			mov64 r0, 0
			exit`, inDataLen, inData, inData+1, inData+2, inLamports), [2]bool{false, false}},
			"local stack pointer, span crossing r10": {`
			mov64 r4, r10
			add64 r4, -16
			stdw [r4+0], 1
			ldxdw r2, [r4+0]
			stxdw [r4+8], r2
			ldxb r3, [r4+16]
			mov64 r0, 0
			exit`, [2]bool{true, false}},
			"local stack pointer in a loop, leaving the frame mid-loop": {`
			mov64 r4, r10
			add64 r4, -4064
			mov64 r5, 8
		loop:
			add64 r4, -8
			stxdw [r4+0], r5
			ldxdw r3, [r4+0]
			stxw [r4+4], r3
			sub64 r5, 1
			jne r5, 0, loop
			mov64 r0, 0
			exit`, [2]bool{true, true}},
		}
		for name, p := range progs {
			for i, v := range []sbpf.Version{sbpf.V0, sbpf.V3} {
				full := expectAgreement(newCase(name, p.src, v, 1000))
				want := runners.StatusSuccess
				if p.fails[i] {
					want = runners.StatusFailure
				}
				Expect(full.Status).To(Equal(want), "%s on %s", name, v)
				for b := uint64(1); b <= full.ComputeUnits; b++ {
					expectAgreement(newCase(name, p.src, v, b))
				}
			}
		}
		// the mechanism is in use: the translation has group checks
		elfBytes, err := asm.AssembleELF(progs["local stack pointer in a loop, leaving the frame mid-loop"].src, sbpf.V0)
		Expect(err).NotTo(HaveOccurred())
		exe, err := transpiled.Executable(elfBytes)
		Expect(err).NotTo(HaveOccurred())
		mod, err := transpiled.Translate(exe)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(mod.IR)).To(ContainSubstring("label %gf"))
	})

	It("loops that access memory charge their header opaquely, plain arithmetic loops do not", func() {
		ir := func(src string) string {
			elfBytes, err := asm.AssembleELF(src, sbpf.V0)
			Expect(err).NotTo(HaveOccurred())
			exe, err := transpiled.Executable(elfBytes)
			Expect(err).NotTo(HaveOccurred())
			mod, err := transpiled.Translate(exe)
			Expect(err).NotTo(HaveOccurred())
			return string(mod.IR)
		}
		mem := "mov64 r2, 5\nloop:\nstxdw [r10-8], r2\nsub64 r2, 1\njne r2, 0, loop\nmov64 r0, 0\nexit"
		alu := "mov64 r2, 5\nloop:\nadd64 r0, r2\nsub64 r2, 1\njne r2, 0, loop\nmov64 r0, 0\nexit"
		Expect(ir(mem)).To(ContainSubstring(`asm "addi $0, $1, -3"`))
		Expect(ir(alu)).NotTo(ContainSubstring("call i64 asm"))
		for _, src := range []string{mem, alu} {
			full := expectAgreement(newCase("loop-meter", src, sbpf.V0, 1000))
			Expect(full.Status).To(Equal(runners.StatusSuccess))
			for b := uint64(1); b <= full.ComputeUnits; b++ {
				expectAgreement(newCase("loop-meter", src, sbpf.V0, b))
			}
		}
	})

	It("byte loads walking off the input's end fault at native's instruction", func() {
		// unhinted byte loads try the input with the exact 1-byte limit (its last bytes
		// stay inline); the first byte past the end is an AccessViolation
		src := `
			mov64 r6, 4
			lsh64 r6, 32
		loop:
			ldxb r2, [r6+0]
			ldxh r3, [r6+0]
			add64 r6, 1
			ja loop`
		for _, v := range []sbpf.Version{sbpf.V0, sbpf.V3} {
			r := expectAgreement(newCase("off-the-input", src, v, 1000000))
			Expect(r.Status).To(Equal(runners.StatusFailure))
		}
	})

	It("every conditional jump, 64-bit and (v3) 32-bit, taken and not taken", func() {
		conds := []string{"jeq", "jne", "jgt", "jge", "jlt", "jle", "jsgt", "jsge", "jslt", "jsle", "jset"}
		for _, v := range []sbpf.Version{sbpf.V0, sbpf.V3} {
			var b strings.Builder
			b.WriteString("mov64 r0, 0\n")
			suffixes := []string{""}
			if v == sbpf.V3 {
				suffixes = append(suffixes, "32")
			}
			n := 0
			for _, s := range suffixes {
				for _, c := range conds {
					for _, vals := range [][2]string{{"lddw r2, 0xffffffff00000005", "mov64 r3, 5"}, {"mov64 r2, -1", "mov64 r3, 1"}, {"mov64 r2, 3", "mov64 r3, 3"}} {
						for _, form := range []string{"r3", "5", "-1"} {
							fmt.Fprintf(&b, "%s\n%s\n%s%s r2, %s, t%d\nmul64 r0, 3\nja d%d\nt%d:\nmul64 r0, 5\nadd64 r0, 1\nd%d:\n", vals[0], vals[1], c, s, form, n, n, n, n)
							n++
						}
					}
				}
			}
			b.WriteString("exit\n")
			expectAgreement(newCase("jumps", b.String(), v, 100000))
		}
	})

	It("calls keep r6..r9 and the frame pointer, and return r0..r5", func() {
		for _, v := range []sbpf.Version{sbpf.V0, sbpf.V3} {
			expectAgreement(newCase("call", `
				mov64 r6, 6
				mov64 r7, 7
				mov64 r9, 9
				stdw [r10-8], 77
				mov64 r1, 10
				call f
				ldxdw r2, [r10-8]
				add64 r0, r2
				add64 r0, r6
				add64 r0, r7
				add64 r0, r9
				add64 r0, r1
				add64 r0, r5
				exit
			f:
				add64 r1, r6
				mov64 r6, 1000
				mov64 r5, r10
				stdw [r10-8], 5
				ldxdw r0, [r10-8]
				exit`, v, 1000))
		}
	})

	It("callx to a function address (v0)", func() {
		expectAgreement(newCase("callx", "lddw r2, 0x100000020\ncallx r2\nadd64 r0, 1\nexit\nmov64 r0, 5\nexit", sbpf.V0, 1000))
	})

	It("syscalls: logs, return data, the meter seen by the program", func() {
		expectAgreement(newCase("sys", `
			mov64 r1, 1
			mov64 r2, 2
			mov64 r3, 3
			mov64 r4, 4
			mov64 r5, 5
			syscall sol_log_64_
			syscall sol_log_compute_units_
			syscall sol_remaining_compute_units
			stxdw [r10-8], r0
			mov64 r1, r10
			sub64 r1, 8
			mov64 r2, 8
			syscall sol_set_return_data
			mov64 r0, 0
			exit`, sbpf.V0, 5000))
	})

	It("writes to account data and lamports reach the state diff", func() {
		expectAgreement(newCase("diff", fmt.Sprintf(`
			stb [r1+%d], 0x42
			ldxdw r2, [r1+%d]
			add64 r2, 0
			stxdw [r1+%d], r2
			mov64 r0, 0
			exit`, inData+3, inLamports, inLamports), sbpf.V0, 1000))
	})
})

var _ = Describe("error paths stop at the native instruction with the native error", func() {
	type errCase struct {
		name string
		v    sbpf.Version
		src  string
		kind string
	}
	cases := []errCase{
		{"div64 by zero", sbpf.V0, "mov64 r0, 1\nmov64 r1, 0\ndiv64 r0, r1\nexit", "DivideByZero"},
		{"mod32 by zero", sbpf.V0, "mov64 r0, 1\nlddw r1, 0x100000000\nmod32 r0, r1\nexit", "DivideByZero"},
		{"sdiv64 overflow", sbpf.V2, "mov64 r0, 0\nhor64 r0, -2147483648\nmov64 r1, -1\nsdiv64 r0, r1\nexit", "DivideOverflow"},
		{"srem32 imm overflow", sbpf.V2, "mov32 r0, -2147483648\nsrem32 r0, -1\nexit", "DivideOverflow"},
		{"sdiv32 by zero", sbpf.V2, "mov32 r0, 5\nmov64 r1, 0\nsdiv32 r0, r1\nexit", "DivideByZero"},
		{"load unmapped", sbpf.V0, "mov64 r1, 0\nldxdw r0, [r1+0]\nexit", "AccessViolation"},
		{"load past the input", sbpf.V0, "add64 r1, 0x7ffffff0\nldxdw r0, [r1+0]\nexit", "AccessViolation"},
		{"store to rodata", sbpf.V0, "lddw r1, 0x100000000\nstdw [r1+0], 1\nexit", "AccessViolation"},
		{"store above the stack frame", sbpf.V0, "stdw [r10+8], 1\nexit", "StackAccessViolation"},
		{"store in a stack gap", sbpf.V0, "mov64 r2, r10\nstdw [r2+16], 1\nexit", "StackAccessViolation"},
		{"load straddling the heap end", sbpf.V0, "lddw r1, 0x300007ffc\nldxdw r0, [r1+0]\nexit", "AccessViolation"},
		{"call depth", sbpf.V0, "call f\nexit\nf:\ncall f\nexit", "CallDepthExceeded"},
		{"call depth v3", sbpf.V3, "call f\nexit\nf:\ncall f\nexit", "CallDepthExceeded"},
		{"callx outside the text", sbpf.V0, "lddw r2, 0x100002000\ncallx r2\nexit", "CallOutsideTextSegment"},
		{"callx below the text", sbpf.V0, "mov64 r2, 8\ncallx r2\nexit", "CallOutsideTextSegment"},
		{"execution overrun", sbpf.V0, "mov64 r0, 0\nmov64 r0, 1", "ExecutionOverrun"},
		{"a program the loader rejects", sbpf.V0, "call 0x12345678\nexit", "RelativeJumpOutOfBounds"},
		{"syscall failure", sbpf.V0, "mov64 r1, 0\nmov64 r2, 8\nsyscall sol_log_\nexit", "AccessViolation"},
		{"abort", sbpf.V0, "syscall abort\nexit", ""},
	}
	for _, ec := range cases {
		ec := ec
		It(ec.name, func() {
			want := expectAgreement(newCase(ec.name, ec.src, ec.v, 10000))
			Expect(want.Status).To(Equal(runners.StatusFailure))
			if ec.kind != "" {
				Expect(*want.Error).To(Equal(ec.kind))
			}
		})
	}
})
