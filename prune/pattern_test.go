package prune

import (
	"strings"
	"testing"
)

func TestParsePattern(t *testing.T) {
	good := []struct {
		in   string
		want Pattern
	}{
		{"0.5", Pattern{Sparsity: 0.5}},
		{"50%", Pattern{Sparsity: 0.5}},
		{" 60 % ", Pattern{Sparsity: 0.6}},
		{"0", Pattern{}},
		{"0%", Pattern{}},
		{"0.999", Pattern{Sparsity: 0.999}},
		{"2:4", Pattern{N: 2, M: 4}},
		{"4:8", Pattern{N: 4, M: 8}},
		{" 1 : 3 ", Pattern{N: 1, M: 3}},
	}
	for _, c := range good {
		p, err := ParsePattern(c.in)
		if err != nil || p != c.want {
			t.Errorf("ParsePattern(%q) = %+v, %v; want %+v", c.in, p, err, c.want)
		}
	}
	bad := []string{"", "1", "100%", "-0.1", "1.5", "abc", "NaN", "inf", "2:2", "3:2", "0:4", "2:0", "2:-4", "-1:4", "1:", ":4", "a:b", "2:4:8", "50%%"}
	for _, s := range bad {
		if p, err := ParsePattern(s); err == nil {
			t.Errorf("ParsePattern(%q) = %+v, want an error", s, p)
		}
	}
}

func TestPatternString(t *testing.T) {
	for _, c := range []struct {
		p    Pattern
		want string
	}{
		{Unstructured(0.5), "50%"},
		{Unstructured(0), "0%"},
		{Unstructured(0.7), "70%"},
		{Unstructured(1.0 / 3), "0.3333333333333333"},
		{NM(2, 4), "2:4"},
	} {
		if got := c.p.String(); got != c.want {
			t.Errorf("%+v.String() = %q, want %q", c.p, got, c.want)
		}
		back, err := ParsePattern(c.p.String())
		if err != nil || back != c.p {
			t.Errorf("ParsePattern(%q) = %+v, %v; want %+v", c.p.String(), back, err, c.p)
		}
	}
	if f := NM(2, 4).Fraction(); f != 0.5 {
		t.Errorf("2:4 fraction %v", f)
	}
}

func TestPatternLayerErrors(t *testing.T) {
	w := make([]float32, 3*6)
	_, err := Magnitude(w, 3, 6, NM(2, 4))
	if err == nil || !strings.Contains(err.Error(), "3x6") || !strings.Contains(err.Error(), "multiple of 4") {
		t.Errorf("2:4 on 3x6: %v", err)
	}
	if _, err := Magnitude(w, 3, 6, Unstructured(1)); err == nil || !strings.Contains(err.Error(), "3x6") {
		t.Errorf("sparsity 1: %v", err)
	}
	if _, err := Magnitude(w, 3, 6, NM(4, 4)); err == nil {
		t.Error("4:4 accepted")
	}
	if _, err := Magnitude(w[:5], 3, 6, Unstructured(0.5)); err == nil {
		t.Error("short weights accepted")
	}
}

func FuzzParsePattern(f *testing.F) {
	for _, s := range []string{"0.5", "50%", "2:4", "4:8", "1:", "-1", "99.99%", "1e-3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePattern(s)
		if err != nil {
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("ParsePattern(%q) = %+v, which does not validate: %v", s, p, err)
		}
		back, err := ParsePattern(p.String())
		if err != nil || back != p {
			t.Fatalf("round trip of %q: %+v -> %q -> %+v, %v", s, p, p.String(), back, err)
		}
	})
}
