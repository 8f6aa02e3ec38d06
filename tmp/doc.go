// Package tmp is pare's temporal mixed precision for diffusion models
// (TMPDiff): every denoising step of a sampler runs at its own numeric
// precision, each with its own CPU kernel. It holds precision schedules,
// the cost profile of each precision on this machine, image quality
// metrics (SSIM, PSNR), the additivity experiment and the linear-cost
// schedule search.
package tmp
