package solana

import (
	"testing"
)

// FuzzDeserialize mutates a serialized input region: whatever the program wrote,
// deserialization must return nil or an *InstructionError, never panic.
func FuzzDeserialize(f *testing.F) {
	accounts := []Account{
		{Owner: PublicKey{0xaa}, Lamports: 10, Data: []byte{1, 2, 3}},
		{Key: PublicKey{2}, Owner: PublicKey{0xbb}, Lamports: 20},
	}
	ix := &Instruction{ProgramID: PublicKey{0xaa}, Accounts: []InstructionAccount{
		{Index: 0, Writable: true}, {Index: 1}, {Index: 0, Writable: true}}, Data: []byte{7}}
	in, err := Serialize(accounts, ix)
	if err != nil {
		f.Fatal(err)
	}
	lens := []int{3, 0, 3}
	f.Add(uint32(88), uint64(0), uint16(0), uint8(0))
	f.Add(uint32(96), uint64(20000), uint16(3), uint8(1))
	f.Add(uint32(48), uint64(1), uint16(40), uint8(0xff))
	f.Fuzz(func(t *testing.T, off uint32, v uint64, cut uint16, b uint8) {
		buf := append([]byte(nil), in.Buffer...)
		if o := int(off) % len(buf); o+8 <= len(buf) {
			for i := 0; i < 8; i++ {
				buf[o+i] = byte(v >> (8 * i))
			}
		}
		buf[int(off/7)%len(buf)] ^= b
		buf = buf[:len(buf)-int(cut)%len(buf)]
		post := CloneAccounts(accounts)
		if err := Deserialize(buf, post, ix, lens); err != nil {
			if _, ok := err.(*InstructionError); !ok {
				t.Fatalf("untyped error %T %v", err, err)
			}
			return
		}
		for i := range post {
			if len(post[i].Data) > MaxPermittedDataLength {
				t.Fatalf("data grew beyond the limit")
			}
		}
		_ = CheckBalanced(accounts, post, ix)
		_ = ComputeDiff(accounts, post)
	})
}
