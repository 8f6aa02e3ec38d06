package simd

import (
	"math"
	"math/rand/v2"
	"testing"
)

// quantizeRef is QuantizeS8 built only from the reference loops.
func quantizeRef(q []int8, x []float32) (float32, int32) {
	amax := absMaxF32Generic(x)
	if !(amax > 0) {
		clear(q[:len(x)])
		return 0, 0
	}
	inv := 127 / amax
	if math.IsInf(float64(inv), 0) {
		return amax / 127, quantizeS8Tiny(q, x, amax)
	}
	return amax / 127, quantizeS8Generic(q, x, inv)
}

func randF32(r *rand.Rand, n int, amp float32) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(r.NormFloat64()) * amp
	}
	return x
}

func checkQuantize(t *testing.T, x []float32) {
	t.Helper()
	n := len(x)
	got := make([]int8, n+8)
	want := make([]int8, n+8)
	for i := n; i < n+8; i++ {
		got[i], want[i] = 99, 99 // guard band
	}
	gs, gsum := quantizeS8Sum(got[:n], x)
	ws, wsum := quantizeRef(want[:n], x)
	if gs != ws || gsum != wsum {
		t.Fatalf("n=%d: scale/sum got %g/%d want %g/%d", n, gs, gsum, ws, wsum)
	}
	var sum int32
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("n=%d: q[%d] got %d want %d (x=%g)", n, i, got[i], want[i], x[min(i, n-1)])
		}
		if i < n {
			if got[i] == -128 {
				t.Fatalf("n=%d: code -128 at %d", n, i)
			}
			sum += int32(got[i])
			// the bound holds while the scale is a normal float32
			if err := math.Abs(float64(x[i]) - float64(got[i])*float64(gs)); gs > 1e-37 && err > float64(gs)*0.5001 {
				t.Fatalf("n=%d: |x-q·s| = %g > s/2 = %g", n, err, gs/2)
			}
		}
	}
	if sum != gsum {
		t.Fatalf("n=%d: returned sum %d, codes sum to %d", n, gsum, sum)
	}
}

func TestQuantizeS8(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	forEachLevel(t, func(t *testing.T) {
		for n := 0; n <= 200; n++ {
			for off := 0; off < 2; off++ {
				checkQuantize(t, randF32(r, n+off, 3)[off:])
			}
		}
		for _, n := range []int{1000, 4096, 4097} {
			checkQuantize(t, randF32(r, n, 0.01))
		}
		// zero rows: scale 0 and zero codes, never NaN
		for _, n := range []int{1, 16, 33, 100} {
			x := make([]float32, n)
			q := make([]int8, n)
			for i := range q {
				q[i] = 7
			}
			if s := QuantizeS8(q, x); s != 0 {
				t.Fatalf("zero row: scale %g", s)
			}
			for _, c := range q {
				if c != 0 {
					t.Fatal("zero row: non-zero code")
				}
			}
			x[n/2] = -0.0
			checkQuantize(t, x)
		}
		// ties: with amax 127, inv is 1 and x.5 rounds to even
		x := make([]float32, 64)
		for i := range x {
			x[i] = float32(i%16) - 7.5
		}
		x[3] = 127
		checkQuantize(t, x)
		q := make([]int8, len(x))
		QuantizeS8(q, x)
		if q[0] != -8 || q[1] != -6 || q[5] != -2 || q[10] != 2 {
			t.Fatalf("ties not rounded to even: %v", q[:16])
		}
		// extremes: huge, tiny (reciprocal overflows) and subnormal values
		for _, amp := range []float32{3e38, 1e-30, 1e-37, 1e-40, 1e-45} {
			for _, n := range []int{5, 40, 100} {
				x := randF32(r, n, 1)
				for i := range x {
					x[i] = max(min(x[i]*amp, math.MaxFloat32), -math.MaxFloat32)
				}
				checkQuantize(t, x)
			}
		}
	})
}

func FuzzQuantizeS8(f *testing.F) {
	f.Add([]byte{0, 0, 128, 63, 0, 0, 0, 191})
	f.Fuzz(func(t *testing.T, data []byte) {
		x := make([]float32, len(data)/4)
		for i := range x {
			v := math.Float32frombits(uint32(data[4*i]) | uint32(data[4*i+1])<<8 | uint32(data[4*i+2])<<16 | uint32(data[4*i+3])<<24)
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				v = 1 // only finite inputs have specified codes
			}
			x[i] = v
		}
		for _, l := range Levels() {
			restore := SetLevel(l)
			checkQuantize(t, x)
			restore()
		}
	})
}
