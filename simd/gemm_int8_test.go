package simd

import (
	"math/rand/v2"
	"testing"
)

// refGemmS8 is the plain triple loop over unpacked matrices.
func refGemmS8(a []int8, lda int, b []int8, ldb int, m, n, k int) []int32 {
	c := make([]int32, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s int32
			for t := 0; t < k; t++ {
				s += int32(a[i*lda+t]) * int32(b[j*ldb+t])
			}
			c[i*n+j] = s
		}
	}
	return c
}

const s8Guard = -0x5a5a5a5a

// runBlock packs a (rows×k, values in [-127,127]) and b (n×k), runs
// GemmS8.Block over all panels into a guarded acc and checks it against the
// reference, then BlockF32 and BlockF32Prep against the reference's
// float32 epilogue.
func runBlock(t *testing.T, g GemmS8, a []int8, lda int, b []int8, ldb int, rows, n, k int) {
	t.Helper()
	np := S8Panels(n)
	plen := S8PanelLen(k)
	packed := make([]int8, np*plen+7)[3:] // misaligned
	PackS8B(packed, b, ldb, n, k)
	pb := g.PrepB(make([]int8, g.PrepBLen(np, k)+1)[1:], packed, np, k)
	blk := make([]int8, g.ABlockLen(k)+5)[5:]
	corr := make([]int32, g.MR())
	g.packAS8(blk, corr, a, lda, rows, k)
	ldacc := 16*np + 3
	acc := make([]int32, ldacc*(rows+1)+8)
	for i := range acc {
		acc[i] = s8Guard
	}
	out := acc[4:]
	g.Block(rows, np, k, blk, corr, pb, out, ldacc)
	want := refGemmS8(a, lda, b, ldb, rows, n, k)
	for i := -4; i < len(out); i++ {
		r, j := i/ldacc, i%ldacc
		v := acc[4+i]
		switch {
		case i >= 0 && r < rows && j < n:
			if v != want[r*n+j] {
				t.Fatalf("%s rows=%d n=%d k=%d: acc[%d][%d] = %d, want %d", g.Name(), rows, n, k, r, j, v, want[r*n+j])
			}
		case i >= 0 && r < rows && j < 16*np:
			if v != 0 { // padding columns are zero
				t.Fatalf("%s rows=%d n=%d k=%d: padding acc[%d][%d] = %d", g.Name(), rows, n, k, r, j, v)
			}
		default:
			if v != s8Guard {
				t.Fatalf("%s rows=%d n=%d k=%d: s8Guard at %d overwritten", g.Name(), rows, n, k, i)
			}
		}
	}

	// BlockF32 with scales that make every product round.
	sa := make([]float32, rows)
	sb := make([]float32, 16*np)
	for i := range sa {
		sa[i] = 1/3.0 + float32(i)/7
	}
	for j := range sb {
		sb[j] = 1/7.0 - float32(j)/1000
	}
	const guard = float32(-12345.5)
	c := make([]float32, ldacc*(rows+1)+8)
	checkF32 := func(what string) {
		t.Helper()
		for i := -4; i < len(c)-4; i++ {
			r, j := i/ldacc, i%ldacc
			v := c[4+i]
			switch {
			case i >= 0 && r < rows && j < 16*np:
				var s int32
				if j < n {
					s = want[r*n+j]
				}
				if w := float32(s) * sb[j] * sa[r]; v != w {
					t.Fatalf("%s rows=%d n=%d k=%d: %s c[%d][%d] = %g, want %g", g.Name(), rows, n, k, what, r, j, v, w)
				}
			default:
				if v != guard {
					t.Fatalf("%s rows=%d n=%d k=%d: %s guard at %d overwritten", g.Name(), rows, n, k, what, i)
				}
			}
		}
	}
	for i := range c {
		c[i] = guard
	}
	g.BlockF32(rows, np, k, blk, sa, corr, pb, sb, c[4:], ldacc)
	checkF32("BlockF32")

	// BlockF32Prep from the packed panels: the same values, and the
	// same prepared copy as PrepB.
	for i := range c {
		c[i] = guard
	}
	dst := make([]int8, g.PrepBLen(np, k)+3)[3:]
	got := g.BlockF32Prep(rows, np, k, blk, sa, corr, packed, sb, c[4:], ldacc, dst)
	checkF32("BlockF32Prep")
	if len(got) != len(pb) {
		t.Fatalf("%s rows=%d n=%d k=%d: BlockF32Prep prepared %d bytes, PrepB %d", g.Name(), rows, n, k, len(got), len(pb))
	}
	for i := range got {
		if got[i] != pb[i] {
			t.Fatalf("%s rows=%d n=%d k=%d: BlockF32Prep prepared byte %d = %d, PrepB %d", g.Name(), rows, n, k, i, got[i], pb[i])
		}
	}
}

