package simd_test

import (
	"fmt"

	"github.com/pare-ml/pare/simd"
)

func ExampleDotBF16() {
	a := make([]uint16, 3)
	b := make([]uint16, 3)
	simd.F32ToBF16(a, []float32{1, 2, 3})
	simd.F32ToBF16(b, []float32{4, 5, 6})
	fmt.Println(simd.DotBF16(a, b))
	// Output: 32
}
