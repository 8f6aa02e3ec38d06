package tensor

import "math"

// Softmax replaces each row of x by its softmax, in place:
//
//	x: [rows, n]
//	for r in rows:
//	    m = max_j x[r,j]
//	    e[j] = exp(x[r,j] - m);  s = Σ_j e[j]
//	    x[r,j] = e[j] / s
//
// Subtracting the row maximum keeps exp from overflowing. A row whose
// entries are all -Inf (every position masked) becomes all zeros rather
// than NaN, so a fully masked query contributes nothing. NaN inputs give
// NaN outputs.
func Softmax(x []float32, rows, n int) {
	checkRows("Softmax", rows, n, len(x))
	for r := 0; r < rows; r++ {
		softmaxRow(x[r*n : (r+1)*n])
	}
}

// softmaxRow is Softmax on one row.
func softmaxRow(x []float32) {
	if len(x) == 0 {
		return
	}
	m := maxF32(x)
	if math.IsInf(float64(m), -1) {
		// Every entry is -Inf (fully masked) or NaN.
		fill := float32(0)
		for _, v := range x {
			if v != v {
				fill = float32(math.NaN())
			}
		}
		for i := range x {
			x[i] = fill
		}
		return
	}
	s := expSubF32(x, m)
	scaleF32(1/s, x)
}

// scaledSoftmaxRow replaces x by softmax(scale·x), each product rounded to
// f32 first (PyTorch's scores·scaling, then softmax).
func scaledSoftmaxRow(x []float32, scale float32) {
	scaleF32(scale, x)
	softmaxRow(x)
}
