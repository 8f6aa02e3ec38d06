// Package scenario is what the end-to-end test asks of the page, and of a
// native run to compare with.
package scenario

import "github.com/pare-ml/pare/wasm/demo"

// Sample is a 4-step sample: label 7, seed 5, guidance 2, f32 at both ends
// and int8 between (the page's "f32 ends, int8 middle" preset at 4 steps).
var Sample = demo.SampleRequest{Label: 7, Steps: 4, Seed: 5, CFG: 2, Schedule: []string{"f32", "int8", "int8", "f32"}}

// Prune is a small Wanda 2:4 prune calibrated on German, with the page's
// window length and seed.
var Prune = demo.PruneRequest{Method: "wanda", Sparsity: "2:4", Calib: "de", NSamples: 4, SeqLen: 64, Seed: 0}

// Result is what the test compares.
type Result struct {
	PixelHash    string  `json:"pixel_hash"`
	DataHash     string  `json:"data_hash"`
	RefPixelHash string  `json:"ref_pixel_hash"`
	WeightsHash  string  `json:"weights_hash"`
	Sparsity     float64 `json:"sparsity"`
}
