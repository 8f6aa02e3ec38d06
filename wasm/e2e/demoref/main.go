// Command demoref runs the web page's scenario of the end-to-end test
// natively (or under node as js/wasm) and prints what the page shows as
// JSON: the hashes of the sampled image and of the pruned weights. Built
// with -tags purego it runs the portable kernels, as the browser does, so
// the hashes must be equal bit for bit.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/pare-ml/pare/wasm"
	"github.com/pare-ml/pare/wasm/demo"
	"github.com/pare-ml/pare/wasm/e2e/scenario"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "demoref:", err)
		os.Exit(1)
	}
}

func run() error {
	models, err := wasm.TinyModels()
	if err != nil {
		return err
	}
	s := demo.NewSession()
	if _, err := s.LoadDiT(models.DiT.Files, models.DiT.Name); err != nil {
		return err
	}
	if _, err := s.LoadLLM(models.LLM.Files, models.LLM.Name); err != nil {
		return err
	}
	ctx := context.Background()
	sample, err := s.Sample(ctx, scenario.Sample, nil)
	if err != nil {
		return err
	}
	pruned, err := s.Prune(ctx, scenario.Prune, nil)
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(scenario.Result{
		PixelHash: sample.Image.PixelHash, DataHash: sample.Image.DataHash,
		RefPixelHash: sample.Reference.PixelHash, WeightsHash: pruned.WeightsHash,
		Sparsity: pruned.Report.Sparsity,
	})
}
