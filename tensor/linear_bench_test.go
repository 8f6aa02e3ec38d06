package tensor

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkLinearSmall times Linear.MatMul at every precision on the
// narrow layers of a small transformer (the tiny DiT: 1024 token rows,
// hidden 128, MLP 512), where quantizing and packing the activations and
// writing the output weigh as much as the multiply-adds.
func BenchmarkLinearSmall(b *testing.B) {
	for _, sh := range [][3]int{{1024, 384, 128}, {1024, 512, 128}, {1024, 128, 512}, {5120, 384, 128}, {5120, 128, 512}} {
		m, n, k := sh[0], sh[1], sh[2]
		r := rand.New(rand.NewPCG(uint64(n), uint64(k)))
		l := NewLinear(randMat(r, n*k, 0.05), randMat(r, n, 0.1), n, k)
		x, y := randMat(r, m*k, 1), make([]float32, m*n)
		for _, p := range Precisions {
			if err := l.Prepare(p); err != nil {
				b.Fatal(err)
			}
			b.Run(fmt.Sprintf("%dx%dx%d/%v", m, n, k, p), func(b *testing.B) {
				for b.Loop() {
					l.MatMul(y, x, m, p)
				}
				b.ReportMetric(2*float64(m*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GOPS")
			})
		}
	}
}
