package bench

import "golang.org/x/sys/unix"

// processCPU returns the CPU time (user + system, all threads) this
// process has used, in seconds, or 0 where the system does not say.
func processCPU() float64 {
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_PROCESS_CPUTIME_ID, &ts) != nil {
		return 0
	}
	return float64(ts.Sec) + float64(ts.Nsec)/1e9
}
