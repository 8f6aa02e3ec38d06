package main

import (
	"context"
	"fmt"
	"os"

	"github.com/pare-ml/pare/tmp"
)

func init() {
	register(&command{name: "metrics", summary: "image quality of one PNG against another (ssim, psnr)", run: runMetrics})
}

func runMetrics(ctx context.Context, args []string) error {
	fs := newFlags("metrics", "pare metrics ssim|psnr A.png B.png",
		`Prints the quality of B against the reference A, on 8-bit pixels:

  ssim  Wang et al. 2004 as scikit-image's structural_similarity(
        gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
        data_range=255, channel_axis=-1): 11x11 Gaussian window, K1 0.01,
        K2 0.03, 5-pixel border cropped, mean over channels.
  psnr  10·log10(255²/MSE); "inf" for identical images.`)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 3 {
		return usagef("metrics: want ssim|psnr A.png B.png (see pare metrics --help)")
	}
	metric := fs.Arg(0)
	if metric != "ssim" && metric != "psnr" {
		return usagef("metrics: unknown metric %q (have ssim, psnr)", metric)
	}
	for _, path := range fs.Args()[1:] {
		if _, err := os.Stat(path); err != nil {
			return usagef("metrics: %s", pathError(err))
		}
	}
	// Both files exist: a failure is a malformed PNG or images that cannot
	// be compared.
	v, err := tmp.ComparePNG(metric, fs.Arg(1), fs.Arg(2))
	if err != nil {
		return badInput(fmt.Errorf("metrics: %w", err))
	}
	fmt.Printf("%.6f\n", v)
	return nil
}
