package harness_test

import (
	"context"
	"testing"

	"github.com/sbpf-pvm/sbpf-pvm/harness"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
)

// BenchmarkCompare measures comparing two full results that differ deep inside an
// account's data (the comparator's worst ordinary case).
func BenchmarkCompare(b *testing.B) {
	a, c := baseResult("c", "x"), baseResult("c", "y")
	c.Diff[keyA].Data.New[39] ^= 1
	b.ReportAllocs()
	for b.Loop() {
		if len(harness.Compare(a, c)) != 1 {
			b.Fatal("expected one mismatch")
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "compares/s")
}

// BenchmarkRun measures the harness's own cost per (case, runner) pair with runners
// that do nothing: orchestration, node-free comparison and metrics.
func BenchmarkRun(b *testing.B) {
	cases := memCases(64)
	slots := []harness.RunnerSlot{slot(&fakeRunner{name: "native"}), slot(&fakeRunner{name: "interp-svc", gas: func(*runners.Case) int64 { return 1 }})}
	b.ReportAllocs()
	for b.Loop() {
		s, err := harness.Run(context.Background(), harness.Config{Slots: slots}, cases)
		if err != nil || s.Totals.Agreed != len(cases) {
			b.Fatal(err, s.Totals)
		}
	}
	b.ReportMetric(float64(b.N*len(cases)*len(slots))/b.Elapsed().Seconds(), "pairs/s")
}
