# sbpf-pvm — build, test, conformance and benchmarks.
# The two entry points a fresh machine needs are `make conformance` and `make test`;
# both install the C toolchain first (`make deps`).

GO        ?= go
BIN       := bin/sbpf-pvm
GOFLAGS   ?=
# Benchmarks: -count 6 gives benchstat enough samples; override with BENCHCOUNT=1 for a quick look.
BENCHCOUNT ?= 6
BENCHTIME  ?= 1s
REPORTS   ?= reports/runs/$(shell date -u +%Y%m%dT%H%M%SZ)

.PHONY: all deps build test fuzz bench corpus conformance transpile-report compare baseline vet fmt clean

all: build

## deps: install Debian's clang-19 and lld-19 when missing (idempotent)
deps:
	@bash scripts/deps.sh

## build: the CLI into bin/
build:
	$(GO) build $(GOFLAGS) -o $(BIN) ./cmd/sbpf-pvm

## corpus: build every corpus program (C and assembly) into .so files
corpus: deps build
	@if [ -f corpus/Makefile ]; then $(MAKE) -C corpus SBPF_PVM=$(abspath $(BIN)); else echo "corpus: no corpus/Makefile yet"; fi

## test: vet, then every Ginkgo suite through go test
test: deps
	$(GO) vet ./...
	$(GO) test $(GOFLAGS) -timeout 14m ./...

## fuzz: every fuzz target for FUZZTIME each (default 20s), e.g. FUZZTIME=2m make fuzz
fuzz: deps
	bash scripts/fuzz.sh

## bench: Go benchmarks, then `sbpf-pvm bench` over the corpus (one line per timed run:
## ns/op, CU/op, gas/op, gas/CU), all in benchstat-readable form in bench.txt
## (`benchstat -col /runner bench.txt` puts the runners side by side); BENCH_FLAGS adds
## flags to sbpf-pvm bench, e.g. BENCH_FLAGS='--repeat 3 --filter compute/*'.
bench: deps build corpus
	bash -o pipefail -c "$(GO) test $(GOFLAGS) -run '^$$' -bench . -benchmem -count $(BENCHCOUNT) -benchtime $(BENCHTIME) ./... | tee bench.txt"
	bash -o pipefail -c "$(BIN) bench --repeat $(BENCHCOUNT) --out $(REPORTS)-bench $(BENCH_FLAGS) | tee -a bench.txt"

## conformance: build everything, run the corpus on every runner, write the report
## (reports/runs/<timestamp>/ and reports/latest); CONFORMANCE_FLAGS adds flags,
## e.g. CONFORMANCE_FLAGS='--filter counter/*'
## The PVM runners run under both gas profiles (gp080, the verdict's, and gp072 as
## RUNNER@gp072); CONFORMANCE_FLAGS='--profile gp080' runs one.
## Compile times (break-even, transpile-time plot) of cached blobs are the ones recorded
## when they were built (build/transpiled/KEY.json); `make clean` measures them afresh.
conformance: deps build corpus
	$(BIN) conformance --out $(REPORTS) $(CONFORMANCE_FLAGS)

## transpile-report: issue 8's figures for the transpiled runner (gas/CU, compile time per
## phase per 100 KB of ELF in CPU and wall seconds, blob vs ELF size) at -O0 and -O2 under
## both gas profiles, every program compiled cold: the corpus, a realistic ~110 KB program
## (the corpus C programs x3, also run on every case's input) and a synthetic ~100 KB one.
## On the 2-core machine, -O2, CPU s/100 KB: corpus ~8, realistic ~6 (wall ~3, 4 units
## compiled concurrently), synthetic ~2.3. Writes reports/latest/transpile-report.md
## (about 6 minutes)
transpile-report: deps build corpus
	@mkdir -p reports/latest
	$(BIN) transpile-report --cases corpus/cases -O 0,2 --profiles gp072,gp080 --repeat 3 -o reports/latest/transpile-report.md

## compare: compare reports/latest with the committed baseline (new failures, gas +10%)
compare: build
	$(BIN) report compare reports/baseline/summary.json reports/latest/summary.json --md reports/latest/compare.md

## baseline: make the latest conformance run the baseline (compacted; commit it)
baseline: build
	$(BIN) report baseline reports/latest/summary.json reports/baseline/summary.json

vet:
	$(GO) vet ./...

fmt:
	gofmt -l -w $$(git ls-files '*.go')

clean:
	rm -rf bin build reports/runs reports/latest bench.txt
