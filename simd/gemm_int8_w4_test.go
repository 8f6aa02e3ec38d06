package simd

import (
	"math"
	"math/rand/v2"
	"testing"
)

// packS4AS8 packs codes (in [-127, 127]) into a W4A8 A block like PackA.
func (g GemmS4) packAS8(blk []int8, corr []int32, a []int8, lda, rows, k, group int) {
	mr, gp := g.mr, s4Pad(group)
	clear(blk[:g.ABlockLen(k, group)])
	clear(corr[:g.CorrLen(k, group)])
	for r := 0; r < rows; r++ {
		for i, v := range a[r*lda : r*lda+k] {
			gi := i / group
			p := gi*gp + i%group
			blk[4*(mr*(p/4)+r)+p%4] = v
			corr[gi*mr+r] -= 8 * int32(v)
		}
	}
}

// nibbles packs codes q in [-8, 7] (n×k) two per byte, low nibble first,
// as u = q+8.
func nibbles(q []int8) []byte {
	b := make([]byte, (len(q)+1)/2)
	for i, v := range q {
		b[i/2] |= byte(v+8) << (4 * (i % 2))
	}
	return b
}

// refGemmS4 is the reference loop of the W4A8 kernels.
func refGemmS4(a []int8, lda int, sa []float32, q []int8, s []float32, m, n, k, group int) []float32 {
	ng := k / group
	c := make([]float32, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var f float32
			for g := 0; g < ng; g++ {
				var sum int32
				for t := g * group; t < (g+1)*group; t++ {
					sum += int32(a[i*lda+t]) * int32(q[j*k+t])
				}
				f += float32(float32(sum) * s[j*ng+g])
			}
			c[i*n+j] = f * sa[i]
		}
	}
	return c
}

func runBlockS4(t *testing.T, g GemmS4, a []int8, lda int, sa []float32, q []int8, s []float32, rows, n, k, group int) {
	t.Helper()
	np := S4Panels(n)
	pb := make([]byte, np*S4PanelLen(k, group)+3)[3:]
	PackS4B(pb, nibbles(q), s, n, k, group)
	blk := make([]int8, g.ABlockLen(k, group)+1)[1:]
	corr := make([]int32, g.CorrLen(k, group))
	g.packAS8(blk, corr, a, lda, rows, k, group)
	ldc := 16*np + 5
	buf := make([]float32, ldc*(rows+1)+6)
	for i := range buf {
		buf[i] = sentinelF
	}
	g.Block(rows, np, k, group, blk, sa, corr, pb, buf[3:], ldc)
	want := refGemmS4(a, lda, sa, q, s, rows, n, k, group)
	for i := range buf {
		o := i - 3
		r, j := o/ldc, o%ldc
		got := buf[i]
		switch {
		case o >= 0 && r < rows && j < n:
			if math.Float32bits(got) != math.Float32bits(want[r*n+j]) {
				t.Fatalf("%s rows=%d n=%d k=%d group=%d: c[%d][%d] = %g, want %g", g.Name(), rows, n, k, group, r, j, got, want[r*n+j])
			}
		case o >= 0 && r < rows && j < 16*np:
			if got != 0 {
				t.Fatalf("%s rows=%d n=%d k=%d group=%d: padding c[%d][%d] = %g", g.Name(), rows, n, k, group, r, j, got)
			}
		default:
			if got != sentinelF {
				t.Fatalf("%s rows=%d n=%d k=%d group=%d: guard %d overwritten", g.Name(), rows, n, k, group, o)
			}
		}
	}
}

const sentinelF = float32(-777.25)

func randQ4(r *rand.Rand, n int) []int8 {
	q := make([]int8, n)
	for i := range q {
		q[i] = int8(r.IntN(16) - 8)
	}
	return q
}

func TestGemmS4Block(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	forEachLevel(t, func(t *testing.T) {
		g := NewGemmS4()
		t.Logf("kernel %s, MR %d", g.Name(), g.MR())
		for rows := 0; rows <= g.MR(); rows++ {
			for _, n := range []int{1, 15, 16, 17, 33} {
				for _, gk := range [][2]int{{2, 2}, {2, 6}, {4, 8}, {6, 12}, {8, 8}, {8, 24}, {10, 30}, {16, 48}, {32, 32}, {32, 96}, {64, 128}, {128, 256}} {
					group, k := gk[0], gk[1]
					lda := k + r.IntN(3)
					a := randA(r, rows*lda)
					sa := randF32(r, rows, 1)
					q := randQ4(r, n*k)
					s := randF32(r, n*k/group, 0.1)
					runBlockS4(t, g, a, lda, sa, q, s, rows, n, k, group)
				}
			}
		}
		rows, n, k := g.MR(), 48, 2048
		runBlockS4(t, g, randA(r, rows*k), k, randF32(r, rows, 1), randQ4(r, n*k), randF32(r, n*k/32, 0.1), rows, n, k, 32)
	})
}

