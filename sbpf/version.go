package sbpf

import (
	"fmt"
	"math"
	"strings"
)

// Version is the SBPF version of an executable (program.rs SBPFVersion).
type Version uint8

// SBPF versions. Order matters: feature switches compare versions.
const (
	V0       Version = iota // legacy format
	V1                      // SIMD-0166
	V2                      // SIMD-0174, SIMD-0173
	V3                      // SIMD-0178, SIMD-0189, SIMD-0377
	V4                      // SIMD-0177
	Reserved                // future versions
)

// String returns "v0".."v4" or "reserved".
func (v Version) String() string {
	if v < Reserved {
		return fmt.Sprintf("v%d", uint8(v))
	}
	return "reserved"
}

// ParseVersion accepts "v0", "V0", "0", ... "v4" and "reserved".
func ParseVersion(s string) (Version, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if t == "reserved" {
		return Reserved, nil
	}
	t = strings.TrimPrefix(t, "v")
	if len(t) == 1 && t[0] >= '0' && t[0] <= '4' {
		return Version(t[0] - '0'), nil
	}
	return 0, fmt.Errorf("sbpf: unknown SBPF version %q (want v0..v4)", s)
}

// ManualStackFrameBump (SIMD-0166): r10 is moved by the program (add64 r10, imm).
func (v Version) ManualStackFrameBump() bool { return v == V1 || v == V2 }

// StackFrameGaps (SIMD-0166): stack frames are separated by unmapped gaps.
func (v Version) StackFrameGaps() bool { return v == V0 }

// EnablePQR (SIMD-0174): product/quotient/remainder instruction class.
func (v Version) EnablePQR() bool { return v == V2 }

// ExplicitSignExtensionOfResults (SIMD-0174).
func (v Version) ExplicitSignExtensionOfResults() bool { return v == V2 }

// SwapSubRegImmOperands (SIMD-0174): sub dst, imm computes imm - dst.
func (v Version) SwapSubRegImmOperands() bool { return v == V2 }

// DisableNeg (SIMD-0174).
func (v Version) DisableNeg() bool { return v == V2 }

// CallxUsesSrcReg (SIMD-0173).
func (v Version) CallxUsesSrcReg() bool { return v == V2 }

// DisableLDDW (SIMD-0173).
func (v Version) DisableLDDW() bool { return v == V2 }

// DisableLE (SIMD-0173).
func (v Version) DisableLE() bool { return v == V2 }

// MoveMemoryInstructionClasses (SIMD-0173).
func (v Version) MoveMemoryInstructionClasses() bool { return v == V2 }

// StaticSyscalls (SIMD-0178).
func (v Version) StaticSyscalls() bool { return v >= V3 }

// EnableStricterELFHeaders (SIMD-0189).
func (v Version) EnableStricterELFHeaders() bool { return v >= V3 }

// EnableLowerRodataVaddr (SIMD-0189).
func (v Version) EnableLowerRodataVaddr() bool { return v >= V3 }

// EnableJmp32 (SIMD-0377).
func (v Version) EnableJmp32() bool { return v >= V3 }

// CallxUsesDstReg (SIMD-0377).
func (v Version) CallxUsesDstReg() bool { return v >= V3 }

// CalculateCallImmTargetPC returns the target of a call imm at pc: pc+imm+1
// (saturating, truncated to u32) with static syscalls, otherwise imm as u32.
func (v Version) CalculateCallImmTargetPC(pc uint64, imm int64) uint32 {
	if v.StaticSyscalls() {
		return uint32(satAddI64(satAddI64(int64(pc), imm), 1))
	}
	return uint32(imm)
}

// satAddI64 is Rust's i64::saturating_add.
func satAddI64(a, b int64) int64 {
	s := a + b
	if (s > a) == (b > 0) {
		return s
	}
	if b > 0 {
		return math.MaxInt64
	}
	return math.MinInt64
}