// variantName is g's Name, with "-wide" for the variant that reads
// prepared (widened) B.
func variantName(g GemmS8) string {
	if g.PrepBLen(2, 4) > 0 {
		return g.Name() + "-wide"
	}
	return g.Name()
}

// variants returns the int8 kernels of the current level: NewGemmS8 and
// its variant for many rows (ForRows), if that differs.
func variants() []GemmS8 {
	g := NewGemmS8()
	if w := g.ForRows(1 << 20); w != g {
		return []GemmS8{g, w}
	}
	return []GemmS8{g}
}

func randA(r *rand.Rand, n int) []int8 {
	x := make([]int8, n)
	for i := range x {
		x[i] = int8(r.IntN(255) - 127)
	}
	return x
}

func TestGemmS8Block(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	forEachLevel(t, func(t *testing.T) {
		for _, g := range variants() {
			t.Logf("kernel %s, MR %d", variantName(g), g.MR())
			for rows := 0; rows <= g.MR(); rows++ {
				for _, n := range []int{1, 15, 16, 17, 31, 32, 33, 48, 64} {
					for _, k := range []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 131} {
						lda, ldb := k+r.IntN(3), k+r.IntN(3)
						a := randA(r, rows*lda+1)[1:]
						b := randS8(r, n*ldb+2)[2:]
						runBlock(t, g, a, lda, b, ldb, rows, n, k)
					}
				}
			}
			for _, k := range []int{255, 256, 257, 1023, 2048} {
				rows := g.MR()
				a, b := randA(r, rows*k), randS8(r, 40*k)
				runBlock(t, g, a, k, b, k, rows, 40, k)
			}
		}
	})
}

// TestGemmS8Extremes drives every kernel with the largest products (A at
// 127 and -127 or -128, B at -128/127, in blocks of equal signs and alternating), where an
// int16 intermediate would saturate if the bound in the AVX2 kernel failed.
func TestGemmS8Extremes(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		for _, g := range variants() {
			extremes(t, g)
		}
	})
}

// extremes drives g with the largest products (see TestGemmS8Extremes).
func extremes(t *testing.T, g GemmS8) {
	for _, k := range []int{4, 64, 1024, 4096} {
		rows, n := g.MR(), 32
		for pat := 0; pat < 8; pat++ {
			a, b := make([]int8, rows*k), make([]int8, n*k)
			lo := int8(-127)
			if pat >= 4 { // PackA never makes -128, but the kernels take it
				lo = -128
			}
			for i := range a {
				a[i] = 127
				if (pat&1 == 1 && i%2 == 1) || (i/k)%2 == 1 {
					a[i] = lo
				}
			}
			for i := range b {
				b[i] = -128
				if (pat&2 == 2 && i%3 == 0) || (i/k)%3 == 2 {
					b[i] = 127
				}
			}
			runBlock(t, g, a, k, b, k, rows, n, k)
		}
	}
}

// TestGemmS8PrepB checks the prepared B layout against its definition.
func TestGemmS8PrepB(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	forEachLevel(t, func(t *testing.T) {
		for _, g := range variants() {
			for _, nk := range [][2]int{{1, 1}, {16, 4}, {33, 7}, {64, 64}, {40, 130}} {
				n, k := nk[0], nk[1]
				np, kq := S8Panels(n), (k+3)/4
				b := randS8(r, n*k)
				pb := make([]int8, np*S8PanelLen(k))
				PackS8B(pb, b, k, n, k)
				got := g.PrepB(make([]int8, g.PrepBLen(np, k)), pb, np, k)
				if g.PrepBLen(np, k) == 0 {
					if &got[0] != &pb[0] {
						t.Fatalf("%s: PrepB copied a layout it reads as is", g.Name())
					}
					continue
				}
				if len(got) != g.bLen(np, kq) {
					t.Fatalf("%s n=%d k=%d: prepared %d bytes, want %d", g.Name(), n, k, len(got), g.bLen(np, kq))
				}
				for j := 0; j < 16*np; j++ {
					for i := 0; i < 4*kq; i++ {
						var want int16
						if j < n && i < k {
							want = int16(b[j*k+i])
						}
						h, c, q, tt := j/8, j%8, i/4, i%4
						o := 2 * (32*(kq*h+q) + 4*c + tt)
						if v := int16(uint8(got[o])) | int16(got[o+1])<<8; v != want {
							t.Fatalf("%s n=%d k=%d: B[%d][%d] prepared as %d, want %d", g.Name(), n, k, j, i, v, want)
						}
					}
				}
			}
		}
	})
}

