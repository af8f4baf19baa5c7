//go:build unix

package tabular

import "syscall"

// cpuSeconds returns the CPU time (user + system) the process has used,
// which, unlike wall time, is not inflated by other processes on a busy
// machine.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
