package safetensors

import (
	"math"
	"testing"
)

// Every F16 bit pattern converts to the exact value the format defines.
func TestF16ToFloat32Exhaustive(t *testing.T) {
	src := make([]uint16, 1<<16)
	for i := range src {
		src[i] = uint16(i)
	}
	dst := make([]float32, len(src))
	halfToFloat32(dst, src, F16)
	for i, h := range src {
		sign := 1.0
		if h&0x8000 != 0 {
			sign = -1
		}
		exp := int(h>>10) & 0x1f
		mant := float64(h & 0x3ff)
		var want float64
		switch exp {
		case 0:
			want = sign * math.Ldexp(mant, -24)
		case 0x1f:
			if mant == 0 {
				want = math.Inf(int(sign))
			} else {
				want = math.NaN()
			}
		default:
			want = sign * math.Ldexp(1+mant/1024, exp-15)
		}
		got := dst[i]
		if math.IsNaN(want) {
			if !math.IsNaN(float64(got)) || math.Float32bits(got)&0x7fffff != uint32(h&0x3ff)<<13 || math.Signbit(float64(got)) != (sign < 0) {
				t.Fatalf("f16 %#04x: got %#08x, want NaN with the same payload and sign", h, math.Float32bits(got))
			}
			continue
		}
		if float64(got) != want || math.Signbit(float64(got)) != (sign < 0) {
			t.Fatalf("f16 %#04x: got %g, want %g", h, got, want)
		}
	}
}

func TestBF16ToFloat32(t *testing.T) {
	for _, c := range []struct {
		h    uint16
		want float32
	}{{0x3f80, 1}, {0xbf80, -1}, {0x4049, 3.140625}, {0x7f80, float32(math.Inf(1))}, {0x0001, math.Float32frombits(0x10000)}, {0x8000, float32(math.Copysign(0, -1))}} {
		var dst [1]float32
		halfToFloat32(dst[:], []uint16{c.h}, BF16)
		if math.Float32bits(dst[0]) != math.Float32bits(c.want) {
			t.Errorf("bf16 %#04x: got %g, want %g", c.h, dst[0], c.want)
		}
	}
}
