package link_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/elf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/link"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/syscalls"
	"github.com/sbpf-pvm/sbpf-pvm/solana"
)

// clangFlags are the flags `sbpf-pvm sbpf cc` uses.
var clangFlags = link.ClangFlags("2")

// compile builds a C source with clang-19 into a BPF object. clang-19 is a hard
// requirement of the test suite (`make test` installs it).
func compile(src string, flags ...string) link.Object {
	GinkgoHelper()
	dir := GinkgoT().TempDir()
	c := filepath.Join(dir, "p.c")
	Expect(os.WriteFile(c, []byte(src), 0o644)).To(Succeed())
	o := filepath.Join(dir, "p.o")
	if flags == nil {
		flags = clangFlags
	}
	out, err := exec.Command("clang-19", append(append([]string{}, flags...), "-c", c, "-o", o)...).CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), "clang-19: %s", out)
	data, err := os.ReadFile(o)
	Expect(err).NotTo(HaveOccurred())
	return link.Object{Name: "p.c", Data: data}
}

// deployLoader is Agave's loader with the deployment-time checks (reject_broken_elfs).
func deployLoader() *sbpf.Loader {
	GinkgoHelper()
	cfg := syscalls.Config()
	cfg.RejectBrokenELFs = true
	l := sbpf.NewLoader(cfg)
	Expect(syscalls.Register(l)).To(Succeed())
	return l
}

type run struct {
	r0   uint64
	err  error
	logs []string
	ret  []byte
}

// execute loads so like Agave's deployment, verifies it and runs it over a serialized
// input with one account and the given instruction data.
func execute(so []byte, data []byte) run {
	GinkgoHelper()
	exe, err := elf.Load(so, deployLoader())
	Expect(err).NotTo(HaveOccurred(), "loader rejected the linked program")
	Expect(exe.Verify()).To(Succeed())
	programID := solana.PublicKey{1, 2, 3}
	accs := []solana.Account{{Key: solana.PublicKey{9}, Owner: programID, Lamports: 5, Data: []byte{1, 2, 3}}}
	ix := &solana.Instruction{ProgramID: programID, Data: data,
		Accounts: []solana.InstructionAccount{{Index: 0, Writable: true}}}
	in, err := solana.Serialize(accs, ix)
	Expect(err).NotTo(HaveOccurred())
	ic := syscalls.NewInvokeContext(programID, 200_000)
	mem, err := sbpf.NewStandardMapping(exe, nil, make([]byte, 32*1024), in.Buffer, nil)
	Expect(err).NotTo(HaveOccurred())
	vm := sbpf.NewVM(exe, ic, mem, ic)
	_, r0, err := vm.Execute()
	return run{r0: r0, err: err, logs: ic.Logs, ret: ic.ReturnData.Data}
}

func linkErr(err error) *link.Error {
	var le *link.Error
	if errors.As(err, &le) {
		return le
	}
	return nil
}

const richProgram = `
typedef unsigned long u64;
extern void sol_log_(const char *, u64);
extern void sol_set_return_data(const unsigned char *, u64);
u64 helper_other_object(u64);
typedef u64 (*fn)(u64);
__attribute__((noinline)) static u64 twice(u64 x) { return 2 * x; }
__attribute__((noinline)) static u64 thrice(u64 x) { return 3 * x; }
static const fn table[2] = {twice, thrice};          /* function pointers in rodata */
static const char *const words[3] = {"zero", "one", "two"}; /* string pointers in rodata */
static const u64 primes[8] = {2, 3, 5, 7, 11, 13, 17, 19};
u64 entrypoint(const unsigned char *input) {
  const unsigned char *p = input + 8 + 8 + 32 + 32 + 8 + 8 + 3 + 10240 + 5 + 8; /* 1 account */
  u64 n = *(const u64 *)p;                                          /* instruction data len */
  unsigned char sel = n ? p[8] : 0;
  sol_log_("linked!", 7);
  const char *w = words[sel % 3];
  u64 len = 0;
  while (w[len]) len++;
  sol_log_(w, len);
  u64 v = table[sel & 1](primes[sel & 7]);
  v = helper_other_object(v);
  unsigned char out[8];
  for (int i = 0; i < 8; i++) out[i] = (unsigned char)(v >> (8 * i));
  sol_set_return_data(out, 8);
  return v;
}
`

