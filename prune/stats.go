package prune

import (
	"fmt"

	"github.com/pare-ml/pare/tensor"
)

// NormStats collects Wanda's input statistics for one Linear layer: per
// input column j the sum over all calibration tokens of x_j², in float64.
//
// The reference (Wanda's WrappedGPT.add_batch) keeps scaler_row, a running
// mean over samples (calibration sequences) of Σ_tokens x_j², in float32.
// NormStats keeps the exact float64 sum and divides by the sample count in
// ScalerRow, which is the same number with less rounding. Any positive
// common scale of the statistics multiplies every score of the layer by the
// same factor, so it changes no mask; only the per-column ratios matter.
type NormStats struct {
	in      int
	sumSq   []float64
	samples int
	tokens  int
}

// NewNormStats returns empty statistics for a layer with in inputs.
func NewNormStats(in int) *NormStats {
	return &NormStats{in: in, sumSq: make([]float64, in)}
}

// Add adds one calibration sample: x [rows, in] row-major holds the layer's
// input for the rows tokens of one sequence (the reference's hooks see
// one sequence per forward pass). A length mismatch panics.
func (s *NormStats) Add(x []float32, rows int) { s.AddBatch(x, rows, 1) }

// AddBatch adds x [rows, in] holding samples sequences (rows/samples
// tokens each, though only the totals matter).
func (s *NormStats) AddBatch(x []float32, rows, samples int) {
	if rows < 0 || samples < 0 || len(x) != rows*s.in {
		panic(fmt.Sprintf("prune: NormStats.Add: %d values for %d rows of %d", len(x), rows, s.in))
	}
	// Columns in parallel; each column sums its tokens in order, so the
	// result does not depend on the split.
	const cols = 512
	tensor.Parallel((s.in+cols-1)/cols, 0, func(it int) {
		j0 := it * cols
		j1 := min(j0+cols, s.in)
		acc := s.sumSq[j0:j1]
		for t := 0; t < rows; t++ {
			for j, v := range x[t*s.in+j0 : t*s.in+j1] {
				acc[j] += float64(v) * float64(v) // exact product, one rounding
			}
		}
	})
	s.samples += samples
	s.tokens += rows
}

// In is the number of inputs.
func (s *NormStats) In() int { return s.in }

// Samples is the number of samples added.
func (s *NormStats) Samples() int { return s.samples }

// Tokens is the number of rows (tokens) added.
func (s *NormStats) Tokens() int { return s.tokens }

// SumSq returns Σ_tokens x_j² per input column (a copy).
func (s *NormStats) SumSq() []float64 { return append([]float64(nil), s.sumSq...) }

// ScalerRow returns the reference's scaler_row: the mean over samples of
// Σ_tokens x_j², i.e. ‖X_j‖²/samples. Wanda scores W_ij by |W_ij|·sqrt of it.
// It is nil before any sample.
func (s *NormStats) ScalerRow() []float64 {
	if s.samples == 0 {
		return nil
	}
	r := make([]float64, s.in)
	for j, v := range s.sumSq {
		r[j] = v / float64(s.samples)
	}
	return r
}
