package tensor

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
)

// gemmBenchShapes are the shapes of the quantized GEMM benchmarks: square
// sizes, a batch of tokens through a wide layer and one token (GEMV).
var gemmBenchShapes = [][3]int{
	{256, 256, 256}, {512, 512, 512}, {1024, 1024, 1024}, {2048, 2048, 2048},
	{512, 2048, 2048}, {1, 2048, 2048},
}

// benchGemm runs gemm for every shape and thread count, reporting GOPS
// with 2·m·n·k operations per call (as for float GEMM).
func benchGemm(b *testing.B, prep func(w []float32, n, k int) func(m int, a []float32, c []float32)) {
	for _, sz := range gemmBenchShapes {
		m, n, k := sz[0], sz[1], sz[2]
		r := rand.New(rand.NewPCG(uint64(m), uint64(n)))
		run := prep(randMat(r, n*k, 0.05), n, k)
		a := randMat(r, m*k, 1)
		c := make([]float32, m*n)
		for _, th := range []int{1, 2} {
			b.Run(fmt.Sprintf("m=%d,n=%d,k=%d,threads=%d", m, n, k, th), func(b *testing.B) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(th))
				run(m, a, c) // warm up
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					run(m, a, c)
				}
				b.ReportMetric(2*float64(m)*float64(n)*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GOPS")
			})
		}
	}
}

func BenchmarkGemmInt8(b *testing.B) {
	b.Logf("kernel %s", GemmInt8Path())
	benchGemm(b, func(wf []float32, n, k int) func(int, []float32, []float32) {
		w := QuantizeInt8(wf, n, k)
		return func(m int, a, c []float32) { GemmInt8(m, a, k, w, c, n) }
	})
}
