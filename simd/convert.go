package simd

// Conversions between float32 and the two 16-bit float formats pare stores
// weights and activations in. Values travel as raw uint16 bit patterns.
//
// IEEE half (binary16): 1 sign, 5 exponent, 10 mantissa bits. Every half is
// exactly a float32, so F16ToF32 is exact; F32ToF16 rounds to nearest, ties
// to even, gives ±Inf above the largest half (65504) and produces
// subnormal halves down to 2^-24. NaNs keep their sign and the top mantissa
// bits and come out quiet in both directions (what F16C and the arm64 FCVT
// instructions do).
//
// bfloat16: the top 16 bits of a float32 (1 sign, 8 exponent, 7 mantissa).
// BF16ToF32 is a 16-bit shift. F32ToBF16 rounds to nearest, ties to even,
// subnormals included (no flushing), exactly as PyTorch's
// tensor.to(torch.bfloat16) does for every non-NaN value; a NaN stays a
// quiet NaN with its sign and top mantissa bits (bits>>16 | 0x0040).
// PyTorch's own NaN pattern depends on its version and code path (0x7FC0
// or 0xFFFF).
//
// Each function converts len(src) values and panics if dst is shorter.
// The reference loops are
//
//	for i := range src { dst[i] = F16BitsToF32(src[i]) }   // F16ToF32
//	for i := range src { dst[i] = F32ToF16Bits(src[i]) }   // F32ToF16
//	for i := range src { dst[i] = BF16BitsToF32(src[i]) }  // BF16ToF32
//	for i := range src { dst[i] = F32ToBF16Bits(src[i]) }  // F32ToBF16
//
// and the fast paths (F16C and AVX-512 on amd64, NEON on arm64) give the
// same bits.

// F16ToF32 converts IEEE half bit patterns to float32.
func F16ToF32(dst []float32, src []uint16) {
	if len(dst) < len(src) {
		panic("simd: F16ToF32: dst shorter than src")
	}
	f16ToF32(dst[:len(src)], src)
}

// F32ToF16 converts float32 values to IEEE half bit patterns, rounding to
// nearest even.
func F32ToF16(dst []uint16, src []float32) {
	if len(dst) < len(src) {
		panic("simd: F32ToF16: dst shorter than src")
	}
	f32ToF16(dst[:len(src)], src)
}

// BF16ToF32 converts bfloat16 bit patterns to float32.
func BF16ToF32(dst []float32, src []uint16) {
	if len(dst) < len(src) {
		panic("simd: BF16ToF32: dst shorter than src")
	}
	bf16ToF32(dst[:len(src)], src)
}

// F32ToBF16 converts float32 values to bfloat16 bit patterns, rounding to
// nearest even.
func F32ToBF16(dst []uint16, src []float32) {
	if len(dst) < len(src) {
		panic("simd: F32ToBF16: dst shorter than src")
	}
	f32ToBF16(dst[:len(src)], src)
}
