//go:build purego || noasm || !(amd64 || arm64)

package simd

func f16ToF32(dst []float32, src []uint16)  { f16ToF32Generic(dst, src) }
func f32ToF16(dst []uint16, src []float32)  { f32ToF16Generic(dst, src) }
func bf16ToF32(dst []float32, src []uint16) { bf16ToF32Generic(dst, src) }
func f32ToBF16(dst []uint16, src []float32) { f32ToBF16Generic(dst, src) }
