package prune

import (
	"slices"
	"testing"
)

// A 2048x2048 layer with 256 calibration rows of 2048 inputs, to compare
// with PyTorch's SparseGPT and Wanda on the same shapes.
const benchOut, benchIn, benchRows = 2048, 2048, 256

func benchLayer(b *testing.B) ([]float32, []float32) {
	b.Helper()
	return randWeights(1, benchOut, benchIn), calibData(2, benchRows, benchIn)
}

func BenchmarkHessianAdd(b *testing.B) {
	_, x := benchLayer(b)
	h := NewHessian(benchIn)
	b.ResetTimer()
	for range b.N {
		h.Add(x, benchRows)
	}
	b.ReportMetric(float64(b.N)*float64(benchRows)*benchIn*benchIn/b.Elapsed().Seconds()/1e9, "GFLOPS")
}

func BenchmarkInverseFactor(b *testing.B) {
	_, x := benchLayer(b)
	h := NewHessian(benchIn)
	h.Add(x, benchRows)
	b.ResetTimer()
	for range b.N {
		if _, err := h.InverseFactor(0.01, 0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*2*benchIn*benchIn*benchIn/3/b.Elapsed().Seconds()/1e9, "GFLOPS")
}

// BenchmarkSparseGPTSweep is the column sweep with its lazy batch updates,
// given the inverse factor.
func BenchmarkSparseGPTSweep(b *testing.B) {
	w0, x := benchLayer(b)
	h := NewHessian(benchIn)
	h.Add(x, benchRows)
	f, err := h.InverseFactor(0.01, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for _, p := range []Pattern{Unstructured(0.5), NM(2, 4)} {
		b.Run(p.String(), func(b *testing.B) {
			w := slices.Clone(w0)
			for range b.N {
				copy(w, w0)
				if _, err := SparseGPTFactor(w, benchOut, benchIn, f, p, SparseGPTOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)*benchOut*benchIn*benchIn/b.Elapsed().Seconds()/1e9, "GFLOPS")
		})
	}
}

// BenchmarkSparseGPT is the whole layer: Hessian of 256 rows,
// factorisation, sweep.
func BenchmarkSparseGPT(b *testing.B) {
	w0, x := benchLayer(b)
	w := slices.Clone(w0)
	b.ResetTimer()
	for range b.N {
		copy(w, w0)
		h := NewHessian(benchIn)
		h.Add(x, benchRows)
		if _, err := SparseGPT(w, benchOut, benchIn, h, Unstructured(0.5), SparseGPTOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWanda(b *testing.B) {
	w, x := benchLayer(b)
	st := NewNormStats(benchIn)
	st.Add(x, benchRows)
	b.ResetTimer()
	for _, p := range []Pattern{Unstructured(0.5), NM(2, 4)} {
		b.Run(p.String(), func(b *testing.B) {
			for range b.N {
				if _, err := Wanda(w, benchOut, benchIn, st, p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkMagnitude(b *testing.B) {
	w, _ := benchLayer(b)
	b.ResetTimer()
	for range b.N {
		if _, err := Magnitude(w, benchOut, benchIn, Unstructured(0.5)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNormStatsAdd(b *testing.B) {
	_, x := benchLayer(b)
	st := NewNormStats(benchIn)
	b.ResetTimer()
	for range b.N {
		st.Add(x, benchRows)
	}
}
