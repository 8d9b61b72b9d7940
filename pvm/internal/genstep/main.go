// Command genstep regenerates interp_step.go from interp.go (go generate in pvm/).
package main

import (
	"fmt"
	"os"

	"github.com/sbpf-pvm/sbpf-pvm/pvm/internal/stepgen"
)

func main() {
	src, err := os.ReadFile("interp.go")
	if err == nil {
		var out string
		if out, err = stepgen.Transform(string(src)); err == nil {
			err = os.WriteFile("interp_step.go", []byte(out), 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
