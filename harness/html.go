package harness

import (
	"bytes"
	"encoding/base64"
	"html/template"
)

// htmlTmpl is report.html: one file, no external resources (styles inline, plots as
// base64 PNG data URIs), so it can be attached to a CI run and opened anywhere.
var htmlTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"cell":   cell,
	"optF":   fmtOpt,
	"optI":   fmtOptI,
	"optNS":  fmtOptNS,
	"optDur": fmtOptDur,
	"ns":     func(x int64) string { return fmtNS(float64(x)) },
	"dataURI": func(b []byte) template.URL {
		return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(b))
	},
	"result": func(c *CaseReport, r string) *CaseResult { return c.Result(r) },
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>sbpf-pvm {{.S.Command}} report</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: left; }
th { background: #f0f0f0; }
pre { background: #f7f7f7; padding: 0.5em; overflow-x: auto; }
code { font-size: 0.9em; }
.pass { color: #070; } .fail { color: #b00; }
.agree { background: #efe; } .disagree, .error { background: #fee; } .expect-failed { background: #ffe; }
img { max-width: 100%; border: 1px solid #ddd; }
</style>
</head>
<body>
<h1>sbpf-pvm {{.S.Command}} report</h1>
<p class="{{if .S.Totals.Failed}}fail{{else}}pass{{end}}"><strong>{{.Headline}}</strong></p>
<p>Started {{.S.StartedAt}}, took {{ns .S.DurationNS}}. Corpus <code>{{.S.Config.Corpus}}</code>, shard {{.S.Config.Shard}}, profile {{.Profiles}},
{{.S.Config.Repeat}} timed runs after {{.S.Config.Warmup}} warm-up, {{.S.Config.Jobs}} jobs.
Go {{.S.Environment.GoVersion}} {{.S.Environment.GOOS}}/{{.S.Environment.GOARCH}}, {{.S.Environment.NumCPU}} CPUs, commit <code>{{.S.Environment.Commit}}</code>.</p>

<h2>Runners</h2>
<table>
<tr><th>runner</th><th>available</th><th>reason</th></tr>
{{range .S.Runners}}<tr><td>{{.Name}}</td><td>{{if .Available}}yes{{else}}<strong>no</strong>{{end}}</td><td>{{.Reason}}</td></tr>
{{end}}</table>
{{if .S.Config.Reference}}<p>Reference runner: <code>{{.S.Config.Reference}}</code>.</p>{{end}}

<h2>Verdict</h2>
<table>
<tr><th>question</th><th>formula</th><th>answer</th></tr>
{{range .S.Verdict.Lines}}<tr><td>{{.Question}}</td><td><code>{{.Formula}}</code></td><td>{{.Answer}}</td></tr>
{{end}}</table>
{{with .GasRows}}<h3>Gas per CU by profile</h3>
<table>
<tr><th>profile</th><th>approach</th><th>runner</th><th>cases</th><th>median gas/CU</th><th>worst gas/CU</th><th>marginal median</th><th>marginal worst</th><th>median gas</th><th>max gas</th></tr>
{{range .}}<tr><td>{{.Profile}}</td><td>{{.Approach}}</td><td>{{.Runner}}</td><td>{{.Cases}}</td><td>{{optF .MedianGasPerCU "%.2f"}}</td><td>{{optF .WorstGasPerCU "%.2f"}}</td><td>{{optF .MedianExecGasPerCU "%.2f"}}</td><td>{{optF .WorstExecGasPerCU "%.2f"}}</td><td>{{optF .MedianGas "%.0f"}}</td><td>{{optI .MaxGas}}</td></tr>
{{end}}</table>{{end}}

<h2>Disagreements and failed expectations</h2>
{{$none := true}}{{range .Cases}}{{if not .OK}}{{$none = false}}
<h3>{{.Name}} — {{.Outcome}}</h3>
<ul>
{{range .Results}}{{if .HarnessError}}<li>{{.Runner}} could not run it: {{.HarnessError}}</li>
{{end}}{{end}}{{range .Mismatches}}<li><code>{{.Field}}</code>: {{.A}} = {{.AValue}}, {{.B}} = {{.BValue}}{{if .Offset}} (first difference at byte {{.Offset}}){{end}}
{{if .Window}}<pre>{{.Window}}</pre>{{end}}</li>
{{end}}</ul>
{{if .Repro}}<p>Reproduce: <code>{{.Repro}}</code></p>{{end}}
{{end}}{{end}}{{if $none}}<p>None.</p>{{end}}

<h2>Cases</h2>
<table>
<tr><th>case</th><th>outcome</th>{{range .S.Metrics}}<th>{{.Runner}}</th>{{end}}</tr>
{{range $c := .Cases}}<tr class="{{$c.Outcome}}"><td>{{$c.Name}}</td><td>{{$c.Outcome}}</td>{{range $.S.Metrics}}<td>{{cell (result $c .Runner)}}</td>{{end}}</tr>
{{end}}</table>

<h2>Metrics by runner</h2>
<table>
<tr><th>runner</th><th>results</th><th>median wall</th><th>total CU</th><th>median gas/CU</th><th>worst gas/CU</th><th>median gas</th><th>max gas</th><th>median ELF-load gas</th><th>max blob bytes</th><th>max compile</th></tr>
{{range .S.Metrics}}<tr><td>{{.Runner}}</td><td>{{.Results}}</td><td>{{ns .MedianWallNS}}</td><td>{{.TotalCU}}</td><td>{{optF .MedianGasPerCU "%.2f"}}</td><td>{{optF .WorstGasPerCU "%.2f"}}</td><td>{{optF .MedianGas "%.0f"}}</td><td>{{optI .MaxGas}}</td><td>{{optF .MedianLoadGas "%.0f"}}</td><td>{{optI .MaxBlobBytes}}</td><td>{{optNS .MaxCompileNS}}</td></tr>
{{end}}</table>

<h3>PVM gas by phase (medians over the cases that report the phase)</h3>
<table>
<tr><th>runner</th><th>ELF load</th><th>serialize</th><th>execute</th><th>diff</th></tr>
{{range .S.Metrics}}{{if .MedianGas}}<tr><td>{{.Runner}}</td><td>{{optF .MedianLoadGas "%.0f"}}</td><td>{{optF .MedianSerializeGas "%.0f"}}</td><td>{{optF .MedianExecuteGas "%.0f"}}</td><td>{{optF .MedianDiffGas "%.0f"}}</td></tr>
{{end}}{{end}}</table>

<h2>Programs</h2>
<table>
<tr><th>program</th><th>text bytes</th><th>cases</th><th>runner</th><th>median gas/CU</th><th>median gas</th><th>median wall</th><th>blob bytes</th><th>compile</th><th>break-even (wall)</th><th>break-even (gas)</th></tr>
{{range $p := .S.Programs}}{{range $p.Runners}}<tr><td>{{$p.Program}}</td><td>{{$p.TextBytes}}</td><td>{{$p.Cases}}</td><td>{{.Runner}}</td><td>{{optF .MedianGasPerCU "%.2f"}}</td><td>{{optF .MedianGas "%.0f"}}</td><td>{{optDur .MedianWallNS}}</td><td>{{optI .BlobBytes}}</td><td>{{optNS .CompileNS}}</td><td>{{optF $p.BreakEvenWall "%.1f"}}</td><td>{{optF $p.BreakEvenGas "%.1f"}}</td></tr>
{{end}}{{end}}</table>

<h2>Plots</h2>
{{range .Plots}}<h3>{{.Title}}</h3>
<p><img alt="{{.Title}}" src="{{dataURI .PNGBytes}}"></p>
{{end}}
</body>
</html>
`))

// PNGBytes is the rendered PNG, for embedding.
func (p PlotFile) PNGBytes() []byte { return p.png }

// HTML renders report.html.
func HTML(s *Summary, plots []PlotFile) ([]byte, error) {
	cases := make([]*CaseReport, len(s.Cases))
	for i := range s.Cases {
		cases[i] = &s.Cases[i]
	}
	var buf bytes.Buffer
	err := htmlTmpl.Execute(&buf, struct {
		S        *Summary
		Cases    []*CaseReport
		Headline string
		Plots    []PlotFile
		Profiles string
		GasRows  []GasProfileRow
	}{s, cases, Headline(s), plots, ProfilesText(s), GasByProfile(s)})
	return buf.Bytes(), err
}
