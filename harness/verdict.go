package harness

import (
	"fmt"
	"strings"
)

// JAMLimits are the constants a JAM service lives under (GP 0.7.2, unchanged in the
// 0.8 draft; ../shared/spec/pvm.md §5.6), plus the "tiny" test-chain values.
type JAMLimits struct {
	AccumulateGas     int64 `json:"accumulate_gas"`      // G_A
	IsAuthorizedGas   int64 `json:"is_authorized_gas"`   // G_I
	RefineGas         int64 `json:"refine_gas"`          // G_R
	TotalAccumulate   int64 `json:"total_accumulate"`    // G_T
	MaxServiceCode    int64 `json:"max_service_code"`    // W_C
	TinyRefineGas     int64 `json:"tiny_refine_gas"`     // tiny chain
	TinyAccumulateGas int64 `json:"tiny_accumulate_gas"` // tiny chain
	// MaxTxComputeUnits is Agave's per-transaction compute unit ceiling, the most one
	// Solana transaction can ask for.
	MaxTxComputeUnits int64 `json:"max_tx_compute_units"`
}

// JAM is the current limits table.
var JAM = JAMLimits{
	AccumulateGas:     10_000_000,
	IsAuthorizedGas:   50_000_000,
	RefineGas:         5_000_000_000,
	TotalAccumulate:   3_500_000_000,
	MaxServiceCode:    4_000_000,
	TinyRefineGas:     1_000_000_000,
	TinyAccumulateGas: 20_000_000,
	MaxTxComputeUnits: 1_400_000,
}

// JITThreshold is the interpreter-over-translated gas ratio from which a JIT service
// is judged worth building: a JIT would at least halve the gas of every execution.
const JITThreshold = 2.0

// Verdict answers the project's questions from the measurements; Lines is the prose
// with the formulas, the other fields the numbers behind it (nil when not computable).
type Verdict struct {
	Approaches    []ApproachVerdict `json:"approaches"`
	BreakEvenWall *float64          `json:"break_even_wall"`
	BreakEvenGas  *float64          `json:"break_even_gas"`
	JAM           JAMVerdict        `json:"jam"`
	JIT           JITVerdict        `json:"jit"`
	Lines         []VerdictLine     `json:"lines"`
	// Profile is the gas profile of the main answers (the run's primary profile);
	// OtherProfiles holds the headline figures under each further profile, which
	// the answers also state.
	Profile       string           `json:"profile"`
	OtherProfiles []ProfileVerdict `json:"other_profiles"`
}

// ProfileVerdict is the gas side of the verdict under a non-primary profile. Its
// per-approach gas per CU is in Verdict.Approaches (runner names carry the profile).
type ProfileVerdict struct {
	Profile          string   `json:"profile"`
	MaxInterpGas     *int64   `json:"max_interp_gas"`
	MaxInterpGasCase string   `json:"max_interp_gas_case"`
	FitsAccumulate   *bool    `json:"fits_accumulate"`
	FitsRefine       *bool    `json:"fits_refine"`
	JITOverhead      *float64 `json:"jit_overhead"`
	JITExecOverhead  *float64 `json:"jit_exec_overhead"`
}

// ApproachVerdict is the gas per CU of one PVM approach: over all cases (what a case
// costs, fixed costs included) and, for the marginal rate, the execution phase alone
// over the cases with at least MinRateCU compute units.
type ApproachVerdict struct {
	Runner             string   `json:"runner"`
	Profile            string   `json:"profile"`
	Cases              int      `json:"cases"`
	MedianGasPerCU     *float64 `json:"median_gas_per_cu"`
	WorstGasPerCU      *float64 `json:"worst_gas_per_cu"`
	WorstCase          string   `json:"worst_case"`
	MedianExecGasPerCU *float64 `json:"median_exec_gas_per_cu"`
	WorstExecGasPerCU  *float64 `json:"worst_exec_gas_per_cu"`
	WorstExecCase      string   `json:"worst_exec_case"`
	// MaxFixedGas is the largest gas spent outside the execution phase (load,
	// serialization, diff).
	MaxFixedGas *int64 `json:"max_fixed_gas"`
}

// MinRateCU is the fewest compute units a case needs to count towards the marginal gas
// per CU: below it, fixed per-call costs inside the execution phase dominate the ratio.
const MinRateCU = 1000

