package simd

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

func TestAxpy(t *testing.T) {
	forF32Levels(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(5, 6))
		for _, n := range f32Lens(140) {
			for off := 0; off < 4; off++ {
				x, okx := f32Guarded(n, 3-off)
				y, oky := f32Guarded(n, off)
				f32Fill(r, x)
				f32Fill(r, y)
				alpha := float32(r.NormFloat64())
				want := append([]float32(nil), y...)
				axpyGeneric(alpha, x, want)
				Axpy(alpha, x, y)
				for i := range y {
					if !sameF32(y[i], want[i]) {
						t.Fatalf("n=%d off=%d: y[%d] = %v, want %v", n, off, i, y[i], want[i])
					}
				}
				if !okx() || !oky() {
					t.Fatalf("n=%d off=%d: Axpy wrote outside y", n, off)
				}
			}
		}
	})
}

func TestAxpyGenericMatchesDoc(t *testing.T) {
	x := []float32{1, 2, 3}
	y := []float32{10, 20, 30}
	axpyGeneric(0.5, x, y)
	if y[0] != 10.5 || y[1] != 21 || y[2] != 31.5 {
		t.Fatalf("axpyGeneric = %v", y)
	}
}

func TestAxpyAliased(t *testing.T) {
	forF32Levels(t, func(t *testing.T) {
		for _, n := range []int{5, 64, 99} {
			x := make([]float32, n)
			for i := range x {
				x[i] = float32(i)
			}
			Axpy(2, x, x)
			for i, v := range x {
				if v != float32(3*i) {
					t.Fatalf("n=%d: Axpy(2, x, x)[%d] = %v", n, i, v)
				}
			}
		}
	})
}

func BenchmarkAxpy(b *testing.B) {
	for _, l := range Levels() {
		for _, n := range []int{64, 1024, 16384} {
			b.Run(fmt.Sprintf("%s/%d", l, n), func(b *testing.B) {
				defer SetLevel(l)()
				x, y := make([]float32, n), make([]float32, n)
				b.SetBytes(int64(12 * n))
				for b.Loop() {
					Axpy(0.5, x, y)
				}
			})
		}
	}
}
