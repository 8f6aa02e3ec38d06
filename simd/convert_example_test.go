package simd_test

import (
	"fmt"

	"github.com/pare-ml/pare/simd"
)

func ExampleF32ToF16() {
	src := []float32{1, -2.5, 65504, 70000, 1e-8}
	h := make([]uint16, len(src))
	simd.F32ToF16(h, src)
	back := make([]float32, len(h))
	simd.F16ToF32(back, h)
	fmt.Printf("%#04x\n%v\n", h, back)
	// Output:
	// [0x3c00 0xc100 0x7bff 0x7c00 0x0000]
	// [1 -2.5 65504 +Inf 0]
}

func ExampleF32ToBF16() {
	src := []float32{1, 3.14159, -0.1}
	b := make([]uint16, len(src))
	simd.F32ToBF16(b, src)
	back := make([]float32, len(b))
	simd.BF16ToF32(back, b)
	fmt.Printf("%#04x\n%v\n", b, back)
	// Output:
	// [0x3f80 0x4049 0xbdcd]
	// [1 3.140625 -0.100097656]
}
