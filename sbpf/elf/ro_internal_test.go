package elf

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
)

// The scenarios of anza's parse_ro_sections tests: sections given directly, a 512-byte
// file of zeros, and what the resulting read-only region maps.
var _ = Describe("parseRoSections", func() {
	buf := make([]byte, 512)
	sec := func(name string, addr, size uint64) namedSection {
		return namedSection{name: []byte(name), sh: &sectionHeader{addr: addr, offset: addr, size: size}}
	}
	cfgWith := func(mod func(*sbpf.Config)) *sbpf.Config {
		c := sbpf.DefaultConfig()
		if mod != nil {
			mod(&c)
		}
		return &c
	}
	mapping := func(ro roSection, cfg *sbpf.Config) *sbpf.MemoryMapping {
		m, err := sbpf.NewMemoryMapping([]sbpf.MemoryRegion{sbpf.NewRegionReadonly(ro.data, ro.vaddr)}, cfg, sbpf.V0)
		Expect(err).NotTo(HaveOccurred())
		return m
	}
	mapsAt := func(m *sbpf.MemoryMapping, addr, n uint64) bool {
		_, err := m.Translate(sbpf.Load, addr, n)
		return err == nil
	}
	R := sbpf.MMRegionSize

	It("copies when a non-read-only section sits between read-only ones", func() {
		ro, err := parseRoSections(cfgWith(nil), []namedSection{sec(".text", 10, 10), sec(".dynamic", 20, 10), sec(".rodata", 30, 10)}, buf)
		Expect(err).NotTo(HaveOccurred())
		Expect(ro.owned).To(BeTrue())
		Expect(ro.vaddr).To(Equal(R + 10))
		Expect(ro.data).To(HaveLen(30))
	})

	It("copies when a section's offset is not its address", func() {
		s2 := sec(".rodata", 20, 10)
		s2.sh.offset = 30
		ro, err := parseRoSections(cfgWith(nil), []namedSection{sec(".text", 10, 10), s2}, buf)
		Expect(err).NotTo(HaveOccurred())
		Expect(ro.owned).To(BeTrue())
		Expect(ro.vaddr).To(Equal(R + 10))
		Expect(ro.data).To(HaveLen(20))
	})

	It("rejects an offset that is not the address with RejectBrokenELFs", func() {
		cfg := cfgWith(func(c *sbpf.Config) { c.RejectBrokenELFs = true })
		_, err := parseRoSections(cfg, []namedSection{sec(".text", 10, 10)}, buf)
		Expect(err).NotTo(HaveOccurred())
		s := sec(".text", 10, 10)
		s.sh.offset = 0
		_, err = parseRoSections(cfg, []namedSection{s}, buf)
		Expect(err).To(MatchError(ContainSubstring("out of bounds")))
		Expect(err.(*Error).Variant).To(Equal(ValueOutOfBounds))
	})

	It("maps an owned region without an initial gap", func() {
		cfg := cfgWith(nil)
		ro, err := parseRoSections(cfg, []namedSection{sec(".text", 0, 10), sec(".dynamic", 10, 10), sec(".rodata", 20, 10)}, buf)
		Expect(err).NotTo(HaveOccurred())
		m := mapping(ro, cfg)
		Expect(mapsAt(m, R, 30)).To(BeTrue())
		Expect(mapsAt(m, R+30, 1)).To(BeFalse())
	})

	It("maps the initial gap without OptimizeRodata (backwards compatibility)", func() {
		cfg := cfgWith(func(c *sbpf.Config) { c.OptimizeRodata = false })
		ro, err := parseRoSections(cfg, []namedSection{sec(".text", 10, 10), sec(".dynamic", 20, 10), sec(".rodata", 30, 10)}, buf)
		Expect(err).NotTo(HaveOccurred())
		m := mapping(ro, cfg)
		Expect(mapsAt(m, R, 40)).To(BeTrue())
		Expect(mapsAt(m, R+40, 1)).To(BeFalse())
	})

	It("leaves the initial gap unmapped with OptimizeRodata", func() {
		cfg := cfgWith(nil)
		ro, err := parseRoSections(cfg, []namedSection{sec(".text", 10, 10), sec(".dynamic", 20, 10), sec(".rodata", 30, 10)}, buf)
		Expect(err).NotTo(HaveOccurred())
		m := mapping(ro, cfg)
		Expect(mapsAt(m, R, 1)).To(BeFalse())
		Expect(mapsAt(m, R+9, 1)).To(BeFalse())
		Expect(mapsAt(m, R+10, 30)).To(BeTrue())
		Expect(mapsAt(m, R+40, 1)).To(BeFalse())
	})

	It("copies contiguous sections without OptimizeRodata", func() {
		cfg := cfgWith(func(c *sbpf.Config) { c.OptimizeRodata = false })
		ro, err := parseRoSections(cfg, []namedSection{sec(".text", 0, 10), sec(".rodata", 10, 10)}, buf)
		Expect(err).NotTo(HaveOccurred())
		Expect(ro.owned).To(BeTrue())
		Expect(ro.vaddr).To(Equal(R))
		Expect(ro.data).To(HaveLen(20))
	})

	It("borrows contiguous read-only sections", func() {
		ro, err := parseRoSections(cfgWith(nil), []namedSection{sec(".dynsym", 0, 10), sec(".text", 20, 10), sec(".rodata", 40, 10), sec(".dynamic", 50, 10)}, buf)
		Expect(err).NotTo(HaveOccurred())
		Expect(ro.owned).To(BeFalse())
		Expect(ro.vaddr).To(Equal(R + 20))
		Expect(ro.data).To(HaveLen(30)) // bytes 20..50 of the file
		Expect(&ro.data[0]).To(BeIdenticalTo(&buf[20]))
	})

	It("maps a borrowed region with an initial gap", func() {
		cfg := cfgWith(nil)
		ro, err := parseRoSections(cfg, []namedSection{sec(".dynamic", 0, 10), sec(".text", 10, 10), sec(".rodata", 20, 10)}, buf)
		Expect(err).NotTo(HaveOccurred())
		m := mapping(ro, cfg)
		Expect(mapsAt(m, R, 1)).To(BeFalse())
		Expect(mapsAt(m, R+9, 1)).To(BeFalse())
		Expect(mapsAt(m, R+10, 20)).To(BeTrue())
		Expect(mapsAt(m, R+30, 1)).To(BeFalse())
	})

	It("lets later sections overwrite earlier ones where they overlap", func() {
		b := make([]byte, 64)
		for i := range b {
			b[i] = byte(i)
		}
		a := sec(".text", 0, 8)
		o := sec(".rodata", 4, 8)
		o.sh.offset = 32 // its bytes come from 32..40 but land at 4..12
		ro, err := parseRoSections(cfgWith(nil), []namedSection{a, o}, b)
		Expect(err).NotTo(HaveOccurred())
		Expect(ro.data).To(Equal([]byte{0, 1, 2, 3, 32, 33, 34, 35, 36, 37, 38, 39}))
	})

	It("rejects sections reaching the stack region", func() {
		s := sec(".text", R+8, 10)
		s.sh.offset = 0 // the data is in the file: only the address is wrong
		_, err := parseRoSections(cfgWith(nil), []namedSection{s}, buf)
		Expect(err).To(HaveOccurred())
		Expect(err.(*Error).Variant).To(Equal(ValueOutOfBounds))
	})
})
