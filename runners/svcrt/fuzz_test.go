package svcrt

import "testing"

// FuzzDecode: no input makes the decoders panic, and what decodes re-encodes to itself.
func FuzzDecode(f *testing.F) {
	q := &Request{MaxCallDepth: 64, FrameSize: 4096, Accounts: []Account{{DupOf: NotDuplicate, Data: []byte{1}}, {DupOf: 0}}, Program: []byte{1, 2}}
	b, _ := q.Encode()
	f.Add(b)
	r := &Response{Logs: []string{"a"}, Changes: []Change{{Mask: ChangedData, Data: []byte{1}}}}
	rb, _ := r.Encode()
	f.Add(rb)
	f.Fuzz(func(t *testing.T, b []byte) {
		if q, err := DecodeRequest(b); err == nil {
			out, err := q.Encode()
			if err != nil || string(out) != string(b) {
				t.Fatalf("request does not re-encode to its bytes")
			}
		}
		if p, err := DecodeResponse(b); err == nil {
			out, err := p.Encode()
			if err != nil || string(out) != string(b) {
				t.Fatalf("response does not re-encode to its bytes")
			}
		}
	})
}
