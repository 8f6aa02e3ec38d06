package bench

import "github.com/pare-ml/pare/simd"

// kernels lists the path each operation takes now.
func kernels() []Kernel {
	return []Kernel{
		{"simd", simd.CPU.Level.String()},
	}
}