const otherObject = `
typedef unsigned long u64;
static const char greeting[] = "from the other object";
extern void sol_log_(const char *, u64);
u64 helper_other_object(u64 x) { sol_log_(greeting, sizeof(greeting) - 1); return x + 1000; }
`

var _ = Describe("Link", func() {
	It("links two clang objects into a v0 program Agave's loader accepts and runs", func() {
		so, err := link.Link([]link.Object{compile(richProgram), compile(otherObject)}, link.Options{})
		Expect(err).NotTo(HaveOccurred())
		for sel, want := range map[byte]struct {
			word string
			r0   uint64
		}{
			0: {"zero", 2*2 + 1000}, // twice(primes[0])
			1: {"one", 3*3 + 1000},  // thrice(primes[1])
			2: {"two", 2*5 + 1000},  // twice(primes[2])
			5: {"two", 3*13 + 1000}, // thrice(primes[5])
		} {
			r := execute(so, []byte{sel})
			Expect(r.err).NotTo(HaveOccurred())
			Expect(r.r0).To(Equal(want.r0), "selector %d", sel)
			Expect(r.logs).To(Equal([]string{"Program log: linked!", "Program log: " + want.word, "Program log: from the other object"}))
			Expect(r.ret).To(HaveLen(8))
			Expect(r.ret[0]).To(Equal(byte(want.r0)))
		}
	})

	It("is deterministic", func() {
		objs := []link.Object{compile(richProgram), compile(otherObject)}
		a, err := link.Link(objs, link.Options{})
		Expect(err).NotTo(HaveOccurred())
		b, err := link.Link(objs, link.Options{})
		Expect(err).NotTo(HaveOccurred())
		Expect(a).To(Equal(b))
	})

	It("emits the dynamic relocations Agave expects", func() {
		so, err := link.Link([]link.Object{compile(richProgram), compile(otherObject)}, link.Options{})
		Expect(err).NotTo(HaveOccurred())
		rel := relocations(so)
		// lddw of rodata and pointers in rodata: R_BPF_64_RELATIVE (8) without symbol;
		// syscalls: R_BPF_64_32 (10) against the syscall's dynamic symbol.
		Expect(rel).To(ContainElement(relocation{typ: 8}))
		Expect(rel).To(ContainElement(relocation{typ: 10, sym: "sol_log_"}))
		Expect(rel).To(ContainElement(relocation{typ: 10, sym: "sol_set_return_data"}))
		for _, r := range rel {
			Expect(r.sym).NotTo(Equal("helper_other_object"), "internal calls are resolved by the linker")
		}
	})

	DescribeTable("refuses what sBPF v0 cannot run, with a typed error",
		func(objs func() []link.Object, kind link.ErrorKind, mention string) {
			_, err := link.Link(objs(), link.Options{})
			le := linkErr(err)
			Expect(le).NotTo(BeNil(), "error %v", err)
			Expect(le.Kind).To(Equal(kind))
			Expect(err.Error()).To(ContainSubstring(mention))
		},
		Entry("unknown function", func() []link.Object {
			return []link.Object{compile(`extern long nowhere(long); long entrypoint(long x){ return nowhere(x); }`)}
		}, link.UnknownSymbol, "nowhere"),
		Entry("unknown data symbol", func() []link.Object {
			return []link.Object{compile(`extern const long table[]; long entrypoint(long x){ return table[x & 3]; }`)}
		}, link.UnknownSymbol, "table"),
		Entry("mutable global (.bss)", func() []link.Object {
			return []link.Object{compile(`long counter; long entrypoint(long x){ counter += x; return counter; }`)}
		}, link.WritableData, ".bss"),
		Entry("mutable global (.data)", func() []link.Object {
			return []link.Object{compile(`long counter = 5; long entrypoint(long x){ counter += x; return counter; }`)}
		}, link.WritableData, ".data"),
		Entry("stack frame over 4 KiB", func() []link.Object {
			flags := append(append([]string{}, clangFlags[:len(clangFlags)-1]...), "-bpf-stack-size=100000")
			return []link.Object{compile(`extern void sol_log_(const char*, unsigned long);
				long entrypoint(unsigned long x){ volatile char buf[6000]; buf[x % 6000] = 1; sol_log_((const char*)buf, 1); return buf[5]; }`, flags...)}
		}, link.StackFrameTooLarge, "entrypoint"),
		Entry("signed division (an instruction v0 lacks)", func() []link.Object {
			flags := append([]string{}, clangFlags...)
			flags[2] = "-mcpu=v4"
			return []link.Object{compile(`long entrypoint(long x, long y){ return x / y; }`, flags...)}
		}, link.UnsupportedInstruction, "signed division"),
		Entry("32-bit ALU (sign-extends in v0, LLVM assumes zero-extension)", func() []link.Object {
			flags := append(append([]string{}, clangFlags...), "-Xclang", "-target-feature", "-Xclang", "+alu32")
			return []link.Object{compile(`int entrypoint(int x, int y){ return x * y + 3; }`, flags...)}
		}, link.UnsupportedInstruction, "sign-extends"),
		Entry("no entrypoint", func() []link.Object {
			return []link.Object{compile(`long main(long x){ return x; }`)}
		}, link.NoEntrypoint, "entrypoint"),
		Entry("duplicate definitions", func() []link.Object {
			return []link.Object{compile(`long f(long x){ return x; } long entrypoint(long x){ return f(x); }`),
				compile(`long f(long x){ return x + 1; }`)}
		}, link.DuplicateSymbol, `"f"`),
		Entry("not an ELF file", func() []link.Object {
			return []link.Object{{Name: "junk.o", Data: []byte("definitely not an ELF object")}}
		}, link.MalformedObject, "junk.o"),
		Entry("no objects", func() []link.Object { return nil }, link.MalformedObject, "no input"),
	)

	It("rejects objects for another machine", func() {
		dir := GinkgoT().TempDir()
		c := filepath.Join(dir, "x.c")
		Expect(os.WriteFile(c, []byte("long entrypoint(long x){return x;}"), 0o644)).To(Succeed())
		o := filepath.Join(dir, "x.o")
		out, err := exec.Command("clang-19", "-target", "x86_64-linux-gnu", "-c", c, "-o", o).CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), "%s", out)
		data, err := os.ReadFile(o)
		Expect(err).NotTo(HaveOccurred())
		_, err = link.Link([]link.Object{{Name: "x86.o", Data: data}}, link.Options{})
		Expect(linkErr(err)).NotTo(BeNil())
		Expect(linkErr(err).Kind).To(Equal(link.MalformedObject))
		Expect(err.Error()).To(ContainSubstring("machine"))
	})

	It("accepts the same weak definition from several objects and keeps the first", func() {
		weak := `__attribute__((weak)) long pick(void){ return %d; }`
		main := compile(`long pick(void); long entrypoint(void){ return pick(); }`)
		so, err := link.Link([]link.Object{main, compile(fmt.Sprintf(weak, 1)), compile(fmt.Sprintf(weak, 2))}, link.Options{})
		Expect(err).NotTo(HaveOccurred())
		Expect(execute(so, nil).r0).To(BeEquivalentTo(1))
		strong := compile(`long pick(void){ return 3; }`)
		so, err = link.Link([]link.Object{main, compile(fmt.Sprintf(weak, 1)), strong}, link.Options{})
		Expect(err).NotTo(HaveOccurred())
		Expect(execute(so, nil).r0).To(BeEquivalentTo(3), "a strong definition wins over a weak one")
	})
})

