package tensor

import (
	"fmt"
	"math"
)

// RMSNorm normalizes each row of x by its root mean square and scales it by
// weight, as Llama/Qwen's RMSNorm (HF LlamaRMSNorm, computed in f32):
//
//	x, dst: [rows, dim]   weight: [dim]
//	for r in rows:
//	    ms  = Σ_i x[r,i]² / dim
//	    inv = 1 / sqrt(ms + eps)
//	    dst[r,i] = (x[r,i] · inv) · weight[i]
//
// dst may alias x. A nil weight means all ones (a norm without affine
// parameters). Qwen3's per-head q/k norms are this with rows = tokens·heads
// and dim = headDim.
func RMSNorm(dst, x, weight []float32, rows, dim int, eps float32) {
	checkRows("RMSNorm", rows, dim, len(dst), len(x))
	if weight != nil && len(weight) < dim {
		panic(fmt.Sprintf("tensor: RMSNorm weight has %d values, need %d", len(weight), dim))
	}
	for r := 0; r < rows; r++ {
		xr := x[r*dim : (r+1)*dim]
		dr := dst[r*dim : (r+1)*dim]
		ms := dotF32(xr, xr) / float32(dim)
		inv := rsqrtF32(ms + eps)
		if weight == nil {
			for i, v := range xr {
				dr[i] = v * inv
			}
			continue
		}
		w := weight[:dim]
		for i, v := range xr {
			dr[i] = float32(v*inv) * w[i]
		}
	}
}

// LayerNorm normalizes each row of x to zero mean and unit (population)
// variance, then applies the optional affine weight and bias, as
// torch.nn.LayerNorm:
//
//	x, dst: [rows, dim]   weight, bias: [dim] or nil
//	for r in rows:
//	    mean = Σ_i x[r,i] / dim
//	    var  = Σ_i (x[r,i] - mean)² / dim
//	    inv  = 1 / sqrt(var + eps)
//	    dst[r,i] = ((x[r,i] - mean) · inv) · weight[i] + bias[i]
//
// A nil weight means ones and a nil bias means zeros (DiT's blocks use
// elementwise_affine=False with eps 1e-6). dst may alias x. The variance is
// computed in two passes over the row, which avoids the cancellation of
// E[x²] - E[x]².
func LayerNorm(dst, x, weight, bias []float32, rows, dim int, eps float32) {
	checkRows("LayerNorm", rows, dim, len(dst), len(x))
	if (weight != nil && len(weight) < dim) || (bias != nil && len(bias) < dim) {
		panic(fmt.Sprintf("tensor: LayerNorm weight/bias have %d/%d values, need %d", len(weight), len(bias), dim))
	}
	for r := 0; r < rows; r++ {
		xr := x[r*dim : (r+1)*dim]
		dr := dst[r*dim : (r+1)*dim]
		mean := sumF32(xr) / float32(dim)
		for i, v := range xr {
			dr[i] = v - mean // centred row, kept in dst
		}
		variance := dotF32(dr, dr) / float32(dim)
		inv := rsqrtF32(variance + eps)
		scaleF32(inv, dr)
		if weight != nil {
			w := weight[:dim]
			for i := range dr {
				dr[i] *= w[i]
			}
		}
		if bias != nil {
			b := bias[:dim]
			for i := range dr {
				dr[i] += b[i]
			}
		}
	}
}

// rsqrtF32 returns 1/sqrt(v) rounded to f32 (computed in f64).
func rsqrtF32(v float32) float32 {
	return float32(1 / math.Sqrt(float64(v)))
}

// checkRows panics unless every length holds rows·dim values.
func checkRows(op string, rows, dim int, lens ...int) {
	if rows < 0 || dim < 0 {
		panic(fmt.Sprintf("tensor: %s: negative size %d×%d", op, rows, dim))
	}
	for _, n := range lens {
		if n < rows*dim {
			panic(fmt.Sprintf("tensor: %s: slice of %d values, need %d×%d", op, n, rows, dim))
		}
	}
}
