package transpiled

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing/fstest"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/asm"
)

var _ = Describe("the build cache", func() {
	It("keys blobs by the translator's sources: a change to a non-test Go file changes the key", func() {
		src := fstest.MapFS{
			"translate.go":      {Data: []byte("package transpiled // v1\n")},
			"ops.go":            {Data: []byte("package transpiled\n")},
			"translate_test.go": {Data: []byte("package transpiled // spec\n")},
			"rt/engine.c":       {Data: []byte("/* not Go */\n")},
		}
		h1, err := sourceHash(src)
		Expect(err).NotTo(HaveOccurred())
		src["translate_test.go"] = &fstest.MapFile{Data: []byte("package transpiled // another spec\n")}
		src["rt/engine.c"] = &fstest.MapFile{Data: []byte("/* changed */\n")}
		h2, err := sourceHash(src)
		Expect(err).NotTo(HaveOccurred())
		Expect(h2).To(Equal(h1), "test files and non-Go files are not the translator")
		src["translate.go"] = &fstest.MapFile{Data: []byte("package transpiled // v2\n")}
		h3, err := sourceHash(src)
		Expect(err).NotTo(HaveOccurred())
		Expect(h3).NotTo(Equal(h1))
		src["liveness.go"] = &fstest.MapFile{Data: []byte("package transpiled\n")}
		h4, err := sourceHash(src)
		Expect(err).NotTo(HaveOccurred())
		Expect(h4).NotTo(Equal(h3), "a new translator file counts")

		elfBytes := []byte("elf")
		rtk := "0123456789abcdef01234567"
		o := Options{Profile: pvm.GP072, Opt: 2}
		Expect(cacheKey(o, elfBytes, rtk, h1)).NotTo(Equal(cacheKey(o, elfBytes, rtk, h3)))
		Expect(cacheKey(o, elfBytes, rtk, h3)).To(Equal(cacheKey(o, elfBytes, rtk, h3)))

		// The package's own hash covers its translator files and no spec.
		own, err := translatorHash()
		Expect(err).NotTo(HaveOccurred())
		Expect(own).To(HaveLen(64))
		names, err := fs.Glob(goSources, "*.go")
		Expect(err).NotTo(HaveOccurred())
		Expect(names).To(ContainElements("translate.go", "ops.go", "liveness.go", "provenance.go"))
		fresh, err := Build([]byte("not an ELF"), Options{Profile: pvm.GP072, Opt: 0, NoCache: true})
		Expect(err).NotTo(HaveOccurred())
		Expect(fresh.Key).To(ContainSubstring(own[:12]))
	})

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
