package tensor

import "math"

// TimestepEmbedding writes DiT's sinusoidal embedding of each timestep
// (facebookresearch/DiT TimestepEmbedder.timestep_embedding):
//
//	t: [n]   dst: [n, dim]   half = dim/2
//	freq[i] = exp(-ln(maxPeriod)·i / half)           for i < half
//	dst[r, i]      = cos(t[r]·freq[i])
//	dst[r, half+i] = sin(t[r]·freq[i])
//	dst[r, dim-1]  = 0                                if dim is odd
//
// The arithmetic follows PyTorch's f32 evaluation step by step
// (f32(-ln maxPeriod)·i, then / half, then exp, then the f32 product with
// t); exp, cos and sin are evaluated in f64 and rounded to f32. DiT uses
// maxPeriod 10000 and dim 256.
func TimestepEmbedding(dst []float32, t []float32, dim int, maxPeriod float64) {
	checkRows("TimestepEmbedding", len(t), dim, len(dst))
	half := dim / 2
	freq := make([]float32, half)
	c := float32(-math.Log(maxPeriod))
	for i := range freq {
		e := float32(c*float32(i)) / float32(half)
		freq[i] = float32(math.Exp(float64(e)))
	}
	for r, tr := range t {
		row := dst[r*dim : (r+1)*dim]
		for i, f := range freq {
			a := float64(tr * f)
			row[i] = float32(math.Cos(a))
			row[half+i] = float32(math.Sin(a))
		}
		if dim%2 == 1 {
			row[dim-1] = 0
		}
	}
}

// Modulate applies DiT's adaLN modulation to rows that share one
// conditioning vector:
//
//	x, dst: [rows, dim]   shift, scale: [dim]
//	dst[r,i] = x[r,i]·(1 + scale[i]) + shift[i]
//
// dst may alias x. Each step is rounded to f32 as PyTorch does (no fused
// multiply-add).
func Modulate(dst, x, shift, scale []float32, rows, dim int) {
	checkRows("Modulate", rows, dim, len(dst), len(x))
	checkLen("Modulate", dim, len(shift), len(scale))
	shift, scale = shift[:dim], scale[:dim]
	for r := 0; r < rows; r++ {
		xr, dr := x[r*dim:(r+1)*dim], dst[r*dim:(r+1)*dim]
		for i, v := range xr {
			dr[i] = float32(v*(1+scale[i])) + shift[i]
		}
	}
}

// GatedAdd adds a gated branch to the residual stream, DiT's
// x = x + gate·branch:
//
//	x, y: [rows, dim]   gate: [dim]
//	x[r,i] += gate[i]·y[r,i]
//
// Each step is rounded to f32 as PyTorch does (no fused multiply-add).
func GatedAdd(x, gate, y []float32, rows, dim int) {
	checkRows("GatedAdd", rows, dim, len(x), len(y))
	checkLen("GatedAdd", dim, len(gate))
	gate = gate[:dim]
	for r := 0; r < rows; r++ {
		xr, yr := x[r*dim:(r+1)*dim], y[r*dim:(r+1)*dim]
		for i, v := range yr {
			xr[i] += float32(gate[i] * v)
		}
	}
}
