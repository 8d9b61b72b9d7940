package link

import "testing"

// FuzzDecode checks that the RISC-V decoder never panics and that every
// compressed instruction expands to the same operation as its 32-bit form would
// decode to (re-encoding is not needed: the expansion must at least be a valid
// operation with registers in range).
func FuzzDecode(f *testing.F) {
	for _, w := range []uint32{0x00b50533, 0x4581, 0x8082, 0xc0001073, 0x0000000b, 0x42a6158b, 0x9582, 0x00a66963} {
		f.Add(w)
	}
	f.Fuzz(func(t *testing.T, w uint32) {
		b := []byte{byte(w), byte(w >> 8), byte(w >> 16), byte(w >> 24)}
		in, size, ok := decodeAt(b, 0)
		if size != 2 && size != 4 {
			t.Fatalf("size %d", size)
		}
		if !ok {
			return
		}
		if in.Op == rvInvalid || in.Op >= rvOpCount {
			t.Fatalf("ok decode with op %d", in.Op)
		}
		if in.Rd > 31 || in.Rs1 > 31 || in.Rs2 > 31 {
			t.Fatalf("register out of range: %+v", in)
		}
		if isCompressed(b[0]) != (size == 2) {
			t.Fatalf("size %d for first byte %#x", size, b[0])
		}
	})
}
