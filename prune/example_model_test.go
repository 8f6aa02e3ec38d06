package prune_test

import (
	"context"
	"fmt"
	"math"

	"github.com/pare-ml/pare/model/corpus"
	"github.com/pare-ml/pare/model/llama"
	"github.com/pare-ml/pare/prune"
	"github.com/pare-ml/pare/tensor"
)

// Load the embedded tiny multilingual model, prune it with Wanda at 50%
// calibrated on German text, and evaluate it on held-out German.
func ExampleModel() {
	ctx := context.Background()
	l, err := prune.LoadLLM(prune.TinyName, true) // writable: pruning changes the weights
	if err != nil {
		panic(err)
	}
	defer l.Close()

	// Four calibration windows of 32 tokens from the German calibration split.
	windows, err := prune.CalibrationWindows(l.Tokenizer, []prune.CalibPart{{Source: "de", Samples: 4}}, 32, 0)
	if err != nil {
		panic(err)
	}
	rep, err := prune.Model(ctx, l.Model, prune.Options{
		Method: prune.MethodWanda, Pattern: prune.Unstructured(0.5), Calibration: windows,
		Progress: func(p prune.Progress) {}, // e.g. draw a bar per block
	})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s %s: %.1f%% of the Linear weights are zero\n", rep.Method, rep.Pattern, 100*rep.Sparsity)

	// Perplexity on the first 128 held-out German tokens (prune.Perplexity
	// does this over the whole split of each language).
	held, _ := corpus.Eval("de")
	ids := l.Tokenizer.Encode(held[0].Text, true)[:128]
	nll, err := l.Model.EvalNLL(ctx, llama.Windows(ids, 64), 2, tensor.PrecF32, nil)
	if err != nil {
		panic(err)
	}
	ppl := nll.Perplexity()
	fmt.Println("scored tokens:", nll.Count, "finite perplexity:", !math.IsInf(ppl, 0) && !math.IsNaN(ppl))
	// Output:
	// wanda 50%: 50.0% of the Linear weights are zero
	// scored tokens: 126 finite perplexity: true
}
