package prune

import (
	"fmt"

	"github.com/pare-ml/pare/tensor"
)

// ReconstructionError is ‖W X − Ŵ X‖²_F for a dense weight wDense and its
// pruned version wPruned (both [out, in]) on inputs x [rows, in] (one
// token per row): the squared error of the layer's outputs that pruning
// causes, which SparseGPT minimises. It is computed in float64 from the
// weight difference; mismatched lengths panic.
func ReconstructionError(wDense, wPruned []float32, out, in int, x []float32, rows int) float64 {
	checkLen("ReconstructionError", wDense, out, in)
	checkLen("ReconstructionError", wPruned, out, in)
	if len(x) != rows*in {
		panic(fmt.Sprintf("prune: ReconstructionError: %d inputs for %d rows of %d", len(x), rows, in))
	}
	xs := make([]float64, len(x))
	for i, v := range x {
		xs[i] = float64(v)
	}
	perRow := make([]float64, out)
	tensor.Parallel(out, 0, func(o int) {
		diff := make([]float64, in)
		for j := range diff {
			diff[j] = float64(wDense[o*in+j]) - float64(wPruned[o*in+j])
		}
		s := 0.0
		for t := 0; t < rows; t++ {
			y := dot(0, diff, xs[t*in:(t+1)*in])
			s += float64(y * y) // no FMA: same bits on every architecture
		}
		perRow[o] = s
	})
	total := 0.0
	for _, v := range perRow {
		total += v
	}
	return total
}
