package transpiled

import (
	"regexp"
	"strconv"
	"testing/fstest"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/runners/svcrt"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/syscalls"
)

var _ = Describe("syscall indices fixed at translation", func() {
	It("give every syscall the loader registers svcrt's table row of its name", func() {
		idx, err := sysIndices()
		Expect(err).NotTo(HaveOccurred())
		// svc_syscalls.c's table rows, in order: {"name", fn, 0xkey}
		src, err := svcrt.CSources.ReadFile("c/svc_syscalls.c")
		Expect(err).NotTo(HaveOccurred())
		rows := regexp.MustCompile(`\{"([a-z0-9_]+)", [a-z0-9_]+, 0x([0-9a-f]{8})\}`).FindAllSubmatch(src, -1)
		Expect(rows).NotTo(BeEmpty())
		Expect(idx).To(HaveLen(len(rows)))
		for i, r := range rows {
			k, err := strconv.ParseUint(string(r[2]), 16, 32)
			Expect(err).NotTo(HaveOccurred())
			Expect(sbpf.HashSymbolName(r[1])).To(Equal(uint32(k)), "row %d (%s)", i, r[1])
			Expect(idx).To(HaveKeyWithValue(uint32(k), int32(i)), "row %d (%s)", i, r[1])
		}
		loader, err := syscalls.NewLoader()
		Expect(err).NotTo(HaveOccurred())
		for _, k := range loader.SyscallKeys() {
			name, _, _ := loader.LookupSyscall(k)
			Expect(idx).To(HaveKey(k), "the loader's %s", name)
		}
	})

	It("reject a runtime source without a usable lookup switch", func() {
		body := func(cases string) fstest.MapFS {
			return fstest.MapFS{"c/svc_syscalls.c": {Data: []byte("int svc_syscall_lookup(uint32_t key) {\n  switch (key) {\n" + cases + "  }\n  return -1;\n}\n")}}
		}
		m, err := parseSyscallIndices(body("    case 0x0000000au: return 0;\n    case 0xffffffffu: return 1;\n"))
		Expect(err).NotTo(HaveOccurred())
		Expect(m).To(Equal(map[uint32]int32{10: 0, 0xffffffff: 1}))
		for name, fsys := range map[string]fstest.MapFS{
			"missing file":  {},
			"no function":   {"c/svc_syscalls.c": {Data: []byte("int other(void) { return -1; }\n")}},
			"no cases":      body(""),
			"duplicate key": body("    case 0x1u: return 0;\n    case 0x1u: return 1;\n"),
			"duplicate idx": body("    case 0x1u: return 0;\n    case 0x2u: return 0;\n"),
		} {
			_, err := parseSyscallIndices(fsys)
			Expect(err).To(MatchError(ContainSubstring("syscall table")), name)
		}
	})
})
