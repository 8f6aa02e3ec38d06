package simd

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// f32Guard is the number of sentinel values written on each side of an
// output slice; f32Sentinel is their value (a NaN with a payload no kernel
// produces).
const f32Guard = 19

var f32Sentinel = math.Float32frombits(0x7fc0dead)

// f32Lens returns every length 0..max plus a few large odd ones, so the
// main loops and every tail length of each level are exercised.
func f32Lens(max int) []int {
	var ns []int
	for n := 0; n <= max; n++ {
		ns = append(ns, n)
	}
	return append(ns, 255, 256, 257, 1000, 1023, 4099)
}

// f32Guarded returns a slice of n values at offset off inside a buffer
// with guard bands of sentinels, and a function that reports whether the
// bands are intact.
func f32Guarded(n, off int) (s []float32, intact func() bool) {
	buf := make([]float32, f32Guard+off+n+f32Guard)
	for i := range buf {
		buf[i] = f32Sentinel
	}
	lo := f32Guard + off
	s = buf[lo : lo+n : lo+n]
	return s, func() bool {
		for i, v := range buf {
			if (i < lo || i >= lo+n) && math.Float32bits(v) != math.Float32bits(f32Sentinel) {
				return false
			}
		}
		return true
	}
}

func f32Fill(r *rand.Rand, s []float32) {
	for i := range s {
		s[i] = float32(r.NormFloat64())
	}
}

// sameF32 reports whether a and b are the same value: equal bits, or both NaN.
func sameF32(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || (a != a && b != b)
}

// forF32Levels runs f once per SIMD level this machine can run.
func forF32Levels(t *testing.T, f func(t *testing.T)) {
	for _, l := range Levels() {
		t.Run(l.String(), func(t *testing.T) {
			defer SetLevel(l)()
			f(t)
		})
	}
}

// dotDoc is the reference loop from Dot's doc comment.
func dotDoc(x, y []float32) float32 {
	var s [4]float32
	for i := range x {
		s[i%4] += float32(x[i] * y[i])
	}
	return (s[0] + s[1]) + (s[2] + s[3])
}

// dotTol is the error bound for Dot against a float64 sum: float32
// accumulation over n terms in at least 4 lanes errs by at most about
// n·(2⁻²⁴·Σ|x·y| + 2⁻¹⁴⁹), the last term for subnormal products.
func dotTol(x, y []float32) float64 {
	var abs float64
	for i := range x {
		abs += math.Abs(float64(x[i]) * float64(y[i]))
	}
	return float64(len(x)+4) * (0x1p-24*abs + 0x1p-149)
}

func dotF64(x, y []float32) float64 {
	var s float64
	for i := range x {
		s += float64(x[i]) * float64(y[i])
	}
	return s
}

func TestDotGenericMatchesDoc(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range f32Lens(70) {
		x, y := make([]float32, n), make([]float32, n)
		f32Fill(r, x)
		f32Fill(r, y)
		if got, want := dotGeneric(x, y), dotDoc(x, y); !sameF32(got, want) {
			t.Fatalf("n=%d: dotGeneric %v, doc loop %v", n, got, want)
		}
	}
}

func TestDot(t *testing.T) {
	forF32Levels(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(3, 4))
		for _, n := range f32Lens(140) {
			for off := 0; off < 4; off++ {
				x, okx := f32Guarded(n, off)
				y, oky := f32Guarded(n, 3-off)
				f32Fill(r, x)
				f32Fill(r, y)
				got := Dot(x, y)
				want := dotF64(x, y)
				if d := math.Abs(float64(got) - want); d > dotTol(x, y) {
					t.Fatalf("n=%d off=%d: Dot = %v, float64 sum %v (diff %g > %g)", n, off, got, want, d, dotTol(x, y))
				}
				if !okx() || !oky() {
					t.Fatalf("n=%d off=%d: Dot wrote to its inputs' f32Guard bands", n, off)
				}
				if again := Dot(x, y); !sameF32(again, got) {
					t.Fatalf("n=%d: Dot not deterministic: %v then %v", n, got, again)
				}
			}
		}
	})
}

func TestDotSpecial(t *testing.T) {
	inf := float32(math.Inf(1))
	forF32Levels(t, func(t *testing.T) {
		for _, n := range []int{1, 7, 16, 33, 100} {
			x, y := make([]float32, n), make([]float32, n)
			for i := range x {
				x[i], y[i] = 1, 2
			}
			x[n-1] = inf
			if got := Dot(x, y); !math.IsInf(float64(got), 1) {
				t.Errorf("n=%d: Dot with +Inf = %v", n, got)
			}
			x[n/2] = float32(math.NaN())
			if got := Dot(x, y); got == got {
				t.Errorf("n=%d: Dot with NaN = %v", n, got)
			}
		}
	})
}

func TestDotLengthMismatchPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("Dot with different lengths did not panic")
		}
	}()
	Dot(make([]float32, 3), make([]float32, 4))
}

// f32FromBytes turns fuzz bytes into float32 values (any bit pattern).
func f32FromBytes(b []byte) []float32 {
	s := make([]float32, len(b)/4)
	for i := range s {
		s[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return s
}

func FuzzDot(f *testing.F) {
	f.Add([]byte{0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64}, uint8(0))
	f.Fuzz(func(t *testing.T, b []byte, split uint8) {
		v := f32FromBytes(b)
		n := len(v) / 2
		x, y := v[:n], v[n:2*n]
		want := dotF64(x, y)
		for _, l := range Levels() {
			restore := SetLevel(l)
			got := Dot(x, y)
			restore()
			if math.IsNaN(want) || math.IsInf(want, 0) || math.IsInf(float64(got), 0) {
				continue // overflow or special values: only the finite case has a bound
			}
			if d := math.Abs(float64(got) - want); d > dotTol(x, y) {
				t.Fatalf("%s n=%d: Dot = %v, float64 sum %v", l, n, got, want)
			}
		}
	})
}

func BenchmarkDot(b *testing.B) {
	for _, l := range Levels() {
		for _, n := range []int{64, 1024, 16384} {
			b.Run(fmt.Sprintf("%s/%d", l, n), func(b *testing.B) {
				defer SetLevel(l)()
				x, y := make([]float32, n), make([]float32, n)
				b.SetBytes(int64(8 * n))
				for b.Loop() {
					Dot(x, y)
				}
			})
		}
	}
}
