//go:build purego || noasm || !amd64

package simd

// No NEON version yet: the quantization loops are O(m·k) beside the GEMM's
// O(m·n·k), and the Go reference is used on arm64 and wasm.

func absMaxF32(x []float32) float32 { return absMaxF32Generic(x) }

func quantizeS8(q []int8, x []float32, inv float32) int32 { return quantizeS8Generic(q, x, inv) }
