package svcrt_test

import (
	"crypto/sha256"
	"math/rand"
	"os"
	"path/filepath"

	solanago "github.com/gagliardetto/solana-go"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/pvm/guest"
	"github.com/sbpf-pvm/sbpf-pvm/pvm/link"
)

// A test entry around svc_ed25519_on_curve: one result byte per 32-byte input.
const curveHarness = `#include "pvm.h"
#include "svcrt.h"
void svc_host_log(const char *m, size_t n) { (void)m, (void)n; }
uint64_t svc_host_gas(void) { return 0; }
static uint8_t out[1024];
pvm_result oncurve(const uint8_t *arg, uint64_t len) {
	uint64_t n = len / 32;
	if (n > sizeof out) n = sizeof out;
	for (uint64_t i = 0; i < n; i++) out[i] = (uint8_t)svc_ed25519_on_curve(arg + 32 * i);
	return pvm_output(out, n);
}
PVM_EXPORT(pvm_result, oncurve, const uint8_t *, uint64_t)
`

var _ = Describe("svc_ed25519_on_curve", Ordered, func() {
	var prog *link.Result

	BeforeAll(func() {
		dir := GinkgoT().TempDir()
		src := filepath.Join(dir, "harness.c")
		Expect(os.WriteFile(src, []byte(curveHarness), 0o644)).To(Succeed())
		cdir, err := filepath.Abs("c")
		Expect(err).NotTo(HaveOccurred())
		objs, err := guest.Compile([]string{filepath.Join(cdir, "svc_core.c"), filepath.Join(cdir, "svc_crypto.c"), src},
			guest.Options{Flags: []string{"-I" + cdir, "-DSVC_NO_LIBC", "-O3", "-mno-strict-align"}})
		Expect(err).NotTo(HaveOccurred())
		prog, err = link.Link(objs, link.Options{Profile: pvm.GP072, Entries: []string{"oncurve"}})
		Expect(err).NotTo(HaveOccurred())
	})

	onCurve := func(points [][32]byte) []bool {
		GinkgoHelper()
		var arg []byte
		for _, p := range points {
			arg = append(arg, p[:]...)
		}
		res, err := pvm.RunStandard(pvm.GP072, prog.Program, 0, arg, 1<<40, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Status).To(Equal(pvm.StatusHalt))
		Expect(res.Output).To(HaveLen(len(points)))
		out := make([]bool, len(points))
		for i, b := range res.Output {
			out[i] = b == 1
		}
		return out
	}

	check := func(points [][32]byte) {
		GinkgoHelper()
		got := onCurve(points)
		for i, p := range points {
			Expect(got[i]).To(Equal(solanago.IsOnCurve(p[:])), "point %x", p)
		}
	}

	It("agrees with curve25519-dalek's decompression (solana-go) on edge values", func() {
		var pts [][32]byte
		le := func(lo byte, mid byte, hi byte) (k [32]byte) {
			k[0] = lo
			for i := 1; i < 31; i++ {
				k[i] = mid
			}
			k[31] = hi
			return k
		}
		for _, hi := range []byte{0x00, 0x7f, 0x80, 0xff} {
			for _, lo := range []byte{0x00, 0x01, 0x02, 0xec, 0xed, 0xee, 0xef, 0xff} {
				for _, mid := range []byte{0x00, 0xff} {
					pts = append(pts, le(lo, mid, hi))
				}
			}
		}
		check(pts)
	})

	It("agrees on random values and on PDA-shaped hashes", func() {
		r := rand.New(rand.NewSource(7))
		var pts [][32]byte
		for i := 0; i < 400; i++ {
			var k [32]byte
			r.Read(k[:])
			pts = append(pts, k, sha256.Sum256(k[:]))
		}
		got := onCurve(pts)
		on := 0
		for i, p := range pts {
			Expect(got[i]).To(Equal(solanago.IsOnCurve(p[:])), "point %x", p)
			if got[i] {
				on++
			}
		}
		// about half of all 32-byte strings are valid points: both answers are exercised
		Expect(on).To(BeNumerically(">", len(pts)/4))
		Expect(on).To(BeNumerically("<", 3*len(pts)/4))
	})
})
