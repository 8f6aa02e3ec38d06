package tensor_test

import (
	"fmt"
	"math"

	"github.com/pare-ml/pare/tensor"
)

func ExampleRMSNorm() {
	x := []float32{1, 2, 3, 4, -1, 0, 0, 1} // two tokens of dimension 4
	weight := []float32{1, 1, 2, 2}
	tensor.RMSNorm(x, x, weight, 2, 4, 1e-6)
	fmt.Printf("%.4f\n", x)
	// Output: [0.3651 0.7303 2.1909 2.9212 -1.4142 0.0000 0.0000 2.8284]
}

func ExampleLayerNorm() {
	x := []float32{1, 2, 3, 4}
	tensor.LayerNorm(x, x, nil, nil, 1, 4, 1e-6) // DiT: no affine parameters
	fmt.Printf("%.4f\n", x)
	// Output: [-1.3416 -0.4472 0.4472 1.3416]
}

func ExampleSoftmax() {
	inf := float32(math.Inf(1))
	x := []float32{
		1, 2, 3,
		0, -inf, 0, // masked entry
		-inf, -inf, -inf, // fully masked row
	}
	tensor.Softmax(x, 3, 3)
	fmt.Printf("%.4f\n", x)
	// Output: [0.0900 0.2447 0.6652 0.5000 0.0000 0.5000 0.0000 0.0000 0.0000]
}

func ExampleNewRoPE() {
	// Llama 3.1: rope_theta 500000 with the llama3 rope_scaling.
	r := tensor.NewRoPE(8, 500000, &tensor.RoPEScaling{
		Factor: 8, LowFreqFactor: 1, HighFreqFactor: 4, OriginalMaxPositionEmbeddings: 8192,
	})
	fmt.Printf("%.6g\n", r.InvFreq)

	// Rotate one token with one head at position 3.
	x := []float32{1, 0, 0, 0, 0, 0, 0, 0}
	r.Apply(x, 1, 1, 8, 3)
	fmt.Printf("%.4f\n", x)
	// Output:
	// [1 0.037606 0.000524846 6.64787e-06]
	// [-0.9900 0.0000 0.0000 0.0000 0.1411 0.0000 0.0000 0.0000]
}

func ExampleAttention() {
	// Two tokens, one head of dimension 2, causal: token 0 sees only
	// itself, token 1 sees both.
	q := []float32{1, 0, 0, 1}
	k := []float32{1, 0, 0, 1}
	v := []float32{10, 0, 0, 10}
	out := make([]float32, 4)
	tensor.Attention(out, q, k, v, tensor.AttentionParams{
		SeqQ: 2, SeqK: 2, Heads: 1, KVHeads: 1, HeadDim: 2, Causal: true,
	})
	fmt.Printf("%.4f\n", out)
	// Output: [10.0000 0.0000 3.3024 6.6976]
}

func ExampleTimestepEmbedding() {
	emb := make([]float32, 2*4)
	tensor.TimestepEmbedding(emb, []float32{0, 2}, 4, 10000)
	fmt.Printf("%.4f\n", emb) // per row: cos(t·f0), cos(t·f1), sin(t·f0), sin(t·f1)
	// Output: [1.0000 1.0000 0.0000 0.0000 -0.4161 0.9998 0.9093 0.0200]
}
