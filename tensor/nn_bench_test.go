package tensor

import "testing"

// Benchmarks of the row-wise NN operations at Llama-like sizes
// (BenchmarkAttention is in nn_attention_test.go).

func BenchmarkRMSNorm(b *testing.B) {
	const rows, dim = 64, 4096
	rng := newRNG(1)
	x, w := randF32(rng, rows*dim, 1), randF32(rng, dim, 1)
	dst := make([]float32, rows*dim)
	b.SetBytes(4 * rows * dim)
	for b.Loop() {
		RMSNorm(dst, x, w, rows, dim, 1e-5)
	}
}

func BenchmarkLayerNorm(b *testing.B) {
	const rows, dim = 256, 1152
	rng := newRNG(1)
	x := randF32(rng, rows*dim, 1)
	dst := make([]float32, rows*dim)
	b.SetBytes(4 * rows * dim)
	for b.Loop() {
		LayerNorm(dst, x, nil, nil, rows, dim, 1e-6)
	}
}

func BenchmarkSoftmax(b *testing.B) {
	const rows, n = 64, 1024
	x := randF32(newRNG(1), rows*n, 5)
	y := make([]float32, rows*n)
	b.SetBytes(4 * rows * n)
	for b.Loop() {
		copy(y, x)
		Softmax(y, rows, n)
	}
}

func BenchmarkSwiGLU(b *testing.B) {
	const n = 64 * 11008 / 8
	rng := newRNG(1)
	g, u := randF32(rng, n, 3), randF32(rng, n, 1)
	dst := make([]float32, n)
	b.SetBytes(4 * n)
	for b.Loop() {
		SwiGLU(dst, g, u)
	}
}

func BenchmarkRoPE(b *testing.B) {
	const seq, heads, hd = 64, 32, 128
	r := NewRoPE(hd, 500000, &RoPEScaling{Factor: 8, LowFreqFactor: 1, HighFreqFactor: 4, OriginalMaxPositionEmbeddings: 8192})
	x := randF32(newRNG(1), seq*heads*hd, 1)
	b.Run("onthefly", func(b *testing.B) {
		b.SetBytes(4 * seq * heads * hd)
		for b.Loop() {
			r.Apply(x, seq, heads, hd, 100)
		}
	})
	r.Precompute(256)
	b.Run("precomputed", func(b *testing.B) {
		b.SetBytes(4 * seq * heads * hd)
		for b.Loop() {
			r.Apply(x, seq, heads, hd, 100)
		}
	})
}
