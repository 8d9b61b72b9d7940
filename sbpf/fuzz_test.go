package sbpf_test

import (
	"encoding/hex"
	"math/rand"
	"strconv"
	"testing"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
)

func fuzzSeeds(f *testing.F) {
	f.Add(prog(movi(0, 1), exit), uint8(0), []byte{1, 2, 3})
	f.Add(prog(lddw(1, sbpf.MMInputStart), ix(sbpf.OpLdDwReg, 0, 1, 0, 0), exit), uint8(0), make([]byte, 8))
	f.Add(prog(ix(sbpf.OpAdd64Imm, 10, 0, 0, -64), ix(sbpf.OpSt8bReg, 10, 10, -8, 0), exit), uint8(2), []byte{})
	f.Add(prog(ix(sbpf.OpCallImm, 0, 1, 0, -1), exit), uint8(3), []byte{})
	f.Add(prog(ix(sbpf.OpJa, 0, 0, -1, 0), exit), uint8(4), []byte{})
	f.Add(prog(movi(1, 0), ix(sbpf.OpSdiv64Reg, 0, 1, 0, 0), exit), uint8(2), []byte{})
	f.Add(prog(sysCall("gather"), callx(sbpf.V1, 0), exit), uint8(1), []byte{})
}

// FuzzVerify: the verifier never panics, and what it accepts decodes and runs.
func FuzzVerify(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, text []byte, ver uint8, _ []byte) {
		v := sbpf.Version(ver % 6)
		err := sbpf.Verify(text, v)
		if err != nil {
			if _, ok := err.(*sbpf.VerifierError); !ok {
				t.Fatalf("untyped verifier error %T", err)
			}
			return
		}
		_ = sbpf.VerifyLocal(text, v, sbpf.NewLoader(sbpf.DefaultConfig()))
	})
}

// FuzzExecute: any verified program terminates within its budget without
// panicking, returns a typed error, and runs deterministically.
func FuzzExecute(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, text []byte, ver uint8, input []byte) {
		if len(text) > 1<<16 || len(input) > 1<<16 {
			return
		}
		v := sbpf.Version(ver % 5)
		cfg := sbpf.DefaultConfig()
		cfg.MaxCallDepth = 1 + int(ver>>3)%64
		cfg.AlignedMemoryMapping = ver&0x80 != 0
		cfg.EnableStackFrameGaps = ver&0x40 == 0
		l := sbpf.NewLoader(cfg)
		_ = l.RegisterSyscall("gather", gatherBytes)
		_ = l.RegisterSyscall("burn", func(vm *sbpf.VM, a, _, _, _, _ uint64) (uint64, error) {
			vm.Meter().Consume(a & 0xff)
			_, err := vm.Memory.Translate(sbpf.Load, vm.Regs[2], a&0xff)
			return 0, err
		})
		run := func() (uint64, uint64, string, []byte) {
			exe, err := sbpf.NewExecutableFromText(text, l, v, nil)
			if err != nil {
				return 0, 0, "new", nil
			}
			if err := exe.Verify(); err != nil {
				return 0, 0, "verify", nil
			}
			in := append([]byte(nil), input...)
			mem, err := sbpf.NewStandardMapping(exe, nil, make([]byte, 256), in, nil)
			if err != nil {
				t.Fatalf("mapping: %v", err)
			}
			m := &testMeter{remaining: 20000}
			count, r0, err := sbpf.NewVM(exe, m, mem, nil).Execute()
			if count > 20000 {
				t.Fatalf("count %d above budget", count)
			}
			kind := "ok"
			if err != nil {
				e, ok := err.(*sbpf.EbpfError)
				if !ok {
					t.Fatalf("untyped error %T %v", err, err)
				}
				kind = e.Error()
			}
			return count, r0, kind, in
		}
		c1, r1, k1, m1 := run()
		c2, r2, k2, m2 := run()
		if c1 != c2 || r1 != r2 || k1 != k2 || string(m1) != string(m2) {
			t.Fatalf("non-deterministic: %d/%d %x/%x %s/%s", c1, c2, r1, r2, k1, k2)
		}
	})
}

