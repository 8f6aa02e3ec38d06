package tmp

import (
	"encoding/json"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func loadPNG(t *testing.T, name string) Pixels {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return FromImage(img)
}

// TestMetricsGolden compares with scikit-image (testdata/ssim_golden.py).
func TestMetricsGolden(t *testing.T) {
	data, err := os.ReadFile("testdata/ssim_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		Cases []struct {
			A, B string
			SSIM float64
			PSNR *float64
		}
	}
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatal(err)
	}
	for _, c := range g.Cases {
		a, b := loadPNG(t, c.A), loadPNG(t, c.B)
		s, err := SSIM(a, b)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(s-c.SSIM) > 1e-9 {
			t.Errorf("SSIM(%s, %s) = %.12f, scikit-image %.12f", c.A, c.B, s, c.SSIM)
		}
		p, err := PSNR(a, b)
		if err != nil {
			t.Fatal(err)
		}
		if c.PSNR == nil {
			if !math.IsInf(p, 1) {
				t.Errorf("PSNR of identical images = %v", p)
			}
		} else if math.Abs(p-*c.PSNR) > 1e-9 {
			t.Errorf("PSNR(%s, %s) = %.12f, scikit-image %.12f", c.A, c.B, p, *c.PSNR)
		}
	}
}

func TestMetricsErrors(t *testing.T) {
	a := Pixels{W: 12, H: 12, Data: [][]float64{make([]float64, 144)}}
	b := Pixels{W: 11, H: 12, Data: [][]float64{make([]float64, 132)}}
	if _, err := SSIM(a, b); err == nil {
		t.Error("SSIM of different sizes succeeded")
	}
	small := Pixels{W: 8, H: 8, Data: [][]float64{make([]float64, 64)}}
	if _, err := SSIM(small, small); err == nil {
		t.Error("SSIM of an 8x8 image succeeded")
	}
	if _, err := PSNR(a, b); err == nil {
		t.Error("PSNR of different sizes succeeded")
	}
}

func TestReflect(t *testing.T) {
	want := map[int]int{-1: 0, -2: 1, 0: 0, 4: 4, 5: 4, 6: 3, -6: 4}
	for i, w := range want {
		if got := reflect(i, 5); got != w {
			t.Errorf("reflect(%d, 5) = %d, want %d", i, got, w)
		}
	}
}
