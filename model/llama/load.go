package llama

import (
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/pare-ml/pare/model/safetensors"
	"github.com/pare-ml/pare/tensor"
)

// source is what the loader reads tensors from: one safetensors file or a
// sharded checkpoint.
type source interface {
	Info(name string) (safetensors.TensorInfo, bool)
	Float32(name string) ([]float32, error)
	Close() error
}

// LoadOptions tune Load.
type LoadOptions struct {
	// Writable copies every weight so the caller may change it (pruning).
	// Without it f32 weights are views of the memory-mapped checkpoint.
	Writable bool
}

// Load reads a Hugging Face checkpoint folder: config.json and
// model.safetensors (or model.safetensors.index.json with its shards).
func Load(dir string, opt LoadOptions) (*Model, error) {
	if st, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("llama: model folder: %w", err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("llama: %s is not a folder", dir)
	}
	cfg, err := LoadConfig(filepath.Join(dir, "config.json"))
	if err != nil {
		return nil, err
	}
	src, err := safetensors.OpenModel(dir)
	if err != nil {
		return nil, err
	}
	m, err := build(cfg, src, dir, opt)
	if err != nil {
		src.Close()
		return nil, err
	}
	return m, nil
}

// LoadFS reads a checkpoint (config.json, model.safetensors) from a file
// system such as the embedded tiny model. The weights are copied out of the
// file system's bytes, so the model can be changed.
func LoadFS(fsys fs.FS, name string) (*Model, error) {
	cfgData, err := fs.ReadFile(fsys, "config.json")
	if err != nil {
		return nil, fmt.Errorf("llama: %s: %w", name, err)
	}
	cfg, err := ParseConfig(cfgData)
	if err != nil {
		return nil, fmt.Errorf("llama: %s/config.json: %w", name, err)
	}
	data, err := fs.ReadFile(fsys, "model.safetensors")
	if err != nil {
		return nil, fmt.Errorf("llama: %s: %w", name, err)
	}
	f, err := safetensors.Parse(name+"/model.safetensors", data)
	if err != nil {
		return nil, err
	}
	return build(cfg, f, name, LoadOptions{Writable: true})
}

// ropeTablePositions caps the positions whose RoPE angles are tabulated at
// load (HeadDim·4 bytes each).
const ropeTablePositions = 4096

func build(cfg *Config, src source, where string, opt LoadOptions) (*Model, error) {
	if err := checkShapes(cfg, src, where); err != nil {
		return nil, err
	}
	get := func(name string) ([]float32, error) {
		v, err := src.Float32(name)
		if err != nil {
			return nil, err
		}
		if opt.Writable {
			// Float32 may return a view of the mapped file; copy it.
			v = append([]float32(nil), v...)
		}
		if i := firstNonFinite(v); i >= 0 {
			return nil, fmt.Errorf("llama: %s: tensor %q has a non-finite value at index %d", where, name, i)
		}
		return v, nil
	}
	var firstErr error
	must := func(name string) []float32 {
		if firstErr != nil {
			return nil
		}
		v, err := get(name)
		if err != nil {
			firstErr = err
		}
		return v
	}
	opt2 := func(name string) []float32 {
		if _, ok := src.Info(name); !ok {
			return nil
		}
		return must(name)
	}
	h, hd := cfg.HiddenSize, cfg.HeadDim
	lin := func(name string, out, in int, bias bool) *tensor.Linear {
		w := must(name + ".weight")
		var b []float32
		if bias {
			b = must(name + ".bias")
		}
		if firstErr != nil {
			return nil
		}
		return tensor.NewLinear(w, b, out, in)
	}
	m := &Model{Config: cfg}
	m.Embed = must("model.embed_tokens.weight")
	for i := 0; i < cfg.NumLayers; i++ {
		p := fmt.Sprintf("model.layers.%d.", i)
		b := &Block{Index: i, model: m}
		b.AttnNorm = must(p + "input_layernorm.weight")
		b.MLPNorm = must(p + "post_attention_layernorm.weight")
		b.Q = lin(p+"self_attn.q_proj", cfg.NumHeads*hd, h, cfg.AttentionBias)
		b.K = lin(p+"self_attn.k_proj", cfg.NumKVHeads*hd, h, cfg.AttentionBias)
		b.V = lin(p+"self_attn.v_proj", cfg.NumKVHeads*hd, h, cfg.AttentionBias)
		b.O = lin(p+"self_attn.o_proj", h, cfg.NumHeads*hd, cfg.AttentionOutBias)
		if cfg.QKNorm {
			b.QNorm = must(p + "self_attn.q_norm.weight")
			b.KNorm = must(p + "self_attn.k_norm.weight")
		}
		b.Gate = lin(p+"mlp.gate_proj", cfg.IntermediateSize, h, cfg.MLPBias)
		b.Up = lin(p+"mlp.up_proj", cfg.IntermediateSize, h, cfg.MLPBias)
		b.Down = lin(p+"mlp.down_proj", h, cfg.IntermediateSize, cfg.MLPBias)
		m.Blocks = append(m.Blocks, b)
	}
	m.Norm = must("model.norm.weight")
	if head := opt2("lm_head.weight"); head != nil && !cfg.TieWordEmbeddings {
		m.Head = tensor.NewLinear(head, nil, cfg.VocabSize, h)
	} else if firstErr == nil {
		m.Head = tensor.NewLinear(m.Embed, nil, cfg.VocabSize, h)
	}
	if firstErr != nil {
		return nil, firstErr
	}
	m.RoPE = tensor.NewRoPE(hd, cfg.RopeTheta, ropeScaling(cfg))
	// Tables of cos/sin for the first positions (the same numbers as
	// computed on the fly, which later positions still are).
	m.RoPE.Precompute(min(cfg.MaxPositions, ropeTablePositions))
	if opt.Writable {
		src.Close()
	} else {
		m.closer = src
	}
	return m, nil
}

// checkShapes compares every tensor the config implies with the checkpoint.
func checkShapes(cfg *Config, src source, where string) error {
	for name, want := range cfg.ExpectedShapes() {
		info, ok := src.Info(name)
		if !ok {
			return fmt.Errorf("llama: %s: checkpoint has no tensor %q that config.json implies", where, name)
		}
		if !slices.Equal(info.Shape, want) {
			return fmt.Errorf("llama: %s: tensor %q has shape %v, config.json implies %v", where, name, info.Shape, want)
		}
	}
	return nil
}

func firstNonFinite(v []float32) int {
	for i, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return i
		}
	}
	return -1
}

var _ io.Closer = (*safetensors.Model)(nil)

// ropeScaling converts the config's llama3 scaling to the tensor form.
func ropeScaling(c *Config) *tensor.RoPEScaling {
	if c.RopeScaling == nil {
		return nil
	}
	return &tensor.RoPEScaling{
		Factor:                        c.RopeScaling.Factor,
		LowFreqFactor:                 c.RopeScaling.LowFreqFactor,
		HighFreqFactor:                c.RopeScaling.HighFreqFactor,
		OriginalMaxPositionEmbeddings: c.RopeScaling.OriginalMaxPositions,
	}
}
