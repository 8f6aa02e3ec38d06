package simd

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/x448/float16"
)

func f32frombits(u uint32) float32 { return math.Float32frombits(u) }
func f32bits(f float32) uint32     { return math.Float32bits(f) }

// sameNaNPayload reports whether two float32 NaNs agree in sign and
// mantissa, ignoring the quiet bit.
func sameNaNPayload(a, b uint32) bool { return (a^b)&^0x00400000 == 0 }

// TestF16BitsToF32Exhaustive compares every half with x448/float16.
func TestF16BitsToF32Exhaustive(t *testing.T) {
	for i := 0; i < 1<<16; i++ {
		h := uint16(i)
		got := f32bits(F16BitsToF32(h))
		want := f32bits(float16.Frombits(h).Float32())
		if h&0x7c00 == 0x7c00 && h&0x3ff != 0 { // NaN: ours is quiet
			if got&0x7fc00000 != 0x7fc00000 || !sameNaNPayload(got, want) {
				t.Errorf("F16BitsToF32(%#04x) = %#08x, want quiet %#08x", h, got, want)
			}
			continue
		}
		if got != want {
			t.Errorf("F16BitsToF32(%#04x) = %#08x, want %#08x", h, got, want)
		}
	}
}

// f16EdgeFloats returns float32 values around every rounding boundary of
// the half format: each half, the midpoints between neighbours and one ulp
// either side of both, for both signs, plus specials and float32
// subnormals.
func f16EdgeFloats() []float32 {
	var fs []float32
	add := func(u uint32) {
		fs = append(fs, f32frombits(u), f32frombits(u|0x80000000))
	}
	for h := 0; h < 0x7c00; h++ {
		lo := float64(float16.Frombits(uint16(h)).Float32())
		hi := 65520.0 // the Inf boundary above 65504
		if h+1 < 0x7c00 {
			hi = float64(float16.Frombits(uint16(h + 1)).Float32())
		}
		for _, v := range []float64{lo, (lo + hi) / 2} {
			u := f32bits(float32(v)) // exact: 12 significant bits at most
			add(u)
			add(u + 1)
			if u&0x7fffffff != 0 {
				add(u - 1)
			}
		}
	}
	for _, u := range []uint32{0x7f800000, 0x7f800001, 0x7fc00000, 0x7fffffff, 0x7fa01234,
		0x7f7fffff, 0x00000001, 0x007fffff, 0x00800000, 0x33000000, 0x33000001, 0x32ffffff,
		0x477fe000, 0x477fefff, 0x477ff000, 0x477fffff} {
		add(u)
	}
	return fs
}

func randomFloats(n int, r *rand.Rand) []float32 {
	fs := make([]float32, n)
	for i := range fs {
		fs[i] = f32frombits(r.Uint32())
	}
	return fs
}

func TestF32ToF16BitsEdgesAndRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	fs := append(f16EdgeFloats(), randomFloats(1<<20, r)...)
	for _, f := range fs {
		got := F32ToF16Bits(f)
		want := float16.Fromfloat32(f).Bits()
		if got != want {
			t.Fatalf("F32ToF16Bits(%#08x) = %#04x, want %#04x", f32bits(f), got, want)
		}
	}
}

// bf16Nearest is an independent F32ToBF16Bits for finite values: pick the
// nearer of the two bfloat16 neighbours in float64, ties to even.
func bf16Nearest(f float32) uint16 {
	u := f32bits(f)
	lo := uint16(u >> 16)
	hi := lo + 1
	d0 := math.Abs(float64(f) - float64(BF16BitsToF32(lo)))
	var d1 float64
	if lo&0x7fff == 0x7f7f { // next is Inf: distance to 2^128
		d1 = math.Abs(math.Abs(float64(f)) - math.Ldexp(1, 128))
	} else {
		d1 = math.Abs(float64(f) - float64(BF16BitsToF32(hi)))
	}
	switch {
	case d0 < d1:
		return lo
	case d1 < d0:
		return hi
	case lo&1 == 0:
		return lo
	}
	return hi
}

