package simd

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

func TestAdd(t *testing.T) {
	forF32Levels(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(9, 10))
		for _, n := range f32Lens(140) {
			for off := 0; off < 4; off++ {
				dst, ok := f32Guarded(n, off)
				a, b := make([]float32, n+off)[off:], make([]float32, n+3)[3:]
				f32Fill(r, a)
				f32Fill(r, b)
				want := make([]float32, n)
				addGeneric(want, a, b)
				Add(dst, a, b)
				for i := range dst {
					if !sameF32(dst[i], want[i]) {
						t.Fatalf("n=%d off=%d: dst[%d] = %v, want %v", n, off, i, dst[i], want[i])
					}
				}
				if !ok() {
					t.Fatalf("n=%d off=%d: Add wrote outside dst", n, off)
				}
				// In place: dst is a.
				Add(a, a, b)
				for i := range a {
					if !sameF32(a[i], want[i]) {
						t.Fatalf("n=%d: in-place Add[%d] = %v, want %v", n, i, a[i], want[i])
					}
				}
			}
		}
	})
}

func TestAddLengthMismatchPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("Add with different lengths did not panic")
		}
	}()
	Add(make([]float32, 3), make([]float32, 3), make([]float32, 2))
}

// FuzzElementwise checks Axpy, Scale and Add at every level against the
// reference loops, bit for bit, on arbitrary bit patterns.
func FuzzElementwise(f *testing.F) {
	f.Add([]byte{0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 1, 2, 3, 4}, uint32(0x3f000000))
	f.Fuzz(func(t *testing.T, b []byte, alphaBits uint32) {
		v := f32FromBytes(b)
		n := len(v) / 2
		x, y := v[:n], v[n:2*n]
		alpha := f32FromBytes([]byte{byte(alphaBits), byte(alphaBits >> 8), byte(alphaBits >> 16), byte(alphaBits >> 24)})[0]
		wantAxpy := append([]float32(nil), y...)
		axpyGeneric(alpha, x, wantAxpy)
		wantScale := append([]float32(nil), x...)
		scaleGeneric(alpha, wantScale)
		wantAdd := make([]float32, n)
		addGeneric(wantAdd, x, y)
		for _, l := range Levels() {
			restore := SetLevel(l)
			gotAxpy := append([]float32(nil), y...)
			Axpy(alpha, x, gotAxpy)
			gotScale := append([]float32(nil), x...)
			Scale(alpha, gotScale)
			gotAdd := make([]float32, n)
			Add(gotAdd, x, y)
			restore()
			for i := 0; i < n; i++ {
				if !sameF32(gotAxpy[i], wantAxpy[i]) || !sameF32(gotScale[i], wantScale[i]) || !sameF32(gotAdd[i], wantAdd[i]) {
					t.Fatalf("%s n=%d i=%d: axpy %v/%v scale %v/%v add %v/%v", l, n, i,
						gotAxpy[i], wantAxpy[i], gotScale[i], wantScale[i], gotAdd[i], wantAdd[i])
				}
			}
		}
	})
}

func BenchmarkAdd(b *testing.B) {
	for _, l := range Levels() {
		for _, n := range []int{64, 1024, 16384} {
			b.Run(fmt.Sprintf("%s/%d", l, n), func(b *testing.B) {
				defer SetLevel(l)()
				x, y, z := make([]float32, n), make([]float32, n), make([]float32, n)
				b.SetBytes(int64(12 * n))
				for b.Loop() {
					Add(z, x, y)
				}
			})
		}
	}
}
