//go:build !linux

package transpiled

import "time"

// threadCPU is not measured outside Linux (the CPU fields of Timings stay zero).
func threadCPU() time.Duration { return 0 }
