package prune

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/pare-ml/pare/model/llama"
	"github.com/pare-ml/pare/tensor"
)

func testLlama(t *testing.T) *llama.Model { return testLlamaVocab(t, 100) }

func testLlamaVocab(t *testing.T, vocab int) *llama.Model {
	t.Helper()
	cfg, err := llama.ParseConfig([]byte(fmt.Sprintf(`{"architectures":["LlamaForCausalLM"],"hidden_size":64,
		"intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":4,"num_key_value_heads":2,
		"vocab_size":%d,"max_position_embeddings":64,"rms_norm_eps":1e-5,"hidden_act":"silu"}`, vocab)))
	if err != nil {
		t.Fatal(err)
	}
	return llama.Random(cfg, 1)
}

func calibWindows(n, seq int, seed uint64) [][]int {
	rng := rand.New(rand.NewPCG(seed, 1))
	ws := make([][]int, n)
	for i := range ws {
		ws[i] = make([]int, seq)
		for j := range ws[i] {
			ws[i][j] = rng.IntN(100)
		}
	}
	return ws
}

// hiddenError runs the dense and the pruned model on the same windows and
// returns ‖Y_dense − Y_pruned‖² / ‖Y_dense‖² of the final hidden states.
func hiddenError(t *testing.T, dense, pruned *llama.Model, ws [][]int) float64 {
	h := dense.Config.HiddenSize
	seq := len(ws[0])
	run := func(m *llama.Model) []float32 {
		x := make([]float32, len(ws)*seq*h)
		for i, w := range ws {
			m.EmbedTokens(x[i*seq*h:(i+1)*seq*h], w)
		}
		m.Forward(x, len(ws), seq, nil, tensor.PrecF32)
		return x
	}
	a, b := run(dense), run(pruned)
	var num, den float64
	for i := range a {
		d := float64(a[i] - b[i])
		num += d * d
		den += float64(a[i]) * float64(a[i])
	}
	return num / den
}

func TestPipelineMethods(t *testing.T) {
	dense := testLlama(t)
	ws := calibWindows(8, 16, 2)
	errs := map[Method]float64{}
	for _, method := range Methods {
		for _, pat := range []Pattern{Unstructured(0.5), NM(2, 4)} {
			m := testLlama(t)
			var stages int
			rep, err := Model(context.Background(), m, Options{Method: method, Pattern: pat, Calibration: ws, Batch: 3,
				Progress: func(Progress) { stages++ }})
			if err != nil {
				t.Fatalf("%s %v: %v", method, pat, err)
			}
			if len(rep.Layers) != 2*len(llama.LinearNames) || stages == 0 {
				t.Fatalf("%s: %d layer reports, %d progress events", method, len(rep.Layers), stages)
			}
			for _, l := range rep.Layers {
				if math.Abs(l.Sparsity-0.5) > 1e-9 {
					t.Errorf("%s %v: %s sparsity %v", method, pat, l.Name, l.Sparsity)
				}
			}
			if pat.Structured() {
				for _, b := range m.Blocks {
					for _, name := range llama.LinearNames {
						l := b.Linear(name)
						for i := 0; i < len(l.W); i += 4 {
							z := 0
							for _, v := range l.W[i : i+4] {
								if v == 0 {
									z++
								}
							}
							if z < 2 {
								t.Fatalf("%s 2:4: %s group at %d has %d zeros", method, name, i, z)
							}
						}
					}
				}
				continue
			}
			errs[method] = hiddenError(t, dense, m, ws)
		}
	}
	t.Logf("relative hidden-state error at 50%%: %v", errs)
	if !(errs[MethodSparseGPT] < errs[MethodWanda] && errs[MethodWanda] < errs[MethodMagnitude]) {
		t.Errorf("want SparseGPT < Wanda < Magnitude on the calibration data, have %v", errs)
	}
}

func TestPipelineErrors(t *testing.T) {
	m := testLlama(t)
	if _, err := Model(context.Background(), m, Options{Method: MethodWanda, Pattern: Unstructured(0.5)}); err == nil {
		t.Error("Wanda without calibration data succeeded")
	}
	if _, err := Model(context.Background(), m, Options{Method: "prune-all", Pattern: Unstructured(0.5)}); err == nil {
		t.Error("unknown method succeeded")
	}
	if _, err := Model(context.Background(), m, Options{Method: MethodMagnitude, Pattern: Unstructured(1.5)}); err == nil {
		t.Error("sparsity 1.5 succeeded")
	}
	ws := [][]int{{1, 2, 3}, {1, 2}}
	if _, err := Model(context.Background(), m, Options{Method: MethodWanda, Pattern: Unstructured(0.5), Calibration: ws}); err == nil {
		t.Error("ragged calibration windows succeeded")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Model(ctx, m, Options{Method: MethodMagnitude, Pattern: Unstructured(0.5)}); err == nil {
		t.Error("cancelled context succeeded")
	}
}
