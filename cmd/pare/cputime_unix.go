//go:build unix

package main

import "syscall"

// cpuClock is the CPU time of the process (user and system, all threads)
// in seconds.
func cpuClock() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

const haveCPUClock = true