var _ = Describe("Link with same-named static functions", func() {
	It("keeps both (static functions of two objects may share a name)", func() {
		a := compile(`__attribute__((noinline)) static long helper(long x){ return x + 1; }
			long other(long); long entrypoint(long x){ return helper(x) + other(x); }`)
		b := compile(`__attribute__((noinline)) static long helper(long x){ return x * 10; }
			long other(long x){ return helper(x); }`)
		so, err := link.Link([]link.Object{a, b}, link.Options{})
		Expect(err).NotTo(HaveOccurred())
		// r1 is the input pointer (0x400000000): helper_a(r1) + helper_b(r1) = 11*r1 + 1.
		Expect(execute(so, nil).r0).To(Equal(uint64(11*0x400000000 + 1)))
	})
})

var _ = Describe("Link relocation forms", func() {
	It("resolves calls across sections (-ffunction-sections) and function addresses loaded with lddw", func() {
		src := `typedef unsigned long u64;
			typedef u64 (*fn)(u64);
			__attribute__((noinline)) static u64 add7(u64 x) { return x + 7; }
			__attribute__((noinline)) u64 twice(u64 x) { return 2 * x; }
			__attribute__((noinline)) u64 apply(volatile fn *f, u64 x) { return (*f)(x); }
			u64 entrypoint(const unsigned char *in) {
				volatile fn f = add7;          /* lddw of a function address */
				u64 a = apply(&f, 35);         /* callx through it: 42 */
				f = twice;
				return a * 1000 + apply(&f, 21) + twice(0);   /* 42000 + 42 */
			}`
		flags := append(append([]string{}, clangFlags...), "-ffunction-sections")
		so, err := link.Link([]link.Object{compile(src, flags...)}, link.Options{})
		Expect(err).NotTo(HaveOccurred())
		r := execute(so, nil)
		Expect(r.err).NotTo(HaveOccurred())
		Expect(r.r0).To(BeEquivalentTo(42042))
	})
})

