// Command genstep regenerates interp_step.go and interp_perinsn.go from interp.go (go
// generate in pvm/).
package main

import (
	"fmt"
	"os"

	"github.com/sbpf-pvm/sbpf-pvm/pvm/internal/stepgen"
)

func main() {
	src, err := os.ReadFile("interp.go")
	for _, gen := range []struct {
		file string
		fn   func(string) (string, error)
	}{{"interp_step.go", stepgen.Transform}, {"interp_perinsn.go", stepgen.TransformPerInstruction}} {
		if err != nil {
			break
		}
		var out string
		if out, err = gen.fn(string(src)); err == nil {
			err = os.WriteFile(gen.file, []byte(out), 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
