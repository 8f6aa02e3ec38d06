package tensor

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
)

// quantBenchShapes are the shapes of the quantized GEMM benchmarks: square
// sizes, a batch of tokens through a wide layer and one token (GEMV).
var quantBenchShapes = [][3]int{
	{256, 256, 256}, {512, 512, 512}, {1024, 1024, 1024}, {2048, 2048, 2048},
	{512, 2048, 2048}, {1, 2048, 2048},
}

// benchGemm runs gemm for every shape and thread count, reporting GOPS
// with 2·m·n·k operations per call (as for float GEMM).
func benchGemm(b *testing.B, path func() string, prep func(w []float32, n, k int) func(m int, a []float32, c []float32)) {
	for _, sz := range quantBenchShapes {
		m, n, k := sz[0], sz[1], sz[2]
		r := rand.New(rand.NewPCG(uint64(m), uint64(n)))
		run := prep(randMat(r, n*k, 0.05), n, k)
		a := randMat(r, m*k, 1)
		c := make([]float32, m*n)
		for _, th := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/%dx%dx%d/threads=%d", path(), m, n, k, th), func(b *testing.B) {
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
	benchGemm(b, GemmInt8Path, func(wf []float32, n, k int) func(int, []float32, []float32) {
		w := QuantizeInt8(wf, n, k)
		return func(m int, a, c []float32) { GemmInt8(m, a, k, w, c, n) }
	})
}

// BenchmarkGemmQuantVsF32 runs GemmF32, GemmInt8 and GemmInt4 one after
// the other on each shape, so their ratio is measured under the same load.
func BenchmarkGemmQuantVsF32(b *testing.B) {
	for _, sz := range quantBenchShapes {
		m, n, k := sz[0], sz[1], sz[2]
		r := rand.New(rand.NewPCG(uint64(m), uint64(n)))
		wf, a, c := randMat(r, n*k, 0.05), randMat(r, m*k, 1), make([]float32, m*n)
		w8 := QuantizeInt8(wf, n, k)
		w4, err := QuantizeInt4(wf, n, k, 32)
		if err != nil {
			b.Fatal(err)
		}
		runs := []struct {
			name string
			f    func()
		}{
			{"f32", func() { GemmF32(m, n, k, a, k, wf, k, c, n) }},
			{"int8", func() { GemmInt8(m, a, k, w8, c, n) }},
			{"int4", func() { GemmInt4(m, a, k, w4, c, n) }},
		}
		for _, th := range []int{1, 2} {
			for _, run := range runs {
				b.Run(fmt.Sprintf("%dx%dx%d/threads=%d/%s", m, n, k, th, run.name), func(b *testing.B) {
					defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(th))
					run.f()
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						run.f()
					}
					b.ReportMetric(2*float64(m)*float64(n)*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GOPS")
				})
			}
		}
	}
}
