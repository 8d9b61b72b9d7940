package harness

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// PlotFile is one rendered plot: the same figure as SVG and PNG.
type PlotFile struct {
	Name  string // file stem, e.g. "gas_per_cu"
	Title string
	SVG   string // path relative to the report directory
	PNG   string
	png   []byte // kept for embedding in report.html
}

// Plot names, in report order. Every one is always written; a plot without data says
// why instead of being left out.
var PlotNames = []string{"gas_per_cu", "wall_time", "transpile_time", "blob_size", "break_even", "jam_gas", "code_size"}

const plotW, plotH = 16 * vg.Centimeter, 10 * vg.Centimeter

// RenderPlots draws every plot of the summary into dir/plots/ as SVG and PNG.
func RenderPlots(s *Summary, dir string) ([]PlotFile, error) {
	if err := os.MkdirAll(filepath.Join(dir, "plots"), 0o755); err != nil {
		return nil, err
	}
	builders := map[string]func(*Summary) *plot.Plot{
		"gas_per_cu":     plotGasPerCU,
		"wall_time":      plotWallTime,
		"transpile_time": plotTranspileTime,
		"blob_size":      plotBlobSize,
		"break_even":     plotBreakEven,
		"jam_gas":        plotJAMGas,
		"code_size":      plotCodeSize,
	}
	var out []PlotFile
	for _, name := range PlotNames {
		p := builders[name](s)
		pf := PlotFile{Name: name, Title: p.Title.Text, SVG: "plots/" + name + ".svg", PNG: "plots/" + name + ".png"}
		for _, format := range []string{"svg", "png"} {
			b, err := renderPlot(p, format)
			if err != nil {
				return nil, fmt.Errorf("plot %s.%s: %w", name, format, err)
			}
			if err := os.WriteFile(filepath.Join(dir, "plots", name+"."+format), b, 0o644); err != nil {
				return nil, err
			}
			if format == "png" {
				pf.png = b
			}
		}
		out = append(out, pf)
	}
	return out, nil
}

// renderPlot draws p in the given format, turning a gonum panic (it panics on some
// degenerate ranges) into an error.
func renderPlot(p *plot.Plot, format string) (b []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("render: %v", r)
		}
	}()
	pw, ph := plotSize(p)
	w, err := p.WriterTo(pw, ph, format)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// nominalX labels the X axis with names, turned upright when there are many so that
// they do not overlap.
func nominalX(p *plot.Plot, names ...string) {
	p.NominalX(names...)
	if len(names) > 6 {
		p.X.Tick.Label.Rotation = math.Pi / 2
		p.X.Tick.Label.XAlign = draw.XRight
		p.X.Tick.Label.YAlign = draw.YCenter
	}
}

// plotSize widens plots with many nominal X ticks and makes room below them for
// upright labels.
func plotSize(p *plot.Plot) (w, h vg.Length) {
	w, h = plotW, plotH
	if ct, ok := p.X.Tick.Marker.(plot.ConstantTicks); ok {
		w = max(plotW, vg.Length(len(ct))*0.9*vg.Centimeter)
		if p.X.Tick.Label.Rotation != 0 {
			longest := 0
			for _, t := range ct {
				longest = max(longest, len(t.Label))
			}
			h += vg.Length(longest) * 0.22 * vg.Centimeter
		}
	}
	return w, h
}

func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = x
	p.Y.Label.Text = y
	p.Legend.Top = true
	p.Add(plotter.NewGrid())
	return p
}

// noData turns p into a placeholder that states why it is empty.
func noData(p *plot.Plot, reason string) *plot.Plot {
	p.Title.Text += " — no data"
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
	l, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: 0.02, Y: 0.5}}, Labels: []string{reason}})
	if err == nil {
		p.Add(l)
	}
	return p
}

// logY puts the Y axis on a log scale with 1-2-5 ticks (gonum's LogTicks labels only
// powers of ten, which leaves narrow ranges unlabelled) and headroom for the legend.
func logY(p *plot.Plot) {
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = logTicker{}
	if p.Y.Min > 0 && p.Y.Max > 0 {
		p.Y.Min /= 1.5
		p.Y.Max *= 3
	}
}

