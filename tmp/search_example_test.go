package tmp_test

import (
	"context"
	"fmt"

	"github.com/pare-ml/pare/tensor"
	"github.com/pare-ml/pare/tmp"
)

func ExampleParseSchedule() {
	s, err := tmp.ParseSchedule("f32:2,int8:*,f32:1", 8)
	if err != nil {
		panic(err)
	}
	fmt.Println(s)
	fmt.Println([]tmp.Precision(s))
	// Output:
	// f32:2,int8:5,f32:1
	// [f32 f32 int8 int8 int8 int8 int8 f32]
}

func ExampleCostProfile_PredictedSpeedup() {
	prof := tmp.CostProfile{Seconds: map[tmp.Precision]float64{tensor.PrecF32: 0.40, tensor.PrecBF16: 0.22, tensor.PrecInt8: 0.10}}
	s, _ := tmp.ParseSchedule("f32:2,int8:6", 8)
	fmt.Printf("%.2f× over f32, %.2f× over bf16\n", prof.PredictedSpeedup(s, tensor.PrecF32), prof.PredictedSpeedup(s, tensor.PrecBF16))
	// Output: 2.29× over f32, 1.26× over bf16
}

// A sampler whose quantisation error falls off over the steps: the early
// (noisy, high-level) steps are the sensitive ones here.
func ExampleSearch() {
	const steps = 8
	prof := tmp.CostProfile{Seconds: map[tmp.Precision]float64{tensor.PrecF32: 1, tensor.PrecInt8: 0.25}}
	perStep := []float64{0.02, 0.01, 0.004, 0.001, 0.0005, 0.0004, 0.0002, 0.0001}
	ev := tmp.EvaluatorFunc(func(ctx context.Context, s tmp.Schedule) (tmp.Quality, error) {
		var e float64
		for t, p := range s {
			if p == tensor.PrecInt8 {
				e += perStep[t]
			}
		}
		cost, _ := prof.Cost(s)
		return tmp.Quality{SSIM: 1 - e, MSE: 100 * e, Seconds: cost}, nil
	})
	res, err := tmp.Search(context.Background(), ev, prof, tmp.SearchOptions{
		Steps: steps, Ladder: []tmp.Precision{tensor.PrecF32, tensor.PrecInt8}, TargetSpeedup: 2.5,
	})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s: %.2f× predicted, SSIM %.4f, optimal %v, %d runs\n",
		res.Schedule, res.PredictedSpeedup, res.Quality.SSIM, res.Certified, res.Runs)
	// Output: f32:1,int8:7: 2.91× predicted, SSIM 0.9838, optimal true, 9 runs
}
