package svcrt_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/big"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

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

// curveBatch is the harness's limit of inputs per run.
const curveBatch = 1024

// buildCurveHarness links the harness for profile p; extra are additional clang flags (the
// specs below use -DJAC_ROUNDS=n to force svc_crypto.c's exponentiation fallback).
func buildCurveHarness(dir string, p pvm.Profile, extra ...string) (*link.Result, error) {
	src := filepath.Join(dir, "harness.c")
	if err := os.WriteFile(src, []byte(curveHarness), 0o644); err != nil {
		return nil, err
	}
	cdir, err := filepath.Abs("c")
	if err != nil {
		return nil, err
	}
	flags := append([]string{"-I" + cdir, "-DSVC_NO_LIBC", "-O3", "-mno-strict-align"}, extra...)
	objs, err := guest.Compile([]string{filepath.Join(cdir, "svc_core.c"), filepath.Join(cdir, "svc_crypto.c"), src},
		guest.Options{Flags: flags})
	if err != nil {
		return nil, err
	}
	return link.Link(objs, link.Options{Profile: p, Entries: []string{"oncurve"}})
}

// runCurve runs prog's harness on points (at most curveBatch) and returns the answers and
// the gas the run used.
func runCurve(p pvm.Profile, prog *link.Result, points [][32]byte) ([]bool, int64, error) {
	var arg []byte
	for _, pt := range points {
		arg = append(arg, pt[:]...)
	}
	res, err := pvm.RunStandard(p, prog.Program, 0, arg, 1<<40, nil)
	if err != nil {
		return nil, 0, err
	}
	if res.Status != pvm.StatusHalt || len(res.Output) != len(points) {
		return nil, 0, fmt.Errorf("harness run: status %v, %d answers for %d points", res.Status, len(res.Output), len(points))
	}
	out := make([]bool, len(points))
	for i, b := range res.Output {
		out[i] = b == 1
	}
	return out, res.GasUsed, nil
}

// fieldP is 2^255 - 19.
var fieldP = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))

// edwardsD is the curve constant d = -121665/121666 mod p.
var edwardsD = func() *big.Int {
	n := new(big.Int).Sub(fieldP, big.NewInt(121665))
	inv := new(big.Int).ModInverse(big.NewInt(121666), fieldP)
	return n.Mul(n, inv).Mod(n, fieldP)
}()

// leBytes encodes x (0 <= x < 2^256) as 32 little-endian bytes.
func leBytes(x *big.Int) (k [32]byte) {
	b := x.FillBytes(make([]byte, 32))
	for i := range b {
		k[i] = b[31-i]
	}
	return k
}

// criterion is the rule svc_crypto.c implements, in math/big: with y the low 255 bits mod p,
// u = y^2 - 1 and v = d y^2 + 1, valid iff u v = 0 or (u v | p) = 1.
func criterion(k [32]byte) bool {
	be := make([]byte, 32)
	for i := range be {
		be[i] = k[31-i]
	}
	be[0] &= 0x7f
	y := new(big.Int).SetBytes(be)
	y2 := new(big.Int).Mul(y, y)
	u := new(big.Int).Sub(y2, big.NewInt(1))
	v := new(big.Int).Mul(edwardsD, y2)
	v.Add(v, big.NewInt(1))
	w := u.Mul(u, v).Mod(u, fieldP)
	return w.Sign() == 0 || big.Jacobi(w, fieldP) == 1
}

