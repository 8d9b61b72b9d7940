package pvm

import (
	"encoding/binary"
	"math/bits"
)

// AppendVarint appends the Gray Paper variable-length natural encoding E(x) (spec §4.1).
func AppendVarint(dst []byte, x uint64) []byte {
	if x < 1<<7 {
		return append(dst, byte(x))
	}
	for l := 1; l <= 7; l++ {
		if x < 1<<(7*(l+1)) {
			first := byte(0xFF)<<(8-l) | byte(x>>(8*l))
			dst = append(dst, first)
			for i := 0; i < l; i++ {
				dst = append(dst, byte(x>>(8*i)))
			}
			return dst
		}
	}
	dst = append(dst, 0xFF)
	return binary.LittleEndian.AppendUint64(dst, x)
}

// readVarint decodes E(x) from b. It returns the value and the bytes consumed, or n = 0 when
// b is truncated.
func readVarint(b []byte) (x uint64, n int) {
	if len(b) == 0 {
		return 0, 0
	}
	first := b[0]
	l := bits.LeadingZeros8(^first)
	if len(b) < 1+l {
		return 0, 0
	}
	if l == 8 {
		return binary.LittleEndian.Uint64(b[1:9]), 9
	}
	for i := 0; i < l; i++ {
		x |= uint64(b[1+i]) << (8 * i)
	}
	x |= uint64(first&(0x7F>>l)) << (8 * l)
	return x, 1 + l
}

// readLE reads an n-byte little-endian unsigned integer (n <= 8).
func readLE(b []byte, n int) uint64 {
	var x uint64
	for i := 0; i < n; i++ {
		x |= uint64(b[i]) << (8 * i)
	}
	return x
}

// appendLE appends the low n bytes of x little-endian.
func appendLE(dst []byte, x uint64, n int) []byte {
	for i := 0; i < n; i++ {
		dst = append(dst, byte(x>>(8*i)))
	}
	return dst
}
