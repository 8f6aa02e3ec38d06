package tensor

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/pare-ml/pare/simd"
)

// gemmF32Ref is the float64 reference for GemmF32: c[i*n+j] = Σ_p a·b and
// abs[i*n+j] = Σ_p |a·b|, the scale of its rounding error.
func gemmF32Ref(m, n, k int, a []float32, lda int, b []float32, ldb int) (c, abs []float64) {
	c, abs = make([]float64, m*n), make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s, t float64
			for p := 0; p < k; p++ {
				v := float64(a[i*lda+p]) * float64(b[j*ldb+p])
				s += v
				t += math.Abs(v)
			}
			c[i*n+j], abs[i*n+j] = s, t
		}
	}
	return c, abs
}

// gemmF32Tol is the allowed error of one entry of C against the float64
// product: 1e-6·sqrt(k)·Σ_p|a·b|, plus a little for subnormals. Float32
// sums of random terms err by about 2⁻²⁴·sqrt(k) of that scale, so
// the margin is ~10×, while a lost or doubled term of a k ≤ 10⁴ product
// is far outside it.
func gemmF32Tol(k int, abs float64) float64 {
	return 1e-6*math.Sqrt(float64(k)+1)*abs + 1e-37
}

// gemmF32Case holds the inputs and a guarded C for one GemmF32 call with
// strides larger than the rows and sub-slices that start off alignment.
type gemmF32Case struct {
	m, n, k       int
	lda, ldb, ldc int
	a, b, c       []float32
	cbuf          []float32 // c with its guard bands
	coff          int
	cbuf0         []float32 // cbuf as made, to start each run from
	want, abs     []float64 // the float64 reference, once computed
}

const gemmF32Guard = 17

var gemmF32Sentinel = math.Float32frombits(0x7fc0beef)

func newGemmF32Case(r *rand.Rand, m, n, k, pad, off int) *gemmF32Case {
	t := &gemmF32Case{m: m, n: n, k: k, lda: k + pad, ldb: k + 2*pad, ldc: n + pad}
	t.a = make([]float32, off+max(m*t.lda, 1))[off:]
	t.b = make([]float32, 3-off%4+max(n*t.ldb, 1))[3-off%4:]
	// Uniform values in [-1, 1): cheap to draw (qemu emulates floating
	// point slowly) and of both signs, so sums cancel as they do in use.
	for i := range t.a {
		t.a[i] = 2*r.Float32() - 1
	}
	for i := range t.b {
		t.b[i] = 2*r.Float32() - 1
	}
	clen := 0
	if m > 0 && n > 0 {
		clen = (m-1)*t.ldc + n
	}
	t.coff = gemmF32Guard + off
	t.cbuf = make([]float32, t.coff+clen+gemmF32Guard)
	for i := range t.cbuf {
		t.cbuf[i] = gemmF32Sentinel
	}
	t.c = t.cbuf[t.coff : t.coff+clen : t.coff+clen]
	// C starts as garbage inside the matrix (GemmF32 overwrites it) and
	// sentinels in the stride padding.
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			t.c[i*t.ldc+j] = 1e6 * r.Float32()
		}
	}
	t.cbuf0 = append([]float32(nil), t.cbuf...)
	return t
}

// everyLevel runs run (on a fresh C) and checks the result at every SIMD
// level, computing the reference once.
func (t *gemmF32Case) everyLevel(tb testing.TB, run func()) {
	tb.Helper()
	for _, l := range simd.Levels() {
		copy(t.cbuf, t.cbuf0)
		restore := simd.SetLevel(l)
		run()
		t.check(tb, gemmF32Tol)
		restore()
	}
}

func (t *gemmF32Case) run() {
	GemmF32(t.m, t.n, t.k, t.a, t.lda, t.b, t.ldb, t.c, t.ldc)
}

