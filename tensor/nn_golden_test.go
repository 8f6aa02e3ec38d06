package tensor

import (
	"encoding/json"
	"os"
	"testing"
)

// Golden cases computed by PyTorch in float32 with
// testdata/nn_golden.py (HF Llama RMSNorm, RoPE with Llama-3 scaling and
// eager attention; DiT's timestep embedding and modulation). The script
// needs torch; these tests only read its JSON output.

type goldenCase struct {
	Name    string               `json:"name"`
	Op      string               `json:"op"`
	Params  map[string]any       `json:"params"`
	Tensors map[string][]float64 `json:"tensors"`
}

func (c *goldenCase) f32(name string) []float32 {
	v, ok := c.Tensors[name]
	if !ok {
		return nil
	}
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x) // exact: the values are f32 written as f64
	}
	return out
}

func (c *goldenCase) num(name string) float64 { return c.Params[name].(float64) }
func (c *goldenCase) int(name string) int     { return int(c.Params[name].(float64)) }

func (c *goldenCase) ints(name string) []int {
	var out []int
	for _, v := range c.Params[name].([]any) {
		out = append(out, int(v.(float64)))
	}
	return out
}

func TestGolden(t *testing.T) {
	data, err := os.ReadFile("testdata/nn_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Cases []goldenCase `json:"cases"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatalf("testdata/nn_golden.json: %v", err)
	}
	ops := map[string]bool{}
	for _, c := range file.Cases {
		ops[c.Op] = true
		t.Run(c.Name, func(t *testing.T) {
			got := runGolden(t, &c)
			want := c.Tensors["out"]
			if len(got) != len(want) {
				t.Fatalf("got %d values, want %d", len(got), len(want))
			}
			// Relative error (see maxRelErr) against PyTorch's f32 result.
			if e := maxRelErr(got, want); e > 1e-5 {
				t.Fatalf("max rel error %.3g > 1e-5", e)
			}
		})
	}
	for _, op := range []string{"rmsnorm", "layernorm", "softmax", "silu", "gelu_tanh", "swiglu", "rope", "attention", "timestep", "modulate"} {
		if !ops[op] {
			t.Errorf("no golden case for %s", op)
		}
	}
}

func runGolden(t *testing.T, c *goldenCase) []float32 {
	switch c.Op {
	case "rmsnorm":
		x := c.f32("x")
		RMSNorm(x, x, c.f32("weight"), c.int("rows"), c.int("dim"), float32(c.num("eps")))
		return x
	case "layernorm":
		x := c.f32("x")
		LayerNorm(x, x, c.f32("weight"), c.f32("bias"), c.int("rows"), c.int("dim"), float32(c.num("eps")))
		return x
	case "softmax":
		x := c.f32("x")
		Softmax(x, c.int("rows"), c.int("n"))
		return x
	case "silu":
		x := c.f32("x")
		SiLU(x)
		return x
	case "gelu_tanh":
		x := c.f32("x")
		GELUTanh(x)
		return x
	case "swiglu":
		g := c.f32("gate")
		SwiGLU(g, g, c.f32("up"))
		return g
	case "rope":
		var sc *RoPEScaling
		if _, ok := c.Params["factor"]; ok {
			sc = &RoPEScaling{
				Factor:                        c.num("factor"),
				LowFreqFactor:                 c.num("low_freq_factor"),
				HighFreqFactor:                c.num("high_freq_factor"),
				OriginalMaxPositionEmbeddings: c.int("original_max_position_embeddings"),
			}
		}
		hd := c.int("head_dim")
		r := NewRoPE(hd, c.num("theta"), sc)
		// The inverse frequencies match PyTorch's to the bit (up to the
		// rounding of its f32 pow).
		if e := maxRelErr(r.InvFreq, c.Tensors["inv_freq"]); e > 2e-7 {
			t.Errorf("inv_freq: rel error %.3g", e)
		}
		x := c.f32("x")
		r.ApplyPositions(x, c.ints("positions"), c.int("heads"), hd)
		return x
	case "attention":
		p := AttentionParams{
			SeqQ: c.int("seq_q"), SeqK: c.int("seq_k"), Heads: c.int("heads"), KVHeads: c.int("kv_heads"),
			HeadDim: c.int("head_dim"), Causal: c.Params["causal"].(bool), QPos: c.int("q_pos"),
		}
		out := make([]float32, p.SeqQ*p.Heads*p.HeadDim)
		Attention(out, c.f32("q"), c.f32("k"), c.f32("v"), p)
		return out
	case "timestep":
		ts := c.f32("t")
		out := make([]float32, len(ts)*c.int("dim"))
		TimestepEmbedding(out, ts, c.int("dim"), c.num("max_period"))
		return out
	case "modulate":
		x := c.f32("x")
		Modulate(x, x, c.f32("shift"), c.f32("scale"), c.int("rows"), c.int("dim"))
		return x
	}
	t.Fatalf("unknown op %q", c.Op)
	return nil
}
