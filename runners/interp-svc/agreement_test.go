package interpsvc_test

import (
	"context"
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
	interpsvc "github.com/sbpf-pvm/sbpf-pvm/runners/interp-svc"
	"github.com/sbpf-pvm/sbpf-pvm/runners/native"
	"github.com/sbpf-pvm/sbpf-pvm/runners/svcrt"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/asm"
	"github.com/sbpf-pvm/sbpf-pvm/solana"
)

func key(b byte) string {
	var k solana.PublicKey
	for i := range k {
		k[i] = b + byte(i)
	}
	return k.String()
}

var programID = key(200)

// mkCase assembles src for version v and wraps it in a case with one writable account
// owned by the program (data 0x01..0x10), a read-only second account and instruction data.
func mkCase(name, src string, v sbpf.Version, budget uint64) *runners.Case {
	elf, err := asm.AssembleELF(src, v)
	Expect(err).NotTo(HaveOccurred(), name)
	c := &runners.Case{
		Name:            name,
		ProgramID:       programID,
		ComputeBudget:   budget,
		InstructionData: runners.Hex{9, 8, 7, 6},
		Accounts: []runners.CaseAccount{
			{Key: key(1), Owner: programID, Lamports: 1000, Data: runners.Hex{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, Signer: true, Writable: true},
			{Key: key(50), Owner: key(90), Lamports: 500, Data: runners.Hex{0xAA}},
			{Key: key(1), Owner: programID, Lamports: 1000, Data: runners.Hex{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, Signer: true, Writable: true},
		},
	}
	c.SetProgramBytes(elf)
	Expect(c.Validate()).To(Succeed())
	return c
}

// reference is the native runner's result.
func reference(c *runners.Case) *runners.Result {
	res, err := native.New().Run(context.Background(), c)
	Expect(err).NotTo(HaveOccurred())
	return res
}

// agreementFields is what DESIGN.md compares, plus the instruction count.
type agreementFields struct {
	Status     string
	Error      string
	ExitCode   uint64
	CU         uint64
	Insns      uint64
	Logs       []string
	ReturnData *runners.ReturnData
	Diff       runners.StateDiff
}

func fields(r *runners.Result) agreementFields {
	f := agreementFields{Status: r.Status, ExitCode: r.ExitCode, CU: r.ComputeUnits, Insns: r.InstructionCount, Logs: r.Logs, ReturnData: r.ReturnData, Diff: r.Diff}
	if r.Error != nil {
		f.Error = *r.Error
	}
	if f.Logs == nil {
		f.Logs = []string{}
	}
	if f.Diff == nil {
		f.Diff = runners.StateDiff{}
	}
	return f
}

// hostResult runs a case on the host build of the service.
func hostResult(c *runners.Case) *runners.Result {
	prep, err := svcrt.FromCase(c)
	Expect(err).NotTo(HaveOccurred())
	payload, err := prep.Request.Encode()
	Expect(err).NotTo(HaveOccurred())
	res, err := prep.Result(c, "host", runHost(payload))
	Expect(err).NotTo(HaveOccurred())
	return res
}

// The input region of mkCase's accounts: account 0 at 8 (key 16, owner 48, lamports 80,
// data_len 88, data 96), 16 data bytes + 10 KiB padding + rent epoch.
const (
	acc0Lamports = 80
	acc0DataLen  = 88
	acc0Data     = 96
	acc1         = 96 + 16 + 10240 + 8 // second account's dup marker
)

type prog struct {
	name   string
	v      sbpf.Version
	budget uint64
	src    string
}

var programs = []prog{
	{"alu loop", sbpf.V0, 200000, `
		mov64 r0, 0
		mov64 r1, 1000
	loop:
		add64 r0, r1
		mul64 r0, 3
		xor64 r0, 0x55
		rsh64 r0, 1
		sub64 r1, 1
		jne r1, 0, loop
		and64 r0, 0
		exit`},
	{"alu32 extension v0", sbpf.V0, 1000, `
		mov32 r2, -1
		add32 r2, 1
		mov64 r3, 0x7fffffff
		add32 r3, 1
		mov64 r0, r3
		rsh64 r0, 32
		exit`},
	{"alu32 extension v2", sbpf.V2, 1000, `
		mov64 r3, 0x7fffffff
		add32 r3, 1
		mov64 r0, r3
		exit`},
	{"write account data", sbpf.V0, 1000, fmt.Sprintf(`
		ldxdw r2, [r1+%d]
		stb [r1+%d], 0x42
		stxdw [r1+%d], r2
		mov64 r0, 0
		exit`, acc0DataLen, acc0Data, acc0Data+8)},
	{"grow account data", sbpf.V0, 1000, fmt.Sprintf(`
		mov64 r2, 20
		stxdw [r1+%d], r2
		stb [r1+%d], 0x77
		mov64 r0, 0
		exit`, acc0DataLen, acc0Data+18)},
	{"move lamports unbalanced", sbpf.V0, 1000, fmt.Sprintf(`
		mov64 r2, 999
		stxdw [r1+%d], r2
		mov64 r0, 0
		exit`, acc0Lamports)},
	{"readonly data modified", sbpf.V0, 1000, fmt.Sprintf(`
		stb [r1+%d], 0x01
		mov64 r0, 0
		exit`, acc1+8+88)},
	{"custom error", sbpf.V0, 1000, "mov64 r0, 42\nexit"},
	{"builtin error code", sbpf.V0, 1000, "lddw r0, 0x300000000\nexit"},
	{"divide by zero", sbpf.V0, 1000, "mov64 r1, 0\nmov64 r0, 5\ndiv64 r0, r1\nexit"},
	{"sdiv overflow v2", sbpf.V2, 1000, "lddw r0, 0x8000000000000000\nsdiv64 r0, -1\nexit"},
	{"access violation", sbpf.V0, 1000, "mov64 r1, 0\nldxdw r0, [r1+0]\nexit"},
	{"write to rodata", sbpf.V0, 1000, "lddw r1, 0x100000000\nstdw [r1+0], 1\nexit"},
	{"stack access violation", sbpf.V0, 1000, "stdw [r10+8], 1\nexit"},
	{"stack gap", sbpf.V0, 1000, "call fn\nexit\nfn:\nstdw [r10-4200], 1\nexit"},
	{"stack v3", sbpf.V3, 1000, "stdw [r10-8], 7\nldxdw r0, [r10-8]\nsub64 r0, 7\nexit"},
	{"heap access", sbpf.V0, 1000, "lddw r1, 0x300007000\nstdw [r1+4088], 9\nldxdw r0, [r1+4088]\nsub64 r0, 9\nldxdw r0, [r1+4096]\nexit"},
	{"call depth", sbpf.V0, 100000, "call fn\nexit\nfn:\ncall fn\nexit"},
	{"recursion v3", sbpf.V3, 100000, `
		mov64 r1, 10
		call fact
		sub64 r0, 3628800
		exit
	fact:
		jgt r1, 1, rec
		mov64 r0, 1
		exit
	rec:
		mov64 r6, r1
		sub64 r1, 1
		call fact
		mul64 r0, r6
		exit`},
	{"callx", sbpf.V0, 1000, "lddw r2, 0x100000020\ncallx r2\nexit\nmov64 r0, 5\nexit"},
	{"callx outside", sbpf.V0, 1000, "lddw r2, 0x100001000\ncallx r2\nexit"},
	{"CU exhaustion", sbpf.V0, 500, "loop:\nja loop"},
	{"CU exactly enough", sbpf.V0, 3, "mov64 r0, 0\nmov64 r0, 0\nexit"},
	{"CU one short", sbpf.V0, 2, "mov64 r0, 0\nmov64 r0, 0\nexit"},
	{"execution overrun", sbpf.V0, 100, "mov64 r0, 0"},
	{"unknown syscall", sbpf.V0, 100, "call 0x12345678\nexit"},
	{"jmp32 v3", sbpf.V3, 100, "mov64 r1, -1\njeq32 r1, -1, ok\nmov64 r0, 1\nexit\nok:\nmov64 r0, 0\nexit"},
	{"pqr v2", sbpf.V2, 100, "mov64 r0, -7\nsrem64 r0, 3\nadd64 r0, 1\nudiv64 r0, 1\nexit"},
	{"be le", sbpf.V0, 100, "lddw r0, 0x1122334455667788\nbe16 r0\nsub64 r0, 0x8877\nexit"},
	{"sol_log_64 and remaining CU", sbpf.V0, 10000, `
		mov64 r1, 1
		mov64 r2, 0
		mov64 r3, -1
		mov64 r4, 255
		mov64 r5, 4096
		syscall sol_log_64_
		syscall sol_log_compute_units_
		syscall sol_remaining_compute_units
		syscall sol_get_stack_height
		sub64 r0, 1
		exit`},
	{"sol_log_ string", sbpf.V0, 10000, `
		stdw [r10-16], 0x6c6c6568
		stb [r10-12], 0x6f
		mov64 r1, r10
		sub64 r1, 16
		mov64 r2, 5
		syscall sol_log_
		exit`},
	{"sol_log_ invalid utf8", sbpf.V0, 10000, `
		stb [r10-8], 0xff
		mov64 r1, r10
		sub64 r1, 8
		mov64 r2, 1
		syscall sol_log_
		exit`},
	{"sol_log_pubkey and log_data", sbpf.V0, 10000, `
		mov64 r6, r1
		add64 r1, 16
		syscall sol_log_pubkey
		mov64 r2, r6
		add64 r2, 96
		stxdw [r10-32], r2
		stdw [r10-24], 5
		stxdw [r10-16], r2
		stdw [r10-8], 0
		mov64 r1, r10
		sub64 r1, 32
		mov64 r2, 2
		syscall sol_log_data
		exit`},
	{"hashes", sbpf.V0, 10000, `
		mov64 r2, r1
		add64 r2, 96
		stxdw [r10-16], r2
		stdw [r10-8], 16
		mov64 r1, r10
		sub64 r1, 16
		mov64 r2, 1
		mov64 r3, r10
		sub64 r3, 64
		syscall sol_sha256
		mov64 r1, r10
		sub64 r1, 16
		mov64 r2, 1
		mov64 r3, r10
		sub64 r3, 96
		syscall sol_keccak256
		mov64 r1, r10
		sub64 r1, 16
		mov64 r2, 1
		mov64 r3, r10
		sub64 r3, 128
		syscall sol_blake3
		mov64 r1, r10
		sub64 r1, 128
		mov64 r2, 96
		syscall sol_set_return_data
		exit`},
	{"memops", sbpf.V0, 10000, fmt.Sprintf(`
		mov64 r6, r1
		mov64 r1, r6
		add64 r1, %d
		mov64 r2, r6
		add64 r2, %d
		mov64 r3, 8
		syscall sol_memcpy_
		mov64 r1, r6
		add64 r1, %d
		mov64 r2, 0x33
		mov64 r3, 4
		syscall sol_memset_
		mov64 r1, r6
		add64 r1, %d
		mov64 r2, r6
		add64 r2, %d
		mov64 r3, 10
		syscall sol_memmove_
		mov64 r1, r6
		add64 r1, %d
		mov64 r2, r6
		add64 r2, %d
		mov64 r3, 8
		mov64 r4, r10
		sub64 r4, 4
		syscall sol_memcmp_
		ldxw r0, [r10-4]
		exit`, acc0Data, acc0Data+8, acc0Data+12, acc0Data+1, acc0Data, acc0Data, acc0Data+8)},
	{"memcpy overlapping", sbpf.V0, 10000, fmt.Sprintf(`
		add64 r1, %d
		mov64 r2, r1
		add64 r2, 2
		mov64 r3, 8
		syscall sol_memcpy_
		exit`, acc0Data)},
	{"memcmp unaligned result", sbpf.V0, 10000, `
		mov64 r2, r1
		mov64 r3, 4
		mov64 r4, r10
		sub64 r4, 3
		syscall sol_memcmp_
		exit`},
	{"return data round trip", sbpf.V0, 10000, `
		stdw [r10-8], 0x1234
		mov64 r1, r10
		sub64 r1, 8
		mov64 r2, 8
		syscall sol_set_return_data
		mov64 r1, r10
		sub64 r1, 16
		mov64 r2, 8
		mov64 r3, r10
		sub64 r3, 64
		syscall sol_get_return_data
		sub64 r0, 8
		exit`},
	{"return data too large", sbpf.V0, 10000, "mov64 r1, r10\nsub64 r1, 2000\nmov64 r2, 1025\nsyscall sol_set_return_data\nexit"},
	{"pda", sbpf.V0, 100000, `
		mov64 r6, r1
		mov64 r2, r1
		add64 r2, 96
		stxdw [r10-16], r2
		stdw [r10-8], 7
		mov64 r1, r10
		sub64 r1, 16
		mov64 r2, 1
		mov64 r3, r6
		add64 r3, 48
		mov64 r4, r10
		sub64 r4, 64
		mov64 r5, r10
		sub64 r5, 65
		syscall sol_try_find_program_address
		mov64 r7, r0
		ldxb r2, [r10-65]
		stxb [r10-9], r2
		mov64 r2, r10
		sub64 r2, 9
		stxdw [r10-32], r2
		stdw [r10-24], 1
		mov64 r1, r10
		sub64 r1, 32
		mov64 r2, 2
		mov64 r3, r6
		add64 r3, 48
		mov64 r4, r10
		sub64 r4, 128
		syscall sol_create_program_address
		add64 r0, r7
		mov64 r1, r10
		sub64 r1, 128
		syscall sol_log_pubkey
		exit`},
	{"sysvars", sbpf.V0, 10000, `
		mov64 r1, r10
		sub64 r1, 40
		syscall sol_get_clock_sysvar
		mov64 r1, r10
		sub64 r1, 64
		syscall sol_get_rent_sysvar
		mov64 r1, r10
		sub64 r1, 104
		syscall sol_get_epoch_schedule_sysvar
		mov64 r1, r10
		sub64 r1, 104
		mov64 r2, 104
		syscall sol_set_return_data
		exit`},
	{"sysvar unaligned", sbpf.V0, 10000, "mov64 r1, r10\nsub64 r1, 41\nsyscall sol_get_clock_sysvar\nexit"},
	{"alloc_free", sbpf.V0, 10000, `
		mov64 r1, 100
		mov64 r2, 0
		syscall sol_alloc_free_
		mov64 r6, r0
		mov64 r1, 40000
		mov64 r2, 0
		syscall sol_alloc_free_
		add64 r0, r6
		lddw r1, 0x300000000
		sub64 r0, r1
		exit`},
	{"abort", sbpf.V0, 1000, "syscall abort\nexit"},
	{"panic", sbpf.V0, 1000, "stdw [r10-8], 0x2e63\nmov64 r1, r10\nsub64 r1, 8\nmov64 r2, 2\nmov64 r3, 12\nmov64 r4, 5\nsyscall sol_panic_\nexit"},
	{"cpi unsupported", sbpf.V0, 10000, "syscall sol_invoke_signed_c\nexit"},
	{"syscall CU exhaustion", sbpf.V0, 150, "mov64 r1, 1\nsyscall sol_log_64_\nsyscall sol_log_64_\nexit"},
	{"hash too many slices", sbpf.V0, 10000, "mov64 r2, 20001\nsyscall sol_sha256\nexit"},
	{"last restart slot and siblings", sbpf.V0, 10000, `
		mov64 r1, r10
		sub64 r1, 8
		syscall sol_get_last_restart_slot
		mov64 r1, 0
		syscall sol_get_processed_sibling_instruction
		ldxdw r0, [r10-8]
		exit`},
	{"unsupported syscall", sbpf.V0, 10000, "syscall sol_poseidon\nexit"},
	{"static syscall v3", sbpf.V3, 10000, "mov64 r1, 5\nsyscall sol_log_64_\nmov64 r0, 0\nexit"},
	{"v3 rodata not writable", sbpf.V3, 100, "mov64 r1, 0\nstdw [r1+0], 1\nexit"},
	{"log truncation", sbpf.V0, 1_400_000, `
		mov64 r6, 200
	loop:
		mov64 r1, r6
		syscall sol_log_64_
		sub64 r6, 1
		jne r6, 0, loop
		exit`},
}

var _ = Describe("agreement with the native runner", func() {
	for _, p := range programs {
		p := p
		It("agrees on "+p.name+" (host build of the service)", func() {
			c := mkCase(p.name, p.src, p.v, p.budget)
			want := reference(c)
			got := hostResult(c)
			Expect(fields(got)).To(Equal(fields(want)), "detail: native %q, service %q", want.ErrorDetail, got.ErrorDetail)
		})
	}

	It("agrees on the PVM under gp072 and gp080 for a sample", func() {
		for _, prof := range []pvm.Profile{pvm.GP072, pvm.GP080} {
			r := interpsvc.New(prof)
			for _, i := range []int{0, 3, 9, 13, 21, 29, 33, 37} {
				p := programs[i]
				c := mkCase(p.name, p.src, p.v, p.budget)
				want := reference(c)
				got, err := r.Run(context.Background(), c)
				Expect(err).NotTo(HaveOccurred())
				Expect(fields(got)).To(Equal(fields(want)), "%s on %s: %q", p.name, prof, got.ErrorDetail)
				Expect(got.Gas).NotTo(BeNil())
				Expect(got.Gas.Total).To(BeNumerically(">", 0))
				Expect(got.Gas.Load + got.Gas.Serialize + got.Gas.Execute + got.Gas.Diff).To(BeNumerically("<=", got.Gas.Total))
			}
		}
	})
})
