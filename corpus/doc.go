// Package corpus holds sbpf-pvm's program corpus: the C SDK (sdk/), the programs
// (programs/, C and sBPF assembly), the cases (cases/**/*.yaml) and the case
// generator (tools/gencases). Build(dir) compiles every program with the project's
// own toolchain; the package's spec runs every case on the native runner and passes
// every diff through the node.
package corpus
