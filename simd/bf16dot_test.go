package simd

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"
)

// dotBF16Ref is DotBF16's documented reference loop, written plainly.
func dotBF16Ref(a, b []uint16) float32 {
	var s [64]float32
	np := (len(a) + 1) / 2
	np = (np + 63) / 64 * 64
	at := func(v []uint16, i int) float32 {
		if i < len(v) {
			return BF16BitsToF32(v[i])
		}
		return 0
	}
	for p := 0; p < np; p++ {
		s[p%64] += float32(at(a, 2*p+1) * at(b, 2*p+1))
		s[p%64] += float32(at(a, 2*p) * at(b, 2*p))
	}
	for h := 32; h >= 1; h /= 2 {
		for l := 0; l < h; l++ {
			s[l] += s[l+h]
		}
	}
	return s[0]
}

func TestDotBF16Sweep(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	lengths := []int{1000, 4096, 4097, 5000}
	for n := 0; n <= 300; n++ {
		lengths = append(lengths, n)
	}
	for _, n := range lengths {
		off := r.IntN(4)
		a := randBF16(r, n+off)[off:]
		b := randBF16(r, n+off)[off:]
		want := dotBF16Ref(a, b)
		for _, l := range Levels() {
			restore := SetLevel(l)
			got := DotBF16(a, b)
			restore()
			if math.Float32bits(got) != math.Float32bits(want) {
				t.Fatalf("%s n=%d off=%d: DotBF16 = %v, want %v", l, n, off, got, want)
			}
		}
	}
}

// TestDotBF16Accuracy bounds the result against a float64 sum of the same
// products: n·2^-24·Σ|a·b|.
func TestDotBF16Accuracy(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for _, n := range []int{3, 127, 128, 129, 10000} {
		a, b := randBF16(r, n), randBF16(r, n)
		var s, sa float64
		for i := range a {
			x := float64(BF16BitsToF32(a[i])) * float64(BF16BitsToF32(b[i]))
			s += x
			sa += math.Abs(x)
		}
		got := DotBF16(a, b)
		if d := math.Abs(float64(got) - s); d > float64(n)*0x1p-24*sa {
			t.Errorf("n=%d: DotBF16 = %v, float64 %v", n, got, s)
		}
	}
}

// TestDotBF16Subnormal: VDPBF16PS flushes subnormals, the others keep them.
func TestDotBF16Subnormal(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	n := 500
	a, b := randBF16(r, n), randBF16(r, n)
	for i := 0; i < n; i += 3 {
		a[i] = uint16(r.IntN(0x7f) + 1)
		b[i+1] = 0x0080 | uint16(r.IntN(0x7f)) // tiny normal: product underflows
	}
	want := dotBF16Ref(a, b)
	for _, l := range Levels() {
		restore := SetLevel(l)
		got := DotBF16(a, b)
		restore()
		if d := math.Abs(float64(got - want)); d > float64(n)*0x1p-126 {
			t.Errorf("%s: DotBF16 = %v, want %v", l, got, want)
		}
	}
}

func TestDotBF16Panics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for different lengths")
		}
	}()
	DotBF16(make([]uint16, 3), make([]uint16, 4))
}

// FuzzDotBF16: values from the input with exponents kept in a range that
// neither overflows nor underflows, so every level matches exactly.
func FuzzDotBF16(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add(make([]byte, 1031))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := len(data) / 4
		a, b := make([]uint16, n), make([]uint16, n)
		clamp := func(h uint16) uint16 {
			e := (h>>7)&0xff%32 + 112 // 2^-15 .. 2^16
			return h&0x807f | e<<7
		}
		for i := 0; i < n; i++ {
			a[i] = clamp(binary.LittleEndian.Uint16(data[4*i:]))
			b[i] = clamp(binary.LittleEndian.Uint16(data[4*i+2:]))
		}
		want := dotBF16Ref(a, b)
		for _, l := range Levels() {
			restore := SetLevel(l)
			got := DotBF16(a, b)
			restore()
			if math.Float32bits(got) != math.Float32bits(want) && got == got {
				t.Fatalf("%s n=%d: DotBF16 = %v, want %v", l, n, got, want)
			}
		}
	})
}

func BenchmarkDotBF16(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	x, y := randBF16(r, 4096), randBF16(r, 4096)
	for _, l := range Levels() {
		b.Run(l.String(), func(b *testing.B) {
			defer SetLevel(l)()
			b.SetBytes(2 * 2 * 4096)
			for b.Loop() {
				DotBF16(x, y)
			}
		})
	}
}
