package tmp_test

import (
	"context"
	"fmt"

	tinydit "github.com/pare-ml/pare/model/tiny/dit"
	"github.com/pare-ml/pare/tmp"
	"github.com/pare-ml/pare/tmp/sampler"
)

// Sample the embedded tiny DiT with a per-step precision schedule: the
// first and last step in f32, the two in between in int8.
func ExampleSchedule_Hook() {
	m, err := tinydit.Load()
	if err != nil {
		panic(err)
	}
	sched, err := tmp.ParseSchedule("f32:1,int8:2,f32:1", 4)
	if err != nil {
		panic(err)
	}
	label, _ := m.Config.Label("7")
	x, err := sampler.Sample(context.Background(), sampler.DiT(m), sampler.Options{
		Sampler: sampler.Euler, Steps: 4, CFG: 2, Labels: []int{label}, Seed: 1,
		Hook: sched.Hook(false),
	})
	if err != nil {
		panic(err)
	}
	img, err := sampler.ToImage(x, m.Config.InChannels, m.Config.InputSize, m.Config.InputSize)
	if err != nil {
		panic(err)
	}
	// sampler.WritePNG("seven.png", img) would save it.
	fmt.Println(sched, img.Bounds().Dx(), "×", img.Bounds().Dy())
	// Output: f32:1,int8:2,f32:1 32 × 32
}
