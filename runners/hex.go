package runners

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
)

// Hex is a byte string that marshals as "0x…" in JSON and YAML, the notation of the
// corpus files and reports.
type Hex []byte

// String returns the 0x-prefixed lower-case hex form.
func (h Hex) String() string { return "0x" + hex.EncodeToString(h) }

// ParseHex accepts "0x…" or bare hex, with optional whitespace and underscores between
// bytes for readability.
func ParseHex(s string) (Hex, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\n', '\r', '_':
			return -1
		}
		return r
	}, s)
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("invalid hex: %w", err)
	}
	return b, nil
}

// MarshalJSON implements json.Marshaler.
func (h Hex) MarshalJSON() ([]byte, error) { return json.Marshal(h.String()) }

// UnmarshalJSON implements json.Unmarshaler.
func (h *Hex) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := ParseHex(s)
	if err != nil {
		return err
	}
	*h = v
	return nil
}

// UnmarshalYAML implements yaml.v3's Unmarshaler for the scalar "0x…" form.
func (h *Hex) UnmarshalYAML(unmarshal func(any) error) error {
	var s string
	if err := unmarshal(&s); err != nil {
		return err
	}
	v, err := ParseHex(s)
	if err != nil {
		return err
	}
	*h = v
	return nil
}
