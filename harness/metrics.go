package harness

import (
	"sort"
)

// RunnerMetrics aggregates one runner over every case it produced a result for.
type RunnerMetrics struct {
	Runner string `json:"runner"`
	// Profile is the PVM gas profile of the runner ("" without a PVM).
	Profile      string `json:"profile"`
	Results      int    `json:"results"`
	Errors       int    `json:"errors"`
	MedianWallNS int64  `json:"median_wall_ns"`
	TotalWallNS  int64  `json:"total_wall_ns"`
	TotalCU      uint64 `json:"total_cu"`
	// Gas figures are nil for runners that report no gas (native).
	MedianGasPerCU    *float64 `json:"median_gas_per_cu"`
	WorstGasPerCU     *float64 `json:"worst_gas_per_cu"`
	WorstGasPerCUCase string   `json:"worst_gas_per_cu_case"`
	MedianGas         *float64 `json:"median_gas"`
	MaxGas            *int64   `json:"max_gas"`
	MaxGasCase        string   `json:"max_gas_case"`
	// MedianLoadGas is the ELF load + verification gas (interp-svc); the other phases
	// are input serialization, the program's execution and the diff computation.
	MedianLoadGas      *float64 `json:"median_load_gas"`
	MedianSerializeGas *float64 `json:"median_serialize_gas"`
	MedianExecuteGas   *float64 `json:"median_execute_gas"`
	MedianDiffGas      *float64 `json:"median_diff_gas"`
	MaxBlobBytes       *int64   `json:"max_blob_bytes"`
	// MaxCompileNS is the longest compile (transpiled).
	MaxCompileNS *int64 `json:"max_compile_ns"`
}

// ProgramMetrics aggregates the cases of one program.
type ProgramMetrics struct {
	Program   string                 `json:"program"`
	TextBytes int64                  `json:"text_bytes"`
	Cases     int                    `json:"cases"`
	Runners   []ProgramRunnerMetrics `json:"runners"`
	// BreakEvenWall and BreakEvenGas are the executions after which transpiling pays
	// for its compile time (see Verdict); nil when not computable or never.
	BreakEvenWall *float64 `json:"break_even_wall"`
	BreakEvenGas  *float64 `json:"break_even_gas"`
}

// ProgramRunnerMetrics is one runner on one program: medians over its cases.
type ProgramRunnerMetrics struct {
	Runner         string   `json:"runner"`
	MedianGasPerCU *float64 `json:"median_gas_per_cu"`
	MedianGas      *float64 `json:"median_gas"`
	MedianWallNS   *float64 `json:"median_wall_ns"`
	BlobBytes      *int64   `json:"blob_bytes"`
	CompileNS      *int64   `json:"compile_ns"`
}

// CompileGasPerNS converts compile time into gas for the gas-denominated break-even:
// GP 0.8 gas approximates cycles of a reference core (pvm.md §3, §8); at an assumed
// 3 GHz one nanosecond is 3 gas.
const CompileGasPerNS = 3.0

func ptrF(x float64) *float64 { return &x }
func ptrI(x int64) *int64     { return &x }

