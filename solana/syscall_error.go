package solana

import (
	"fmt"
	"strings"
)

// Canonical names of Agave's SyscallError variants (programs/bpf_loader/src/syscalls), plus
// UnsupportedCPI, which sbpf-pvm returns for cross-program invocation.
const (
	InvalidString                      = "InvalidString"
	Abort                              = "Abort"
	Panic                              = "Panic"
	InvokeContextBorrowFailed          = "InvokeContextBorrowFailed"
	MalformedSignerSeed                = "MalformedSignerSeed"
	BadSeeds                           = "BadSeeds"
	ProgramNotSupported                = "ProgramNotSupported"
	UnalignedPointer                   = "UnalignedPointer"
	TooManySigners                     = "TooManySigners"
	InstructionTooLarge                = "InstructionTooLarge"
	TooManyAccounts                    = "TooManyAccounts"
	CopyOverlapping                    = "CopyOverlapping"
	ReturnDataTooLarge                 = "ReturnDataTooLarge"
	TooManySlices                      = "TooManySlices"
	InvalidLength                      = "InvalidLength"
	MaxInstructionDataLenExceeded      = "MaxInstructionDataLenExceeded"
	MaxInstructionAccountsExceeded     = "MaxInstructionAccountsExceeded"
	MaxInstructionAccountInfosExceeded = "MaxInstructionAccountInfosExceeded"
	InvalidAttribute                   = "InvalidAttribute"
	InvalidPointer                     = "InvalidPointer"
	// ArithmeticOverflow is shared with InstructionError (same name, same meaning).

	// UnsupportedCPI is not an Agave error: sbpf-pvm does not implement
	// sol_invoke_signed_c/_rust and fails the program with this kind instead, so that a
	// missing feature is never mistaken for a program error.
	UnsupportedCPI = "UnsupportedCPI"
)

// SyscallError is an error a syscall returns (Agave's SyscallError). Msg is the Display
// text Agave prints in "Program <id> failed: <msg>".
type SyscallError struct {
	Kind string
	Msg  string
}

func (e *SyscallError) Error() string { return e.Msg }

// Is makes errors.Is match on the variant.
func (e *SyscallError) Is(target error) bool {
	t, ok := target.(*SyscallError)
	return ok && t.Kind == e.Kind
}

var syscallErrorText = map[string]string{
	Abort:                     "SBF program panicked",
	InvokeContextBorrowFailed: "Cannot borrow invoke context",
	UnalignedPointer:          "Unaligned pointer",
	TooManySigners:            "Too many signers",
	TooManyAccounts:           "Too many accounts passed to inner instruction",
	CopyOverlapping:           "Overlapping copy",
	TooManySlices:             "Hashing too many sequences",
	InvalidLength:             "InvalidLength",
	InvalidAttribute:          "InvalidAttribute",
	InvalidPointer:            "Invalid pointer",
	ArithmeticOverflow:        "Arithmetic overflow",
	UnsupportedCPI:            "Cross-program invocation is not supported by sbpf-pvm",
}

// NewSyscallError returns a unit SyscallError variant.
func NewSyscallError(kind string) *SyscallError {
	msg, ok := syscallErrorText[kind]
	if !ok {
		msg = kind
	}
	return &SyscallError{Kind: kind, Msg: msg}
}

// PanicError is SyscallError::Panic(file, line, column).
func PanicError(file string, line, column uint64) *SyscallError {
	return &SyscallError{Kind: Panic, Msg: fmt.Sprintf("SBF program Panicked in %s at %d:%d", file, line, column)}
}

// ReturnDataTooLargeError is SyscallError::ReturnDataTooLarge(len, max).
func ReturnDataTooLargeError(n, max uint64) *SyscallError {
	return &SyscallError{Kind: ReturnDataTooLarge, Msg: fmt.Sprintf("Return data too large (%d > %d)", n, max)}
}

// BadSeedsError is SyscallError::BadSeeds(PubkeyError::MaxSeedLengthExceeded), the only
// PubkeyError the PDA syscalls raise.
func BadSeedsError() *SyscallError {
	return &SyscallError{Kind: BadSeeds, Msg: "Could not create program address with signer seeds: " +
		"Length of the seed is too long for address generation"}
}

// InvalidStringError is SyscallError::InvalidString(Utf8Error, bytes) for b, which is not
// valid UTF-8. Its text reproduces Rust's Utf8Error Display and Vec<u8> Debug.
func InvalidStringError(b []byte) *SyscallError {
	validUpTo, errLen := rustUTF8Error(b)
	var sb strings.Builder
	if errLen > 0 {
		fmt.Fprintf(&sb, "invalid utf-8 sequence of %d bytes from index %d", errLen, validUpTo)
	} else {
		fmt.Fprintf(&sb, "incomplete utf-8 byte sequence from index %d", validUpTo)
	}
	sb.WriteString(": [")
	for i, c := range b {
		if i > 0 {
			sb.WriteString(", ")
		}
		fmt.Fprintf(&sb, "%d", c)
	}
	sb.WriteString("]")
	return &SyscallError{Kind: InvalidString, Msg: sb.String()}
}

// ValidUTF8 reports whether b is valid UTF-8 by Rust's rules (core::str::from_utf8), which
// match Go's except that Go accepts nothing Rust rejects and vice versa for the encodings
// that matter here (no surrogates, no overlongs, max U+10FFFF).
func ValidUTF8(b []byte) bool {
	_, n := rustUTF8Error(b)
	return n < 0
}

// rustUTF8Error runs core::str::from_utf8's validation: it returns the length of the valid
// prefix and the error length (1..3), 0 for an incomplete sequence at the end, or -1 when
// the whole input is valid.
func rustUTF8Error(b []byte) (validUpTo, errLen int) {
	i := 0
	for i < len(b) {
		first := b[i]
		if first < 0x80 {
			i++
			continue
		}
		start := i
		next := func(k int) (byte, bool) {
			if start+k >= len(b) {
				return 0, false
			}
			return b[start+k], true
		}
		cont := func(c byte) bool { return int8(c) < -64 }
		switch {
		case first >= 0xC2 && first <= 0xDF:
			c, ok := next(1)
			if !ok {
				return start, 0
			}
			if !cont(c) {
				return start, 1
			}
			i = start + 2
		case first >= 0xE0 && first <= 0xEF:
			c, ok := next(1)
			if !ok {
				return start, 0
			}
			valid := (first == 0xE0 && c >= 0xA0 && c <= 0xBF) ||
				(first >= 0xE1 && first <= 0xEC && c >= 0x80 && c <= 0xBF) ||
				(first == 0xED && c >= 0x80 && c <= 0x9F) ||
				(first >= 0xEE && c >= 0x80 && c <= 0xBF)
			if !valid {
				return start, 1
			}
			c, ok = next(2)
			if !ok {
				return start, 0
			}
			if !cont(c) {
				return start, 2
			}
			i = start + 3
		case first >= 0xF0 && first <= 0xF4:
			c, ok := next(1)
			if !ok {
				return start, 0
			}
			valid := (first == 0xF0 && c >= 0x90 && c <= 0xBF) ||
				(first >= 0xF1 && first <= 0xF3 && c >= 0x80 && c <= 0xBF) ||
				(first == 0xF4 && c >= 0x80 && c <= 0x8F)
			if !valid {
				return start, 1
			}
			for k := 2; k <= 3; k++ {
				c, ok = next(k)
				if !ok {
					return start, 0
				}
				if !cont(c) {
					return start, k
				}
			}
			i = start + 4
		default:
			return start, 1
		}
	}
	return len(b), -1
}
