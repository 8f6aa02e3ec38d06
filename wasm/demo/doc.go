// Package demo is what pare's web page runs: a Session holds the tiny DiT
// and the tiny LLM in memory and answers the page's requests (sample at a
// per-step precision schedule, measure the cost of each precision, search a
// schedule for a target speed-up, prune, evaluate perplexity per language,
// generate) with the same packages the command line uses: tmp/sampler,
// tmp, prune and model/llama.
//
// Requests and results are plain structs with JSON tags, so the js/wasm
// entry point (wasm/cmd/parewasm) passes them to and from JavaScript as
// JSON. Long calls take a context and report Progress; every result carries
// SHA-256 hashes of what it computed (the image's 8-bit pixels and float32
// values, the pruned weights), so a native run and a browser run can be
// compared bit for bit: the browser runs the portable Go kernels, which a
// native build with -tags purego runs too.
//
//	s := demo.NewSession()
//	err := s.LoadDiT(ditFiles, "tiny-dit")   // config.json, model.safetensors
//	res, err := s.Sample(ctx, demo.SampleRequest{Label: 3, Steps: 8, Seed: 1,
//		CFG: 2, Schedule: []string{"f32", "f32", "int8", "int8", "int8", "int8", "int8", "f32"}}, nil)
//	fmt.Println(res.SSIM, res.Image.PixelHash)
package demo
