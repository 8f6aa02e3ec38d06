package simd_test

import (
	"fmt"

	"github.com/pare-ml/pare/simd"
)

func ExampleDot() {
	x := []float32{1, 2, 3, 4, 5}
	y := []float32{5, 4, 3, 2, 1}
	fmt.Println(simd.Dot(x, y))
	// Output: 35
}

func ExampleAxpy() {
	x := []float32{1, 2, 3}
	y := []float32{10, 20, 30}
	simd.Axpy(0.5, x, y)
	fmt.Println(y)
	// Output: [10.5 21 31.5]
}

func ExampleScale() {
	x := []float32{1, -2, 3}
	simd.Scale(2, x)
	fmt.Println(x)
	// Output: [2 -4 6]
}

func ExampleAdd() {
	a := []float32{1, 2, 3}
	b := []float32{0.5, 0.5, 0.5}
	simd.Add(a, a, b) // in place
	fmt.Println(a)
	// Output: [1.5 2.5 3.5]
}
