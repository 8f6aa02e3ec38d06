package simd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// checkF32Kernel runs kn on random panels of k steps and compares every
// element with a float64 sum. C has ldc = NR+pad with sentinels in the
// padding and around the tile, which must survive.
func checkF32Kernel(t *testing.T, kn *F32Kernel, r *rand.Rand, k, pad int, accumulate bool) {
	t.Helper()
	mr, nr := kn.MR, kn.NR
	a := make([]float32, k*mr)
	b := make([]float32, k*nr)
	f32Fill(r, a)
	f32Fill(r, b)
	ldc := nr + pad
	n := (mr-1)*ldc + nr
	c, intact := f32Guarded(n, 0)
	c0 := make([]float32, len(c))
	for i := 0; i < mr; i++ {
		for j := 0; j < nr; j++ {
			c[i*ldc+j] = float32(r.NormFloat64())
		}
	}
	copy(c0, c)
	kn.Run(k, a, b, c, ldc, accumulate)
	for i := 0; i < mr; i++ {
		for j := 0; j < nr; j++ {
			var s, abs float64
			for p := 0; p < k; p++ {
				v := float64(a[p*mr+i]) * float64(b[p*nr+j])
				s += v
				abs += math.Abs(v)
			}
			if accumulate {
				s += float64(c0[i*ldc+j])
				abs += math.Abs(float64(c0[i*ldc+j]))
			}
			got := float64(c[i*ldc+j])
			if d := math.Abs(got - s); d > float64(k+2)*0x1p-24*abs {
				t.Fatalf("%s k=%d acc=%v: c[%d][%d] = %v, want %v", kn.Name, k, accumulate, i, j, got, s)
			}
		}
		for j := nr; j < ldc && i < mr-1; j++ {
			if v := c[i*ldc+j]; math.Float32bits(v) != math.Float32bits(f32Sentinel) {
				t.Fatalf("%s k=%d: wrote c[%d][%d] beyond the tile", kn.Name, k, i, j)
			}
		}
	}
	if !intact() {
		t.Fatalf("%s k=%d: wrote outside C", kn.Name, k)
	}
}

// allF32Kernels lists every kernel runnable here, narrow ones included.
func allF32Kernels() []*F32Kernel {
	var ks []*F32Kernel
	for _, kn := range GemmF32Kernels() {
		ks = append(ks, kn)
		ks = append(ks, kn.narrow...)
	}
	return ks
}

func TestGemmF32Kernels(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, kn := range allF32Kernels() {
		t.Run(kn.Name, func(t *testing.T) {
			for k := 0; k <= 40; k++ {
				for _, acc := range []bool{false, true} {
					checkF32Kernel(t, kn, r, k, k%5, acc)
				}
			}
			for _, k := range []int{255, 256, 1000} {
				checkF32Kernel(t, kn, r, k, 3, k%2 == 0)
			}
		})
	}
}

// TestGemmF32GenericMatchesDoc checks the generic kernel against the loop
// in Run's doc comment, bit for bit.
func TestGemmF32GenericMatchesDoc(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	kn := gemmF32GenericKernel
	mr, nr, ldc := kn.MR, kn.NR, kn.NR+3
	for _, k := range []int{0, 1, 2, 5, 64} {
		for _, acc := range []bool{false, true} {
			a, b := make([]float32, mr*k), make([]float32, nr*k)
			f32Fill(r, a)
			f32Fill(r, b)
			c, want := make([]float32, mr*ldc), make([]float32, mr*ldc)
			f32Fill(r, c)
			copy(want, c)
			kn.Run(k, a, b, c, ldc, acc)
			for i := 0; i < mr; i++ {
				for j := 0; j < nr; j++ {
					s := float32(0)
					for p := 0; p < k; p++ {
						s += float32(a[p*mr+i] * b[p*nr+j])
					}
					if acc {
						want[i*ldc+j] += s
					} else {
						want[i*ldc+j] = s
					}
				}
			}
			for i := range c {
				if !sameF32(c[i], want[i]) {
					t.Fatalf("k=%d acc=%v: c[%d] = %v, want %v", k, acc, i, c[i], want[i])
				}
			}
		}
	}
}

// TestGemmF32NarrowKernels checks that a narrow kernel gives the bits of
// its main kernel, row for row.
func TestGemmF32NarrowKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	for _, kn := range GemmF32Kernels() {
		if kn.Narrow(kn.MR) != kn || kn.Narrow(0) != nil || kn.Narrow(kn.MR+1) != nil {
			t.Errorf("%s: Narrow of its own MR, 0 or MR+1 is wrong", kn.Name)
		}
		for rows := 1; rows < kn.MR; rows++ {
			nk := kn.Narrow(rows)
			if nk == nil {
				continue
			}
			if nk.MR != rows || nk.NR != kn.NR || nk.Level != kn.Level {
				t.Fatalf("%s: Narrow(%d) is %s", kn.Name, rows, nk.Name)
			}
			for _, k := range []int{0, 1, 7, 64, 301} {
				a := make([]float32, k*kn.MR)
				b := make([]float32, k*kn.NR)
				f32Fill(r, a)
				f32Fill(r, b)
				c := make([]float32, kn.MR*kn.NR)
				kn.Run(k, a, b, c, kn.NR, false)
				// The first rows rows of the full panel, as a narrow panel.
				na := make([]float32, k*rows)
				for p := 0; p < k; p++ {
					copy(na[p*rows:(p+1)*rows], a[p*kn.MR:])
				}
				nc := make([]float32, rows*kn.NR)
				nk.Run(k, na, b, nc, kn.NR, false)
				for i := range nc {
					if !sameF32(nc[i], c[i]) {
						t.Fatalf("%s k=%d: c[%d] = %v, main kernel %v", nk.Name, k, i, nc[i], c[i])
					}
				}
			}
		}
	}
}

func TestGemmF32KernelLevel(t *testing.T) {
	for _, l := range Levels() {
		restore := SetLevel(l)
		kn := GemmF32Kernel()
		restore()
		if kn.Level != l {
			t.Errorf("level %s: GemmF32Kernel is %s (level %s)", l, kn.Name, kn.Level)
		}
	}
}

func TestGemmF32KernelBadArgsPanic(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("Run with a short C did not panic")
		}
	}()
	kn := GemmF32Kernel()
	kn.Run(1, make([]float32, kn.MR), make([]float32, kn.NR), make([]float32, kn.NR), kn.NR, false)
}

// BenchmarkGemmF32Kernel measures one kernel call on panels that stay in
// cache, the ceiling for the whole GEMM.
func BenchmarkGemmF32Kernel(b *testing.B) {
	for _, kn := range GemmF32Kernels() {
		for _, k := range []int{64, 256, 512} {
			b.Run(fmt.Sprintf("%s/k=%d", kn.Name, k), func(b *testing.B) {
				pa := make([]float32, k*kn.MR)
				pb := make([]float32, k*kn.NR)
				c := make([]float32, kn.MR*kn.NR)
				for b.Loop() {
					kn.Run(k, pa, pb, c, kn.NR, true)
				}
				flops := 2 * float64(kn.MR*kn.NR*k) * float64(b.N)
				b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOPS")
			})
		}
	}
}
