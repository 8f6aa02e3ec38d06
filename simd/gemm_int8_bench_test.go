package simd

import (
	"fmt"
	"testing"
)

// BenchmarkGemmS8Block measures one micro-kernel call on L1/L2-resident
// operands (rows = MR, 2 panels, k = 2048), in integer ops (2 per MAC).
func BenchmarkGemmS8Block(b *testing.B) {
	for _, l := range Levels() {
		b.Run(l.String(), func(b *testing.B) {
			defer SetLevel(l)()
			g := NewGemmS8()
			k, np := 2048, 2
			blk := make([]int8, g.ABlockLen(k))
			corr := make([]int32, g.MR())
			pb := make([]int8, np*S8PanelLen(k))
			acc := make([]int32, g.MR()*16*np)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				g.Block(g.MR(), np, k, blk, corr, pb, acc, 16*np)
			}
			ops := 2 * float64(g.MR()*16*np*k) * float64(b.N)
			b.ReportMetric(ops/b.Elapsed().Seconds()/1e9, "GOPS")
			_ = fmt.Sprint()
		})
	}
}
