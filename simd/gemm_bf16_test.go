package simd

import (
	"math"
	"math/rand/v2"
	"testing"
)

// randBF16 returns n bfloat16 values of roughly normal distribution.
func randBF16(r *rand.Rand, n int) []uint16 {
	v := make([]uint16, n)
	for i := range v {
		v[i] = F32ToBF16Bits(float32(r.NormFloat64()))
	}
	return v
}

func randBF16Input(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return v
}

// gemmBF16Ref is the documented reference loop on unpacked operands: a is
// float32 (rounded here), w bfloat16 rows.
func gemmBF16Ref(m, n, k int, a []float32, lda int, w []uint16, ldw int, c []float32, ldc int, load bool) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float32
			if load {
				s = c[i*ldc+j]
			}
			for p := 0; 2*p < k; p++ {
				if 2*p+1 < k {
					s += float32(BF16BitsToF32(F32ToBF16Bits(a[i*lda+2*p+1])) * BF16BitsToF32(w[j*ldw+2*p+1]))
				}
				s += float32(BF16BitsToF32(F32ToBF16Bits(a[i*lda+2*p])) * BF16BitsToF32(w[j*ldw+2*p]))
			}
			c[i*ldc+j] = s
		}
	}
}

func TestPackBF16(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, k := range []int{0, 1, 2, 5, 8, 257, 600} {
		for _, n := range []int{1, 7, 32} {
			ldw := k + 3
			w := randBF16(r, n*ldw)
			panel := make([]uint16, BF16PanelLen(k))
			for i := range panel {
				panel[i] = 0xffff
			}
			PackBF16B(panel, w, ldw, n, k)
			for p := 0; p < (k+1)/2; p++ {
				for j := 0; j < GemmBF16NR; j++ {
					for e := 0; e < 2; e++ {
						want := uint16(0)
						if j < n && 2*p+e < k {
							want = w[j*ldw+2*p+e]
						}
						if got := panel[p*2*GemmBF16NR+2*j+e]; got != want {
							t.Fatalf("PackBF16B k=%d n=%d: [p=%d j=%d e=%d] = %#x, want %#x", k, n, p, j, e, got, want)
						}
					}
				}
			}
			for m := 1; m <= GemmBF16MR; m += 5 {
				a := randBF16Input(r, m*ldw)
				pa := make([]uint32, (k+1)/2*m)
				PackBF16A(pa, a, ldw, m, k)
				for p := 0; p < (k+1)/2; p++ {
					for i := 0; i < m; i++ {
						lo := uint32(F32ToBF16Bits(a[i*ldw+2*p]))
						hi := uint32(0)
						if 2*p+1 < k {
							hi = uint32(F32ToBF16Bits(a[i*ldw+2*p+1]))
						}
						if got := pa[p*m+i]; got != lo|hi<<16 {
							t.Fatalf("PackBF16A k=%d m=%d: [p=%d i=%d] = %#x, want %#x", k, m, p, i, got, lo|hi<<16)
						}
					}
				}
			}
		}
	}
}

// kernelCase runs GemmBF16Kernel on random data and returns the tile (with
// convGuard values around it) for comparison.
type kernelCase struct {
	m, n, k int
	a       []float32 // m rows, stride k+1
	w       []uint16  // n rows, stride k+1
	c0      []float32 // initial C for load
}

func newKernelCase(r *rand.Rand, m, n, k int) kernelCase {
	return kernelCase{m: m, n: n, k: k, a: randBF16Input(r, m*(k+1)), w: randBF16(r, n*(k+1)), c0: randBF16Input(r, m*n)}
}

const cSentinel = float32(-7.25e10)

