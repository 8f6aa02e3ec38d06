package simd

import (
	"math/rand/v2"
	"testing"
)

func BenchmarkGemmS8PackA(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, l := range Levels() {
		b.Run(l.String(), func(b *testing.B) {
			defer SetLevel(l)()
			g := NewGemmS8()
			k := 2048
			x := randF32(r, g.MR()*k, 1)
			blk := make([]int8, g.ABlockLen(k))
			sa := make([]float32, g.MR())
			corr := make([]int32, g.MR())
			for i := 0; i < b.N; i++ {
				g.PackA(blk, sa, corr, x, k, g.MR(), k)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*g.MR()*k), "ns/code")
		})
	}
}
