package svcrt_test

import (
	"encoding/binary"
	"math/rand"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/pvm/guest"
	"github.com/sbpf-pvm/sbpf-pvm/pvm/link"
)

// A test entry around the runtime's svc_memcpy / svc_memmove / svc_memcmp / svc_memset on
// one buffer: arg = op u8 | n u32 | dst u32 | src u32 | the buffer's initial bytes; the
// output is the buffer afterwards and the memcmp result (i32).
const memopsHarness = `#include "pvm.h"
#include "svcrt.h"
void svc_host_log(const char *m, size_t n) { (void)m, (void)n; }
uint64_t svc_host_gas(void) { return 0; }
#define BUF 4096
static uint8_t out[BUF + 4];
pvm_result memops(const uint8_t *arg, uint64_t len) {
	if (len != 13 + BUF) return pvm_output(out, 0);
	uint32_t n = svc_rd32(arg + 1), d = svc_rd32(arg + 5), s = svc_rd32(arg + 9);
	for (int i = 0; i < BUF; i++) out[i] = arg[13 + i];
	int32_t r = 0;
	switch (arg[0]) {
	case 0: svc_memcpy(out + d, out + s, n); break;
	case 1: svc_memmove(out + d, out + s, n); break;
	case 2: r = svc_memcmp(out + d, out + s, n); break;
	case 3: svc_memset(out + d, (int)s, n); break;
	}
	svc_wr32(out + BUF, (uint32_t)r);
	return pvm_output(out, BUF + 4);
}
PVM_EXPORT(pvm_result, memops, const uint8_t *, uint64_t)
`

const memopsBuf = 4096

var _ = Describe("svc_memcpy, svc_memmove, svc_memcmp, svc_memset", Ordered, func() {
	var prog *link.Result

	BeforeAll(func() {
		dir := GinkgoT().TempDir()
		src := filepath.Join(dir, "harness.c")
		Expect(os.WriteFile(src, []byte(memopsHarness), 0o644)).To(Succeed())
		cdir, err := filepath.Abs("c")
		Expect(err).NotTo(HaveOccurred())
		objs, err := guest.Compile([]string{filepath.Join(cdir, "svc_core.c"), src},
			guest.Options{Flags: []string{"-I" + cdir, "-DSVC_NO_LIBC", "-O3", "-mno-strict-align"}})
		Expect(err).NotTo(HaveOccurred())
		prog, err = link.Link(objs, link.Options{Profile: pvm.GP072, Entries: []string{"memops"}})
		Expect(err).NotTo(HaveOccurred())
	})

	run := func(op byte, n, d, s int, buf []byte) ([]byte, int32) {
		GinkgoHelper()
		arg := []byte{op}
		arg = binary.LittleEndian.AppendUint32(arg, uint32(n))
		arg = binary.LittleEndian.AppendUint32(arg, uint32(d))
		arg = binary.LittleEndian.AppendUint32(arg, uint32(s))
		arg = append(arg, buf...)
		res, err := pvm.RunStandard(pvm.GP072, prog.Program, 0, arg, 1<<32, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(res.Status).To(Equal(pvm.StatusHalt))
		Expect(res.Output).To(HaveLen(memopsBuf + 4))
		return res.Output[:memopsBuf], int32(binary.LittleEndian.Uint32(res.Output[memopsBuf:]))
	}

	// sizes around every path: bytes, words, the 64-byte loops, their tails
	size := func(r *rand.Rand) int {
		if r.Intn(3) == 0 {
			return r.Intn(1500)
		}
		return r.Intn(140)
	}

	It("copy and move like Go's copy, overlapping or not", func() {
		r := rand.New(rand.NewSource(11))
		for it := 0; it < 600; it++ {
			buf := randBytes(r, memopsBuf)
			n := size(r)
			op := byte(it % 2)
			var d, s int
			if op == 0 { // memcpy: disjoint ranges
				for {
					d, s = r.Intn(memopsBuf-n+1), r.Intn(memopsBuf-n+1)
					if d+n <= s || s+n <= d {
						break
					}
				}
			} else { // memmove: nearby ranges, often overlapping
				s = r.Intn(memopsBuf - n + 1)
				d = min(max(s+r.Intn(81)-40, 0), memopsBuf-n)
			}
			want := append([]byte{}, buf...)
			copy(want[d:d+n], want[s:s+n])
			got, _ := run(op, n, d, s, buf)
			Expect(got).To(Equal(want), "op %d n %d dst %d src %d", op, n, d, s)
		}
	})

	It("compare like sol_memcmp_: the difference of the first differing bytes", func() {
		r := rand.New(rand.NewSource(12))
		for it := 0; it < 600; it++ {
			buf := randBytes(r, memopsBuf)
			n := size(r)
			d, s := r.Intn(memopsBuf-n+1), r.Intn(memopsBuf-n+1)
			if r.Intn(4) != 0 { // mostly equal ranges with at most one difference
				tmp := append([]byte{}, buf[s:s+n]...)
				copy(buf[d:d+n], tmp)
				if n > 0 && r.Intn(2) == 0 {
					buf[d+r.Intn(n)] ^= byte(1 + r.Intn(255))
				}
			}
			var want int32
			for i := 0; i < n; i++ {
				if buf[d+i] != buf[s+i] {
					want = int32(buf[d+i]) - int32(buf[s+i])
					break
				}
			}
			_, got := run(2, n, d, s, buf)
			Expect(got).To(Equal(want), "n %d a %d b %d", n, d, s)
		}
	})

	It("set bytes", func() {
		r := rand.New(rand.NewSource(13))
		for it := 0; it < 200; it++ {
			buf := randBytes(r, memopsBuf)
			n := size(r)
			d, v := r.Intn(memopsBuf-n+1), r.Intn(256)
			want := append([]byte{}, buf...)
			for i := d; i < d+n; i++ {
				want[i] = byte(v)
			}
			got, _ := run(3, n, d, v, buf)
			Expect(got).To(Equal(want), "n %d dst %d", n, d)
		}
	})
})
