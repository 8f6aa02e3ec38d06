package tensor_test

import (
	"fmt"

	"github.com/pare-ml/pare/tensor"
)

// A Linear layer's forward pass: two tokens (rows of x) through a weight
// laid out [out, in] = [3, 2].
func ExampleGemmF32() {
	x := []float32{
		1, 2,
		3, 4,
	}
	w := []float32{
		1, 0,
		0, 1,
		1, 1,
	}
	y := make([]float32, 2*3)
	tensor.GemmF32(2, 3, 2, x, 2, w, 2, y, 3)
	fmt.Println(y[:3], y[3:])
	// Output: [1 2 3] [3 4 7]
}

// A weight used for many products is packed once.
func ExamplePackF32() {
	w := []float32{
		1, 0,
		0, 1,
		1, 1,
	}
	p := tensor.PackF32(w, 3, 2)
	y := make([]float32, 3)
	for _, x := range [][]float32{{1, 2}, {3, 4}} {
		p.Gemm(1, x, 2, y, 3)
		fmt.Println(y)
	}
	// Output:
	// [1 2 3]
	// [3 4 7]
}