// check compares C with the float64 product and checks that every value
// outside the m×n matrix is still a sentinel.
func (t *gemmF32Case) check(tb testing.TB, tol func(k int, abs float64) float64) {
	tb.Helper()
	if t.want == nil {
		t.want, t.abs = gemmF32Ref(t.m, t.n, t.k, t.a, t.lda, t.b, t.ldb)
	}
	want, abs := t.want, t.abs
	for i := 0; i < t.m; i++ {
		for j := 0; j < t.n; j++ {
			got := float64(t.c[i*t.ldc+j])
			w := want[i*t.n+j]
			if d := math.Abs(got - w); !(d <= tol(t.k, abs[i*t.n+j])) {
				tb.Fatalf("%s m=%d n=%d k=%d: c[%d][%d] = %v, want %v (diff %g, tol %g)",
					GemmF32Path(), t.m, t.n, t.k, i, j, got, w, d, tol(t.k, abs[i*t.n+j]))
			}
		}
	}
	for idx, v := range t.cbuf {
		ci := idx - t.coff
		inside := ci >= 0 && ci < len(t.c) && ci%t.ldc < t.n
		if !inside && math.Float32bits(v) != math.Float32bits(gemmF32Sentinel) {
			tb.Fatalf("%s m=%d n=%d k=%d: wrote outside C at offset %d", GemmF32Path(), t.m, t.n, t.k, ci)
		}
	}
}

// forGemmF32Levels runs f at every SIMD level this machine can run.
func forGemmF32Levels(t *testing.T, f func(t *testing.T)) {
	for _, l := range simd.Levels() {
		t.Run(l.String(), func(t *testing.T) {
			defer simd.SetLevel(l)()
			f(t)
		})
	}
}

func TestGemmF32SmallSweep(t *testing.T) {
	ks := []int{0, 1, 2, 3, 7, 8, 16, 17, 33, 64}
	r := rand.New(rand.NewPCG(1, 1))
	for m := 0; m <= 33; m++ {
		for n := 0; n <= 33; n++ {
			k := ks[(m*7+n)%len(ks)]
			tc := newGemmF32Case(r, m, n, k, (m+n)%3, (m+2*n)%4)
			tc.everyLevel(t, tc.run)
		}
	}
}

func TestGemmF32EdgeSweep(t *testing.T) {
	// Every m and n up to 70 against the tile sizes of all kernels
	// (MR 2, 6, 8, 14; NR 4, 12, 16, 32), with k across block edges.
	r := rand.New(rand.NewPCG(2, 2))
	others := []int{1, 31, 33, 70}
	ks := []int{1, 5, 37, 70}
	for x := 0; x <= 70; x++ {
		for i, o := range others {
			k := ks[(x+i)%len(ks)]
			for _, mn := range [][2]int{{x, o}, {o, x}} {
				tc := newGemmF32Case(r, mn[0], mn[1], k, 1+x%2, x%4)
				tc.everyLevel(t, tc.run)
			}
		}
	}
}

func TestGemmF32Large(t *testing.T) {
	// Sizes that cross the k blocking (several kc blocks) and, with two or
	// more goroutines, the work grid.
	shapes := [][3]int{{97, 131, 700}, {150, 70, 1100}, {1, 300, 2000}, {2, 300, 300}, {3, 1, 500}, {20, 40, 600}}
	r := rand.New(rand.NewPCG(3, 3))
	for _, s := range shapes {
		tc := newGemmF32Case(r, s[0], s[1], s[2], 5, 1)
		tc.everyLevel(t, tc.run)
	}
}

// TestGemmF32SmallBlocks runs the blocked driver with tiny blocks so that
// every loop (several A blocks, k blocks, work items, edge tiles) turns
// many times on sizes a test can afford.
func TestGemmF32SmallBlocks(t *testing.T) {
	forGemmF32Levels(t, func(t *testing.T) {
		kn := simd.GemmF32Kernel()
		r := rand.New(rand.NewPCG(4, 4))
		for _, s := range [][3]int{{5 * kn.MR, 7 * kn.NR, 50}, {3*kn.MR + 1, 2*kn.NR + 3, 41}, {kn.MR - 1, 9*kn.NR - 1, 17}} {
			for _, bl := range []f32Blocking{
				{kc: 8, nc: kn.NR, mc: kn.MR},
				{kc: 16, nc: 2 * kn.NR, mc: 2 * kn.MR},
				{kc: 24, nc: 3 * kn.NR, mc: 3 * kn.MR},
			} {
				tc := newGemmF32Case(r, s[0], s[1], s[2], 3, 2)
				gemmF32(kn, bl, tc.m, tc.n, tc.k, tc.a, tc.lda, f32B{b: tc.b, ldb: tc.ldb}, tc.c, tc.ldc)
				tc.check(t, gemmF32Tol)
			}
		}
	})
}

