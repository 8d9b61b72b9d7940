package host_test

import (
	"encoding/binary"
	"testing"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/pvm/host"
)

// FuzzHostCall drives every host call with arbitrary registers and memory contents: no
// panic, gas never negative, bounded allocation.
func FuzzHostCall(f *testing.F) {
	f.Add(uint8(0), uint8(2), []byte{0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Add(uint8(1), uint8(9), make([]byte, 48))
	f.Add(uint8(1), uint8(100), make([]byte, 48))
	f.Fuzz(func(t *testing.T, profile, id uint8, data []byte) {
		p := pvm.Profile(profile % 3)
		sp := &pvm.StandardProgram{RW: []byte{1}, HeapPages: 4, StackSize: 4096, Code: &pvm.Program{Code: []byte{0}, Bitmask: []byte{1}}}
		d, err := pvm.Decode(p, sp.Code)
		if err != nil {
			t.Fatal(err)
		}
		m, err := pvm.InitStandard(d, sp, 0, data, 100_000)
		if err != nil {
			t.Fatal(err)
		}
		_ = m.WriteMemory(0x20000, data)
		r := &host.Refine{Profile: p, Fetch: host.FetchData{Payloads: [][]byte{data}}}
		// Registers come from the data, biased towards the mapped regions.
		for i := 7; i < 13; i++ {
			var v uint64
			if len(data) >= 8*(i-6) {
				v = binary.LittleEndian.Uint64(data[8*(i-7):])
			}
			switch v % 4 {
			case 0:
				m.Regs[i] = 0x20000 + v%0x5000
			case 1:
				m.Regs[i] = v % 64
			default:
				m.Regs[i] = v
			}
		}
		for step := 0; step < 4; step++ {
			_, _ = r.HostCall(uint64(id)+uint64(step)*uint64(data0(data)), m)
			if m.Gas < 0 {
				t.Fatalf("gas went negative: %d", m.Gas)
			}
		}
	})
}

func data0(b []byte) byte {
	if len(b) == 0 {
		return 0
	}
	return b[0] % 16
}
