package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/pare-ml/pare/simd"
)

// gemmBF16Ref is GemmBF16's documented reference loop.
func gemmBF16Ref(m int, a []float32, lda int, w *BF16Weights, c []float32, ldc int) {
	n, k := w.N, w.K
	ab := func(i, kk int) float32 { return simd.BF16BitsToF32(simd.F32ToBF16Bits(a[i*lda+kk])) }
	wb := func(j, kk int) float32 { return simd.BF16BitsToF32(w.Bits[j*k+kk]) }
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float32
			for p := 0; 2*p < k; p++ {
				if 2*p+1 < k {
					s += float32(ab(i, 2*p+1) * wb(j, 2*p+1))
				}
				s += float32(ab(i, 2*p) * wb(j, 2*p))
			}
			c[i*ldc+j] = s
		}
	}
}

func randMatrix(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return v
}

const (
	bf16Guard    = 8
	bf16Sentinel = float32(-3.5e33)
)

// runGemmBF16 runs GemmBF16 on a sub-slice of A at offset off with row
// strides k+dlda and n+dldc, checks every C value outside the m×N result
// (guard bands and the gaps between rows) kept its sentinel, and returns
// the m×N result packed.
func runGemmBF16(t *testing.T, m int, a []float32, w *BF16Weights, off, dlda, dldc int) []float32 {
	t.Helper()
	n, k := w.N, w.K
	lda, ldc := k+dlda, n+dldc
	abuf := make([]float32, off+max(0, (m-1)*lda+k))
	for i := 0; i < m; i++ {
		copy(abuf[off+i*lda:], a[i*k:(i+1)*k])
	}
	clen := max(0, (m-1)*ldc+n)
	cbuf := make([]float32, 2*bf16Guard+off+clen)
	for i := range cbuf {
		cbuf[i] = bf16Sentinel
	}
	GemmBF16(m, abuf[off:], lda, w, cbuf[bf16Guard+off:bf16Guard+off+clen], ldc)
	out := make([]float32, m*n)
	for i, v := range cbuf {
		x := i - bf16Guard - off
		if x >= 0 && x < clen && x%ldc < n {
			out[x/ldc*n+x%ldc] = v
		} else if v != bf16Sentinel {
			t.Fatalf("m=%d n=%d k=%d: wrote outside C at %d", m, n, k, x)
		}
	}
	return out
}

func checkGemmBF16(t *testing.T, r *rand.Rand, m, n, k int) {
	t.Helper()
	a := randMatrix(r, m*k)
	w := ToBF16Weights(randMatrix(r, n*k), n, k)
	want := make([]float32, m*n)
	gemmBF16Ref(m, a, k, w, want, n)
	off, dlda, dldc := r.IntN(4), r.IntN(3), r.IntN(3)
	got := runGemmBF16(t, m, a, w, off, dlda, dldc)
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s m=%d n=%d k=%d (off %d, lda+%d, ldc+%d): C[%d,%d] = %v, want %v",
				GemmBF16Path(), m, n, k, off, dlda, dldc, i/n, i%n, got[i], want[i])
		}
	}
}

// TestGemmBF16Sweep covers every row tail of the micro-kernel (1..MR and
// a few blocks), every column tail of a panel and of the four-panel
// kernels, odd and long K, at every SIMD level, against the reference
// loop bit for bit (the data has no subnormals, where VDPBF16PS would
// differ).
func TestGemmBF16Sweep(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, l := range simd.Levels() {
		restore := simd.SetLevel(l)
		for m := 0; m <= 2*simd.GemmBF16MR+2; m++ {
			for _, n := range []int{1, 31, 32, 33, 65} {
				for _, k := range []int{1, 2, 3, 8} {
					checkGemmBF16(t, r, m, n, k)
				}
			}
		}
		for n := 1; n <= 2*simd.GemmBF16NR+2; n++ {
			for _, m := range []int{1, simd.GemmBF16MR, simd.GemmBF16MR + 1} {
				checkGemmBF16(t, r, m, n, 5)
			}
		}
		for _, n := range []int{97, 127, 128, 129, 255, 256, 257, 300, 520} {
			for _, m := range []int{1, 2, 3} {
				checkGemmBF16(t, r, m, n, 7)
			}
		}
		for _, k := range []int{0, 255, 256, 257, 513, 1001} {
			checkGemmBF16(t, r, 17, 40, k)
		}
		checkGemmBF16(t, r, 4*simd.GemmBF16MR+3, 9*simd.GemmBF16NR+5, 60) // several tiles
		restore()
	}
}