// approachRates computes the execution-phase rates of one runner. Without an execution
// phase in the gas report the total stands in for it.
func approachRates(s *Summary, a *ApproachVerdict) {
	var rates []float64
	for i := range s.Cases {
		cr := s.Cases[i].Result(a.Runner)
		if cr == nil || cr.Result == nil || cr.Result.Gas == nil {
			continue
		}
		r := cr.Result
		exec := r.Gas.Execute
		if exec == 0 {
			exec = r.Gas.Total
		}
		fixed := r.Gas.Total - exec
		if a.MaxFixedGas == nil || fixed > *a.MaxFixedGas {
			a.MaxFixedGas = ptrI(fixed)
		}
		if r.ComputeUnits < MinRateCU {
			continue
		}
		rate := float64(exec) / float64(r.ComputeUnits)
		rates = append(rates, rate)
		if a.WorstExecGasPerCU == nil || rate > *a.WorstExecGasPerCU {
			a.WorstExecGasPerCU, a.WorstExecCase = ptrF(rate), s.Cases[i].Name
		}
	}
	if x, ok := median(rates); ok {
		a.MedianExecGasPerCU = ptrF(x)
	}
}

// JAMVerdict compares the interpreter service with JAM's limits.
type JAMVerdict struct {
	Limits           JAMLimits `json:"limits"`
	MaxInterpGas     *int64    `json:"max_interp_gas"`
	MaxInterpGasCase string    `json:"max_interp_gas_case"`
	FitsAccumulate   *bool     `json:"fits_accumulate"`
	FitsRefine       *bool     `json:"fits_refine"`
	// FullTxGas is the gas a transaction using its whole compute budget would need:
	// the interpreter's largest fixed gas + MaxTxComputeUnits × its worst marginal
	// (execution-phase) gas per CU.
	FullTxGas            *float64 `json:"full_tx_gas"`
	FullTxFitsAccumulate *bool    `json:"full_tx_fits_accumulate"`
	FullTxFitsRefine     *bool    `json:"full_tx_fits_refine"`
	InterpBlobBytes      *int64   `json:"interp_blob_bytes"`
	MaxTranspiledBlob    *int64   `json:"max_transpiled_blob"`
	BlobsFitCodeSize     *bool    `json:"blobs_fit_code_size"`
}

// JITVerdict is the interpreter's gas overhead over translated code.
type JITVerdict struct {
	// Overhead is the median over cases of gas_interp / gas_transpiled (totals);
	// ExecOverhead the same for the execution phase alone.
	Overhead     *float64 `json:"overhead"`
	ExecOverhead *float64 `json:"exec_overhead"`
	Threshold    float64  `json:"threshold"`
	Worth        *bool    `json:"worth"`
}

// VerdictLine is one question, the formula that answers it, and the answer.
type VerdictLine struct {
	Question string `json:"question"`
	Formula  string `json:"formula"`
	Answer   string `json:"answer"`
}

func ptrB(b bool) *bool { return &b }

