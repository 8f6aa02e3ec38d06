//go:build !unix

package main

// cpuClock is unavailable here; --clock cpu is refused.
func cpuClock() float64 { return 0 }

const haveCPUClock = false
