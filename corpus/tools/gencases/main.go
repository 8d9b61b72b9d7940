// Command gencases writes the corpus cases (corpus/cases/**/*.yaml) from package
// corpus/gen. Run from the repository root: go run ./corpus/tools/gencases [DIR]
package main

import (
	"fmt"
	"os"

	"github.com/sbpf-pvm/sbpf-pvm/corpus/gen"
)

func main() {
	dir := "corpus/cases"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	n, err := gen.Write(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencases:", err)
		os.Exit(1)
	}
	fmt.Printf("gencases: %d cases in %s\n", n, dir)
}