// TestGemmBF16Threads wants the same bits for every GOMAXPROCS.
func TestGemmBF16Threads(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	m, n, k := 60, 300, 256 // several tiles both ways
	a := randMatrix(r, m*k)
	w := ToBF16Weights(randMatrix(r, n*k), n, k)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, l := range simd.Levels() {
		restore := simd.SetLevel(l)
		var first []float32
		for _, procs := range []int{1, 2, 3, 8} {
			runtime.GOMAXPROCS(procs)
			c := make([]float32, m*n)
			GemmBF16(m, a, k, w, c, n)
			if first == nil {
				first = c
				continue
			}
			for i := range c {
				if c[i] != first[i] {
					t.Fatalf("%s: GOMAXPROCS=%d: C[%d] = %v, with 1: %v", GemmBF16Path(), procs, i, c[i], first[i])
				}
			}
		}
		restore()
	}
}

// TestGemmBF16Accuracy bounds every path against float64 sums of the same
// products: K·2^-24·Σ|a·w|. Subnormal inputs are included, which
// VDPBF16PS flushes to zero: they add at most K·2^-126.
func TestGemmBF16Accuracy(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	m, n, k := 20, 40, 777
	a := randMatrix(r, m*k)
	for i := 0; i < len(a); i += 11 {
		a[i] = math.Float32frombits(uint32(r.IntN(1 << 23))) // float32 subnormal
	}
	w := ToBF16Weights(randMatrix(r, n*k), n, k)
	for _, l := range simd.Levels() {
		restore := simd.SetLevel(l)
		c := make([]float32, m*n)
		GemmBF16(m, a, k, w, c, n)
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				var s, sa float64
				for kk := 0; kk < k; kk++ {
					x := float64(simd.BF16BitsToF32(simd.F32ToBF16Bits(a[i*k+kk]))) * float64(simd.BF16BitsToF32(w.Bits[j*k+kk]))
					s += x
					sa += math.Abs(x)
				}
				bound := float64(k)*0x1p-24*sa + float64(k)*0x1p-126
				if d := math.Abs(float64(c[i*n+j]) - s); d > bound {
					t.Fatalf("%s: C[%d,%d] = %v, float64 %v, |diff| %g > %g", GemmBF16Path(), i, j, c[i*n+j], s, d, bound)
				}
			}
		}
		restore()
	}
}

func TestBF16WeightsConstructors(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	n, k := 37, 19
	f := randMatrix(r, n*k+5)
	w := ToBF16Weights(f, n, k)
	if w.N != n || w.K != k || len(w.Bits) != n*k {
		t.Fatalf("ToBF16Weights: N=%d K=%d len(Bits)=%d", w.N, w.K, len(w.Bits))
	}
	for i := range w.Bits {
		if w.Bits[i] != simd.F32ToBF16Bits(f[i]) {
			t.Fatalf("Bits[%d] = %#x, want %#x", i, w.Bits[i], simd.F32ToBF16Bits(f[i]))
		}
	}
	w2 := NewBF16Weights(w.Bits, n, k)
	a := randMatrix(r, 3*k)
	c1, c2 := make([]float32, 3*n), make([]float32, 3*n)
	GemmBF16(3, a, k, w, c1, n)
	GemmBF16(3, a, k, w2, c2, n)
	for i := range c1 {
		if c1[i] != c2[i] {
			t.Fatalf("NewBF16Weights and ToBF16Weights differ at %d", i)
		}
	}
	for _, bad := range []func(){
		func() { NewBF16Weights(make([]uint16, 5), 2, 3) },
		func() { GemmBF16(2, make([]float32, k+1), k, w, make([]float32, 2*n), n) },
		func() { GemmBF16(2, make([]float32, 2*k), k, w, make([]float32, 2*n), n-1) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("no panic for bad sizes")
				}
			}()
			bad()
		}()
	}
}