// ComputeMetrics derives per-runner and per-program aggregates from the case results.
func ComputeMetrics(s *Summary) ([]RunnerMetrics, []ProgramMetrics) {
	var names []string
	profile := map[string]string{}
	for _, r := range s.Runners {
		if r.Available {
			names = append(names, r.Name)
			profile[r.Name] = r.Profile
		}
	}
	rms := make([]RunnerMetrics, 0, len(names))
	for _, n := range names {
		m := RunnerMetrics{Runner: n, Profile: profile[n]}
		var walls []int64
		var gpc, gas, load, ser, exe, dif []float64
		for i := range s.Cases {
			cr := s.Cases[i].Result(n)
			if cr == nil {
				continue
			}
			if cr.Result == nil {
				m.Errors++
				continue
			}
			r := cr.Result
			m.Results++
			walls = append(walls, r.WallNS)
			m.TotalWallNS += r.WallNS
			m.TotalCU += r.ComputeUnits
			if cr.GasPerCU != nil {
				gpc = append(gpc, *cr.GasPerCU)
				if m.WorstGasPerCU == nil || *cr.GasPerCU > *m.WorstGasPerCU {
					m.WorstGasPerCU, m.WorstGasPerCUCase = ptrF(*cr.GasPerCU), s.Cases[i].Name
				}
			}
			if r.Gas != nil {
				gas = append(gas, float64(r.Gas.Total))
				if m.MaxGas == nil || r.Gas.Total > *m.MaxGas {
					m.MaxGas, m.MaxGasCase = ptrI(r.Gas.Total), s.Cases[i].Name
				}
				for _, ph := range []struct {
					v   int64
					dst *[]float64
				}{{r.Gas.Load, &load}, {r.Gas.Serialize, &ser}, {r.Gas.Execute, &exe}, {r.Gas.Diff, &dif}} {
					if ph.v > 0 {
						*ph.dst = append(*ph.dst, float64(ph.v))
					}
				}
			}
			if r.BlobBytes != nil && (m.MaxBlobBytes == nil || *r.BlobBytes > *m.MaxBlobBytes) {
				m.MaxBlobBytes = ptrI(*r.BlobBytes)
			}
			if r.CompileNS != nil && (m.MaxCompileNS == nil || *r.CompileNS > *m.MaxCompileNS) {
				m.MaxCompileNS = ptrI(*r.CompileNS)
			}
		}
		m.MedianWallNS = medianInt64(walls)
		if v, ok := median(gpc); ok {
			m.MedianGasPerCU = ptrF(v)
		}
		if v, ok := median(gas); ok {
			m.MedianGas = ptrF(v)
		}
		for _, ph := range []struct {
			xs  []float64
			dst **float64
		}{{load, &m.MedianLoadGas}, {ser, &m.MedianSerializeGas}, {exe, &m.MedianExecuteGas}, {dif, &m.MedianDiffGas}} {
			if v, ok := median(ph.xs); ok {
				*ph.dst = ptrF(v)
			}
		}
		rms = append(rms, m)
	}

	byProg := map[string][]int{}
	for i := range s.Cases {
		byProg[s.Cases[i].Program] = append(byProg[s.Cases[i].Program], i)
	}
	progs := make([]string, 0, len(byProg))
	for p := range byProg {
		progs = append(progs, p)
	}
	sort.Strings(progs)
	pms := make([]ProgramMetrics, 0, len(progs))
	for _, p := range progs {
		idx := byProg[p]
		pm := ProgramMetrics{Program: p, Cases: len(idx)}
		for _, i := range idx {
			pm.TextBytes = max(pm.TextBytes, s.Cases[i].TextBytes)
		}
		for _, n := range names {
			prm := ProgramRunnerMetrics{Runner: n}
			var gpc, gas, wall []float64
			for _, i := range idx {
				cr := s.Cases[i].Result(n)
				if cr == nil || cr.Result == nil {
					continue
				}
				r := cr.Result
				wall = append(wall, float64(r.WallNS))
				if cr.GasPerCU != nil {
					gpc = append(gpc, *cr.GasPerCU)
				}
				if r.Gas != nil {
					gas = append(gas, float64(r.Gas.Total))
				}
				if r.BlobBytes != nil && (prm.BlobBytes == nil || *r.BlobBytes > *prm.BlobBytes) {
					prm.BlobBytes = ptrI(*r.BlobBytes)
				}
				// Every result of a program carries its compile time (a cached blob reports the time
				// recorded when it was built); the largest is kept.
				if r.CompileNS != nil && (prm.CompileNS == nil || *r.CompileNS > *prm.CompileNS) {
					prm.CompileNS = ptrI(*r.CompileNS)
				}
			}
			if v, ok := median(gpc); ok {
				prm.MedianGasPerCU = ptrF(v)
			}
			if v, ok := median(gas); ok {
				prm.MedianGas = ptrF(v)
			}
			if v, ok := median(wall); ok {
				prm.MedianWallNS = ptrF(v)
			}
			pm.Runners = append(pm.Runners, prm)
		}
		pm.BreakEvenWall, pm.BreakEvenGas = breakEven(pm)
		pms = append(pms, pm)
	}
	return rms, pms
}

// Runner returns the program's metrics for the named runner, or nil.
func (p *ProgramMetrics) Runner(name string) *ProgramRunnerMetrics {
	for i := range p.Runners {
		if p.Runners[i].Runner == name {
			return &p.Runners[i]
		}
	}
	return nil
}

// breakEven computes, for one program, N = C / (cost_interp − cost_transpiled), the
// number of executions after which the one-off compile cost C of the transpiled
// approach is repaid by its cheaper executions. In wall time C is compile_ns; in gas
// C is compile_ns × CompileGasPerNS. Nil when a term is missing or transpiling is not
// cheaper per execution (it never pays off).
func breakEven(pm ProgramMetrics) (wall, gas *float64) {
	i, t := pm.Runner(RunnerInterpSvc), pm.Runner(RunnerTranspiled)
	if i == nil || t == nil || t.CompileNS == nil {
		return nil, nil
	}
	c := float64(*t.CompileNS)
	if i.MedianWallNS != nil && t.MedianWallNS != nil && *i.MedianWallNS > *t.MedianWallNS {
		wall = ptrF(c / (*i.MedianWallNS - *t.MedianWallNS))
	}
	if i.MedianGas != nil && t.MedianGas != nil && *i.MedianGas > *t.MedianGas {
		gas = ptrF(c * CompileGasPerNS / (*i.MedianGas - *t.MedianGas))
	}
	return wall, gas
}