// specialPoints are the edge inputs: y around 0, ±1 and p (canonical and not), all ones,
// top bit set or not, u v = 0, base-point multiples (ed25519 public keys), PDAs, and a
// few values that make the symbol walk long.
func specialPoints() [][32]byte {
	var pts [][32]byte
	add := func(x *big.Int) {
		k := leBytes(new(big.Int).Mod(x, new(big.Int).Lsh(big.NewInt(1), 256)))
		pts = append(pts, k)
		k[31] ^= 0x80 // the sign bit: never changes validity
		pts = append(pts, k)
	}
	two255 := new(big.Int).Lsh(big.NewInt(1), 255)
	for d := int64(-40); d <= 40; d++ {
		add(big.NewInt(d + 20))                             // 0..: y = 0, ±1 (u = 0), small y
		add(new(big.Int).Add(fieldP, big.NewInt(d)))        // p-40 .. p+40: p-1 (u = 0), p, p+1 (u = 0)
		add(new(big.Int).Add(two255, big.NewInt(d-41)))     // up to 2^255-1, the non-canonical range
		add(new(big.Int).Sub(big.NewInt(0), big.NewInt(1))) // 2^256-1
	}
	// y such that d y^2 + 1 is as close to 0 as the field allows is impossible (v != 0), but
	// y^2 = -1 (v = 1 - d) and y = sqrt of small values stress the reduction.
	sqrtM1 := new(big.Int).ModSqrt(new(big.Int).Sub(fieldP, big.NewInt(1)), fieldP)
	add(sqrtM1)
	add(new(big.Int).Sub(fieldP, sqrtM1))
	add(new(big.Int).Add(sqrtM1, fieldP))
	r := rand.New(rand.NewSource(11))
	for i := 0; i < 200; i++ {
		seed := make([]byte, ed25519.SeedSize)
		r.Read(seed)
		pub := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
		var k [32]byte
		copy(k[:], pub)
		pts = append(pts, k)
		var pid solanago.PublicKey
		r.Read(pid[:])
		pda, _, err := solanago.FindProgramAddress([][]byte{seed[:8]}, pid)
		Expect(err).NotTo(HaveOccurred())
		pts = append(pts, pda)
	}
	for _, s := range []string{"11111111111111111111111111111111", "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA",
		"ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL", "Vote111111111111111111111111111111111111111",
		"SysvarRent111111111111111111111111111111111", "BPFLoaderUpgradeab1e11111111111111111111111"} {
		pts = append(pts, solanago.MustPublicKeyFromBase58(s))
	}
	return pts
}

// randomPoints returns n random 32-byte strings, a quarter of them hashes and a quarter with
// a random high word (values near 2^255 and p).
func randomPoints(r *rand.Rand, n int) [][32]byte {
	pts := make([][32]byte, n)
	for i := range pts {
		r.Read(pts[i][:])
		switch i % 4 {
		case 1:
			pts[i] = sha256.Sum256(pts[i][:])
		case 2:
			binary.LittleEndian.PutUint64(pts[i][24:], ^uint64(0)>>uint(r.Intn(3)))
		}
	}
	return pts
}

