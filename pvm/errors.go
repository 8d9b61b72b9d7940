package pvm

import (
	"errors"
	"fmt"
)

// Sentinel errors; every loader error wraps exactly one of them (test with errors.Is).
var (
	ErrTruncated      = errors.New("truncated")
	ErrTrailingBytes  = errors.New("trailing bytes")
	ErrBadBitmask     = errors.New("bad bitmask")
	ErrTooLarge       = errors.New("section too large")
	ErrBadJumpTable   = errors.New("bad jump table")
	ErrBadTarget      = errors.New("jump target is not a basic-block start")
	ErrInvalidOpcode  = errors.New("invalid opcode")
	ErrBadMagic       = errors.New("bad magic")
	ErrBadLayout      = errors.New("memory layout does not fit")
	ErrBadImmediate   = errors.New("immediate out of range")
	ErrBadRegister    = errors.New("register out of range")
	ErrNonCanonical   = errors.New("non-canonical encoding")
	ErrBadSection     = errors.New("bad section")
	ErrUnknownProfile = errors.New("unknown profile")
)

// FormatError describes malformed input: what was being read, where, and why.
type FormatError struct {
	What   string // e.g. "program blob", "standard program"
	Offset int    // byte offset in the input where the problem was found (-1 if none)
	Err    error  // one of the sentinel errors above
	Detail string
}

func (e *FormatError) Error() string {
	s := "pvm: " + e.What + ": " + e.Err.Error()
	if e.Offset >= 0 {
		s += fmt.Sprintf(" at byte %d", e.Offset)
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

func (e *FormatError) Unwrap() error { return e.Err }

func formatErr(what string, off int, err error, detail string, args ...any) error {
	if len(args) > 0 {
		detail = fmt.Sprintf(detail, args...)
	}
	return &FormatError{What: what, Offset: off, Err: err, Detail: detail}
}