// ComputeVerdict derives the verdict from a summary's cases and metrics.
func ComputeVerdict(s *Summary) Verdict {
	v := Verdict{JAM: JAMVerdict{Limits: JAM}, JIT: JITVerdict{Threshold: JITThreshold}}
	metric := func(n string) *RunnerMetrics {
		for i := range s.Metrics {
			if s.Metrics[i].Runner == n {
				return &s.Metrics[i]
			}
		}
		return nil
	}

	// 1. Gas per CU per approach, under each profile (the primary one first).
	v.Profile = s.Config.Profile
	others := otherProfiles(s)
	approach := func(n string) string {
		m := metric(n)
		if m == nil {
			return n + ": not measured (" + runnerAbsence(s, n) + ")"
		}
		a := ApproachVerdict{Runner: n, Profile: m.Profile, Cases: m.Results, MedianGasPerCU: m.MedianGasPerCU, WorstGasPerCU: m.WorstGasPerCU, WorstCase: m.WorstGasPerCUCase}
		approachRates(s, &a)
		v.Approaches = append(v.Approaches, a)
		if a.MedianGasPerCU == nil {
			return n + ": no gas reported"
		}
		ans := fmt.Sprintf("%s: median %.2f, worst %.2f (%s)", n, *a.MedianGasPerCU, *a.WorstGasPerCU, a.WorstCase)
		if a.MedianExecGasPerCU != nil {
			ans += fmt.Sprintf("; marginal median %.2f, worst %.2f (%s)", *a.MedianExecGasPerCU, *a.WorstExecGasPerCU, a.WorstExecCase)
		} else {
			ans += fmt.Sprintf("; marginal: no case with ≥ %d CU", MinRateCU)
		}
		return ans
	}
	var gpcAnswers []string
	for _, n := range []string{RunnerInterpSvc, RunnerTranspiled} {
		gpcAnswers = append(gpcAnswers, approach(n))
	}
	if len(others) > 0 {
		gpcAnswers[0] = s.Config.Profile + " — " + gpcAnswers[0]
	}
	for _, p := range others {
		pv := ProfileVerdict{Profile: p}
		var parts []string
		for _, n := range []string{RunnerInterpSvc, RunnerTranspiled} {
			parts = append(parts, approach(ProfileRunnerName(n, p)))
		}
		gpcAnswers = append(gpcAnswers, p+" — "+strings.Join(parts, "; "))
		if m := metric(ProfileRunnerName(RunnerInterpSvc, p)); m != nil && m.MaxGas != nil {
			pv.MaxInterpGas, pv.MaxInterpGasCase = m.MaxGas, m.MaxGasCase
			pv.FitsAccumulate, pv.FitsRefine = ptrB(*m.MaxGas <= JAM.AccumulateGas), ptrB(*m.MaxGas <= JAM.RefineGas)
		}
		pv.JITOverhead, pv.JITExecOverhead = gasOverhead(s, ProfileRunnerName(RunnerInterpSvc, p), ProfileRunnerName(RunnerTranspiled, p))
		v.OtherProfiles = append(v.OtherProfiles, pv)
	}
	v.Lines = append(v.Lines, VerdictLine{
		Question: "Gas per compute unit",
		Formula: fmt.Sprintf("gas/CU(case) = PVM gas(case) / CU(case), median and max over the cases of each approach (fixed costs included); "+
			"marginal = gas of the execution phase / CU over the cases with CU ≥ %d; under each gas profile run, the primary one first", MinRateCU),
		Answer: strings.Join(gpcAnswers, "; "),
	})

	// 2. Break-even executions.
	var walls, gases []float64
	never := 0
	for _, p := range s.Programs {
		if p.BreakEvenWall != nil {
			walls = append(walls, *p.BreakEvenWall)
		}
		if p.BreakEvenGas != nil {
			gases = append(gases, *p.BreakEvenGas)
		}
		if t := p.Runner(RunnerTranspiled); t != nil && t.CompileNS != nil && p.BreakEvenWall == nil && p.BreakEvenGas == nil {
			never++
		}
	}
	if x, ok := median(walls); ok {
		v.BreakEvenWall = ptrF(x)
	}
	if x, ok := median(gases); ok {
		v.BreakEvenGas = ptrF(x)
	}
	be := "not computable: needs interp-svc and transpiled results with compile times (" +
		runnerAbsence(s, RunnerInterpSvc) + "; " + runnerAbsence(s, RunnerTranspiled) + ")"
	if m := metric(RunnerTranspiled); m != nil && m.Results > 0 && m.MaxCompileNS == nil && metric(RunnerInterpSvc) != nil {
		be = "not computable: the transpiled runner reported no compile time (cached blobs without their recorded timings?)"
	}
	if v.BreakEvenWall != nil || v.BreakEvenGas != nil {
		be = fmt.Sprintf("median over %d programs: %s executions by wall time, %s by gas", max(len(walls), len(gases)), fmtOpt(v.BreakEvenWall, "%.1f"), fmtOpt(v.BreakEvenGas, "%.1f"))
		if never > 0 {
			be += fmt.Sprintf("; %d programs never break even (transpiled is not cheaper per execution)", never)
		}
	} else if never > 0 {
		be = fmt.Sprintf("never: on all %d programs the transpiled blob is not cheaper per execution", never)
	}
	v.Lines = append(v.Lines, VerdictLine{
		Question: "Executions after which transpiling pays off",
		Formula:  fmt.Sprintf("N = C / (cost_interp − cost_transpiled) per program, median over programs; wall: C = compile_ns, cost = median wall_ns; gas: C = compile_ns × %.0f gas/ns (gas ≈ cycles of a 3 GHz reference core), cost = median PVM gas (primary profile)", CompileGasPerNS),
		Answer:   primaryTag(s, be),
	})

	// 3. JAM limits.
	j := &v.JAM
	if m := metric(RunnerInterpSvc); m != nil {
		if m.MaxGas != nil {
			j.MaxInterpGas, j.MaxInterpGasCase = m.MaxGas, m.MaxGasCase
			j.FitsAccumulate = ptrB(*m.MaxGas <= JAM.AccumulateGas)
			j.FitsRefine = ptrB(*m.MaxGas <= JAM.RefineGas)
		}
		for _, a := range v.Approaches {
			if a.Runner == RunnerInterpSvc && a.WorstExecGasPerCU != nil && a.MaxFixedGas != nil {
				j.FullTxGas = ptrF(float64(*a.MaxFixedGas) + float64(JAM.MaxTxComputeUnits)**a.WorstExecGasPerCU)
				j.FullTxFitsAccumulate = ptrB(*j.FullTxGas <= float64(JAM.AccumulateGas))
				j.FullTxFitsRefine = ptrB(*j.FullTxGas <= float64(JAM.RefineGas))
			}
		}
		j.InterpBlobBytes = m.MaxBlobBytes
	}
	if m := metric(RunnerTranspiled); m != nil {
		j.MaxTranspiledBlob = m.MaxBlobBytes
	}
	if j.InterpBlobBytes != nil || j.MaxTranspiledBlob != nil {
		fits := true
		for _, b := range []*int64{j.InterpBlobBytes, j.MaxTranspiledBlob} {
			if b != nil && *b > JAM.MaxServiceCode {
				fits = false
			}
		}
		j.BlobsFitCodeSize = ptrB(fits)
	}
	jam := "not computable: " + runnerAbsence(s, RunnerInterpSvc)
	if j.MaxInterpGas != nil {
		jam = fmt.Sprintf("largest case %s needs %d gas: %s G_A = %d (accumulate), %s G_R = %d (refine)",
			j.MaxInterpGasCase, *j.MaxInterpGas, fitWord(*j.FitsAccumulate), JAM.AccumulateGas, fitWord(*j.FitsRefine), JAM.RefineGas)
		if j.FullTxGas != nil {
			jam += fmt.Sprintf("; a full %d-CU transaction at the worst marginal gas/CU needs %.3g gas: %s G_A, %s G_R",
				JAM.MaxTxComputeUnits, *j.FullTxGas, fitWord(*j.FullTxFitsAccumulate), fitWord(*j.FullTxFitsRefine))
		}
	}
	for _, pv := range v.OtherProfiles {
		if pv.MaxInterpGas != nil {
			jam += fmt.Sprintf("; under %s the largest case %s needs %d gas: %s G_A, %s G_R",
				pv.Profile, pv.MaxInterpGasCase, *pv.MaxInterpGas, fitWord(*pv.FitsAccumulate), fitWord(*pv.FitsRefine))
		}
	}
	v.Lines = append(v.Lines, VerdictLine{
		Question: "Does the interpreter service fit JAM's gas limits?",
		Formula: fmt.Sprintf("max_case gas_interp ≤ G_A (%d) and ≤ G_R (%d); full-budget gas = max fixed gas (outside execution) + %d CU × worst marginal gas/CU",
			JAM.AccumulateGas, JAM.RefineGas, JAM.MaxTxComputeUnits),
		Answer: primaryTag(s, jam),
	})
	size := "not computable: no runner reported a blob size"
	if j.BlobsFitCodeSize != nil {
		size = fmt.Sprintf("interpreter service %s bytes, largest transpiled blob %s bytes: %s W_C",
			fmtOptI(j.InterpBlobBytes), fmtOptI(j.MaxTranspiledBlob), fitWord(*j.BlobsFitCodeSize))
	}
	v.Lines = append(v.Lines, VerdictLine{
		Question: "Does the code fit a service?",
		Formula:  fmt.Sprintf("blob_bytes ≤ W_C = %d", JAM.MaxServiceCode),
		Answer:   size,
	})

	// 4. JIT.
	v.JIT.Overhead, v.JIT.ExecOverhead = gasOverhead(s, RunnerInterpSvc, RunnerTranspiled)
	if v.JIT.Overhead != nil {
		v.JIT.Worth = ptrB(*v.JIT.Overhead >= JITThreshold)
	}
	jit := "not computable: needs gas from both interp-svc and transpiled on the same cases"
	if v.JIT.Overhead != nil {
		if *v.JIT.Worth {
			jit = fmt.Sprintf("yes: the interpreter costs %.2f× the gas of translated code (execution phase %s×); a JIT service could cut gas by up to %.0f%%",
				*v.JIT.Overhead, fmtOpt(v.JIT.ExecOverhead, "%.2f"), 100*(1 - 1 / *v.JIT.Overhead))
		} else {
			jit = fmt.Sprintf("no: the interpreter costs only %.2f× the gas of translated code (execution phase %s×), below the %.1f× threshold",
				*v.JIT.Overhead, fmtOpt(v.JIT.ExecOverhead, "%.2f"), JITThreshold)
		}
	}
	for _, pv := range v.OtherProfiles {
		if pv.JITOverhead != nil {
			jit += fmt.Sprintf("; under %s the overhead is %.2f× (execution phase %s×)", pv.Profile, *pv.JITOverhead, fmtOpt(pv.JITExecOverhead, "%.2f"))
		}
	}
	v.Lines = append(v.Lines, VerdictLine{
		Question: "Is a JIT service worth building?",
		Formula:  fmt.Sprintf("overhead = median over cases of gas_interp / gas_transpiled; worth it when overhead ≥ %.1f (translated code approximates what a JIT would emit)", JITThreshold),
		Answer:   primaryTag(s, jit),
	})
	return v
}