// headroom leaves space above linear data for the legend.
func headroom(p *plot.Plot) {
	p.Y.Max += (p.Y.Max - p.Y.Min) * 0.3
}

type logTicker struct{}

// Ticks implements plot.Ticker: major ticks at 1, 2 and 5 × 10^k inside [lo, hi], or
// the two ends when that leaves fewer than two.
func (logTicker) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	if lo <= 0 || hi <= lo {
		return ts
	}
	mantissas := []float64{1, 2, 5}
	if math.Log10(hi/lo) > 3 {
		mantissas = []float64{1} // wide ranges: powers of ten only
	}
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		for _, m := range mantissas {
			v := m * math.Pow(10, e)
			if v >= lo && v <= hi {
				ts = append(ts, plot.Tick{Value: v, Label: fmtSI(v)})
			}
		}
	}
	if len(ts) < 2 {
		ts = []plot.Tick{{Value: lo, Label: fmtSI(lo)}, {Value: hi, Label: fmtSI(hi)}}
	}
	return ts
}

// fmtSI formats v compactly with an SI suffix: 1500 → "1.5k", 5e9 → "5G".
func fmtSI(v float64) string {
	for _, u := range []struct {
		f float64
		s string
	}{{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}} {
		if math.Abs(v) >= u.f {
			return strconv.FormatFloat(v/u.f, 'g', 3, 64) + u.s
		}
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// hline is a dashed horizontal reference line across [x0, x1].
func hline(p *plot.Plot, y, x0, x1 float64, label string, i int) {
	l, err := plotter.NewLine(plotter.XYs{{X: x0, Y: y}, {X: x1, Y: y}})
	if err != nil {
		return
	}
	l.Color = plotutil.Color(i)
	l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	p.Add(l)
	p.Legend.Add(label, l)
}

// profileLabel names a runner with its gas profile when a run has several and the
// name does not already carry it.
func profileLabel(s *Summary, runner string) string {
	if len(s.Config.Profiles) < 2 || strings.Contains(runner, "@") {
		return runner
	}
	for _, r := range s.Runners {
		if r.Name == runner && r.Profile != "" {
			return runner + " (" + r.Profile + ")"
		}
	}
	return runner
}

func runnersWith(s *Summary, f func(*RunnerMetrics) bool) []string {
	var out []string
	for i := range s.Metrics {
		if f(&s.Metrics[i]) {
			out = append(out, s.Metrics[i].Runner)
		}
	}
	return out
}

func programNames(s *Summary) []string {
	out := make([]string, len(s.Programs))
	for i, p := range s.Programs {
		out[i] = p.Program
	}
	return out
}

func plotGasPerCU(s *Summary) *plot.Plot {
	p := newPlot("Gas per compute unit by program and approach (log scale)", "program", "PVM gas / CU (median over the program's cases)")
	rs := runnersWith(s, func(m *RunnerMetrics) bool { return m.MedianGasPerCU != nil })
	if len(rs) == 0 || len(s.Programs) == 0 {
		return noData(p, "no runner reported PVM gas")
	}
	// Markers side by side around each program's tick: bars would need a zero on a
	// log axis, and fixed costs make the ratios span decades.
	for i, r := range rs {
		var xys plotter.XYs
		off := 0.15 * (float64(i) - float64(len(rs)-1)/2)
		for j := range s.Programs {
			if m := s.Programs[j].Runner(r); m != nil && m.MedianGasPerCU != nil && *m.MedianGasPerCU > 0 {
				xys = append(xys, plotter.XY{X: float64(j) + off, Y: *m.MedianGasPerCU})
			}
		}
		if len(xys) > 0 {
			scatter(p, xys, profileLabel(s, r), i)
		}
	}
	logY(p)
	nominalX(p, programNames(s)...)
	p.X.Min, p.X.Max = -0.5, float64(len(s.Programs))-0.5
	return p
}

func plotWallTime(s *Summary) *plot.Plot {
	p := newPlot("Wall time per case by runner (median of repeats, log scale)", "runner", "wall time (ns)")
	var names []string
	for _, m := range s.Metrics {
		var vals plotter.Values
		for i := range s.Cases {
			if cr := s.Cases[i].Result(m.Runner); cr != nil && cr.Result != nil && cr.Result.WallNS > 0 {
				vals = append(vals, float64(cr.Result.WallNS))
			}
		}
		if len(vals) == 0 {
			continue
		}
		b, err := plotter.NewBoxPlot(vg.Points(30), float64(len(names)), vals)
		if err != nil {
			continue
		}
		b.FillColor = plotutil.Color(len(names))
		p.Add(b)
		names = append(names, m.Runner)
	}
	if len(names) == 0 {
		return noData(p, "no runner produced a result")
	}
	logY(p)
	nominalX(p, names...)
	return p
}

// transpiledPoints returns (text bytes, value) for every program with a transpiled
// measurement picked by f.
func transpiledPoints(s *Summary, f func(*ProgramRunnerMetrics) *int64) plotter.XYs {
	var xys plotter.XYs
	for i := range s.Programs {
		if m := s.Programs[i].Runner(RunnerTranspiled); m != nil {
			if v := f(m); v != nil {
				xys = append(xys, plotter.XY{X: float64(s.Programs[i].TextBytes), Y: float64(*v)})
			}
		}
	}
	sort.Slice(xys, func(i, j int) bool { return xys[i].X < xys[j].X })
	return xys
}

func scatter(p *plot.Plot, xys plotter.XYs, label string, i int) {
	sc, err := plotter.NewScatter(xys)
	if err != nil {
		return
	}
	sc.Color = plotutil.Color(i)
	sc.Shape = draw.CircleGlyph{}
	sc.Radius = vg.Points(3)
	p.Add(sc)
	p.Legend.Add(label, sc)
}

func plotTranspileTime(s *Summary) *plot.Plot {
	p := newPlot("Transpile time vs program size", "program size (bytes of sBPF text)", "compile time (ms)")
	xys := transpiledPoints(s, func(m *ProgramRunnerMetrics) *int64 { return m.CompileNS })
	if len(xys) == 0 {
		return noData(p, "no transpiled compile times ("+runnerAbsence(s, RunnerTranspiled)+")")
	}
	for i := range xys {
		xys[i].Y /= 1e6
	}
	scatter(p, xys, RunnerTranspiled, 0)
	headroom(p)
	return p
}

func plotBlobSize(s *Summary) *plot.Plot {
	p := newPlot("PVM blob size vs program size", "program size (bytes of sBPF text)", "blob size (bytes)")
	xys := transpiledPoints(s, func(m *ProgramRunnerMetrics) *int64 { return m.BlobBytes })
	var interp *int64
	for _, m := range s.Metrics {
		if m.Runner == RunnerInterpSvc {
			interp = m.MaxBlobBytes
		}
	}
	if len(xys) == 0 && interp == nil {
		return noData(p, "no runner reported a blob size")
	}
	x0, x1 := 0.0, 1.0
	if len(xys) > 0 {
		scatter(p, xys, RunnerTranspiled+" blob", 0)
		x0, x1 = xys[0].X, xys[len(xys)-1].X
	} else if len(s.Programs) > 0 {
		x1 = float64(s.Programs[0].TextBytes)
		for _, pm := range s.Programs {
			x1 = max(x1, float64(pm.TextBytes))
		}
	}
	if interp != nil {
		hline(p, float64(*interp), x0, max(x1, x0+1), RunnerInterpSvc+" service blob (one for all programs)", 1)
	}
	p.Y.Min = 0
	headroom(p)
	return p
}

func plotBreakEven(s *Summary) *plot.Plot {
	p := newPlot("Executions until transpiling pays off, by program (log scale)", "program", "break-even executions")
	var wall, gas plotter.XYs
	var names []string
	for _, pm := range s.Programs {
		if pm.BreakEvenWall == nil && pm.BreakEvenGas == nil {
			continue
		}
		x := float64(len(names))
		names = append(names, pm.Program)
		if pm.BreakEvenWall != nil && *pm.BreakEvenWall > 0 {
			wall = append(wall, plotter.XY{X: x, Y: *pm.BreakEvenWall})
		}
		if pm.BreakEvenGas != nil && *pm.BreakEvenGas > 0 {
			gas = append(gas, plotter.XY{X: x, Y: *pm.BreakEvenGas})
		}
	}
	if len(wall)+len(gas) == 0 {
		return noData(p, "needs interp-svc and transpiled results with compile times")
	}
	if len(wall) > 0 {
		scatter(p, wall, "by wall time", 0)
	}
	if len(gas) > 0 {
		scatter(p, gas, fmt.Sprintf("by gas (%.0f gas/ns of compile)", CompileGasPerNS), 1)
	}
	logY(p)
	nominalX(p, names...)
	p.X.Min, p.X.Max = -0.5, float64(len(names))-0.5
	return p
}

func plotJAMGas(s *Summary) *plot.Plot {
	p := newPlot("Interpreter service gas per case vs JAM gas limits (log scale)", "case (sorted by gas)", "PVM gas")
	// One series per gas profile: the primary profile's runner keeps the plain name.
	names := []string{RunnerInterpSvc}
	for _, pr := range otherProfiles(s) {
		names = append(names, ProfileRunnerName(RunnerInterpSvc, pr))
	}
	n := 0
	for k, name := range names {
		var gs []float64
		for i := range s.Cases {
			if cr := s.Cases[i].Result(name); cr != nil && cr.Result != nil && cr.Result.Gas != nil && cr.Result.Gas.Total > 0 {
				gs = append(gs, float64(cr.Result.Gas.Total))
			}
		}
		if len(gs) == 0 {
			continue
		}
		sort.Float64s(gs)
		xys := make(plotter.XYs, len(gs))
		for i, g := range gs {
			xys[i] = plotter.XY{X: float64(i), Y: g}
		}
		label := name
		if k == 0 && s.Config.Profile != "" {
			label += " (" + s.Config.Profile + ")"
		}
		scatter(p, xys, label, 6*k)
		n = max(n, len(gs))
	}
	if n == 0 {
		return noData(p, "no interp-svc gas ("+runnerAbsence(s, RunnerInterpSvc)+")")
	}
	x1 := math.Max(float64(n-1), 1)
	hline(p, float64(JAM.AccumulateGas), 0, x1, "G_A accumulate (10M)", 1)
	hline(p, float64(JAM.TinyAccumulateGas), 0, x1, "tiny accumulate (20M)", 2)
	hline(p, float64(JAM.TinyRefineGas), 0, x1, "tiny refine (1G)", 3)
	hline(p, float64(JAM.RefineGas), 0, x1, "G_R refine (5G)", 4)
	logY(p)
	return p
}

func plotCodeSize(s *Summary) *plot.Plot {
	p := newPlot("Blob size vs JAM max service code size W_C (log scale)", "blob", "bytes")
	var names []string
	var xys plotter.XYs
	for _, m := range s.Metrics {
		if m.Runner == RunnerInterpSvc && m.MaxBlobBytes != nil && *m.MaxBlobBytes > 0 {
			xys = append(xys, plotter.XY{X: float64(len(names)), Y: float64(*m.MaxBlobBytes)})
			names = append(names, RunnerInterpSvc)
		}
	}
	for _, pm := range s.Programs {
		if t := pm.Runner(RunnerTranspiled); t != nil && t.BlobBytes != nil && *t.BlobBytes > 0 {
			xys = append(xys, plotter.XY{X: float64(len(names)), Y: float64(*t.BlobBytes)})
			names = append(names, pm.Program)
		}
	}
	if len(xys) == 0 {
		return noData(p, "no runner reported a blob size")
	}
	scatter(p, xys, "blob", 0)
	hline(p, float64(JAM.MaxServiceCode), -0.5, float64(len(names))-0.5, "W_C (4,000,000 bytes)", 1)
	logY(p)
	nominalX(p, names...)
	p.X.Min, p.X.Max = -0.5, float64(len(names))-0.5
	return p
}
