package transpiled

import (
	"syscall"
	"time"
)

// threadCPU is the CPU time (user+system) of the calling OS thread so far; the caller
// locks its goroutine to the thread around the phases it measures.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
