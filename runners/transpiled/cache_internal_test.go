package transpiled

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/asm"
)

var _ = Describe("the build cache", func() {
	It("keeps each blob's compile timings, so that a run from the disk cache reports its compile time", func() {
		// A program no earlier run has cached: its exit code is this run's clock.
		src := fmt.Sprintf("entrypoint:\n mov64 r0, %d\n exit\n", time.Now().UnixNano()&0x3fffffff)
		elfBytes, err := asm.AssembleELF(src, sbpf.V0)
		Expect(err).NotTo(HaveOccurred())
		o := Options{Profile: pvm.GP072, Opt: 1}
		fresh, err := Build(elfBytes, o)
		Expect(err).NotTo(HaveOccurred())
		blobPath := filepath.Join(cacheDir(), fresh.Key+".pvm")
		DeferCleanup(func() { os.Remove(blobPath); os.Remove(sidecarPath(blobPath)) })
		Expect(fresh.Cached).To(BeFalse())
		Expect(fresh.Times.LLVM).To(BeNumerically(">", 0))

		memMu.Lock()
		delete(memCache, fresh.Key)
		memMu.Unlock()
		cached, err := Build(elfBytes, o)
		Expect(err).NotTo(HaveOccurred())
		Expect(cached.Cached).To(BeTrue())
		Expect(cached.Bytes).To(Equal(fresh.Bytes))
		Expect(cached.Times).To(Equal(fresh.Times))
		Expect(cached.IRBytes).To(Equal(fresh.IRBytes))

		c := &runners.Case{Name: "cached", ProgramID: "11111111111111111111111111111111", ComputeBudget: 1000}
		c.SetProgramBytes(elfBytes)
		Expect(c.Validate()).To(Succeed())
		res, err := (&Runner{Profile: o.Profile, Opt: o.Opt, Gas: MaxRefineGas}).Run(context.Background(), c)
		Expect(err).NotTo(HaveOccurred())
		Expect(res.CompileNS).NotTo(BeNil())
		Expect(*res.CompileNS).To(Equal(fresh.Times.Total().Nanoseconds()))
	})

	It("uses a blob whose sidecar is missing or malformed, without timings", func() {
		dir := GinkgoT().TempDir()
		_, err := readSidecar(filepath.Join(dir, "none.json"))
		Expect(err).To(HaveOccurred())
		Expect(os.WriteFile(filepath.Join(dir, "bad.json"), []byte(`{"llvm_ns": "x"`), 0o644)).To(Succeed())
		_, err = readSidecar(filepath.Join(dir, "bad.json"))
		Expect(err).To(HaveOccurred())
		Expect(os.WriteFile(filepath.Join(dir, "neg.json"), []byte(`{"llvm_ns": -5}`), 0o644)).To(Succeed())
		_, err = readSidecar(filepath.Join(dir, "neg.json"))
		Expect(err).To(HaveOccurred())
		Expect(writeSidecar(filepath.Join(dir, "ok.json"), sidecar{TranslateNS: 1, LLVMNS: 2, LinkNS: 3, IRBytes: 4})).To(Succeed())
		s, err := readSidecar(filepath.Join(dir, "ok.json"))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.timings().Total()).To(Equal(6 * time.Nanosecond))
	})
})
