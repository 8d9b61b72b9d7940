package interpsvc_test

import (
	"bytes"
	"context"
	"math/rand"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	interpsvc "github.com/sbpf-pvm/sbpf-pvm/runners/interp-svc"
	"github.com/sbpf-pvm/sbpf-pvm/runners/svcrt"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
)

var _ = Describe("the service on the PVM", func() {
	r := interpsvc.New(pvm.GP072)

	It("answers malformed payloads with a bad-request status, never a PVM panic", func() {
		c := mkCase("noop", "mov64 r0, 0\nexit", sbpf.V0, 100)
		prep, err := svcrt.FromCase(c)
		Expect(err).NotTo(HaveOccurred())
		good, err := prep.Request.Encode()
		Expect(err).NotTo(HaveOccurred())
		rnd := rand.New(rand.NewSource(3))
		payloads := [][]byte{{}, []byte("SVQ"), []byte("XXXX"), good[:len(good)-1], append(append([]byte{}, good...), 0)}
		for i := 0; i < 12; i++ {
			p := append([]byte{}, good...)
			p[rnd.Intn(60)] ^= byte(1 + rnd.Intn(255)) // corrupt the header
			payloads = append(payloads, p)
		}
		for _, p := range payloads {
			out, err := r.Invoke(p)
			Expect(err).NotTo(HaveOccurred())
			Expect(out.PVM.Status).To(Equal(pvm.StatusHalt), "payload %x", p[:min(len(p), 16)])
			Expect(out.Response).NotTo(BeNil())
			if !bytes.Equal(p, good) && out.Response.Status == svcrt.StatusBadRequest {
				Expect(out.Response.ErrorKind).To(Equal("MalformedRequest"))
				Expect(out.Response.ErrorDetail).NotTo(BeEmpty())
			}
		}
		out, err := r.Invoke([]byte("junk"))
		Expect(err).NotTo(HaveOccurred())
		Expect(out.Response.Status).To(Equal(uint8(svcrt.StatusBadRequest)))
	})

	It("rejects malformed ELFs inside the guest with the loader's error kind", func() {
		c := mkCase("bad elf", "mov64 r0, 0\nexit", sbpf.V0, 100)
		prog, _ := c.ProgramBytes()
		rnd := rand.New(rand.NewSource(4))
		for i := 0; i < 10; i++ {
			bad := append([]byte{}, prog...)
			bad[rnd.Intn(64)] ^= 0xFF
			c.SetProgramBytes(bad)
			want := reference(c)
			got, err := r.Run(context.Background(), c)
			Expect(err).NotTo(HaveOccurred())
			Expect(fields(got)).To(Equal(fields(want)))
		}
	})

	It("reports running out of PVM gas distinctly from running out of compute units", func() {
		c := mkCase("spin", "loop:\nja loop", sbpf.V0, 1_400_000)
		small := &interpsvc.Runner{Profile: pvm.GP072, Gas: 2_000_000}
		got, err := small.Run(context.Background(), c)
		Expect(err).NotTo(HaveOccurred())
		Expect(got.Status).To(Equal("failure"))
		Expect(*got.Error).To(Equal(interpsvc.KindOutOfGas))

		got, err = r.Run(context.Background(), c)
		Expect(err).NotTo(HaveOccurred())
		want := reference(c)
		Expect(*got.Error).To(Equal("ExceededMaxInstructions"))
		Expect(fields(got)).To(Equal(fields(want)))
	})

	It("builds the same blob twice", func() {
		a, err := interpsvc.Build(pvm.GP080)
		Expect(err).NotTo(HaveOccurred())
		Expect(len(a.Bytes)).To(BeNumerically("<", interpsvc.MaxServiceCodeSize))
		b, err := interpsvc.Rebuild(pvm.GP080)
		Expect(err).NotTo(HaveOccurred())
		Expect(b.Bytes).To(Equal(a.Bytes))
	})
})