// run computes the tile at the current level with ldc = n+3 and convGuard
// bands; it checks the guards and returns the m×n result.
func (kc kernelCase) run(t *testing.T, load bool) []float32 {
	t.Helper()
	m, n, k := kc.m, kc.n, kc.k
	kp := (k + 1) / 2
	pa := make([]uint32, kp*m)
	PackBF16A(pa, kc.a, k+1, m, k)
	// Panels 64 values further apart than needed.
	ldb := BF16PanelLen(k) + 64
	np := (n + GemmBF16NR - 1) / GemmBF16NR
	pb := make([]uint16, np*ldb)
	for q := 0; q < np; q++ {
		j0 := q * GemmBF16NR
		PackBF16B(pb[q*ldb:], kc.w[j0*(k+1):], k+1, min(GemmBF16NR, n-j0), k)
	}
	ldc := n + 3
	buf := make([]float32, 2*convGuard+(m-1)*ldc+n)
	for i := range buf {
		buf[i] = cSentinel
	}
	c := buf[convGuard : convGuard+(m-1)*ldc+n]
	for i := 0; i < m; i++ {
		copy(c[i*ldc:i*ldc+n], kc.c0[i*n:])
	}
	GemmBF16Kernel(m, n, kp, pa, pb, ldb, c, ldc, load)
	out := make([]float32, m*n)
	for i, v := range buf {
		j := i - convGuard
		if j >= 0 && j < len(c) && j%ldc < n {
			out[j/ldc*n+j%ldc] = v
		} else if v != cSentinel {
			t.Fatalf("m=%d n=%d k=%d: wrote outside the tile at %d", m, n, k, j)
		}
	}
	return out
}

func (kc kernelCase) ref(load bool) []float32 {
	c := append([]float32(nil), kc.c0...)
	gemmBF16Ref(kc.m, kc.n, kc.k, kc.a, kc.k+1, kc.w, kc.k+1, c, kc.n, load)
	return c
}

func sameBits(a, b []float32) int {
	for i := range a {
		if a[i] != b[i] && !(a[i] != a[i] && b[i] != b[i]) {
			return i
		}
	}
	return -1
}

// TestGemmBF16KernelLevels wants the reference's bits from every level
// for every row count, every column count of a panel, several panels
// (the four-panel kernels and what is left after them) and a range of k.
func TestGemmBF16KernelLevels(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	check := func(l Level, m, n, k int) {
		kc := newKernelCase(r, m, n, k)
		for _, load := range []bool{false, true} {
			got, want := kc.run(t, load), kc.ref(load)
			if i := sameBits(got, want); i >= 0 {
				t.Fatalf("%s (%s) m=%d n=%d k=%d load=%v: [%d,%d] = %v, want %v",
					l, GemmBF16KernelName(), m, n, k, load, i/n, i%n, got[i], want[i])
			}
		}
	}
	for _, l := range Levels() {
		restore := SetLevel(l)
		// Every row count with every column count of one panel.
		for m := 1; m <= GemmBF16MR; m++ {
			for n := 1; n <= GemmBF16NR; n++ {
				for _, k := range []int{0, 1, 2, 3, 5, 32} {
					check(l, m, n, k)
				}
			}
		}
		// Several panels: the four-panel kernels and what is left after.
		for _, m := range []int{1, 2, 3, 4, 5, GemmBF16MR} {
			for _, n := range []int{33, 63, 64, 96, 97, 127, 128, 129, 159, 160, 161, 200, 257, 300} {
				for _, k := range []int{1, 4, 71} {
					check(l, m, n, k)
				}
			}
		}
		restore()
	}
}

// TestGemmBF16KernelKBlocks checks that K split into blocks run with load
// gives the bits of one call.
func TestGemmBF16KernelKBlocks(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	for _, l := range Levels() {
		restore := SetLevel(l)
		for _, m := range []int{1, 3, 5} {
			n, k := 29+4*GemmBF16NR, 301
			kp := (k + 1) / 2
			kc := newKernelCase(r, m, n, k)
			pa := make([]uint32, kp*m)
			PackBF16A(pa, kc.a, k+1, m, k)
			ldb := BF16PanelLen(k)
			pb := make([]uint16, 5*ldb)
			for q := 0; q < 5; q++ {
				j0 := q * GemmBF16NR
				PackBF16B(pb[q*ldb:], kc.w[j0*(k+1):], k+1, min(GemmBF16NR, n-j0), k)
			}
			whole := make([]float32, m*n)
			GemmBF16Kernel(m, n, kp, pa, pb, ldb, whole, n, false)
			blocks := make([]float32, m*n)
			for p0 := 0; p0 < kp; p0 += 40 {
				np := min(40, kp-p0)
				GemmBF16Kernel(m, n, np, pa[p0*m:], pb[p0*2*GemmBF16NR:], ldb, blocks, n, p0 > 0)
			}
			if i := sameBits(whole, blocks); i >= 0 {
				t.Fatalf("%s m=%d: k blocks differ at %d: %v vs %v", l, m, i, blocks[i], whole[i])
			}
		}
		restore()
	}
}

