package tmp

import (
	"fmt"
	"image"
	"math"
)

// Image quality against a reference, on 8-bit images.
//
// SSIM follows Wang et al. 2004 as scikit-image computes it with
// structural_similarity(gaussian_weights=True, sigma=1.5,
// use_sample_covariance=False, data_range=255, channel_axis=-1): an 11×11
// Gaussian window (σ = 1.5, truncated at 3.5σ as scipy's gaussian_filter
// does, hence radius 5), K1 = 0.01, K2 = 0.03, population variances,
// filters applied with reflecting borders ("symmetric", scipy's 'reflect'),
// and the mean taken over the image with (win−1)/2 = 5 pixels cropped at
// every border. Colour images average the per-channel SSIM.

// Pixels is an 8-bit image as planes of float64: Data[c][y*W+x].
type Pixels struct {
	W, H int
	Data [][]float64 // one plane per channel
}

// FromImage converts an image to planes: 1 channel for grey images, else 3
// (RGB; alpha is ignored).
func FromImage(img image.Image) Pixels {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	grey := false
	switch img.(type) {
	case *image.Gray, *image.Gray16:
		grey = true
	}
	nc := 3
	if grey {
		nc = 1
	}
	p := Pixels{W: w, H: h, Data: make([][]float64, nc)}
	for c := range p.Data {
		p.Data[c] = make([]float64, w*h)
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			if grey {
				p.Data[0][y*w+x] = float64(r >> 8)
				continue
			}
			p.Data[0][y*w+x] = float64(r >> 8)
			p.Data[1][y*w+x] = float64(g >> 8)
			p.Data[2][y*w+x] = float64(bl >> 8)
		}
	}
	return p
}

func sameSize(a, b Pixels) error {
	if a.W != b.W || a.H != b.H || len(a.Data) != len(b.Data) {
		return fmt.Errorf("images differ in size: %dx%dx%d vs %dx%dx%d", a.W, a.H, len(a.Data), b.W, b.H, len(b.Data))
	}
	return nil
}

// PSNR is 10·log10(255²/MSE) over all pixels and channels; +Inf for
// identical images.
func PSNR(a, b Pixels) (float64, error) {
	mse, err := MSE(a, b)
	if err != nil {
		return 0, err
	}
	if mse == 0 {
		return math.Inf(1), nil
	}
	return 10 * math.Log10(255*255/mse), nil
}

// MSE is the mean squared difference over all pixels and channels.
func MSE(a, b Pixels) (float64, error) {
	if err := sameSize(a, b); err != nil {
		return 0, err
	}
	var s float64
	n := 0
	for c := range a.Data {
		for i, v := range a.Data[c] {
			d := v - b.Data[c][i]
			s += d * d
			n++
		}
	}
	if n == 0 {
		return 0, nil
	}
	return s / float64(n), nil
}

const (
	ssimSigma  = 1.5
	ssimRadius = 5 // int(3.5·σ + 0.5), scikit-image's window of 11
	ssimK1     = 0.01
	ssimK2     = 0.03
	ssimRange  = 255.0
)

// SSIM is the mean structural similarity of a and b (see the package
// notes for the exact convention).
func SSIM(a, b Pixels) (float64, error) {
	if err := sameSize(a, b); err != nil {
		return 0, err
	}
	if a.W < 2*ssimRadius+1 || a.H < 2*ssimRadius+1 {
		return 0, fmt.Errorf("SSIM needs images of at least %dx%d pixels, have %dx%d", 2*ssimRadius+1, 2*ssimRadius+1, a.W, a.H)
	}
	var s float64
	for c := range a.Data {
		s += ssimPlane(a.Data[c], b.Data[c], a.W, a.H)
	}
	return s / float64(len(a.Data)), nil
}

func ssimPlane(x, y []float64, w, h int) float64 {
	g := gaussianKernel(ssimSigma, ssimRadius)
	n := w * h
	xx := make([]float64, n)
	yy := make([]float64, n)
	xy := make([]float64, n)
	for i := range x {
		xx[i] = x[i] * x[i]
		yy[i] = y[i] * y[i]
		xy[i] = x[i] * y[i]
	}
	ux, uy := blur(x, w, h, g), blur(y, w, h, g)
	uxx, uyy, uxy := blur(xx, w, h, g), blur(yy, w, h, g), blur(xy, w, h, g)
	c1 := (ssimK1 * ssimRange) * (ssimK1 * ssimRange)
	c2 := (ssimK2 * ssimRange) * (ssimK2 * ssimRange)
	var sum float64
	cnt := 0
	for yy0 := ssimRadius; yy0 < h-ssimRadius; yy0++ {
		for xx0 := ssimRadius; xx0 < w-ssimRadius; xx0++ {
			i := yy0*w + xx0
			vx := uxx[i] - ux[i]*ux[i]
			vy := uyy[i] - uy[i]*uy[i]
			cxy := uxy[i] - ux[i]*uy[i]
			num := (2*ux[i]*uy[i] + c1) * (2*cxy + c2)
			den := (ux[i]*ux[i] + uy[i]*uy[i] + c1) * (vx + vy + c2)
			sum += num / den
			cnt++
		}
	}
	return sum / float64(cnt)
}

// gaussianKernel is scipy's normalised 1-D Gaussian of the given radius.
func gaussianKernel(sigma float64, radius int) []float64 {
	k := make([]float64, 2*radius+1)
	var s float64
	for i := range k {
		d := float64(i - radius)
		k[i] = math.Exp(-0.5 * d * d / (sigma * sigma))
		s += k[i]
	}
	for i := range k {
		k[i] /= s
	}
	return k
}

// blur applies the separable filter g along x then y, reflecting at the
// borders as scipy.ndimage's mode 'reflect' (d c b a | a b c d | d c b a).
func blur(src []float64, w, h int, g []float64) []float64 {
	r := len(g) / 2
	tmp := make([]float64, w*h)
	out := make([]float64, w*h)
	for y := 0; y < h; y++ {
		row := src[y*w : (y+1)*w]
		for x := 0; x < w; x++ {
			var s float64
			for t := -r; t <= r; t++ {
				s += g[t+r] * row[reflect(x+t, w)]
			}
			tmp[y*w+x] = s
		}
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var s float64
			for t := -r; t <= r; t++ {
				s += g[t+r] * tmp[reflect(y+t, h)*w+x]
			}
			out[y*w+x] = s
		}
	}
	return out
}

// reflect maps an index outside [0, n) back inside, repeating the edge
// sample (scipy 'reflect').
func reflect(i, n int) int {
	for i < 0 || i >= n {
		if i < 0 {
			i = -i - 1
		}
		if i >= n {
			i = 2*n - i - 1
		}
	}
	return i
}