var _ = Describe("Link for SBPF v3", func() {
	It("emits a strict v3 ELF that loads and computes what the v0 one does", func() {
		objs := []link.Object{compile(richProgram), compile(otherObject)}
		v0, err := link.Link(objs, link.Options{})
		Expect(err).NotTo(HaveOccurred())
		v3, err := link.Link(objs, link.Options{Version: sbpf.V3})
		Expect(err).NotTo(HaveOccurred())
		Expect(binary.LittleEndian.Uint32(v3[48:])).To(BeEquivalentTo(3), "e_flags")
		for _, sel := range []byte{0, 1, 2, 5} {
			a, b := execute(v0, []byte{sel}), execute(v3, []byte{sel})
			Expect(a.err).NotTo(HaveOccurred())
			Expect(b.err).NotTo(HaveOccurred())
			Expect(b.r0).To(Equal(a.r0))
			Expect(b.logs).To(Equal(a.logs))
			Expect(b.ret).To(Equal(a.ret))
		}
	})

	It("refuses versions whose instruction semantics differ", func() {
		_, err := link.Link([]link.Object{compile(otherObject)}, link.Options{Version: sbpf.V2})
		Expect(linkErr(err)).NotTo(BeNil())
		Expect(linkErr(err).Kind).To(Equal(link.UnsupportedVersion))
	})
})

var _ = Describe("Link garbage collection", func() {
	It("drops functions and data the entrypoint never reaches", func() {
		src := `extern void sol_log_(const char *, unsigned long);
			static const char used[] = "used string", unused_str[] = "never referenced";
			__attribute__((noinline)) long unused_fn(long x) { sol_log_(unused_str, sizeof(unused_str)); return x * 3; }
			__attribute__((weak)) long weak_unused(long x) { return x + 1; }
			long entrypoint(void) { sol_log_(used, sizeof(used) - 1); return 0; }`
		so, err := link.Link([]link.Object{compile(src)}, link.Options{})
		Expect(err).NotTo(HaveOccurred())
		Expect(string(so)).To(ContainSubstring("used string"))
		Expect(string(so)).NotTo(ContainSubstring("never referenced"))
		Expect(string(so)).NotTo(ContainSubstring("unused_fn"))
		Expect(string(so)).NotTo(ContainSubstring("weak_unused"))
		r := execute(so, nil)
		Expect(r.err).NotTo(HaveOccurred())
		Expect(r.logs).To(Equal([]string{"Program log: used string"}))
	})
})
