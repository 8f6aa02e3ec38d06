package prune

import (
	"fmt"
	"math"
)

// Wanda chooses the mask of a Linear weight w [out, in] by the score
// S_ij = |W_ij|·sqrt(s_j), s = st.ScalerRow() (the squared norm of input j
// over the calibration tokens): in every row the int(in·Sparsity) lowest
// scores (ties in index order, as the reference's stable sort), or for N:M
// the N lowest of every group of M inputs. Wanda updates no weight: w is
// not changed; Apply zeroes the mask.
//
// Scores are float32 like the reference: float32(|W_ij|) times
// float32(sqrt(s_j)).
func Wanda(w []float32, out, in int, st *NormStats, p Pattern) (Mask, error) {
	if err := checkLayer(w, out, in, p); err != nil {
		return Mask{}, fmt.Errorf("wanda: %w", err)
	}
	if st == nil || st.in != in {
		return Mask{}, fmt.Errorf("wanda: layer %dx%d: statistics for %d inputs", out, in, statsIn(st))
	}
	if st.samples == 0 {
		return Mask{}, fmt.Errorf("wanda: layer %dx%d: no calibration samples", out, in)
	}
	scale := make([]float32, in)
	for j, v := range st.ScalerRow() {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Mask{}, fmt.Errorf("wanda: layer %dx%d: input %d has a non-finite norm (%v): calibration activations overflowed", out, in, j, v)
		}
		scale[j] = float32(math.Sqrt(v))
	}
	m := NewMask(out, in)
	maskRows(m, p, func(i int, dst []float32) {
		for j, v := range w[i*in : (i+1)*in] {
			dst[j] = abs32(v) * scale[j]
		}
	})
	return m, nil
}

func statsIn(st *NormStats) int {
	if st == nil {
		return 0
	}
	return st.in
}
