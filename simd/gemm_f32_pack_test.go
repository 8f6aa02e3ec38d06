package simd

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

func TestPackF32Panel(t *testing.T) {
	forF32Levels(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(15, 16))
		for _, w := range []int{1, 4, 6, 8, 12, 14, 16, 17, 32, 40} {
			for rows := 0; rows <= w; rows++ {
				for _, k := range []int{0, 1, 15, 16, 17, 31, 32, 33, 47, 100} {
					pad := (rows + k) % 3
					ld := k + pad
					src := make([]float32, max(rows*ld, 1)+pad)[pad:]
					f32Fill(r, src)
					dst, ok := f32Guarded(k*w, (w+k)%4)
					for i := range dst {
						dst[i] = 7 // stale data the padding rows must clear
					}
					PackF32Panel(dst, src, ld, rows, k, w)
					for p := 0; p < k; p++ {
						for i := 0; i < w; i++ {
							want := float32(0)
							if i < rows {
								want = src[i*ld+p]
							}
							if got := dst[p*w+i]; got != want {
								t.Fatalf("w=%d rows=%d k=%d: dst[%d*%d+%d] = %v, want %v", w, rows, k, p, w, i, got, want)
							}
						}
					}
					if !ok() {
						t.Fatalf("w=%d rows=%d k=%d: wrote outside dst", w, rows, k)
					}
				}
			}
		}
	})
}

func TestPackF32PanelBadArgsPanic(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("PackF32Panel with a short src did not panic")
		}
	}()
	PackF32Panel(make([]float32, 64), make([]float32, 30), 16, 2, 16, 4)
}

func BenchmarkPackF32Panel(b *testing.B) {
	for _, l := range Levels() {
		for _, w := range []int{6, 14, 16, 32} {
			b.Run(fmt.Sprintf("%s/w=%d", l, w), func(b *testing.B) {
				defer SetLevel(l)()
				const k, ld = 256, 1024
				src := make([]float32, w*ld)
				dst := make([]float32, w*k)
				b.SetBytes(int64(4 * w * k))
				for b.Loop() {
					PackF32Panel(dst, src, ld, w, k, w)
				}
			})
		}
	}
}
