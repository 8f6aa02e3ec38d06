package simd

import (
	"fmt"
	"testing"
)

// BenchmarkGemmS8PrepB widens panel pairs of a 2048×2048 B, cycling
// through all of it (as tensor.GemmInt8 does per row tile).
func BenchmarkGemmS8PrepB(b *testing.B) {
	for _, n := range []int{2048, 32768} {
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchPrepB(b, n) })
	}
}

func benchPrepB(b *testing.B, n int) {
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
}
