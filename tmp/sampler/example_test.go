package sampler_test

import (
	"context"
	"fmt"

	"github.com/pare-ml/pare/model/dit"
	"github.com/pare-ml/pare/tmp"
	"github.com/pare-ml/pare/tmp/sampler"
)

func ExampleSample() {
	// A random 8×8 grey DiT stands in for a trained one (dit.Load).
	m, err := sampler.RandomDiT(dit.Config{InputSize: 8, PatchSize: 2, InChannels: 1, HiddenSize: 32, Depth: 1,
		NumHeads: 2, MLPRatio: 2, NumClasses: 10, Objective: "rectified_flow"}, 1)
	if err != nil {
		panic(err)
	}
	// 8 Euler steps, the middle four at int8, guidance 2, four images.
	sched, err := tmp.ParseSchedule("f32:2,int8:4,f32:2", 8)
	if err != nil {
		panic(err)
	}
	x, err := sampler.Sample(context.Background(), sampler.DiT(m), sampler.Options{
		Sampler: sampler.Euler, Steps: 8, CFG: 2, Labels: []int{0, 1, 2, 3}, Seed: 1,
		Hook: sched.Hook(false),
	})
	if err != nil {
		panic(err)
	}
	imgs, err := sampler.Images(x, 4, 1, 8, 8)
	if err != nil {
		panic(err)
	}
	grid, err := sampler.Grid(imgs, 2, 2)
	if err != nil {
		panic(err)
	}
	// sampler.WritePNG("grid.png", grid) would write it.
	fmt.Println(len(x), "values,", grid.Bounds().Dx(), "×", grid.Bounds().Dy(), "grid")
	// Output: 256 values, 16 × 16 grid
}
