package sampler

import (
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestPixel(t *testing.T) {
	for _, c := range []struct {
		x    float32
		want uint8
	}{
		{-1, 0}, {1, 255}, {-5, 0}, {7, 255}, {0, 128}, // 127.5 rounds to even 128
		{-0.997, 0}, {-0.9921569, 1}, {0.5, 191}, // 191.25
		{float32(math.NaN()), 0}, {float32(math.Inf(1)), 255},
		{float32(2.0/255 - 1), 1},
		{-0.6, 51}, // 51.000004
	} {
		if got := Pixel(c.x); got != c.want {
			t.Errorf("Pixel(%v) = %d, want %d", c.x, got, c.want)
		}
	}
}

func TestToImageAndGrid(t *testing.T) {
	// Two grey 2×3 images and the layout of their grid.
	x := []float32{-1, 0, 1, 1, 0, -1, 1, 1, 1, -1, -1, -1}
	imgs, err := Images(x, 2, 1, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	g, err := Grid(imgs, 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	gray, ok := g.(*image.Gray)
	if !ok || gray.Bounds().Dx() != 6 || gray.Bounds().Dy() != 4 {
		t.Fatalf("grid is %T %v", g, g.Bounds())
	}
	want := []uint8{
		0, 128, 255, 255, 255, 255,
		255, 128, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0,
	}
	for i, v := range want {
		if gray.Pix[(i/6)*gray.Stride+i%6] != v {
			t.Fatalf("grid pixels %v, want %v", gray.Pix, want)
		}
	}
	// RGB: channel planes become pixel components.
	rgb, err := ToImage([]float32{-1, 1, 1, -1, 0, 0}, 3, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	r, gg, b, a := rgb.At(1, 0).RGBA()
	if r>>8 != 255 || gg>>8 != 0 || b>>8 != 128 || a>>8 != 255 {
		t.Errorf("RGB pixel (1,0) = %d %d %d %d", r>>8, gg>>8, b>>8, a>>8)
	}
	if _, err := ToImage(make([]float32, 4*4), 4, 2, 2); err == nil {
		t.Error("4 channels: no error")
	}
	if _, err := ToImage(make([]float32, 5), 1, 2, 2); err == nil {
		t.Error("wrong length: no error")
	}
	if _, err := Grid(imgs, 1, 1); err == nil {
		t.Error("2 images in a 1×1 grid: no error")
	}
	mixed, err := Grid([]image.Image{imgs[0], Upscale(rgb, 1)}, 1, 2)
	if err == nil {
		t.Errorf("images of different sizes: grid %v", mixed.Bounds())
	}
	up := Upscale(imgs[0], 3)
	if up.Bounds().Dx() != 9 || up.Bounds().Dy() != 6 || up.(*image.Gray).GrayAt(8, 5).Y != 0 || up.(*image.Gray).GrayAt(3, 0).Y != 128 {
		t.Errorf("Upscale: %v", up.Bounds())
	}
}

func TestWritePNG(t *testing.T) {
	dir := t.TempDir()
	img, _ := ToImage([]float32{-1, -0.5, 0.5, 1}, 1, 2, 2)
	path := filepath.Join(dir, "a.png")
	if err := WritePNG(path, img); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	back, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if g, ok := back.(*image.Gray); !ok || string(g.Pix) != string(img.(*image.Gray).Pix) {
		t.Errorf("read back %T %v", back, back)
	}
	// A missing folder: an error and nothing written.
	bad := filepath.Join(dir, "nope", "b.png")
	if err := WritePNG(bad, img); err == nil {
		t.Error("no error for a missing folder")
	}
	if runtime.GOOS != "js" && runtime.GOOS != "windows" && os.Getuid() != 0 {
		ro := filepath.Join(dir, "ro")
		os.Mkdir(ro, 0o555)
		if err := WritePNG(filepath.Join(ro, "c.png"), img); err == nil {
			t.Error("no error for a read-only folder")
		}
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if e.Name() != "a.png" && e.Name() != "ro" {
			t.Errorf("left behind %s", e.Name())
		}
	}
}
