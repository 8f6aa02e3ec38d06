//go:build !linux

package bench

// processCPU returns 0: CPU time is read on Linux only.
func processCPU() float64 { return 0 }
