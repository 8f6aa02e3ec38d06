package simd

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestDotRows checks DotRows against Dot, bit for bit, for every row
// count around the groups of four, every length tail and strides beyond
// the row.
func TestDotRows(t *testing.T) {
	forF32Levels(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(21, 22))
		for _, n := range f32Lens(70) {
			for _, rows := range []int{0, 1, 3, 4, 5, 8, 9} {
				pad := (n + rows) % 5
				ldy := n + pad
				x := make([]float32, n)
				y := make([]float32, max(rows*ldy, 1))
				f32Fill(r, x)
				f32Fill(r, y)
				out, ok := f32Guarded(rows, rows%4)
				DotRows(out, x, y[:max((rows-1)*ldy+n, 0)], ldy)
				for i := 0; i < rows; i++ {
					if want := Dot(x, y[i*ldy:i*ldy+n]); !sameF32(out[i], want) {
						t.Fatalf("n=%d rows=%d: out[%d] = %v, Dot gives %v", n, rows, i, out[i], want)
					}
				}
				if !ok() {
					t.Fatalf("n=%d rows=%d: wrote outside out", n, rows)
				}
			}
		}
	})
}

func TestDotRowsShortPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("DotRows with a short y did not panic")
		}
	}()
	DotRows(make([]float32, 2), make([]float32, 4), make([]float32, 7), 4)
}

func BenchmarkDotRows(b *testing.B) {
	for _, l := range Levels() {
		b.Run(fmt.Sprintf("%s/64x1024", l), func(b *testing.B) {
			defer SetLevel(l)()
			x, y, out := make([]float32, 1024), make([]float32, 64*1024), make([]float32, 64)
			b.SetBytes(4 * 64 * 1024)
			for b.Loop() {
				DotRows(out, x, y, 1024)
			}
		})
	}
}