// FuzzExecuteStructured runs generated, mostly verifiable programs (all
// versions and mapping flags) from a fuzzed seed: no panic, bounded count,
// deterministic outcome.
func FuzzExecuteStructured(f *testing.F) {
	for _, s := range []int64{1, 2, 3, 42, -7} {
		f.Add(s, []byte{1, 2, 3, 4, 5, 6, 7, 8})
	}
	opsByVersion := map[sbpf.Version][]uint8{}
	for _, v := range allVersions {
		opsByVersion[v] = validOpcodes(v)
	}
	f.Fuzz(func(t *testing.T, seed int64, input []byte) {
		if len(input) > 4096 {
			return
		}
		rng := rand.New(rand.NewSource(seed))
		v := allVersions[rng.Intn(len(allVersions))]
		text := genProgram(rng, v, opsByVersion[v])
		fields := []string{strconv.Itoa(int(v)), strconv.Itoa(rng.Intn(256)), strconv.Itoa(5 + rng.Intn(3000)),
			hex.EncodeToString(text), hex.EncodeToString(input)}
		a, b := vectorCase(fields), vectorCase(fields)
		if a != b {
			t.Fatalf("non-deterministic: %s vs %s", a, b)
		}
	})
}

// FuzzMemoryMapping checks the interpreter's slot fast path against the
// canonical translation for random region layouts (several regions per 4 GiB
// slot, gaps, read-only regions) and random accesses.
func FuzzMemoryMapping(f *testing.F) {
	f.Add([]byte{1, 0, 8, 0, 2, 0, 16, 1, 4, 0, 8, 0}, uint64(sbpf.MMInputStart), uint8(0))
	f.Add([]byte{2, 0, 64, 3, 2, 1, 64, 3}, uint64(sbpf.MMStackStart+8), uint8(0x81))
	f.Fuzz(func(t *testing.T, layout []byte, addr uint64, mode uint8) {
		cfg := sbpf.DefaultConfig()
		cfg.AlignedMemoryMapping = mode&0x80 != 0
		var regions []sbpf.MemoryRegion
		for i := 0; i+4 <= len(layout) && len(regions) < 8; i += 4 {
			slot, off, size, kind := uint64(layout[i]%6), uint64(layout[i+1])*8, int(layout[i+2]), layout[i+3]
			host := make([]byte, size)
			for j := range host {
				host[j] = byte(j + i)
			}
			vaddr := slot<<32 + off
			switch kind % 3 {
			case 0:
				regions = append(regions, sbpf.NewRegionReadonly(host, vaddr))
			case 1:
				regions = append(regions, sbpf.NewRegionWritable(host, vaddr))
			default:
				regions = append(regions, sbpf.NewRegionWritableGapped(host, vaddr, 8))
			}
		}
		m, err := sbpf.NewMemoryMapping(regions, &cfg, sbpf.V3)
		if err != nil {
			return
		}
		size := []int{1, 2, 4, 8}[mode&3]
		want, werr := m.Load(addr, size)
		ldx := []uint8{sbpf.OpLdBReg, sbpf.OpLdHReg, sbpf.OpLdWReg, sbpf.OpLdDwReg}[mode&3]
		exe, err := sbpf.NewExecutableFromText(prog(lddw(1, addr), ix(ldx, 0, 1, 0, 0), exit), sbpf.NewLoader(cfg), sbpf.V3, nil)
		if err != nil || exe.Verify() != nil {
			t.Fatal("test program rejected")
		}
		_, got, gerr := sbpf.NewVM(exe, &testMeter{remaining: 10}, m, nil).Execute()
		if (werr == nil) != (gerr == nil) || got != want && werr == nil {
			t.Fatalf("addr %#x size %d: canonical (%#x, %v) interpreter (%#x, %v)", addr, size, want, werr, got, gerr)
		}
		if werr != nil && werr.Error() != gerr.Error() {
			t.Fatalf("addr %#x: canonical %v, interpreter %v", addr, werr, gerr)
		}
	})
}