// FuzzGemmBF16 takes sizes and values from the input; values stay in a
// range without overflow or subnormals, so every path must match the
// reference exactly.
func FuzzGemmBF16(f *testing.F) {
	f.Add(uint8(15), uint8(33), uint16(3), []byte{1, 200, 3, 77})
	f.Add(uint8(1), uint8(1), uint16(300), []byte{0x80})
	f.Fuzz(func(t *testing.T, mb, nb uint8, kb uint16, data []byte) {
		m, n, k := int(mb)%40, 1+int(nb)%70, int(kb)%600
		val := func(i int) float32 {
			if len(data) == 0 {
				return 0.5
			}
			b := data[i%len(data)] ^ byte(i*13)
			e := uint32(119 + int(b>>4)%16)
			return math.Float32frombits(uint32(b&0x80)<<24 | e<<23 | uint32(b&0xf)<<19 | uint32(i&0xffff))
		}
		a := make([]float32, m*k)
		for i := range a {
			a[i] = val(i)
		}
		wf := make([]float32, n*k)
		for i := range wf {
			wf[i] = val(i + 77777)
		}
		w := ToBF16Weights(wf, n, k)
		want := make([]float32, m*n)
		gemmBF16Ref(m, a, k, w, want, n)
		for _, l := range simd.Levels() {
			restore := simd.SetLevel(l)
			got := runGemmBF16(t, m, a, w, int(kb)%3, int(mb)%2, int(nb)%2)
			restore()
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("%s m=%d n=%d k=%d: C[%d] = %v, want %v", l, m, n, k, i, got[i], want[i])
				}
			}
		}
	})
}

func ExampleGemmBF16() {
	// W is 2×3 (two outputs, three inputs), A one row of three.
	w := ToBF16Weights([]float32{
		1, 2, 3,
		0.5, -1, 0.25,
	}, 2, 3)
	a := []float32{1, 1, 4}
	c := make([]float32, 2)
	GemmBF16(1, a, 3, w, c, 2)
	fmt.Println(c)
	// Output: [15 0.5]
}

// bf16BenchSizes are BenchmarkGemmBF16's shapes {m, n, k}: squares, a
// prompt-sized m=512 and a single token m=1.
var bf16BenchSizes = [][3]int{{256, 256, 256}, {512, 512, 512}, {1024, 1024, 1024}, {2048, 2048, 2048},
	{512, 2048, 2048}, {1, 2048, 2048}}

// BenchmarkGemmBF16 reports GFLOPS (2·m·n·k per call) on one and two
// threads.
func BenchmarkGemmBF16(b *testing.B) {
	r := rand.New(rand.NewPCG(9, 9))
	for _, s := range bf16BenchSizes {
		m, n, k := s[0], s[1], s[2]
		a := randMatrix(r, m*k)
		w := ToBF16Weights(randMatrix(r, n*k), n, k)
		c := make([]float32, m*n)
		for _, threads := range []int{1, 2} {
			name := fmt.Sprintf("m=%d,n=%d,k=%d/%s/threads=%d", m, n, k, GemmBF16Path(), threads)
			b.Run(name, func(b *testing.B) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(threads))
				GemmBF16(m, a, k, w, c, n) // warm the pool
				for b.Loop() {
					GemmBF16(m, a, k, w, c, n)
				}
				flops := 2 * float64(m) * float64(n) * float64(k) * float64(b.N)
				b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOPS")
			})
		}
	}
}

// BenchmarkGemmBF16VsF32 runs GemmBF16 and GemmF32 on the same shapes,
// alternating calls so that a noisy machine slows both alike, and reports
// each one's GFLOPS from its median call and their ratio.
func BenchmarkGemmBF16VsF32(b *testing.B) {
	r := rand.New(rand.NewPCG(9, 9))
	for _, s := range bf16BenchSizes {
		m, n, k := s[0], s[1], s[2]
		a := randMatrix(r, m*k)
		wf := randMatrix(r, n*k)
		w := ToBF16Weights(wf, n, k)
		c := make([]float32, m*n)
		for _, threads := range []int{1, 2} {
			name := fmt.Sprintf("m=%d,n=%d,k=%d/%s-vs-%s/threads=%d", m, n, k, GemmBF16Path(), GemmF32Path(), threads)
			b.Run(name, func(b *testing.B) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(threads))
				bf := func() { GemmBF16(m, a, k, w, c, n) }
				f32 := func() { GemmF32(m, n, k, a, k, wf, k, c, n) }
				bf()
				f32()
				var tb, tf []time.Duration
				for b.Loop() {
					t0 := time.Now()
					bf()
					t1 := time.Now()
					f32()
					tb, tf = append(tb, t1.Sub(t0)), append(tf, time.Since(t1))
				}
				flop := 2 * float64(m) * float64(n) * float64(k)
				gb, gf := flop/median(tb).Seconds()/1e9, flop/median(tf).Seconds()/1e9
				b.ReportMetric(gb, "bf16-GFLOPS")
				b.ReportMetric(gf, "f32-GFLOPS")
				b.ReportMetric(gb/gf, "ratio")
			})
		}
	}
}

func median(d []time.Duration) time.Duration {
	d = append([]time.Duration(nil), d...)
	slices.Sort(d)
	return d[len(d)/2]
}
