package sampler

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"
	"path/filepath"
)

// Pixel maps a model value in [−1, 1] to 8 bits as PyTorch pipelines do:
// ((clamp(x, −1, 1) + 1)·127.5) rounded half to even, in float32.
func Pixel(x float32) uint8 {
	if x != x { // NaN
		return 0
	}
	x = min(max(x, -1), 1)
	v := float32(float32(x+1) * 127.5)
	return uint8(math.RoundToEven(float64(v)))
}

// ToImage converts one image x [C, H, W] to 8 bits (see Pixel): an
// *image.Gray for C = 1, an opaque *image.RGBA for C = 3.
func ToImage(x []float32, c, h, w int) (image.Image, error) {
	if len(x) != c*h*w || h <= 0 || w <= 0 {
		return nil, fmt.Errorf("sampler: image of %d values is not %d×%d×%d", len(x), c, h, w)
	}
	switch c {
	case 1:
		img := image.NewGray(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			for i := 0; i < w; i++ {
				img.Pix[y*img.Stride+i] = Pixel(x[y*w+i])
			}
		}
		return img, nil
	case 3:
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		plane := h * w
		for y := 0; y < h; y++ {
			for i := 0; i < w; i++ {
				o := y*img.Stride + 4*i
				for ch := 0; ch < 3; ch++ {
					img.Pix[o+ch] = Pixel(x[ch*plane+y*w+i])
				}
				img.Pix[o+3] = 255
			}
		}
		return img, nil
	}
	return nil, fmt.Errorf("sampler: cannot show %d channels as an image (want 1 or 3)", c)
}

// Images converts a batch x [n, C, H, W] (see ToImage).
func Images(x []float32, n, c, h, w int) ([]image.Image, error) {
	per := c * h * w
	if n <= 0 || len(x) != n*per {
		return nil, fmt.Errorf("sampler: batch of %d values is not %d×%d×%d×%d", len(x), n, c, h, w)
	}
	imgs := make([]image.Image, n)
	for i := range imgs {
		img, err := ToImage(x[i*per:(i+1)*per], c, h, w)
		if err != nil {
			return nil, err
		}
		imgs[i] = img
	}
	return imgs, nil
}

// Grid tiles images of one size into rows×cols cells, row by row, with no
// gap; cells without an image stay black. The result is grey if every
// image is, else RGBA.
func Grid(images []image.Image, rows, cols int) (image.Image, error) {
	if rows <= 0 || cols <= 0 {
		return nil, fmt.Errorf("sampler: grid of %d×%d cells", rows, cols)
	}
	if len(images) == 0 || len(images) > rows*cols {
		return nil, fmt.Errorf("sampler: %d images for a grid of %d×%d", len(images), rows, cols)
	}
	size := images[0].Bounds().Size()
	grey := true
	for i, img := range images {
		if img.Bounds().Size() != size {
			return nil, fmt.Errorf("sampler: grid image %d is %v, image 0 is %v", i, img.Bounds().Size(), size)
		}
		if _, ok := img.(*image.Gray); !ok {
			grey = false
		}
	}
	r := image.Rect(0, 0, cols*size.X, rows*size.Y)
	var dst draw.Image
	if grey {
		dst = image.NewGray(r)
	} else {
		rgba := image.NewRGBA(r)
		draw.Draw(rgba, r, image.NewUniform(color.Black), image.Point{}, draw.Src)
		dst = rgba
	}
	for i, img := range images {
		at := image.Pt((i%cols)*size.X, (i/cols)*size.Y)
		draw.Draw(dst, image.Rectangle{Min: at, Max: at.Add(size)}, img, img.Bounds().Min, draw.Src)
	}
	return dst, nil
}

// Upscale enlarges img k times with nearest-neighbour sampling (for
// looking at small images); k = 1 returns img.
func Upscale(img image.Image, k int) image.Image {
	if k <= 1 {
		return img
	}
	b := img.Bounds()
	r := image.Rect(0, 0, b.Dx()*k, b.Dy()*k)
	var dst draw.Image
	if _, ok := img.(*image.Gray); ok {
		dst = image.NewGray(r)
	} else {
		dst = image.NewRGBA(r)
	}
	for y := 0; y < r.Dy(); y++ {
		for x := 0; x < r.Dx(); x++ {
			dst.Set(x, y, img.At(b.Min.X+x/k, b.Min.Y+y/k))
		}
	}
	return dst
}

// WritePNG writes img to path through a temporary file in the same folder
// and a rename, so that path is either the whole image or untouched.
func WritePNG(path string, img image.Image) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := png.Encode(f, img); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	f.Chmod(0o644) // CreateTemp makes 0600; a failure here is harmless
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
