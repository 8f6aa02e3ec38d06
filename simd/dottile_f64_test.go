package simd

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// dotTileF64Exact returns the tile's sums in extended precision (each sum
// compensated) and the scale Σ|a·b| of each.
func dotTileF64Exact(k int, a []float64, lda int, b []float64, ldb int) (sum, scale [8]float64) {
	for i := 0; i < 4; i++ {
		for j := 0; j < 2; j++ {
			var s, comp, abs float64
			for p := 0; p < k; p++ {
				x := a[i*lda+p] * b[j*ldb+p]
				err := math.FMA(a[i*lda+p], b[j*ldb+p], -x) // exact product = x + err
				y := x - comp
				tt := s + y
				comp = (tt - s) - y - err
				s = tt
				abs += math.Abs(x)
			}
			sum[2*i+j], scale[2*i+j] = s, abs
		}
	}
	return sum, scale
}

// checkDotTileF64 runs DotTileF64 on rows inside larger buffers (strides
// lda, ldb > k, unaligned starts) and compares with the exact sums; it
// also checks that the inputs are not written.
func checkDotTileF64(t *testing.T, r *rand.Rand, k, off int) {
	t.Helper()
	lda, ldb := k+off+1, k+2*off+3
	a := make([]float64, off+3*lda+k)
	b := make([]float64, off+ldb+k)
	for i := range a {
		a[i] = r.NormFloat64()
	}
	for i := range b {
		b[i] = r.NormFloat64() * 3
	}
	a0, b0 := slices.Clone(a), slices.Clone(b)
	var c [8]float64
	for i := range c {
		c[i] = math.NaN() // must be overwritten
	}
	DotTileF64(k, a[off:], lda, b[off:], ldb, &c)
	want, scale := dotTileF64Exact(k, a[off:], lda, b[off:], ldb)
	for i := range c {
		// Lanes and FMA change the rounding: within k ulps of Σ|a·b|.
		if e := math.Abs(c[i] - want[i]); !(e <= float64(k+1)*0x1p-52*scale[i]) {
			t.Fatalf("%s k=%d off=%d: c[%d] = %v, want %v (error %.3g, scale %.3g)", DotTileF64Path(), k, off, i, c[i], want[i], e, scale[i])
		}
	}
	if !slices.Equal(a, a0) || !slices.Equal(b, b0) {
		t.Fatalf("%s k=%d: inputs changed", DotTileF64Path(), k)
	}
}

func TestDotTileF64(t *testing.T) {
	forF32Levels(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(1, 2))
		for _, k := range f32Lens(40) {
			for _, off := range []int{0, 1, 3} {
				checkDotTileF64(t, r, k, off)
			}
		}
	})
}

// TestDotTileF64Generic: the reference sums in p order with rounded
// products, exactly the documented loop.
func TestDotTileF64Generic(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	k := 37
	a, b := make([]float64, 4*k), make([]float64, 2*k)
	for i := range a {
		a[i] = r.NormFloat64()
	}
	for i := range b {
		b[i] = r.NormFloat64()
	}
	var c [8]float64
	dotTileF64Generic(k, a, k, b, k, &c)
	for i := 0; i < 4; i++ {
		for j := 0; j < 2; j++ {
			var s float64
			for p := 0; p < k; p++ {
				s += float64(a[i*k+p] * b[j*k+p])
			}
			if math.Float64bits(s) != math.Float64bits(c[2*i+j]) {
				t.Fatalf("c[%d] = %v, want %v", 2*i+j, c[2*i+j], s)
			}
		}
	}
}

// TestDotTileF64Deterministic: every level gives the same bits for the same
// row contents wherever the rows sit.
func TestDotTileF64Deterministic(t *testing.T) {
	forF32Levels(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(5, 6))
		k := 77
		a, b := make([]float64, 4*k), make([]float64, 2*k)
		for i := range a {
			a[i] = r.NormFloat64()
		}
		for i := range b {
			b[i] = r.NormFloat64()
		}
		var c1, c2 [8]float64
		DotTileF64(k, a, k, b, k, &c1)
		a2 := append(make([]float64, 5), a...)
		DotTileF64(k, a2[5:], k, b, k, &c2)
		if c1 != c2 {
			t.Fatalf("%s: results depend on the address", DotTileF64Path())
		}
	})
}

func TestDotTileF64Panics(t *testing.T) {
	var c [8]float64
	for _, f := range []func(){
		func() { DotTileF64(-1, nil, 0, nil, 0, &c) },
		func() { DotTileF64(4, make([]float64, 15), 4, make([]float64, 8), 4, &c) },
		func() { DotTileF64(4, make([]float64, 16), 4, make([]float64, 7), 4, &c) },
		func() { DotTileF64(4, make([]float64, 16), 3, make([]float64, 8), 4, &c) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			f()
		}()
	}
}

func FuzzDotTileF64(f *testing.F) {
	f.Add(uint64(1), uint16(9), uint8(1))
	f.Add(uint64(2), uint16(64), uint8(0))
	f.Fuzz(func(t *testing.T, seed uint64, k uint16, off uint8) {
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], seed)
		r := rand.New(rand.NewPCG(seed, uint64(b[0])))
		for _, l := range Levels() {
			restore := SetLevel(l)
			checkDotTileF64(t, r, int(k%300), int(off%8))
			restore()
		}
	})
}

func BenchmarkDotTileF64(b *testing.B) {
	k := 256
	a, bb := make([]float64, 4*k), make([]float64, 2*k)
	for i := range a {
		a[i] = float64(i%7) - 3
	}
	for i := range bb {
		bb[i] = float64(i%5) - 2
	}
	var c [8]float64
	for _, l := range Levels() {
		restore := SetLevel(l)
		b.Run(l.String(), func(b *testing.B) {
			b.SetBytes(8 * 8 * int64(k)) // 8 multiply-adds per term
			for b.Loop() {
				DotTileF64(k, a, k, bb, k, &c)
			}
		})
		restore()
	}
}
