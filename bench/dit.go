package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"time"

	"github.com/pare-ml/pare/model/dit"
	"github.com/pare-ml/pare/tensor"
	"github.com/pare-ml/pare/tmp/sampler"
)

// DiTResult is the time of one denoising step. The JSON field names are
// shared with bench/peers/torch_dit.py.
type DiTResult struct {
	Op        string  `json:"op"` // "dit_step"
	Model     string  `json:"model"`
	Batch     int     `json:"batch"` // images per step
	Precision string  `json:"precision"`
	Threads   int     `json:"threads"`
	Path      string  `json:"path"`
	CFG       bool    `json:"cfg"`     // the step runs 2·Batch rows (conditional + null class)
	Seconds   float64 `json:"seconds"` // median wall time of one step
	Best      float64 `json:"best"`    // best wall time of one step
	StepsPerS float64 `json:"steps_per_s"`
	// CPUSeconds is the process CPU time (user + system, all threads) per
	// timed step, on average: on a machine shared with other work it
	// tells the work done apart from the time spent waiting for a core.
	CPUSeconds float64 `json:"cpu_seconds"`
	Reps       int     `json:"reps"`
}

// DiTSpec says which denoising steps to time.
type DiTSpec struct {
	Model      *dit.Model
	Name       string // printed as DiTResult.Model
	Batches    []int  // images per step
	Precisions []tensor.Precision
	Threads    []int         // GOMAXPROCS values; 0 means the current one
	MinTime    time.Duration // time budget per case (at least 3 steps are timed)
}

// DiTGuidance is the classifier-free guidance scale of a timed step.
const DiTGuidance = 4

// DiTStep times one denoising step of the model for every batch size,
// precision and thread count; each result is also passed to emit as soon as
// it is measured.
//
// A step is what a sampler does per model evaluation with classifier-free
// guidance: one Denoiser call on 2·batch rows (the batch with its labels,
// then the batch with the null class) at a mid-schedule timestep, and the
// guided output uncond + w·(cond − uncond). The sampler's own update of x
// (an axpy) is left out, as in the peer.
func DiTStep(ctx context.Context, s DiTSpec, emit func(DiTResult)) ([]DiTResult, error) {
	if s.Model == nil {
		return nil, fmt.Errorf("bench: DiT step without a model")
	}
	if s.MinTime <= 0 {
		s.MinTime = 2 * time.Second
	}
	threads := s.Threads
	if len(threads) == 0 {
		threads = []int{0}
	}
	m := s.Model
	// Build the weight encodings ahead so no timed step pays for them.
	for _, l := range m.Linears() {
		for _, p := range s.Precisions {
			if l.Supports(p) {
				if err := l.Prepare(p); err != nil {
					return nil, fmt.Errorf("bench: %s: %w", l.Name, err)
				}
			}
		}
	}
	den := sampler.DiT(m)
	var results []DiTResult
	for _, batch := range s.Batches {
		if batch < 1 {
			return results, fmt.Errorf("bench: batch %d < 1", batch)
		}
		step := ditStep(den, batch)
		for _, p := range s.Precisions {
			for _, t := range threads {
				if err := ctx.Err(); err != nil {
					return results, err
				}
				old := runtime.GOMAXPROCS(0)
				if t > 0 {
					runtime.GOMAXPROCS(t)
				}
				var stepErr error
				call := func() {
					if err := step(dit.Options{Precision: p}); err != nil && stepErr == nil {
						stepErr = err
					}
				}
				cpu0 := cpuTime()
				best, median, reps := timeCalls(ctx, call, s.MinTime)
				cpu := (cpuTime() - cpu0).Seconds() / float64(reps+1) // timeCalls warms up with one more call
				used := runtime.GOMAXPROCS(0)
				runtime.GOMAXPROCS(old)
				if stepErr != nil {
					return results, stepErr
				}
				r := DiTResult{Op: "dit_step", Model: s.Name, Batch: batch, Precision: p.String(),
					Threads: used, Path: "pare-" + LinearPath(p), CFG: true,
					Seconds: median, Best: best, StepsPerS: 1 / median, CPUSeconds: cpu, Reps: reps}
				results = append(results, r)
				if emit != nil {
					emit(r)
				}
			}
		}
	}
	return results, nil
}

// ditStep returns one guided step on a fixed random batch.
func ditStep(den sampler.Denoiser, batch int) func(dit.Options) error {
	sp := den.Spec()
	per := sp.Channels * sp.Size * sp.Size
	rng := rand.New(rand.NewPCG(uint64(batch), 0x646974))
	x := make([]float32, 2*batch*per)
	for i := range x[:batch*per] {
		x[i] = float32(rng.NormFloat64())
	}
	copy(x[batch*per:], x[:batch*per])
	t := make([]float32, 2*batch)
	y := make([]int, 2*batch)
	for i := range t {
		t[i] = 500
		y[i] = sp.NumClasses // the null class for the second half
		if i < batch {
			y[i] = i % sp.NumClasses
		}
	}
	guided := make([]float32, batch*per)
	return func(opt dit.Options) error {
		out, err := den.Forward(x, 2*batch, t, y, opt)
		if err != nil {
			return err
		}
		// out is [2·batch, OutChannels, H, W]; guidance uses the first C channels.
		oc := sp.OutChannels * sp.Size * sp.Size
		for b := 0; b < batch; b++ {
			cond, uncond := out[b*oc:b*oc+per], out[(batch+b)*oc:(batch+b)*oc+per]
			g := guided[b*per : (b+1)*per]
			for i := range g {
				g[i] = uncond[i] + DiTGuidance*(cond[i]-uncond[i])
			}
		}
		return nil
	}
}

// LinearPath names the GEMM kernel a tensor.Linear runs at precision p.
func LinearPath(p tensor.Precision) string {
	switch p {
	case tensor.PrecBF16:
		return tensor.GemmBF16Path()
	case tensor.PrecF16:
		return "f16-to-f32+" + tensor.GemmF32Path()
	case tensor.PrecInt8:
		return tensor.GemmInt8Path()
	case tensor.PrecInt4:
		return tensor.GemmInt4Path()
	}
	return tensor.GemmF32Path()
}
