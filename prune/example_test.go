package prune_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/pare-ml/pare/prune"
)

// layer returns a small Linear weight and calibration inputs.
func layer(out, in, rows int) (w, x []float32) {
	r := rand.New(rand.NewPCG(1, 2))
	w = make([]float32, out*in)
	for i := range w {
		w[i] = float32(r.NormFloat64())
	}
	x = make([]float32, rows*in)
	for i := range x {
		x[i] = float32(r.NormFloat64() * float64(1+i%in))
	}
	return w, x
}

func ExampleParsePattern() {
	for _, s := range []string{"0.5", "60%", "2:4", "4:4"} {
		p, err := prune.ParsePattern(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%s prunes %.0f%%\n", p, 100*p.Fraction())
	}
	// Output:
	// 50% prunes 50%
	// 60% prunes 60%
	// 2:4 prunes 50%
	// sparsity pattern "4:4": N:M pattern 4:4: N must be less than M
}

func ExampleWanda() {
	const out, in, rows = 4, 16, 32
	w, x := layer(out, in, rows)
	st := prune.NewNormStats(in)
	st.Add(x[:rows/2*in], rows/2) // one calibration sequence at a time
	st.Add(x[rows/2*in:], rows/2)
	m, err := prune.Wanda(w, out, in, st, prune.Unstructured(0.5))
	if err != nil {
		fmt.Println(err)
		return
	}
	prune.Apply(w, m)
	fmt.Println("pruned per row:", m.RowCounts(), "sparsity:", m.Sparsity())
	// Output: pruned per row: [8 8 8 8] sparsity: 0.5
}

func ExampleSparseGPT() {
	const out, in, rows = 8, 32, 64
	w, x := layer(out, in, rows)
	dense := append([]float32(nil), w...)
	h := prune.NewHessian(in)
	h.Add(x, rows)
	res, err := prune.SparseGPT(w, out, in, h, prune.NM(2, 4), prune.SparseGPTOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	wanda := append([]float32(nil), dense...)
	st := prune.NewNormStats(in)
	st.Add(x, rows)
	m, _ := prune.Wanda(wanda, out, in, st, prune.NM(2, 4))
	prune.Apply(wanda, m)
	fmt.Println("sparsity:", res.Mask.Sparsity())
	fmt.Println("SparseGPT error below Wanda's:",
		prune.ReconstructionError(dense, w, out, in, x, rows) < prune.ReconstructionError(dense, wanda, out, in, x, rows))
	// Output:
	// sparsity: 0.5
	// SparseGPT error below Wanda's: true
}

func ExampleIoU() {
	a, b := prune.NewMask(1, 8), prune.NewMask(1, 8)
	for j := 0; j < 4; j++ {
		a.Set(0, j)   // prunes 0..3
		b.Set(0, j+2) // prunes 2..5
	}
	fmt.Printf("IoU %.3f, random masks of 50%%: %.3f\n", prune.IoU(a, b), prune.RandomMaskIoU(0.5))
	// Output: IoU 0.333, random masks of 50%: 0.333
}