// TestGemmF32ThreadInvariant checks that C is bit-identical for any
// GOMAXPROCS, which holds because k is never split between goroutines.
func TestGemmF32ThreadInvariant(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	forGemmF32Levels(t, func(t *testing.T) {
		for _, s := range [][3]int{{100, 130, 300}, {1, 700, 900}, {61, 600, 40}, {400, 33, 200}} {
			r := rand.New(rand.NewPCG(5, 5))
			tc := newGemmF32Case(r, s[0], s[1], s[2], 2, 1)
			var first []float32
			for _, procs := range []int{1, 2, 3} {
				runtime.GOMAXPROCS(procs)
				tc.run()
				if first == nil {
					first = append([]float32(nil), tc.c...)
					tc.check(t, gemmF32Tol)
					continue
				}
				for i := range first {
					if math.Float32bits(first[i]) != math.Float32bits(tc.c[i]) {
						t.Fatalf("m=%d n=%d k=%d: GOMAXPROCS=%d changed c[%d]: %v vs %v", s[0], s[1], s[2], procs, i, tc.c[i], first[i])
					}
				}
			}
		}
	})
}

func TestGemmF32Path(t *testing.T) {
	for _, l := range simd.Levels() {
		restore := simd.SetLevel(l)
		p := GemmF32Path()
		restore()
		if p == "" || p[:len(l.String())] != l.String() {
			t.Errorf("level %s: GemmF32Path() = %q", l, p)
		}
	}
}

func TestGemmF32BadArgsPanic(t *testing.T) {
	for _, f := range []func(){
		func() { GemmF32(-1, 1, 1, nil, 1, nil, 1, nil, 1) },
		func() { GemmF32(2, 2, 2, make([]float32, 3), 2, make([]float32, 4), 2, make([]float32, 4), 2) },
		func() { GemmF32(2, 2, 2, make([]float32, 4), 2, make([]float32, 4), 1, make([]float32, 4), 2) },
		func() { GemmF32(2, 2, 2, make([]float32, 4), 2, make([]float32, 4), 2, make([]float32, 3), 2) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("GemmF32 with bad arguments did not panic")
				}
			}()
			f()
		}()
	}
}

// FuzzGemmF32 builds a small GEMM from the fuzz bytes (sizes, strides and
// values of any bit pattern) and checks GemmF32 and PackedF32.Gemm at
// every level against float64 with the worst-case float32 bound
// k·2⁻²⁴·Σ|a·b|.
func FuzzGemmF32(f *testing.F) {
	f.Add(uint8(3), uint8(5), uint8(7), uint8(1), []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	f.Add(uint8(15), uint8(33), uint8(2), uint8(0), []byte{0, 0, 128, 63})
	f.Fuzz(func(t *testing.T, m8, n8, k8, pad8 uint8, data []byte) {
		m, n, k, pad := int(m8%40), int(n8%70), int(k8%80), int(pad8%4)
		lda, ldb, ldc := k+pad, k+pad, n+pad
		vals := func(count, seed int) []float32 {
			s := make([]float32, count)
			for i := range s {
				if len(data) >= 4 {
					o := (4*(i+seed) + seed) % (len(data) - 3)
					s[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[o:]))
				}
				if math.IsNaN(float64(s[i])) || math.IsInf(float64(s[i]), 0) || math.Abs(float64(s[i])) > 1e15 {
					s[i] = float32(i%7) - 3 // keep sums finite: overflow has no error bound
				}
			}
			return s
		}
		a, b := vals(m*lda, 1), vals(n*ldb, 2)
		want, abs := gemmF32Ref(m, n, k, a, lda, b, ldb)
		dense := make([]float32, n*k)
		for j := 0; j < n; j++ {
			copy(dense[j*k:(j+1)*k], b[j*ldb:])
		}
		for _, l := range simd.Levels() {
			restore := simd.SetLevel(l)
			c := make([]float32, m*ldc)
			GemmF32(m, n, k, a, lda, b, ldb, c, ldc)
			cp := make([]float32, m*ldc)
			PackF32(dense, n, k).Gemm(m, a, lda, cp, ldc)
			restore()
			for i := 0; i < m; i++ {
				for j := 0; j < n; j++ {
					tol := float64(k+2)*0x1p-24*abs[i*n+j] + float64(k+1)*0x1p-149
					if d := math.Abs(float64(c[i*ldc+j]) - want[i*n+j]); !(d <= tol) {
						t.Fatalf("%s m=%d n=%d k=%d: c[%d][%d] = %v, want %v", l, m, n, k, i, j, c[i*ldc+j], want[i*n+j])
					}
					if d := math.Abs(float64(cp[i*ldc+j]) - want[i*n+j]); !(d <= tol) {
						t.Fatalf("%s m=%d n=%d k=%d: packed c[%d][%d] = %v, want %v", l, m, n, k, i, j, cp[i*ldc+j], want[i*n+j])
					}
				}
			}
		}
	})
}