func TestGemmS8PackA(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	forEachLevel(t, func(t *testing.T) {
		g := NewGemmS8()
		for _, k := range []int{1, 5, 16, 33, 64, 300, 512} {
			for rows := 0; rows <= g.MR(); rows++ {
				ldx := k + 2
				x := randF32(r, rows*ldx, 2)
				blk := make([]int8, g.ABlockLen(k))
				for i := range blk {
					blk[i] = 55
				}
				sa := make([]float32, rows)
				corr := make([]int32, g.MR())
				g.PackA(blk, sa, corr, x, ldx, rows, k)
				q := make([]int8, k)
				for i := 0; i < g.MR(); i++ {
					var sum int32
					if i < rows {
						s := QuantizeS8(q, x[i*ldx:i*ldx+k])
						if s != sa[i] {
							t.Fatalf("k=%d row %d: scale %g want %g", k, i, sa[i], s)
						}
					} else {
						clear(q)
					}
					for j := 0; j < (k+3)/4*4; j++ {
						var want int8
						if j < k {
							want = q[j]
						}
						if got := g.blockCode(blk, i, j); got != want {
							t.Fatalf("k=%d row %d col %d: code %d want %d", k, i, j, got, want)
						}
						sum += int32(want)
					}
					if corr[i] != -128*sum {
						t.Fatalf("k=%d row %d: corr %d want %d", k, i, corr[i], -128*sum)
					}
				}
			}
		}
	})
}

func TestDequantS32(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	forEachLevel(t, func(t *testing.T) {
		for cols := 0; cols <= 70; cols++ {
			rows := 3
			ldacc, ldc := cols+1, cols+2
			acc := make([]int32, rows*ldacc)
			for i := range acc {
				acc[i] = r.Int32() >> r.IntN(31)
				if i%2 == 0 {
					acc[i] = -acc[i]
				}
			}
			sa, sb := randF32(r, rows, 1), randF32(r, cols+1, 1)[1:]
			c := make([]float32, rows*ldc+2)
			for i := range c {
				c[i] = 42
			}
			DequantS32(rows, cols, acc, ldacc, sa, sb, c[1:], ldc)
			for i := 0; i < rows; i++ {
				for j := 0; j < ldc; j++ {
					got := c[1+i*ldc+j]
					want := float32(42)
					if j < cols {
						want = float32(acc[i*ldacc+j]) * sb[j] * sa[i]
					}
					if got != want {
						t.Fatalf("cols=%d: c[%d][%d] = %g want %g", cols, i, j, got, want)
					}
				}
			}
			if c[0] != 42 {
				t.Fatal("s8Guard before c overwritten")
			}
		}
	})
}

func FuzzGemmS8(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9}, uint8(3), uint8(5), uint8(7))
	f.Fuzz(func(t *testing.T, data []byte, rows, n, k uint8) {
		if len(data) == 0 {
			return
		}
		kk, nn := int(k%70), int(n%40)+1
		byteAt := func(i int) int8 { return int8(data[i%len(data)]) }
		for _, l := range Levels() {
			restore := SetLevel(l)
			g := NewGemmS8()
			rr := int(rows) % (g.MR() + 1)
			a, b := make([]int8, rr*kk), make([]int8, nn*kk)
			for i := range a {
				a[i] = byteAt(i) // -128 included: every kernel is exact for it
			}
			for i := range b {
				b[i] = byteAt(len(a) + i)
			}
			runBlock(t, g, a, kk, b, kk, rr, nn, kk)
			runBlock(t, g.ForRows(1<<20), a, kk, b, kk, rr, nn, kk)
			restore()
		}
	})
}

// blockCode reads A[r][j] back from an A block.
func (g GemmS8) blockCode(blk []int8, r, j int) int8 {
	if g.aBytes() == 2 {
		o := 8*(g.mr*(j/4)+r) + 2*(j%4)
		v := int16(uint8(blk[o])) | int16(blk[o+1])<<8
		if v != int16(int8(v)) {
			panic("int16 code out of int8 range")
		}
		return int8(v)
	}
	return blk[4*(g.mr*(j/4)+r)+j%4]
}
