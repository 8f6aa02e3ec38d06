package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/pare-ml/pare/simd"
)

// runPacked packs tc's B (copied to a dense n×k matrix) and runs
// PackedF32.Gemm on tc.
func (t *gemmF32Case) runPacked() *PackedF32 {
	p := PackF32(t.denseB(), t.n, t.k)
	p.Gemm(t.m, t.a, t.lda, t.c, t.ldc)
	return p
}

// denseB returns B with row stride k.
func (t *gemmF32Case) denseB() []float32 {
	b := make([]float32, t.n*t.k)
	for j := 0; j < t.n; j++ {
		copy(b[j*t.k:(j+1)*t.k], t.b[j*t.ldb:])
	}
	return b
}

func TestPackedF32Sweep(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	ks := []int{0, 1, 5, 16, 37, 70}
	for m := 0; m <= 33; m++ {
		for _, n := range []int{0, 1, 3, 12, 16, 31, 32, 33, 70} {
			k := ks[(m+n)%len(ks)]
			tc := newGemmF32Case(r, m, n, k, m%3, (m+n)%4)
			tc.everyLevel(t, func() { tc.runPacked() })
		}
	}
	for _, s := range [][3]int{{1, 300, 1100}, {4, 97, 700}, {37, 131, 700}, {150, 70, 1100}} {
		tc := newGemmF32Case(r, s[0], s[1], s[2], 3, 1)
		tc.everyLevel(t, func() { tc.runPacked() })
	}
}

// TestPackedF32MatchesGemmF32 checks that PackedF32.Gemm gives the bits of
// GemmF32 where both use the blocked path (m > 3).
func TestPackedF32MatchesGemmF32(t *testing.T) {
	forGemmF32Levels(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(9, 9))
		for _, s := range [][3]int{{4, 40, 30}, {29, 33, 300}, {100, 70, 1100}} {
			tc := newGemmF32Case(r, s[0], s[1], s[2], 2, 3)
			tc.run()
			want := append([]float32(nil), tc.c...)
			tc.runPacked()
			for i := range want {
				if math.Float32bits(want[i]) != math.Float32bits(tc.c[i]) {
					t.Fatalf("m=%d n=%d k=%d: c[%d] = %v, GemmF32 gives %v", s[0], s[1], s[2], i, tc.c[i], want[i])
				}
			}
		}
	})
}

// TestPackedF32BatchInvariant checks that a row of C does not depend on
// how many other rows are computed with it.
func TestPackedF32BatchInvariant(t *testing.T) {
	forGemmF32Levels(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(10, 10))
		const m, n, k = 23, 45, 600
		tc := newGemmF32Case(r, m, n, k, 0, 0)
		p := tc.runPacked()
		for _, rows := range []int{1, 2, 3, 4, 5, 13} {
			c := make([]float32, rows*n)
			p.Gemm(rows, tc.a[2*k:], k, c, n)
			for i := 0; i < rows; i++ {
				for j := 0; j < n; j++ {
					if math.Float32bits(c[i*n+j]) != math.Float32bits(tc.c[(2+i)*n+j]) {
						t.Fatalf("m=%d: c[%d][%d] = %v, in the %d-row product %v", rows, i, j, c[i*n+j], m, tc.c[(2+i)*n+j])
					}
				}
			}
		}
	})
}

// TestPackedF32LevelChange packs at each level and multiplies at every
// other one.
func TestPackedF32LevelChange(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 11))
	for _, packAt := range simd.Levels() {
		for _, runAt := range simd.Levels() {
			for _, m := range []int{1, 3, 20} {
				tc := newGemmF32Case(r, m, 37, 300, 1, 2)
				restore := simd.SetLevel(packAt)
				p := PackF32(tc.denseB(), tc.n, tc.k)
				restore()
				restore = simd.SetLevel(runAt)
				p.Gemm(tc.m, tc.a, tc.lda, tc.c, tc.ldc)
				restore()
				tc.check(t, gemmF32Tol)
			}
		}
	}
}

func TestPackedF32ThreadInvariant(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	r := rand.New(rand.NewPCG(12, 12))
	tc := newGemmF32Case(r, 100, 200, 700, 0, 0)
	p := PackF32(tc.denseB(), tc.n, tc.k)
	var first []float32
	for _, procs := range []int{1, 2, 5} {
		runtime.GOMAXPROCS(procs)
		p.Gemm(tc.m, tc.a, tc.lda, tc.c, tc.ldc)
		if first == nil {
			first = append([]float32(nil), tc.c...)
			continue
		}
		for i := range first {
			if math.Float32bits(first[i]) != math.Float32bits(tc.c[i]) {
				t.Fatalf("GOMAXPROCS=%d changed c[%d]", procs, i)
			}
		}
	}
}

func TestPackedF32BadArgsPanic(t *testing.T) {
	p := PackF32(make([]float32, 6), 2, 3)
	if n, k := p.Dims(); n != 2 || k != 3 {
		t.Fatalf("Dims() = %d, %d", n, k)
	}
	for _, f := range []func(){
		func() { PackF32(make([]float32, 5), 2, 3) },
		func() { p.Gemm(2, make([]float32, 5), 3, make([]float32, 4), 2) },
		func() { p.Gemm(2, make([]float32, 6), 3, make([]float32, 3), 2) },
		func() { p.Gemm(1, make([]float32, 3), 2, make([]float32, 2), 2) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("bad arguments did not panic")
				}
			}()
			f()
		}()
	}
}

// BenchmarkGemmF32Packed compares PackedF32.Gemm with GemmF32 for an LLM
// weight (2048×2048) and growing numbers of tokens.
func BenchmarkGemmF32Packed(b *testing.B) {
	const n, k = 2048, 2048
	w := make([]float32, n*k)
	for i := range w {
		w[i] = float32(i%7) - 3
	}
	p := PackF32(w, n, k)
	for _, m := range []int{1, 4, 16, 64, 512} {
		a, c := make([]float32, m*k), make([]float32, m*n)
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/m=%d/threads=%d/packed", GemmF32Path(), m, threads), func(b *testing.B) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(threads))
				for i := 0; i < b.N; i++ {
					p.Gemm(m, a, k, c, n)
				}
				reportGemmF32GFLOPS(b, m, n, k)
			})
			b.Run(fmt.Sprintf("%s/m=%d/threads=%d/unpacked", GemmF32Path(), m, threads), func(b *testing.B) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(threads))
				for i := 0; i < b.N; i++ {
					GemmF32(m, n, k, a, k, w, k, c, n)
				}
				reportGemmF32GFLOPS(b, m, n, k)
			})
		}
	}
}
