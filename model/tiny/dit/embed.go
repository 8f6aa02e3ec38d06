// Package tinydit embeds pare's tiny class-conditional DiT: 32×32 grey
// images of the digits 0-9 rendered from fonts, patch 4 (64 tokens),
// hidden 128, depth 6, 4 heads, trained with rectified flow (the model
// predicts v = ε − x0 for x_t = (1−t)·x0 + t·ε, fed t·1000) and label
// dropout for classifier-free guidance. It is small enough to sample in
// tests and in the browser without downloads.
//
// The folder holds, as scripts/tiny_dit/train.py and export.py write them:
//
//	config.json         DiT configuration (model/dit.Config), class labels "0".."9"
//	model.safetensors   f32 weights with the parameter names of facebookresearch/DiT
//	golden.safetensors  PyTorch's forward pass and an 8-step Euler CFG-2 run
//	samples.png         a grid drawn by PyTorch (16 Euler steps, CFG 2.5)
//
//	m, err := tinydit.Load()
package tinydit

import (
	"embed"
	"errors"
	"io/fs"

	"github.com/pare-ml/pare/model/dit"
)

// files is every file of the folder. The pattern is "*" rather than the
// two model files so that pare builds while the weights are not in the
// tree yet; Available tells.
//
//go:embed *
var files embed.FS

// FS returns the model's files, config.json and model.safetensors at the
// root, for dit.LoadFS.
func FS() fs.FS { return files }

// Available reports whether the weights are built in.
func Available() bool {
	for _, f := range []string{"config.json", "model.safetensors"} {
		if _, err := fs.Stat(files, f); err != nil {
			return false
		}
	}
	return true
}

// ErrMissing is returned by Load when pare was built without the weights.
var ErrMissing = errors.New("tinydit: this build of pare has no tiny DiT weights (model/tiny/dit/model.safetensors was not there)")

// Load returns the tiny DiT.
func Load() (*dit.Model, error) {
	if !Available() {
		return nil, ErrMissing
	}
	return dit.LoadFS(files, "tiny-dit")
}
