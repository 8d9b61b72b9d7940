package link_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/sbpf-pvm/sbpf-pvm/sbpf/link"
)

// BenchmarkLink links the two-object test program (clang runs once, outside the loop).
func BenchmarkLink(b *testing.B) {
	dir := b.TempDir()
	var objs []link.Object
	for i, src := range []string{richProgram, otherObject} {
		c := filepath.Join(dir, "p.c")
		if err := os.WriteFile(c, []byte(src), 0o644); err != nil {
			b.Fatal(err)
		}
		o := filepath.Join(dir, "p.o")
		if out, err := exec.Command("clang-19", append(append([]string{}, clangFlags...), "-c", c, "-o", o)...).CombinedOutput(); err != nil {
			b.Fatalf("clang-19: %v: %s", err, out)
		}
		data, err := os.ReadFile(o)
		if err != nil {
			b.Fatal(err)
		}
		objs = append(objs, link.Object{Name: string(rune('a' + i)), Data: data})
	}
	var in int
	for _, o := range objs {
		in += len(o.Data)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := link.Link(objs, link.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "links/s")
	b.ReportMetric(float64(in*b.N)/b.Elapsed().Seconds()/1e6, "MB-in/s")
}
