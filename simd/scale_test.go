package simd

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

func TestScale(t *testing.T) {
	forF32Levels(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(7, 8))
		for _, n := range f32Lens(140) {
			for off := 0; off < 4; off++ {
				x, ok := f32Guarded(n, off)
				f32Fill(r, x)
				alpha := float32(r.NormFloat64())
				want := append([]float32(nil), x...)
				scaleGeneric(alpha, want)
				Scale(alpha, x)
				for i := range x {
					if !sameF32(x[i], want[i]) {
						t.Fatalf("n=%d off=%d: x[%d] = %v, want %v", n, off, i, x[i], want[i])
					}
				}
				if !ok() {
					t.Fatalf("n=%d off=%d: Scale wrote outside x", n, off)
				}
			}
		}
	})
}

func BenchmarkScale(b *testing.B) {
	for _, l := range Levels() {
		for _, n := range []int{64, 1024, 16384} {
			b.Run(fmt.Sprintf("%s/%d", l, n), func(b *testing.B) {
				defer SetLevel(l)()
				x := make([]float32, n)
				b.SetBytes(int64(8 * n))
				for b.Loop() {
					Scale(1, x)
				}
			})
		}
	}
}