// TestGemmS4Extremes uses A at ±127 and weights at -8 and 7, with scales
// 1, so every float sum is an exact integer.
func TestGemmS4Extremes(t *testing.T) {
	forEachLevel(t, func(t *testing.T) {
		g := NewGemmS4()
		for _, group := range []int{8, 32, 128} {
			rows, n, k := g.MR(), 32, 1024
			a, q := make([]int8, rows*k), make([]int8, n*k)
			for i := range a {
				a[i] = 127
				if (i/3)%2 == 1 {
					a[i] = -127
				}
			}
			for i := range q {
				q[i] = -8
				if (i/5)%2 == 1 {
					q[i] = 7
				}
			}
			s, sa := make([]float32, n*k/group), make([]float32, rows)
			for i := range s {
				s[i] = 1
			}
			for i := range sa {
				sa[i] = 1
			}
			runBlockS4(t, g, a, k, sa, q, s, rows, n, k, group)
		}
	})
}

func TestGemmS4PackA(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	forEachLevel(t, func(t *testing.T) {
		g := NewGemmS4()
		for _, gk := range [][2]int{{2, 6}, {6, 18}, {8, 32}, {32, 64}, {16, 48}, {48, 96}, {32, 512}} {
			group, k := gk[0], gk[1]
			for rows := 0; rows <= g.MR(); rows++ {
				ldx := k + 1
				x := randF32(r, rows*ldx, 1)
				blk := make([]int8, g.ABlockLen(k, group))
				for i := range blk {
					blk[i] = 9
				}
				corr := make([]int32, g.CorrLen(k, group))
				sa := make([]float32, rows)
				g.PackA(blk, sa, corr, x, ldx, rows, k, group)
				codes := make([]int8, rows*k)
				for i := 0; i < rows; i++ {
					if s := QuantizeS8(codes[i*k:(i+1)*k], x[i*ldx:i*ldx+k]); s != sa[i] {
						t.Fatalf("row %d: scale %g want %g", i, sa[i], s)
					}
				}
				blk2 := make([]int8, len(blk))
				corr2 := make([]int32, len(corr))
				g.packAS8(blk2, corr2, codes, k, rows, k, group)
				for i := range blk {
					if blk[i] != blk2[i] {
						t.Fatalf("group=%d k=%d rows=%d: block byte %d = %d want %d", group, k, rows, i, blk[i], blk2[i])
					}
				}
				for i := range corr {
					if corr[i] != corr2[i] {
						t.Fatalf("group=%d k=%d rows=%d: corr[%d] = %d want %d", group, k, rows, i, corr[i], corr2[i])
					}
				}
			}
		}
	})
}

func FuzzGemmS4(f *testing.F) {
	f.Add([]byte{1, 2, 3, 250, 5, 6, 7, 8, 9}, uint8(3), uint8(5), uint8(2), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, rows, n, g8, ng8 uint8) {
		if len(data) == 0 {
			return
		}
		group := 2 * (int(g8%40) + 1)
		k := group * (int(ng8 % 4))
		nn := int(n%40) + 1
		at := func(i int) int8 { return int8(data[i%len(data)]) }
		for _, l := range Levels() {
			restore := SetLevel(l)
			g := NewGemmS4()
			rr := int(rows) % (g.MR() + 1)
			a, q := make([]int8, rr*k), make([]int8, nn*k)
			for i := range a {
				a[i] = max(at(i), -127)
			}
			for i := range q {
				q[i] = at(len(a)+i) >> 4
			}
			s, sa := make([]float32, nn*k/group), make([]float32, rr)
			for i := range s {
				s[i] = float32(at(i+7)) / 64
			}
			for i := range sa {
				sa[i] = float32(at(i+3)) / 32
			}
			runBlockS4(t, g, a, k, sa, q, s, rr, nn, k, group)
			restore()
		}
	})
}
