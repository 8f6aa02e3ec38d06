package prune

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)) }

// randWeights returns out×in Gaussian weights.
func randWeights(seed uint64, out, in int) []float32 {
	r := newRand(seed)
	w := make([]float32, out*in)
	for i := range w {
		w[i] = float32(r.NormFloat64())
	}
	return w
}

// calibData returns rows×in inputs with a few dominant directions and
// column scales spread over two orders of magnitude, like LLM activations.
func calibData(seed uint64, rows, in int) []float32 {
	r := newRand(seed)
	const dirs = 4
	basis := make([]float64, dirs*in)
	for i := range basis {
		basis[i] = r.NormFloat64()
	}
	scale := make([]float64, in)
	for j := range scale {
		scale[j] = math.Exp(1.2 * r.NormFloat64())
	}
	x := make([]float32, rows*in)
	for t := 0; t < rows; t++ {
		var z [dirs]float64
		for k := range z {
			z[k] = r.NormFloat64() * float64(4-k)
		}
		for j := 0; j < in; j++ {
			v := 0.3 * r.NormFloat64()
			for k := range z {
				v += z[k] * basis[k*in+j]
			}
			x[t*in+j] = float32(v * scale[j])
		}
	}
	return x
}

// withProcs runs f at several GOMAXPROCS values.
func withProcs(t *testing.T, f func(procs int)) {
	t.Helper()
	old := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(old)
	for _, p := range []int{1, 2, 3, 8} {
		runtime.GOMAXPROCS(p)
		f(p)
	}
}

func equalF32Bits(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}
