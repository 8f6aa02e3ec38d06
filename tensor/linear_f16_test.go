package tensor

import (
	"math/rand/v2"
	"testing"

	"github.com/pare-ml/pare/simd"
)

// TestGemmF16Chunks: the f16 product over several chunks of weight rows
// (k large enough that a chunk is f16Chunk rows) equals the f32 GEMM of
// the converted weights, and writes only its m×n block of C.
func TestGemmF16Chunks(t *testing.T) {
	const m, n, k = 3, 2*f16Chunk + 5, f16ChunkValues / f16Chunk
	r := rand.New(rand.NewPCG(1, 2))
	a := make([]float32, m*k)
	w32 := make([]float32, n*k)
	for i := range a {
		a[i] = float32(r.NormFloat64())
	}
	for i := range w32 {
		w32[i] = float32(r.NormFloat64())
	}
	w := make([]uint16, n*k)
	simd.F32ToF16(w, w32)
	simd.F16ToF32(w32, w) // the weights as the f16 path sees them
	want := make([]float32, m*n)
	GemmF32(m, n, k, a, k, w32, k, want, n)
	got := make([]float32, m*n+3)
	got[m*n], got[m*n+1], got[m*n+2] = 7, 8, 9
	gemmF16(m, n, k, a, w, got)
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("C[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	if got[m*n] != 7 || got[m*n+1] != 8 || got[m*n+2] != 9 {
		t.Errorf("gemmF16 wrote past C: %v", got[m*n:])
	}
}
