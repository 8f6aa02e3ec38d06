package tensor

import (
	"math"
	"testing"
)

// TestExpF32 checks expF32 against math.Exp: within 2 ulp over the range
// where the result is normal, 0 below it, +Inf above, NaN kept.
func TestExpF32(t *testing.T) {
	worst := 0.0
	for x := float32(expLo) + 1e-4; x < expHi; x += 0.00731 {
		got := float64(expF32(x))
		want := math.Exp(float64(x))
		ulp := float64(math.Nextafter32(float32(want), float32(math.Inf(1)))) - float64(float32(want))
		if e := math.Abs(got-want) / ulp; e > worst {
			worst = e
		}
	}
	if worst > 2 {
		t.Errorf("worst error %.2f ulp", worst)
	}
	for _, c := range []struct{ x, want float32 }{
		{0, 1}, {-90, 0}, {float32(math.Inf(-1)), 0}, {89, float32(math.Inf(1))}, {float32(math.Inf(1)), float32(math.Inf(1))},
	} {
		if got := expF32(c.x); got != c.want {
			t.Errorf("expF32(%v) = %v, want %v", c.x, got, c.want)
		}
	}
	if v := expF32(float32(math.NaN())); v == v {
		t.Errorf("expF32(NaN) = %v", v)
	}
}