// naiveGemmF32 is the textbook triple loop, the yardstick for the generic
// path (which must be at least twice as fast).
func naiveGemmF32(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float32
			for p := 0; p < k; p++ {
				s += a[i*lda+p] * b[j*ldb+p]
			}
			c[i*ldc+j] = s
		}
	}
}

func TestNaiveGemmF32(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 6))
	tc := newGemmF32Case(r, 9, 11, 13, 2, 0)
	naiveGemmF32(tc.m, tc.n, tc.k, tc.a, tc.lda, tc.b, tc.ldb, tc.c, tc.ldc)
	tc.check(t, gemmF32Tol)
}

// gemmF32BenchShapes are the shapes BenchmarkGemmF32 reports: squares, an
// LLM prefill (512 tokens through a 2048×2048 weight) and decoding (one
// token).
var gemmF32BenchShapes = [][3]int{
	{256, 256, 256}, {512, 512, 512}, {1024, 1024, 1024}, {2048, 2048, 2048},
	{512, 2048, 2048}, {1, 2048, 2048},
}

func reportGemmF32GFLOPS(b *testing.B, m, n, k int) {
	b.ReportMetric(2*float64(m)*float64(n)*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
}

// BenchmarkGemmF32 reports GFLOPS for the current level at 1 and 2
// goroutines. Run with -benchtime 2x or more; set PARE_SIMD to compare
// levels.
func BenchmarkGemmF32(b *testing.B) {
	for _, s := range gemmF32BenchShapes {
		m, n, k := s[0], s[1], s[2]
		a, w, c := make([]float32, m*k), make([]float32, n*k), make([]float32, m*n)
		r := rand.New(rand.NewPCG(7, 7))
		for i := range a {
			a[i] = float32(r.NormFloat64())
		}
		for i := range w {
			w[i] = float32(r.NormFloat64())
		}
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/%dx%dx%d/threads=%d", GemmF32Path(), m, n, k, threads), func(b *testing.B) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(threads))
				GemmF32(m, n, k, a, k, w, k, c, n) // warm the pools
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					GemmF32(m, n, k, a, k, w, k, c, n)
				}
				reportGemmF32GFLOPS(b, m, n, k)
			})
		}
	}
}

// BenchmarkGemmF32Generic compares the generic path with the naive triple
// loop on one goroutine.
func BenchmarkGemmF32Generic(b *testing.B) {
	const m, n, k = 256, 256, 256
	a, w, c := make([]float32, m*k), make([]float32, n*k), make([]float32, m*n)
	for i := range a {
		a[i], w[i] = float32(i%13)-6, float32(i%7)-3
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	b.Run("naive", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			naiveGemmF32(m, n, k, a, k, w, k, c, n)
		}
		reportGemmF32GFLOPS(b, m, n, k)
	})
	b.Run("generic-2x4", func(b *testing.B) {
		defer simd.SetLevel(simd.Generic)()
		for i := 0; i < b.N; i++ {
			GemmF32(m, n, k, a, k, w, k, c, n)
		}
		reportGemmF32GFLOPS(b, m, n, k)
	})
}

// TestGemmF32GenericGolden pins the bits of the generic path (blocked and
// dot-product) with a hash, so every platform running it (amd64 and arm64
// with -tags purego or PARE_SIMD=generic, js/wasm) must agree: the
// generic code never fuses multiply and add and its blocking is fixed.
func TestGemmF32GenericGolden(t *testing.T) {
	defer simd.SetLevel(simd.Generic)()
	sum := fnv.New64a()
	for _, s := range [][3]int{{37, 45, 300}, {2, 45, 300}, {1, 7, 5}} {
		m, n, k := s[0], s[1], s[2]
		a, b, c := make([]float32, m*k), make([]float32, n*k), make([]float32, m*n)
		for i := range a {
			a[i] = float32(i%17-8) / 7
		}
		for i := range b {
			b[i] = float32(i%13-6) / 11
		}
		GemmF32(m, n, k, a, k, b, k, c, n)
		for _, v := range c {
			binary.Write(sum, binary.LittleEndian, math.Float32bits(v))
		}
	}
	const want = 0x53ac82640217f13c
	if got := sum.Sum64(); got != want {
		t.Errorf("generic GemmF32 hash = %#x, want %#x", got, uint64(want))
	}
}
