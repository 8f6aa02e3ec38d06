package tensor

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
)

func TestParsePrecision(t *testing.T) {
	for _, p := range Precisions {
		q, err := ParsePrecision(p.String())
		if err != nil || q != p {
			t.Errorf("ParsePrecision(%q) = %v, %v", p.String(), q, err)
		}
	}
	if _, err := ParsePrecision("fp8"); err == nil {
		t.Error("ParsePrecision(fp8) succeeded")
	}
}

// TestLinearPrecisions checks every encoding against the f32 result with a
// tolerance that matches its quantization step.
func TestLinearPrecisions(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const out, in, rows = 48, 96, 5
	w := make([]float32, out*in)
	b := make([]float32, out)
	x := make([]float32, rows*in)
	for i := range w {
		w[i] = float32(rng.NormFloat64() * 0.1)
	}
	for i := range b {
		b[i] = float32(rng.NormFloat64())
	}
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	l := NewLinear(w, b, out, in)
	ref := make([]float32, rows*out)
	l.Forward(ref, x, rows, PrecF32)
	// float64 check of the f32 path including the bias.
	for r := 0; r < rows; r++ {
		for o := 0; o < out; o++ {
			s := float64(b[o])
			for i := 0; i < in; i++ {
				s += float64(x[r*in+i]) * float64(w[o*in+i])
			}
			if math.Abs(s-float64(ref[r*out+o])) > 1e-4 {
				t.Fatalf("f32 [%d,%d] = %v, want %v", r, o, ref[r*out+o], s)
			}
		}
	}
	tol := map[Precision]float64{PrecBF16: 0.02, PrecF16: 0.002, PrecInt8: 0.03, PrecInt4: 0.25}
	for p, relTol := range tol {
		got := make([]float32, rows*out)
		l.Forward(got, x, rows, p)
		var num, den float64
		for i := range got {
			d := float64(got[i] - ref[i])
			num += d * d
			den += float64(ref[i]) * float64(ref[i])
		}
		if rel := math.Sqrt(num / den); rel > relTol || math.IsNaN(rel) {
			t.Errorf("%v: relative error %.4f > %.4f", p, rel, relTol)
		}
	}
}

func TestLinearInvalidateAndFallback(t *testing.T) {
	w := []float32{1, 2, 3, 4, 5, 6}
	l := NewLinear(w, nil, 2, 3)
	x := []float32{1, 1, 1}
	y := make([]float32, 2)
	l.Forward(y, x, 1, PrecInt8)
	if math.Abs(float64(y[0]-6)) > 0.1 || math.Abs(float64(y[1]-15)) > 0.2 {
		t.Fatalf("int8 = %v, want about [6 15]", y)
	}
	w[0] = 100
	l.Invalidate()
	l.Forward(y, x, 1, PrecInt8)
	if math.Abs(float64(y[0]-105)) > 1 {
		t.Fatalf("after Invalidate int8 = %v, want about 105", y[0])
	}
	// In = 3 is not a multiple of 32: int4 is not supported and runs int8.
	if l.Supports(PrecInt4) {
		t.Fatal("Supports(int4) with In=3")
	}
	if err := l.Prepare(PrecInt4); err == nil {
		t.Fatal("Prepare(int4) with In=3 succeeded")
	}
	l.Forward(y, x, 1, PrecInt4)
	if math.Abs(float64(y[0]-105)) > 1 {
		t.Fatalf("int4 fallback = %v", y[0])
	}
}

func TestPrecisionJSON(t *testing.T) {
	b, err := json.Marshal([]Precision{PrecF32, PrecInt8})
	if err != nil || string(b) != `["f32","int8"]` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var ps []Precision
	if err := json.Unmarshal([]byte(`["int4","bf16"]`), &ps); err != nil || ps[0] != PrecInt4 || ps[1] != PrecBF16 {
		t.Fatalf("Unmarshal = %v, %v", ps, err)
	}
	if err := json.Unmarshal([]byte(`["fp8"]`), &ps); err == nil {
		t.Fatal("Unmarshal of fp8 succeeded")
	}
}