// gasOverhead is the median over cases of gas_interp / gas_transpiled, for the totals
// and for the execution phase, between the two named runners.
func gasOverhead(s *Summary, interp, trans string) (total, exec *float64) {
	var ratios, execRatios []float64
	for i := range s.Cases {
		a, b := s.Cases[i].Result(interp), s.Cases[i].Result(trans)
		if a == nil || b == nil || a.Result == nil || b.Result == nil || a.Result.Gas == nil || b.Result.Gas == nil {
			continue
		}
		if b.Result.Gas.Total > 0 {
			ratios = append(ratios, float64(a.Result.Gas.Total)/float64(b.Result.Gas.Total))
		}
		if b.Result.Gas.Execute > 0 && a.Result.Gas.Execute > 0 {
			execRatios = append(execRatios, float64(a.Result.Gas.Execute)/float64(b.Result.Gas.Execute))
		}
	}
	if x, ok := median(ratios); ok {
		total = ptrF(x)
	}
	if x, ok := median(execRatios); ok {
		exec = ptrF(x)
	}
	return total, exec
}

// primaryTag prefixes an answer with the primary profile when the run has several,
// so that its figures are not mistaken for the other profiles'.
func primaryTag(s *Summary, answer string) string {
	if len(otherProfiles(s)) == 0 || s.Config.Profile == "" {
		return answer
	}
	return s.Config.Profile + " — " + answer
}

// otherProfiles lists the run's profiles after the primary one.
func otherProfiles(s *Summary) []string {
	var out []string
	for _, p := range s.Config.Profiles {
		if p != s.Config.Profile {
			out = append(out, p)
		}
	}
	return out
}

// runnerAbsence says why a runner has no numbers in this summary.
func runnerAbsence(s *Summary, n string) string {
	for _, r := range s.Runners {
		if r.Name == n {
			if !r.Available {
				return n + " unavailable: " + r.Reason
			}
			return n + " produced no results"
		}
	}
	return n + " not run"
}

func fitWord(b bool) string {
	if b {
		return "fits"
	}
	return "EXCEEDS"
}

func fmtOpt(x *float64, f string) string {
	if x == nil {
		return "n/a"
	}
	return fmt.Sprintf(f, *x)
}

func fmtOptI(x *int64) string {
	if x == nil {
		return "n/a"
	}
	return fmt.Sprintf("%d", *x)
}