var _ = Describe("svc_ed25519_on_curve", Ordered, func() {
	var prog, fallback, mixed *link.Result

	BeforeAll(func() {
		var err error
		prog, err = buildCurveHarness(GinkgoT().TempDir(), pvm.GP072)
		Expect(err).NotTo(HaveOccurred())
		fallback, err = buildCurveHarness(GinkgoT().TempDir(), pvm.GP072, "-DJAC_ROUNDS=0")
		Expect(err).NotTo(HaveOccurred())
		mixed, err = buildCurveHarness(GinkgoT().TempDir(), pvm.GP072, "-DJAC_ROUNDS=12")
		Expect(err).NotTo(HaveOccurred())
	})

	// check runs points through prog in batches and compares every answer with solana-go
	// (curve25519-dalek's decompression); it returns how many were on the curve.
	check := func(prog *link.Result, points [][32]byte) int {
		GinkgoHelper()
		on := 0
		for lo := 0; lo < len(points); lo += curveBatch {
			batch := points[lo:min(lo+curveBatch, len(points))]
			got, _, err := runCurve(pvm.GP072, prog, batch)
			Expect(err).NotTo(HaveOccurred())
			for i, p := range batch {
				Expect(got[i]).To(Equal(solanago.IsOnCurve(p[:])), "point %x", p)
				if got[i] {
					on++
				}
			}
		}
		return on
	}

	It("rests on true field facts: d is a non-square, -1 a square, so d y^2 + 1 is never 0", func() {
		Expect(big.Jacobi(edwardsD, fieldP)).To(Equal(-1))
		Expect(big.Jacobi(new(big.Int).Sub(fieldP, big.NewInt(1)), fieldP)).To(Equal(1))
		// the criterion itself, in math/big, against solana-go
		r := rand.New(rand.NewSource(5))
		pts := append(specialPoints(), randomPoints(r, 4000)...)
		for _, p := range pts {
			Expect(criterion(p)).To(Equal(solanago.IsOnCurve(p[:])), "point %x", p)
		}
	})

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
		check(prog, pts)
	})

	It("agrees on y = 0, ±1, p-1, p, p+1, 2^255-1, top-bit variants, public keys and PDAs", func() {
		pts := specialPoints()
		on := check(prog, pts)
		Expect(on).To(BeNumerically(">", 200)) // the 200 public keys at least
		Expect(on).To(BeNumerically("<", len(pts)-200))
	})

	It("agrees on 20,000 random values and PDA-shaped hashes", func() {
		r := rand.New(rand.NewSource(7))
		pts := randomPoints(r, 20000)
		on := check(prog, pts)
		// about half of all 32-byte strings are valid points: both answers are exercised
		Expect(on).To(BeNumerically(">", len(pts)/4))
		Expect(on).To(BeNumerically("<", 3*len(pts)/4))
	})

	It("gives the same answers through the exponentiation fallback and when the two mix", func() {
		r := rand.New(rand.NewSource(9))
		pts := append(specialPoints(), randomPoints(r, 3000)...)
		check(fallback, pts)
		check(mixed, pts)
	})

	It("costs a fraction of the exponentiation it replaced, under gp072 and gp080", func() {
		r := rand.New(rand.NewSource(13))
		pts := randomPoints(r, curveBatch)
		perCall := func(p pvm.Profile, prog *link.Result) int64 {
			_, base, err := runCurve(p, prog, nil)
			Expect(err).NotTo(HaveOccurred())
			_, all, err := runCurve(p, prog, pts)
			Expect(err).NotTo(HaveOccurred())
			return (all - base) / int64(len(pts))
		}
		jac, exp := perCall(pvm.GP072, prog), perCall(pvm.GP072, fallback)
		AddReportEntry("gp072 gas per svc_ed25519_on_curve call", fmt.Sprintf("jacobi %d, exponentiation %d", jac, exp))
		Expect(jac).To(BeNumerically("<", exp/3))
		prog80, err := buildCurveHarness(GinkgoT().TempDir(), pvm.GP080)
		Expect(err).NotTo(HaveOccurred())
		fallback80, err := buildCurveHarness(GinkgoT().TempDir(), pvm.GP080, "-DJAC_ROUNDS=0")
		Expect(err).NotTo(HaveOccurred())
		jac80, exp80 := perCall(pvm.GP080, prog80), perCall(pvm.GP080, fallback80)
		AddReportEntry("gp080 gas per svc_ed25519_on_curve call", fmt.Sprintf("jacobi %d, exponentiation %d", jac80, exp80))
		Expect(jac80).To(BeNumerically("<", exp80))
	})
})

// FuzzOnCurve: svc_ed25519_on_curve, run in the PVM, answers as curve25519-dalek does
// (solana-go's IsOnCurve) for any 32 bytes (shorter inputs are zero-padded, longer cut).
func FuzzOnCurve(f *testing.F) {
	prog, err := buildCurveHarness(f.TempDir(), pvm.GP072)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"", "\x01", "\xec" + strings.Repeat("\xff", 30) + "\x7f", strings.Repeat("\xff", 32)} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var k [32]byte
		copy(k[:], b)
		got, _, err := runCurve(pvm.GP072, prog, [][32]byte{k})
		if err != nil {
			t.Fatal(err)
		}
		if want := solanago.IsOnCurve(k[:]); got[0] != want {
			t.Fatalf("point %x: svc_ed25519_on_curve %v, curve25519-dalek %v", k, got[0], want)
		}
	})
}
