//go:build !unix

package bench

// processCPU returns 0: this system has no getrusage.
func processCPU() float64 { return 0 }
