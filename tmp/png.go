package tmp

import (
	"fmt"

	"image/png"
	"os"
)

// ReadPNG decodes a PNG file into planes (see FromImage).
func ReadPNG(path string) (Pixels, error) {
	f, err := os.Open(path)
	if err != nil {
		return Pixels{}, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return Pixels{}, fmt.Errorf("%s: %w", path, err)
	}
	return FromImage(img), nil
}

// ComparePNG returns SSIM or PSNR ("ssim", "psnr") of two PNG files.
func ComparePNG(metric, pathA, pathB string) (float64, error) {
	a, err := ReadPNG(pathA)
	if err != nil {
		return 0, err
	}
	b, err := ReadPNG(pathB)
	if err != nil {
		return 0, err
	}
	var v float64
	switch metric {
	case "ssim":
		v, err = SSIM(a, b)
	case "psnr":
		v, err = PSNR(a, b)
	default:
		return 0, fmt.Errorf("unknown metric %q (have ssim, psnr)", metric)
	}
	if err != nil {
		return 0, fmt.Errorf("%s vs %s: %w", pathA, pathB, err)
	}
	return v, nil
}
