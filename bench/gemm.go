package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sort"
	"time"

	"github.com/pare-ml/pare/simd"
	"github.com/pare-ml/pare/tensor"
)

// Result is one measurement. The JSON field names are shared with the peer
// scripts in bench/peers.
type Result struct {
	Op      string  `json:"op"`
	DType   string  `json:"dtype"`
	M       int     `json:"m"`
	N       int     `json:"n"`
	K       int     `json:"k"`
	Threads int     `json:"threads"`
	Path    string  `json:"path"`
	GFLOPS  float64 `json:"gflops"`
	Seconds float64 `json:"seconds"`        // best time of one call
	Median  float64 `json:"seconds_median"` // median time of one call
	Reps    int     `json:"reps"`
}

// GEMMSpec says which GEMMs to time.
type GEMMSpec struct {
	Sizes   []int         // square sizes m = n = k
	LLM     bool          // also m=512,n=k=2048 (prefill) and m=1,n=k=2048 (decoding)
	DTypes  []string      // see GEMMDTypes
	Threads []int         // GOMAXPROCS values; 0 means the current one
	MinTime time.Duration // time budget per case (at least 3 calls are timed)
}

// GEMMDTypes lists the encodings `pare bench gemm --dtype` accepts.
//
//	f32      C = A·Bᵀ, the best kernel for this CPU
//	generic  the same GEMM through the portable Go kernels (what js/wasm runs)
//	naive    a plain triple loop, the baseline for the generic kernels
//	bf16     weights and activations rounded to bf16, f32 accumulation
//	int8     W8A8: per-channel int8 weights, per-token dynamic int8 activations
//	int4     W4A8: int4 weights in groups of 32, int8 activations
var GEMMDTypes = []string{"f32", "generic", "naive", "bf16", "int8", "int4"}

// GEMMShapes returns the (m, n, k) cases of a spec in order.
func GEMMShapes(s GEMMSpec) [][3]int {
	var out [][3]int
	for _, n := range s.Sizes {
		out = append(out, [3]int{n, n, n})
	}
	if s.LLM {
		out = append(out, [3]int{512, 2048, 2048}, [3]int{1, 2048, 2048})
	}
	return out
}

// GEMM times every case of the spec; each result is also passed to emit as
// soon as it is measured. Ops are counted as 2·m·n·k for every dtype.
func GEMM(ctx context.Context, s GEMMSpec, emit func(Result)) ([]Result, error) {
	for _, d := range s.DTypes {
		if !contains(GEMMDTypes, d) {
			return nil, fmt.Errorf("bench: unknown GEMM dtype %q (have %v)", d, GEMMDTypes)
		}
	}
	if s.MinTime <= 0 {
		s.MinTime = time.Second
	}
	threads := s.Threads
	if len(threads) == 0 {
		threads = []int{0}
	}
	var results []Result
	for _, shape := range GEMMShapes(s) {
		m, n, k := shape[0], shape[1], shape[2]
		rng := rand.New(rand.NewPCG(uint64(m), uint64(n*k)))
		a := randomMatrix(rng, m*k)
		b := randomMatrix(rng, n*k)
		c := make([]float32, m*n)
		for _, dt := range s.DTypes {
			call, path, done := gemmCase(dt, m, n, k, a, b, c)
			for _, t := range threads {
				if err := ctx.Err(); err != nil {
					done()
					return results, err
				}
				old := runtime.GOMAXPROCS(0)
				if t > 0 {
					runtime.GOMAXPROCS(t)
				}
				best, median, reps := timeCalls(ctx, call, s.MinTime)
				used := runtime.GOMAXPROCS(0)
				runtime.GOMAXPROCS(old)
				r := Result{Op: "gemm", DType: dt, M: m, N: n, K: k, Threads: used, Path: path,
					GFLOPS:  2 * float64(m) * float64(n) * float64(k) / best / 1e9,
					Seconds: best, Median: median, Reps: reps}
				results = append(results, r)
				if emit != nil {
					emit(r)
				}
			}
			done()
		}
	}
	return results, nil
}

// gemmCase prepares the weights of one dtype once (as a Linear would) and
// returns the timed call, the kernel path it takes and a cleanup.
func gemmCase(dt string, m, n, k int, a, b, c []float32) (call func(), path string, done func()) {
	done = func() {}
	switch dt {
	case "f32":
		return func() { tensor.GemmF32(m, n, k, a, k, b, k, c, n) }, tensor.GemmF32Path(), done
	case "generic":
		restore := simd.SetLevel(simd.Generic)
		return func() { tensor.GemmF32(m, n, k, a, k, b, k, c, n) }, tensor.GemmF32Path(), restore
	case "naive":
		return func() { naiveGemm(m, n, k, a, b, c) }, "naive-triple-loop", done
	case "bf16":
		w := tensor.ToBF16Weights(b, n, k)
		return func() { tensor.GemmBF16(m, a, k, w, c, n) }, tensor.GemmBF16Path(), done
	case "int8":
		w := tensor.QuantizeInt8(b, n, k)
		return func() { tensor.GemmInt8(m, a, k, w, c, n) }, tensor.GemmInt8Path(), done
	case "int4":
		w, err := tensor.QuantizeInt4(b, n, k, 32)
		if err != nil {
			panic(err) // k is a multiple of 32 in every benchmark shape
		}
		return func() { tensor.GemmInt4(m, a, k, w, c, n) }, tensor.GemmInt4Path(), done
	}
	panic("bench: unknown dtype " + dt)
}

// naiveGemm is the textbook loop the generic kernels are compared with.
func naiveGemm(m, n, k int, a, b, c []float32) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float32
			for p := 0; p < k; p++ {
				s += a[i*k+p] * b[j*k+p]
			}
			c[i*n+j] = s
		}
	}
}

// timeCalls runs call once to warm up, then times it until minTime has
// passed (at least 3 and at most 1000 calls). It returns the best and the
// median duration in seconds.
func timeCalls(ctx context.Context, call func(), minTime time.Duration) (best, median float64, reps int) {
	call()
	var ts []float64
	start := time.Now()
	for len(ts) < 3 || (time.Since(start) < minTime && len(ts) < 1000) {
		if ctx.Err() != nil && len(ts) > 0 {
			break
		}
		t0 := time.Now()
		call()
		ts = append(ts, time.Since(t0).Seconds())
	}
	sort.Float64s(ts)
	return ts[0], ts[len(ts)/2], len(ts)
}

func randomMatrix(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return x
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
