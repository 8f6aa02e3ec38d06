package bench

import (
	"github.com/pare-ml/pare/simd"
	"github.com/pare-ml/pare/tensor"
)

// kernels lists the path each operation takes now.
func kernels() []Kernel {
	return []Kernel{
		{"dot/axpy", simd.CPU.Level.String()},
		{"gemm f32", tensor.GemmF32Path()},
		{"gemm bf16", tensor.GemmBF16Path()},
		{"gemm int8", tensor.GemmInt8Path()},
		{"gemm int4", tensor.GemmInt4Path()},
		{"f16<->f32", convertPath()},
	}
}

func convertPath() string {
	switch {
	case simd.CPU.Level == simd.AVX512:
		return "avx512"
	case simd.CPU.F16C:
		return "f16c"
	case simd.CPU.Level == simd.NEON:
		return "neon"
	}
	return "generic"
}