func TestF32ToBF16BitsEdgesAndRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	fs := append(f16EdgeFloats(), randomFloats(1<<20, r)...)
	// Around every bfloat16 boundary with a few exponents.
	for _, e := range []uint32{0, 1, 0x7f, 0xfe} {
		for m := uint32(0); m < 0x80; m++ {
			u := e<<23 | m<<16
			for _, d := range []uint32{0, 1, 0x7fff, 0x8000, 0x8001, 0xffff} {
				fs = append(fs, f32frombits(u|d), f32frombits(u|d|0x80000000))
			}
		}
	}
	for _, f := range fs {
		got := F32ToBF16Bits(f)
		u := f32bits(f)
		if u&0x7fffffff > 0x7f800000 {
			if got != uint16(u>>16)|0x40 {
				t.Fatalf("F32ToBF16Bits(NaN %#08x) = %#04x", u, got)
			}
			continue
		}
		if u&0x7fffffff == 0x7f800000 {
			if got != uint16(u>>16) {
				t.Fatalf("F32ToBF16Bits(Inf %#08x) = %#04x", u, got)
			}
			continue
		}
		if want := bf16Nearest(f); got != want {
			t.Fatalf("F32ToBF16Bits(%#08x) = %#04x, want %#04x", u, got, want)
		}
	}
}

func TestBF16BitsToF32Exhaustive(t *testing.T) {
	src := make([]uint16, 1<<16)
	for i := range src {
		src[i] = uint16(i)
	}
	for _, l := range Levels() {
		restore := SetLevel(l)
		dst := make([]float32, len(src))
		BF16ToF32(dst, src)
		restore()
		for i, h := range src {
			if f32bits(dst[i]) != uint32(h)<<16 {
				t.Fatalf("%s: BF16ToF32(%#04x) = %#08x", l, h, f32bits(dst[i]))
			}
		}
	}
}

// TestConvertLevelsMatchReference runs every level over all halves and the
// edge and random floats and wants the reference's bits.
func TestConvertLevelsMatchReference(t *testing.T) {
	halves := make([]uint16, 1<<16)
	for i := range halves {
		halves[i] = uint16(i)
	}
	r := rand.New(rand.NewPCG(5, 6))
	floats := append(f16EdgeFloats(), randomFloats(1<<16, r)...)
	want16 := make([]float32, len(halves))
	f16ToF32Generic(want16, halves)
	wantH := make([]uint16, len(floats))
	f32ToF16Generic(wantH, floats)
	wantB := make([]uint16, len(floats))
	f32ToBF16Generic(wantB, floats)
	for _, l := range Levels() {
		restore := SetLevel(l)
		got16 := make([]float32, len(halves))
		F16ToF32(got16, halves)
		gotH := make([]uint16, len(floats))
		F32ToF16(gotH, floats)
		gotB := make([]uint16, len(floats))
		F32ToBF16(gotB, floats)
		restore()
		for i := range halves {
			if f32bits(got16[i]) != f32bits(want16[i]) {
				t.Fatalf("%s: F16ToF32(%#04x) = %#08x, want %#08x", l, halves[i], f32bits(got16[i]), f32bits(want16[i]))
			}
		}
		for i, f := range floats {
			if gotH[i] != wantH[i] {
				t.Fatalf("%s: F32ToF16(%#08x) = %#04x, want %#04x", l, f32bits(f), gotH[i], wantH[i])
			}
			if gotB[i] != wantB[i] {
				t.Fatalf("%s: F32ToBF16(%#08x) = %#04x, want %#04x", l, f32bits(f), gotB[i], wantB[i])
			}
		}
	}
}

const convGuard = 16 // sentinel values either side of every output

// TestConvertSweep covers every length up to a few blocks, misaligned
// sub-slices, and checks that nothing outside the output is written.
func TestConvertSweep(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	const maxN = 150
	for _, l := range Levels() {
		restore := SetLevel(l)
		for n := 0; n <= maxN; n++ {
			for off := 0; off < 4; off++ {
				h := make([]uint16, n+off)
				f := make([]float32, n+off)
				for i := range h {
					h[i] = uint16(r.Uint32())
					f[i] = float32(r.NormFloat64() * 1000)
				}
				h, f = h[off:], f[off:]
				checkConvert(t, l, n, off, h, f)
			}
		}
		restore()
	}
}

