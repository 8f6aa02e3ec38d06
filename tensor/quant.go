package tensor

import (
	"fmt"
	"sync"

	"github.com/pare-ml/pare/simd"
)

// Int8Weights is a weight matrix [N out, K in] quantized to int8 with one
// symmetric scale per output row: W[j][k] ≈ float32(Q[j*K+k])·Scale[j].
// QuantizeInt8 uses scale = max|W[j]|/127 and q = RoundToEven(w·127/max|W[j]|)
// (see simd.QuantizeS8), so codes lie in [-127, 127]; NewInt8Weights also
// accepts -128.
//
// The GEMM reads a packed copy made once from Q (by the constructors, or on
// first use for a value built by hand). Q and Scale must not change after
// that.
type Int8Weights struct {
	N, K  int
	Q     []int8    // N×K codes, row-major
	Scale []float32 // N per-row scales

	once   sync.Once
	panels []int8    // simd.PackS8B layout
	scales []float32 // Scale padded with zeros to 16·simd.S8Panels(N)
}

// QuantizeInt8 quantizes the n×k row-major matrix w (PyTorch Linear layout:
// one row per output) per row. It panics if len(w) != n·k.
func QuantizeInt8(w []float32, n, k int) *Int8Weights {
	if n < 0 || k < 0 || len(w) != n*k {
		panic(fmt.Sprintf("tensor: QuantizeInt8: %d values for a %d×%d matrix", len(w), n, k))
	}
	q := &Int8Weights{N: n, K: k, Q: make([]int8, n*k), Scale: make([]float32, n)}
	QuantizeRowsInt8(q.Q, q.Scale, w, n, k, k)
	q.pack()
	return q
}

// NewInt8Weights wraps codes and per-row scales (not copied). It panics if
// the lengths do not match n and k.
func NewInt8Weights(q []int8, scale []float32, n, k int) *Int8Weights {
	if n < 0 || k < 0 || len(q) != n*k || len(scale) != n {
		panic(fmt.Sprintf("tensor: NewInt8Weights: %d codes and %d scales for a %d×%d matrix", len(q), len(scale), n, k))
	}
	w := &Int8Weights{N: n, K: k, Q: q, Scale: scale}
	w.pack()
	return w
}

// Dequantize returns the n×k float32 matrix float32(Q)·Scale.
func (w *Int8Weights) Dequantize() []float32 {
	out := make([]float32, w.N*w.K)
	for j := 0; j < w.N; j++ {
		s := w.Scale[j]
		row := out[j*w.K : (j+1)*w.K]
		for i, v := range w.Q[j*w.K : (j+1)*w.K] {
			row[i] = float32(v) * s
		}
	}
	return out
}

// pack builds the packed panels once.
func (w *Int8Weights) pack() {
	w.once.Do(func() {
		if len(w.Q) != w.N*w.K || len(w.Scale) != w.N {
			panic(fmt.Sprintf("tensor: Int8Weights: %d codes and %d scales for a %d×%d matrix", len(w.Q), len(w.Scale), w.N, w.K))
		}
		np := simd.S8Panels(w.N)
		w.panels = make([]int8, np*simd.S8PanelLen(w.K))
		simd.PackS8B(w.panels, w.Q, w.K, w.N, w.K)
		w.scales = make([]float32, 16*np)
		copy(w.scales, w.Scale)
	})
}

// QuantizeRowsInt8 quantizes the m rows of a (row stride lda, k columns)
// symmetrically per row, as activations are quantized per token: codes go
// to q (row stride k) and scales to scales[:m]. For each row,
// scale = max|a|/127 and q = clamp(RoundToEven(a·(127/max|a|)), -127, 127)
// (round half to even, as simd.QuantizeS8); an all-zero row gets scale 0
// and zero codes, never NaN. Inputs must be finite.
func QuantizeRowsInt8(q []int8, scales []float32, a []float32, m, k, lda int) {
	if m <= 0 {
		return
	}
	if k < 0 || lda < k || len(a) < (m-1)*lda+k || len(q) < m*k || len(scales) < m {
		panic(fmt.Sprintf("tensor: QuantizeRowsInt8: bad sizes m=%d k=%d lda=%d len(a)=%d len(q)=%d len(scales)=%d",
			m, k, lda, len(a), len(q), len(scales)))
	}
	const rowsPerItem = 16
	Parallel((m+rowsPerItem-1)/rowsPerItem, 0, func(it int) {
		for i := it * rowsPerItem; i < min(m, (it+1)*rowsPerItem); i++ {
			scales[i] = simd.QuantizeS8(q[i*k:(i+1)*k], a[i*lda:i*lda+k])
		}
	})
}
