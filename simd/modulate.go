package simd

// Row operations of a DiT block with adaLN: the residual update of a gated
// branch and the layer norm with modulation that feeds the next branch.

// GatedAdd adds a gated branch with its bias to a residual row:
//
//	x[i] += gate[i]·(y[i] + bias[i])
//
// gate, y and bias must be at least len(x) long. SIMD levels use a fused
// multiply-add for the update; the reference (gatedAddGeneric) rounds the
// product first, as PyTorch does.
func GatedAdd(x, gate, y, bias []float32) {
	n := len(x)
	if n == 0 {
		return
	}
	gatedAdd(x, gate[:n], y[:n], bias[:n])
}

// LayerNormModulate normalises a row and modulates it, DiT's
// modulate(layernorm(x), shift, scale) with scale1 = 1 + scale:
//
//	mean = Σ x[i] / n
//	c[i] = x[i] − mean
//	inv  = 1 / sqrt(Σ c[i]² / n + eps)
//	dst[i] = (c[i]·inv)·scale1[i] + shift[i]
//
// (LayerNorm without affine parameters, population variance of the
// centred row.) shift and scale1 must be at least len(x) long and dst as
// long as x; dst may be x. The sums run in f32 in a fixed order for a
// given length and level; SIMD levels handle lengths that are a multiple
// of their width (16 for AVX-512, 8 for AVX2) and use fused multiply-adds,
// other lengths take the reference, layerNormModulateGeneric.
func LayerNormModulate(dst, x, shift, scale1 []float32, eps float32) {
	n := len(x)
	if n == 0 {
		return
	}
	layerNormModulate(dst[:n], x, shift[:n], scale1[:n], eps)
}
