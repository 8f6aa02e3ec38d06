package simd

import (
	"fmt"
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
				name := fmt.Sprintf("%s/kind=%d/f32=%v", l, g.kind, f32)
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
