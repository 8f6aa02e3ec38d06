package tmp_test

import (
	"context"
	"fmt"

	tinydit "github.com/pare-ml/pare/model/tiny/dit"
	"github.com/pare-ml/pare/tensor"
	"github.com/pare-ml/pare/tmp"
)

// Search a per-step precision schedule for the embedded tiny DiT: the
// schedule with the best SSIM against f32 images that is predicted to be
// 1.3× faster than f32.
func ExampleNewDiTEvaluator() {
	ctx := context.Background()
	m, err := tinydit.Load()
	if err != nil {
		panic(err)
	}
	ladder := []tmp.Precision{tensor.PrecF32, tensor.PrecInt8, tensor.PrecInt4}

	// Images to compare: two labels, one seed, 6 Euler steps with guidance.
	ev, err := tmp.NewDiTEvaluator(ctx, m, tmp.DiTEvalOptions{
		Labels: []int{3, 7}, Seeds: []uint64{1}, Steps: 6, CFG: 2, Prepare: ladder,
	})
	if err != nil {
		panic(err)
	}
	// Seconds per step at each precision. On a real run measure them:
	//	step, _ := tmp.DiTStep(m, 4, false) // 2 images, guided: 4 rows
	//	prof, _ := tmp.Measure(ctx, step, ladder, 5)
	prof := tmp.CostProfile{Seconds: map[tmp.Precision]float64{
		tensor.PrecF32: 1, tensor.PrecInt8: 0.65, tensor.PrecInt4: 0.55}}
	res, err := tmp.Search(ctx, ev, prof, tmp.SearchOptions{Steps: 6, Ladder: ladder, TargetSpeedup: 1.3})
	if err != nil {
		panic(err)
	}
	// res.Schedule is int8:1,f32:1,int8:3,f32:1 here; res.Quality.SSIM
	// is its mean SSIM (about 0.999; it varies a little with the kernels).
	fmt.Printf("%d steps, meets the target: %v\n", len(res.Schedule), res.PredictedSpeedup >= 1.3)
	// Output: 6 steps, meets the target: true
}
