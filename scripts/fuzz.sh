#!/usr/bin/env bash
# Runs every Go fuzz target of the module for FUZZTIME each (default 20s), one at a time
# (go test -fuzz takes one target per run). Stops at the first failure; the failing input
# is kept under the package's testdata/fuzz/ by go test.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime="${FUZZTIME:-20s}"
n=0
for pkg in $(go list ./...); do
	for target in $(go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
		echo "fuzz: $pkg $target ($fuzztime)"
		go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg"
		n=$((n + 1))
	done
done
echo "fuzz: $n targets, no failures"
