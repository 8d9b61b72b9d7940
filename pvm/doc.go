// Package pvm is the Polkadot/JAM Virtual Machine: program blob formats (the Gray Paper
// program blob, the JAM standard program and polkavm's .polkavm container), standard
// program initialization, a pre-decoding interpreter with per-basic-block gas metering,
// paged memory with access rights, and a host-call interface.
//
// It implements two profiles (see ../shared/spec/pvm.md §0.2):
//
//   - GP072: Gray Paper v0.7.2 (tag v0.7.2, commit ab2cdbd5) opcode numbering, 1 gas per
//     instruction charged per basic block on entry (polkavm's "naive" cost model, as the
//     v0.4 test vectors expect);
//   - GP080: Gray Paper 0.8.0 draft (PR #508 head 96a14dd4) numbering = polkavm JamV1
//     (>= 0.31), with the pipeline-simulation gas cost model charged per basic block.
//
// A third profile, Latest64, is polkavm's Latest64 numbering (GP 0.7.2 numbers plus
// memset and unlikely) with the 0.8 cost model; the koute/new-gas-cost-model vectors use
// it. Where polkavm (e88d5b4f = v0.35.0) and the Gray Paper text disagree, the behaviour
// of the test vectors (and hence polkavm) wins unless a compatibility flag says otherwise.
package pvm
