package tensor

import (
	"math"
	"slices"
	"testing"
)

// timestepRef is DiT's timestep embedding in float64; with angleF32 the
// angles are rounded as the f32 evaluation rounds them, which isolates the
// layout and the trigonometry from the (expected) f32 angle error at large t.
func timestepRef(t []float32, dim int, maxPeriod float64, angleF32 bool) []float64 {
	half := dim / 2
	out := make([]float64, len(t)*dim)
	for r, tr := range t {
		for i := 0; i < half; i++ {
			f := math.Exp(-math.Log(maxPeriod) * float64(i) / float64(half))
			a := float64(tr) * f
			if angleF32 {
				e := float32(float32(-math.Log(maxPeriod))*float32(i)) / float32(half)
				a = float64(tr * float32(math.Exp(float64(e))))
			}
			out[r*dim+i] = math.Cos(a)
			out[r*dim+half+i] = math.Sin(a)
		}
	}
	return out
}

func TestTimestepEmbedding(t *testing.T) {
	for _, dim := range []int{1, 2, 3, 8, 9, 256} {
		small := []float32{0, 0.5, 1, 3.25}
		dst, check := guarded(len(small)*dim, dim%3)
		TimestepEmbedding(dst, small, dim, 10000)
		check(t)
		assertClose(t, "TimestepEmbedding", dst, timestepRef(small, dim, 10000, false), 2e-6)

		large := []float32{999, 500, 123.5, 1}
		dst, check = guarded(len(large)*dim, 1)
		TimestepEmbedding(dst, large, dim, 10000)
		check(t)
		assertClose(t, "TimestepEmbedding f32 angles", dst, timestepRef(large, dim, 10000, true), 1e-6)
		if dim%2 == 1 {
			for r := range large {
				if v := dst[r*dim+dim-1]; v != 0 {
					t.Fatalf("dim %d: odd padding is %g, want 0", dim, v)
				}
			}
		}
	}
	// t = 0: cos 1, sin 0.
	dst := make([]float32, 6)
	TimestepEmbedding(dst, []float32{0}, 6, 10000)
	if want := []float32{1, 1, 1, 0, 0, 0}; !slices.Equal(dst, want) {
		t.Errorf("t=0: %v, want %v", dst, want)
	}
}

func TestModulateGatedAdd(t *testing.T) {
	rng := newRNG(20)
	for _, dim := range nnSizes {
		for _, rows := range []int{0, 1, 3} {
			x := randF32(rng, rows*dim, 3)
			shift, scale, gate := randF32(rng, dim, 1), randF32(rng, dim, 1), randF32(rng, dim, 2)
			want := make([]float64, rows*dim)
			for i := range want {
				want[i] = float64(x[i])*(1+float64(scale[i%dim])) + float64(shift[i%dim])
			}
			dst, check := guarded(rows*dim, 2)
			Modulate(dst, x, shift, scale, rows, dim)
			check(t)
			assertClose(t, "Modulate", dst, want, 1e-6)
			xx := append([]float32(nil), x...)
			Modulate(xx, xx, shift, scale, rows, dim)
			assertSame(t, "Modulate in place", xx, dst)

			y := randF32(rng, rows*dim, 3)
			for i := range want {
				want[i] = float64(x[i]) + float64(gate[i%dim])*float64(y[i])
			}
			xx, check = guardedCopy(x, 1)
			GatedAdd(xx, gate, y, rows, dim)
			check(t)
			assertClose(t, "GatedAdd", xx, want, 1e-6)
		}
	}
}
