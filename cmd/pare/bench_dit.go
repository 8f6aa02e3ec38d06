package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/pare-ml/pare/bench"
	"github.com/pare-ml/pare/model/dit"
	tinydit "github.com/pare-ml/pare/model/tiny/dit"
	"github.com/pare-ml/pare/tensor"
	"github.com/pare-ml/pare/tmp/sampler"
)

const benchDiTAbout = `Times one denoising step of a DiT: one model call with classifier-free
guidance, so batch B runs 2B rows (the B images with their labels and the
same images with the null class) and forms uncond + 4·(cond − uncond).
The time printed is the median wall time of the timed steps (the best is in
the JSON); cpu s/step is the process CPU time per step (all threads), which
on a machine busy with other work tells the work done apart from the wait.

--model is one of
  tiny-dit   the built-in 32×32 digit model (random weights of its
             configuration when this build has no weights; the JSON says so)
  dit-s2     DiT-S/2 on 32×32×4 latents (the latents of a 256² image,
             256 tokens, hidden 384, depth 12), random weights
  DIR        a folder with config.json and model.safetensors

--save-random DIR writes the model that is timed to DIR (config.json and
model.safetensors) so that the PyTorch peer runs the same weights:

  pare bench dit --model dit-s2 --threads 2 --json --save-random /tmp/s2
  /usr/bin/python3 bench/peers/torch_dit.py --dir /tmp/s2 --model dit-s2 --threads 2`

// maxDiTBatch bounds bench dit --batch (images per step; twice as many
// rows with guidance).
const maxDiTBatch = 1024

// tinyDiTConfig is the configuration of the built-in tiny DiT, used with
// random weights when this build has none.
func tinyDiTConfig() dit.Config {
	return dit.Config{InputSize: 32, PatchSize: 4, InChannels: 1, HiddenSize: 128, Depth: 6, NumHeads: 4,
		MLPRatio: 4, NumClasses: 10, Objective: "rectified_flow", TimestepScale: 1000}
}

func runBenchDiT(ctx context.Context, args []string) error {
	fs := newFlags("bench dit", "pare bench dit [--model tiny-dit|dit-s2|DIR] [--batch 1,8] [--precision f32,bf16,int8,int4] [--threads N] [--json] [--save-random DIR]", benchDiTAbout)
	model := fs.String("model", "tiny-dit", "tiny-dit, dit-s2 or a folder with config.json and model.safetensors")
	batches := fs.String("batch", "1,8", "images per step, comma separated")
	precs := fs.String("precision", "f32,bf16,int8,int4", "precisions of the Linears, comma separated (f32, bf16, f16, int8, int4)")
	threads := fs.String("threads", "", "goroutine counts (GOMAXPROCS), comma separated; default: all cores")
	minTime := fs.Duration("time", 2*time.Second, "time budget per case (at least 3 steps)")
	asJSON := fs.Bool("json", false, "print one JSON object per line instead of a table")
	save := fs.String("save-random", "", "write the timed model's config.json and model.safetensors to this folder")
	seed := fs.Uint64("seed", 1, "seed of random weights")
	force := fs.Bool("force", false, "replace an existing --save-random folder")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("bench dit: unexpected argument %q (see pare bench dit --help)", fs.Arg(0))
	}
	if err := checkTime("bench dit", *minTime); err != nil {
		return err
	}
	spec := bench.DiTSpec{MinTime: *minTime}
	var err error
	if spec.Batches, err = parseInts("bench dit", *batches, "--batch", 1, maxDiTBatch); err != nil {
		return err
	}
	if *threads != "" {
		if spec.Threads, err = parseInts("bench dit", *threads, "--threads", 1, maxThreads); err != nil {
			return err
		}
	}
	for _, s := range strings.Split(*precs, ",") {
		if strings.TrimSpace(s) == "" {
			continue
		}
		p, err := tensor.ParsePrecision(s)
		if err != nil {
			return usagef("bench dit: --precision: %v", err)
		}
		spec.Precisions = append(spec.Precisions, p)
	}
	if len(spec.Precisions) == 0 {
		return usagef("bench dit: --precision is empty")
	}
	if *save != "" {
		if err := checkOutFolder("bench dit", "--save-random", *save, *force); err != nil {
			return err
		}
	}
	spec.Name = *model
	switch *model {
	case "tiny-dit":
		if tinydit.Available() {
			spec.Model, err = tinydit.Load()
		} else {
			spec.Name = "tiny-dit-random"
			spec.Model, err = sampler.RandomDiT(tinyDiTConfig(), *seed)
		}
	case "dit-s2":
		spec.Model, err = sampler.RandomDiT(sampler.DiTS2(), *seed)
	default:
		if st, serr := os.Stat(*model); serr != nil || !st.IsDir() {
			return usagef("bench dit: --model %q is neither tiny-dit, dit-s2 nor a folder", *model)
		}
		if spec.Model, err = dit.Load(*model); err != nil {
			err = badInput(fmt.Errorf("bench dit: --model: %w", err))
		}
	}
	if err != nil {
		return err
	}
	if *save != "" {
		if err := buildFolder(*save, *force, func(tmp string) error { return sampler.SaveDiT(tmp, spec.Model) }); err != nil {
			return fmt.Errorf("bench dit: --save-random: %w", err)
		}
	}
	if !*asJSON {
		fmt.Printf("%-16s %5s %-9s %7s %10s %9s %10s  %s\n", "model", "batch", "precision", "threads", "s/step", "steps/s", "cpu s/step", "path")
	}
	enc := json.NewEncoder(os.Stdout)
	_, err = bench.DiTStep(ctx, spec, func(r bench.DiTResult) {
		if *asJSON {
			enc.Encode(r)
			return
		}
		fmt.Printf("%-16s %5d %-9s %7d %10.4f %9.2f %10.4f  %s\n", r.Model, r.Batch, r.Precision, r.Threads, r.Seconds, r.StepsPerS, r.CPUSeconds, r.Path)
	})
	return err
}
