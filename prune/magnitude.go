package prune

import (
	"fmt"
	"math"
)

// Magnitude chooses the mask of a Linear weight w [out, in] by |W_ij|: in
// every row the int(in·Sparsity) smallest (ties in index order), or for N:M
// the N smallest of every group of M inputs. w is not changed; Apply zeroes
// the mask.
//
// The Wanda repository's magnitude baseline uses one threshold for the whole
// layer instead (every |W| at or below the int(numel·s)-th value), so its
// rows differ in sparsity; pare prunes each row alike, as Wanda does.
func Magnitude(w []float32, out, in int, p Pattern) (Mask, error) {
	if err := checkLayer(w, out, in, p); err != nil {
		return Mask{}, fmt.Errorf("magnitude: %w", err)
	}
	m := NewMask(out, in)
	maskRows(m, p, func(i int, dst []float32) {
		for j, v := range w[i*in : (i+1)*in] {
			dst[j] = abs32(v)
		}
	})
	return m, nil
}

// checkLayer validates a weight matrix and a pattern for it.
func checkLayer(w []float32, out, in int, p Pattern) error {
	if out <= 0 || in <= 0 {
		return fmt.Errorf("layer %dx%d: empty", out, in)
	}
	if len(w) != out*in {
		return fmt.Errorf("layer %dx%d: %d weights, want %d", out, in, len(w), out*in)
	}
	if err := p.check(out, in); err != nil {
		return err
	}
	for k, v := range w {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("layer %dx%d: weight (%d, %d) is %v", out, in, k/in, k%in, v)
		}
	}
	return nil
}

func abs32(v float32) float32 { return math.Float32frombits(math.Float32bits(v) &^ (1 << 31)) }
