package simd

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkGemmS8Block measures one micro-kernel call on L1/L2-resident
// operands (rows = MR, 2 panels, k = 2048), in integer ops (2 per MAC),
// for every level and kernel variant, with the int32 (Block) and float32
// (BlockF32) outputs.
func BenchmarkGemmS8Block(b *testing.B) {
	for _, l := range Levels() {
		restore := SetLevel(l)
		for _, g := range variants() {
			for _, f32 := range []bool{false, true} {
				name := fmt.Sprintf("%s/%s/f32=%v", l, variantName(g), f32)
				b.Run(name, func(b *testing.B) {
					k, np := 2048, 2
					blk := make([]int8, g.ABlockLen(k))
					corr := make([]int32, g.MR())
					sa := make([]float32, g.MR())
					sb := make([]float32, 16*np)
					pb := make([]int8, np*S8PanelLen(k))
					pb = g.PrepB(make([]int8, g.PrepBLen(np, k)), pb, np, k)
					acc := make([]int32, g.MR()*16*np)
					c := make([]float32, g.MR()*16*np)
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						if f32 {
							g.BlockF32(g.MR(), np, k, blk, sa, corr, pb, sb, c, 16*np)
						} else {
							g.Block(g.MR(), np, k, blk, corr, pb, acc, 16*np)
						}
					}
					ops := 2 * float64(g.MR()*16*np*k) * float64(b.N)
					b.ReportMetric(ops/b.Elapsed().Seconds()/1e9, "GOPS")
				})
			}
		}
		restore()
	}
}

// BenchmarkGemmS8PackA quantizes and packs one full A block (k = 2048),
// per level, in ns per code.
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

// BenchmarkGemmS8PrepB widens panel pairs (k = 2048) for the AVX2 kernel,
// cycling through a B of n columns: 2048 stays in cache, 32768 comes from
// memory (as B does per row tile in tensor.GemmInt8).
func BenchmarkGemmS8PrepB(b *testing.B) {
	for _, n := range []int{2048, 32768} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			defer SetLevel(AVX2)()
			g := NewGemmS8().ForRows(1 << 20)
			k := 2048
			np := S8Panels(n)
			pb := make([]int8, np*S8PanelLen(k))
			PackS8B(pb, make([]int8, n*k), k, n, k)
			dst := make([]int8, g.PrepBLen(2, k))
			plen := S8PanelLen(k)
			b.SetBytes(int64(2 * plen))
			for i := 0; i < b.N; i++ {
				p := 2 * (i % (np / 2))
				g.PrepB(dst, pb[p*plen:(p+2)*plen], 2, k)
			}
		})
	}
}
