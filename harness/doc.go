// Package harness drives the sbpf-pvm runners over the corpus and turns what they
// produce into a verdict: it loads and shards the cases, runs every case on every
// selected runner in parallel (output order stays deterministic), passes each state
// diff through the node layer, compares the Results field by field, measures gas, wall
// time and sizes, and writes summary.json, report.md, a self-contained report.html,
// plots and JUnit XML.
//
// Runners are wired in by name through Register; the CLI (cmd/sbpf-pvm) registers the
// runner packages that exist.
package harness