func checkConvert(t *testing.T, l Level, n, off int, h []uint16, f []float32) {
	t.Helper()
	const s32 = float32(-12345.5)
	const s16 = uint16(0xdead)
	out32 := make([]float32, n+2*convGuard+off)
	out16 := make([]uint16, n+2*convGuard+off)
	fill32 := func() {
		for i := range out32 {
			out32[i] = s32
		}
	}
	fill16 := func() {
		for i := range out16 {
			out16[i] = s16
		}
	}
	check32 := func(name string, want []float32) {
		for i, v := range out32 {
			in := i >= convGuard+off && i < convGuard+off+n
			if !in && v != s32 {
				t.Fatalf("%s %s n=%d off=%d: wrote outside the output at %d", l, name, n, off, i-convGuard-off)
			}
			if in && f32bits(v) != f32bits(want[i-convGuard-off]) {
				t.Fatalf("%s %s n=%d off=%d: [%d] = %v, want %v", l, name, n, off, i-convGuard-off, v, want[i-convGuard-off])
			}
		}
	}
	check16 := func(name string, want []uint16) {
		for i, v := range out16 {
			in := i >= convGuard+off && i < convGuard+off+n
			if !in && v != s16 {
				t.Fatalf("%s %s n=%d off=%d: wrote outside the output at %d", l, name, n, off, i-convGuard-off)
			}
			if in && v != want[i-convGuard-off] {
				t.Fatalf("%s %s n=%d off=%d: [%d] = %#04x, want %#04x", l, name, n, off, i-convGuard-off, v, want[i-convGuard-off])
			}
		}
	}
	want32 := make([]float32, n)
	want16 := make([]uint16, n)

	fill32()
	F16ToF32(out32[convGuard+off:convGuard+off+n], h)
	f16ToF32Generic(want32, h)
	check32("F16ToF32", want32)

	fill32()
	BF16ToF32(out32[convGuard+off:convGuard+off+n], h)
	bf16ToF32Generic(want32, h)
	check32("BF16ToF32", want32)

	fill16()
	F32ToF16(out16[convGuard+off:convGuard+off+n], f)
	f32ToF16Generic(want16, f)
	check16("F32ToF16", want16)

	fill16()
	F32ToBF16(out16[convGuard+off:convGuard+off+n], f)
	f32ToBF16Generic(want16, f)
	check16("F32ToBF16", want16)
}

func FuzzConvert(f *testing.F) {
	f.Add([]byte{0, 0x7c, 1, 0x7c, 0xff, 0x7f, 0, 0x80, 0, 0x3c})
	f.Add(make([]byte, 100))
	f.Fuzz(func(t *testing.T, data []byte) {
		h := make([]uint16, len(data)/2)
		for i := range h {
			h[i] = binary.LittleEndian.Uint16(data[2*i:])
		}
		fl := make([]float32, len(data)/4)
		for i := range fl {
			fl[i] = f32frombits(binary.LittleEndian.Uint32(data[4*i:]))
		}
		for _, l := range Levels() {
			restore := SetLevel(l)
			n := min(len(h), len(fl))
			checkConvert(t, l, n, 0, h[:n], fl[:n])
			restore()
		}
		// The reference against x448/float16.
		for _, v := range fl {
			if got, want := F32ToF16Bits(v), float16.Fromfloat32(v).Bits(); got != want {
				t.Fatalf("F32ToF16Bits(%#08x) = %#04x, want %#04x", f32bits(v), got, want)
			}
		}
	})
}

func BenchmarkF16ToF32(b *testing.B) {
	src := make([]uint16, 4096)
	for i := range src {
		src[i] = uint16(i * 7)
	}
	dst := make([]float32, len(src))
	for _, l := range Levels() {
		b.Run(l.String(), func(b *testing.B) {
			defer SetLevel(l)()
			b.SetBytes(int64(len(src) * 2))
			for b.Loop() {
				F16ToF32(dst, src)
			}
		})
	}
}

func BenchmarkF32ToBF16(b *testing.B) {
	src := make([]float32, 4096)
	for i := range src {
		src[i] = float32(i) * 1.37
	}
	dst := make([]uint16, len(src))
	for _, l := range Levels() {
		b.Run(l.String(), func(b *testing.B) {
			defer SetLevel(l)()
			b.SetBytes(int64(len(src) * 4))
			for b.Loop() {
				F32ToBF16(dst, src)
			}
		})
	}
}
