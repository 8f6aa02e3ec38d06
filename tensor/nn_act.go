package tensor

import "fmt"

// SiLU applies x·sigmoid(x) to every element of x, in place
// (Llama/Qwen MLP activation; DiT applies it to the conditioning vector).
//
//	x[i] = x[i] / (1 + exp(-x[i]))
func SiLU(x []float32) { siluF32(x) }

// GELUTanh applies the tanh approximation of GELU (PyTorch
// approximate="tanh", DiT's MLP) to every element of x, in place.
//
//	x[i] = 0.5·x[i]·(1 + tanh(√(2/π)·(x[i] + 0.044715·x[i]³)))
func GELUTanh(x []float32) { geluTanhF32(x) }

// SwiGLU computes the gated MLP activation of Llama/Qwen:
//
//	dst[i] = silu(gate[i]) · up[i]
//
// dst may alias gate or up; all three have len(dst) values.
func SwiGLU(dst, gate, up []float32) {
	n := len(dst)
	checkLen("SwiGLU", n, len(gate), len(up))
	swigluF32(dst, gate[:n], up[:n])
}

// AddBias adds bias to every row of x:
//
//	x: [rows, n]   bias: [n]
//	x[r,i] += bias[i]
func AddBias(x, bias []float32, rows, n int) {
	checkRows("AddBias", rows, n, len(x))
	checkLen("AddBias", n, len(bias))
	bias = bias[:n]
	for r := 0; r < rows; r++ {
		xr := x[r*n : (r+1)*n]
		for i := range xr {
			xr[i] += bias[i]
		}
	}
}

// Mul multiplies elementwise: dst[i] = a[i]·b[i] for i < len(dst).
// dst may alias a or b.
func Mul(dst, a, b []float32) {
	n := len(dst)
	checkLen("Mul", n, len(a), len(b))
	a, b = a[:n], b[:n]
	for i := range dst {
		dst[i] = a[i] * b[i]
	}
}

// Add adds elementwise (a residual connection): dst[i] = a[i] + b[i] for
// i < len(dst). dst may alias a or b.
func Add(dst, a, b []float32) {
	n := len(dst)
	checkLen("Add", n, len(a), len(b))
	a, b = a[:n], b[:n]
	for i := range dst {
		dst[i] = a[i] + b[i]
	}
}

// checkLen panics unless every length is at least n.
func checkLen(op string, n int, lens ...int) {
	for _, l := range lens {
		if l < n {
			panic(fmt.Sprintf("tensor: %s: slice of %d values, need %d", op, l, n))
		}
	}
}
