package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"time"

	"github.com/pare-ml/pare/model/dit"
	"github.com/pare-ml/pare/simd"
	"github.com/pare-ml/pare/tensor"
	"github.com/pare-ml/pare/tmp/sampler"
)

// PortableShapes are the GEMMs Portable times: a square one and the
// shapes of the tiny DiT's step (64 tokens × batch 2 = 128 rows, hidden
// 128, MLP 512).
var PortableShapes = [][3]int{{256, 256, 256}, {128, 384, 128}, {128, 512, 128}, {128, 128, 512}}

// TinyDiT is the configuration of the embedded tiny DiT (32×32 grey,
// patch 4, hidden 128, depth 6, 4 heads, 10 classes).
func TinyDiT() dit.Config {
	return dit.Config{InputSize: 32, PatchSize: 4, InChannels: 1, HiddenSize: 128, Depth: 6, NumHeads: 4,
		MLPRatio: 4, NumClasses: 10, Objective: "rectified_flow", TimestepScale: 1000}
}

// Portable times what the browser runs: the generic f32 GEMM (the
// portable Go kernels, on one thread as js/wasm has one) at
// PortableShapes, and one denoising step of a DiT of the tiny model's size
// (random weights, batch 2 as with guidance) at f32 and int8. Run
// natively with -tags purego and as js/wasm under node, the two sets of
// results give the cost of wasm (pare bench wasm does both).
func Portable(ctx context.Context, minTime time.Duration, emit func(Result)) ([]Result, error) {
	restore := simd.SetLevel(simd.Generic)
	defer restore()
	old := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(old)
	if minTime <= 0 {
		minTime = time.Second
	}
	var out []Result
	add := func(r Result) {
		out = append(out, r)
		if emit != nil {
			emit(r)
		}
	}
	for _, s := range PortableShapes {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		m, n, k := s[0], s[1], s[2]
		rng := rand.New(rand.NewPCG(uint64(m), uint64(n*k)))
		a, b, c := randomMatrix(rng, m*k), randomMatrix(rng, n*k), make([]float32, m*n)
		best, median, reps := timeCalls(ctx, func() { tensor.GemmF32(m, n, k, a, k, b, k, c, n) }, minTime)
		add(Result{Op: "gemm", DType: "generic", M: m, N: n, K: k, Threads: 1, Path: tensor.GemmF32Path(),
			GFLOPS: 2 * float64(m*n*k) / best / 1e9, Seconds: best, Median: median, Reps: reps})
	}
	cfg := TinyDiT()
	model, err := sampler.RandomDiT(cfg, 1)
	if err != nil {
		return out, err
	}
	per := cfg.InChannels * cfg.InputSize * cfg.InputSize
	x := sampler.Noise(1, 2, per)
	t := []float32{500, 500}
	y := []int{3, cfg.NumClasses}
	flops := ditStepFlops(cfg, 2)
	for _, p := range []tensor.Precision{tensor.PrecF32, tensor.PrecInt8} {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		if err := model.Prepare(p); err != nil {
			return out, fmt.Errorf("bench: DiT step: %w", err)
		}
		var ferr error
		best, median, reps := timeCalls(ctx, func() {
			if _, err := model.Forward(x, 2, t, y, dit.Options{Precision: p}); err != nil && ferr == nil {
				ferr = err
			}
		}, minTime)
		if ferr != nil {
			return out, ferr
		}
		add(Result{Op: "dit-step", DType: p.String(), M: 2, Threads: 1, Path: "tiny DiT, batch 2",
			GFLOPS: flops / best / 1e9, Seconds: best, Median: median, Reps: reps})
	}
	return out, nil
}

// ditStepFlops counts 2·m·n·k over the Linears of one forward pass of n
// images, plus the attention products.
func ditStepFlops(c dit.Config, n int) float64 {
	h, tok := float64(c.HiddenSize), float64(c.Tokens())
	rows := float64(n) * tok
	p2 := float64(c.PatchSize * c.PatchSize * c.InChannels)
	mh := float64(c.MLPHidden())
	f := 2 * rows * p2 * h                                 // patch embedding
	f += 2 * float64(n) * (dit.FreqDim*h + h*h)            // timestep MLP
	perBlock := 2*rows*(3*h*h+h*h+2*h*mh) + 2*2*rows*tok*h // Linears and q·kᵀ, p·v
	perBlock += 2 * float64(n) * 6 * h * h                 // adaLN modulation
	f += float64(c.Depth) * perBlock
	f += 2*float64(n)*2*h*h + 2*rows*h*p2 // final layer
	return f
}
