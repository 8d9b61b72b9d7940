//go:build !unix

package pvm_test

func cpuSeconds() float64 { return 0 }
