package simd

import (
	"math"
	"math/rand/v2"
	"testing"
)

// lnModRef is LayerNormModulate in float64; it also returns the row's
// mean and standard deviation.
func lnModRef(x, shift, scale1 []float32, eps float64) (out []float64, mean, std float64) {
	n := float64(len(x))
	for _, v := range x {
		mean += float64(v)
	}
	mean /= n
	vr := 0.0
	for _, v := range x {
		vr += (float64(v) - mean) * (float64(v) - mean)
	}
	inv := 1 / math.Sqrt(vr/n+eps)
	out = make([]float64, len(x))
	for i, v := range x {
		out[i] = (float64(v)-mean)*inv*float64(scale1[i]) + float64(shift[i])
	}
	return out, mean, math.Sqrt(vr / n)
}

// checkLNMod allows the f32 rounding of the sums (about sqrt(n) ulps of
// the mean, which is |mean|/std ulps of a normalised value, and of the
// variance), of the normalised value (a few ulps) and of the final
// multiply-add.
func checkLNMod(t *testing.T, what string, got []float32, x, shift, scale1 []float32, eps float64) {
	t.Helper()
	want, mean, std := lnModRef(x, shift, scale1, eps)
	norm := 4e-7 * (2 + math.Sqrt(float64(len(x)))) * (1 + math.Abs(mean)/max(std, 1e-3))
	for i := range got {
		z := (want[i] - float64(shift[i])) / float64(scale1[i]) // the normalised value
		tol := norm*(1+math.Abs(z))*math.Abs(float64(scale1[i])) + 2.5e-7*math.Abs(float64(shift[i])) + 1e-7
		if d := math.Abs(float64(got[i]) - want[i]); !(d <= tol) {
			t.Fatalf("%s: dst[%d] = %v, want %v (tol %.3g)", what, i, got[i], want[i], tol)
		}
	}
}

func TestLayerNormModulate(t *testing.T) {
	forF32Levels(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(9, 10))
		for _, n := range f32Lens(70) {
			if n == 0 {
				continue
			}
			for off := 0; off < 3; off++ {
				x := make([]float32, n)
				offset := []float64{0, 5, -100}[off]
				for i := range x {
					x[i] = float32(offset + r.NormFloat64()*float64(1+off))
				}
				shift, scale1 := make([]float32, n), make([]float32, n)
				for i := range shift {
					shift[i] = float32(r.NormFloat64() * 0.3)
					scale1[i] = float32(1 + r.NormFloat64()*0.3)
				}
				dst, ok := f32Guarded(n, off)
				LayerNormModulate(dst, x, shift, scale1, 1e-6)
				if !ok() {
					t.Fatalf("n=%d: LayerNormModulate wrote outside dst", n)
				}
				checkLNMod(t, "n="+itoa(n), dst, x, shift, scale1, 1e-6)
				// In place gives the same bits.
				y := append([]float32(nil), x...)
				LayerNormModulate(y, y, shift, scale1, 1e-6)
				for i := range y {
					if !sameF32(y[i], dst[i]) {
						t.Fatalf("n=%d: in place differs at %d: %v vs %v", n, i, y[i], dst[i])
					}
				}
			}
		}
		// A constant row normalises to shift.
		x := make([]float32, 32)
		for i := range x {
			x[i] = 3
		}
		shift, scale1 := make([]float32, 32), make([]float32, 32)
		for i := range shift {
			shift[i], scale1[i] = float32(i), 2
		}
		dst := make([]float32, 32)
		LayerNormModulate(dst, x, shift, scale1, 1e-6)
		for i := range dst {
			if dst[i] != shift[i] {
				t.Fatalf("constant row: dst[%d] = %v, want %v", i, dst[i], shift[i])
			}
		}
	})
}

func TestGatedAdd(t *testing.T) {
	forF32Levels(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(11, 12))
		for _, n := range f32Lens(70) {
			for off := 0; off < 4; off++ {
				x, ok := f32Guarded(n, off)
				f32Fill(r, x)
				g, y, b := make([]float32, n), make([]float32, n), make([]float32, n)
				f32Fill(r, g)
				f32Fill(r, y)
				f32Fill(r, b)
				in := append([]float32(nil), x...)
				GatedAdd(x, g, y, b)
				if !ok() {
					t.Fatalf("n=%d off=%d: GatedAdd wrote outside x", n, off)
				}
				for i := range x {
					want := float64(in[i]) + float64(g[i])*(float64(y[i])+float64(b[i]))
					// Rounding of y+b, of the product (not on FMA levels) and of the sum.
					tol := 2.5e-7 * (math.Abs(float64(g[i]))*(math.Abs(float64(y[i]))+math.Abs(float64(b[i]))) + math.Abs(want))
					if d := math.Abs(float64(x[i]) - want); d > tol {
						t.Fatalf("n=%d: x[%d] = %v, want %v", n, i, x[i], want)
					}
				}
			}
		}
	})
}

func FuzzLayerNormModulate(f *testing.F) {
	f.Add(float32(1), float32(0.5), 16)
	f.Add(float32(-1e3), float32(30), 48)
	f.Fuzz(func(t *testing.T, a, b float32, n int) {
		if n <= 0 || n > 512 || math.IsNaN(float64(a)) || math.IsNaN(float64(b)) ||
			math.Abs(float64(a)) > 1e6 || math.Abs(float64(b)) > 1e3 {
			return
		}
		x, shift, scale1 := make([]float32, n), make([]float32, n), make([]float32, n)
		for i := range x {
			x[i] = a + b*float32(math.Sin(float64(3*i)))
			shift[i] = float32(math.Cos(float64(i))) / 4
			scale1[i] = 1 + float32(math.Sin(float64(i)))/4
		}
		for _, l := range Levels() {
			restore := SetLevel(l)
			dst := make([]float32, n)
			LayerNormModulate(dst, x, shift, scale1, 1e-6)
			restore()
			checkLNMod(t, l.String(), dst, x, shift, scale1, 1e-6)
		}
	})
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}