// TestGemmBF16KernelAccuracy bounds the reference against float64 sums of
// the same bfloat16 products: |err| <= k·2^-24·Σ|a·b| (each of the k adds
// rounds once).
func TestGemmBF16KernelAccuracy(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	m, n, k := 3, 32, 1000
	kc := newKernelCase(r, m, n, k)
	got := kc.ref(false)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s, sa float64
			for p := 0; p < k; p++ {
				x := float64(BF16BitsToF32(F32ToBF16Bits(kc.a[i*(k+1)+p]))) * float64(BF16BitsToF32(kc.w[j*(k+1)+p]))
				s += x
				sa += math.Abs(x)
			}
			if d := math.Abs(float64(got[i*n+j]) - s); d > float64(k)*0x1p-24*sa {
				t.Errorf("[%d,%d] = %v, float64 sum %v (bound %v)", i, j, got[i*n+j], s, float64(k)*0x1p-24*sa)
			}
		}
	}
}

// TestGemmBF16KernelSubnormal: VDPBF16PS flushes subnormals to zero, the
// reference keeps them; the difference stays below 2^-126 per k.
func TestGemmBF16KernelSubnormal(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	m, n, k := 2, 150, 64
	kc := newKernelCase(r, m, n, k)
	for i := range kc.a {
		if i%3 == 0 {
			kc.a[i] = math.Float32frombits(uint32(r.IntN(0x7fffff) + 1)) // f32 subnormal
		} else {
			kc.a[i] *= 0x1p-120
		}
	}
	for i := range kc.w {
		if i%5 == 0 {
			kc.w[i] = uint16(r.IntN(0x7f) + 1) // bfloat16 subnormal
		}
	}
	want := kc.ref(false)
	for _, l := range Levels() {
		restore := SetLevel(l)
		got := kc.run(t, false)
		restore()
		for i := range got {
			if d := math.Abs(float64(got[i] - want[i])); d > float64(k)*0x1p-126 {
				t.Fatalf("%s: [%d] = %v, want %v", l, i, got[i], want[i])
			}
		}
	}
}

// FuzzGemmBF16Kernel: sizes and values from the input, values kept in a
// range without overflow or subnormals so every level must match exactly.
func FuzzGemmBF16Kernel(f *testing.F) {
	f.Add(uint8(3), uint8(17), uint16(9), []byte{1, 2, 3, 4, 5, 6, 7, 8})
	f.Add(uint8(14), uint8(32), uint16(1), []byte{0xff, 0x80})
	f.Fuzz(func(t *testing.T, mb, nb uint8, kb uint16, data []byte) {
		m := 1 + int(mb)%GemmBF16MR
		n := 1 + int(nb)%(5*GemmBF16NR)
		k := int(kb) % 300
		val := func(i int) float32 {
			if len(data) == 0 {
				return 1
			}
			b := data[i%len(data)] ^ byte(i*7)
			// sign, exponent in 2^-8..2^7, 4 mantissa bits
			e := uint32(119 + int(b>>4)%16)
			return math.Float32frombits(uint32(b&0x80)<<24 | e<<23 | uint32(b&0xf)<<19)
		}
		kc := kernelCase{m: m, n: n, k: k, a: make([]float32, m*(k+1)), w: make([]uint16, n*(k+1)), c0: make([]float32, m*n)}
		for i := range kc.a {
			kc.a[i] = val(i)
		}
		for i := range kc.w {
			kc.w[i] = F32ToBF16Bits(val(i + 1000))
		}
		for i := range kc.c0 {
			kc.c0[i] = val(i + 5000)
		}
		for _, load := range []bool{false, true} {
			want := kc.ref(load)
			for _, l := range Levels() {
				restore := SetLevel(l)
				got := kc.run(t, load)
				restore()
				if i := sameBits(got, want); i >= 0 {
					t.Fatalf("%s m=%d n=%d k=%d: [%d] = %v, want %v", l, m, n, k, i, got[i], want[i])
				}
			}
		}
	})
}
