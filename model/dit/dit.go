// Package dit is the Diffusion Transformer of Peebles and Xie (2023): patch
// embedding, sinusoidal timestep embedding with its MLP, class embedding
// with a null class for classifier-free guidance, blocks with adaLN-Zero
// modulation, a final layer and unpatchify.
//
// Parameter names follow the original DiT code (facebookresearch/DiT,
// models.py), so its checkpoints map one to one once saved as safetensors:
// x_embedder.proj, pos_embed, t_embedder.mlp.{0,2}, y_embedder.embedding_table,
// blocks.{i}.{attn.qkv, attn.proj, mlp.fc1, mlp.fc2, adaLN_modulation.1},
// final_layer.{adaLN_modulation.1, linear}.
//
// Every Linear is a tensor.Linear, so each forward call runs at the
// precision the caller names (temporal mixed precision picks one per
// denoising step).
package dit

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/pare-ml/pare/model/safetensors"
	"github.com/pare-ml/pare/tensor"
)

// Config describes a DiT (config.json).
type Config struct {
	InputSize   int      `json:"input_size"`  // image side in pixels (or latent side)
	PatchSize   int      `json:"patch_size"`  // p
	InChannels  int      `json:"in_channels"` // C
	HiddenSize  int      `json:"hidden_size"`
	Depth       int      `json:"depth"`
	NumHeads    int      `json:"num_heads"`
	MLPRatio    float64  `json:"mlp_ratio"`
	NumClasses  int      `json:"num_classes"` // the null class is NumClasses
	ClassLabels []string `json:"class_labels,omitempty"`
	LearnSigma  bool     `json:"learn_sigma"`
	// Objective is the training target: "rectified_flow" (the model
	// predicts v = ε − x0 with x_t = (1−t)·x0 + t·ε) or "epsilon" (DDPM).
	Objective     string  `json:"objective"`
	TimestepScale float64 `json:"timestep_scale,omitempty"` // t fed to the embedder is t·scale (1000)
}

// Validate checks the sizes fit together.
func (c *Config) Validate() error {
	switch {
	case c.InputSize <= 0 || c.PatchSize <= 0 || c.InputSize%c.PatchSize != 0:
		return fmt.Errorf("input_size %d must be a positive multiple of patch_size %d", c.InputSize, c.PatchSize)
	case c.InChannels <= 0 || c.HiddenSize <= 0 || c.Depth <= 0 || c.NumHeads <= 0:
		return fmt.Errorf("in_channels, hidden_size, depth and num_heads must be positive")
	case c.HiddenSize%c.NumHeads != 0:
		return fmt.Errorf("hidden_size %d is not a multiple of num_heads %d", c.HiddenSize, c.NumHeads)
	case c.MLPRatio <= 0:
		return fmt.Errorf("mlp_ratio must be positive")
	case c.NumClasses <= 0:
		return fmt.Errorf("num_classes must be positive")
	case c.ClassLabels != nil && len(c.ClassLabels) != c.NumClasses:
		return fmt.Errorf("class_labels has %d names for %d classes", len(c.ClassLabels), c.NumClasses)
	}
	switch c.Objective {
	case "rectified_flow", "epsilon":
	default:
		return fmt.Errorf("unknown objective %q (have rectified_flow, epsilon)", c.Objective)
	}
	return nil
}

// Tokens is the number of patches per image.
func (c *Config) Tokens() int { g := c.InputSize / c.PatchSize; return g * g }

// OutChannels is the channels the final layer predicts.
func (c *Config) OutChannels() int {
	if c.LearnSigma {
		return 2 * c.InChannels
	}
	return c.InChannels
}

// MLPHidden is the width of the blocks' MLP.
func (c *Config) MLPHidden() int { return int(float64(c.HiddenSize) * c.MLPRatio) }

// Label returns the index of a class given by name or number.
func (c *Config) Label(s string) (int, error) {
	for i, n := range c.ClassLabels {
		if n == s {
			return i, nil
		}
	}
	var i int
	if _, err := fmt.Sscanf(s, "%d", &i); err == nil && fmt.Sprint(i) == s && i >= 0 && i < c.NumClasses {
		return i, nil
	}
	if c.ClassLabels != nil {
		return 0, fmt.Errorf("unknown label %q (have %v, or 0..%d)", s, c.ClassLabels, c.NumClasses-1)
	}
	return 0, fmt.Errorf("unknown label %q (want 0..%d)", s, c.NumClasses-1)
}

// Model is a DiT held in f32.
type Model struct {
	Config   Config
	PatchW   *tensor.Linear // x_embedder.proj as [hidden, C·p·p]
	PosEmbed []float32      // [tokens, hidden]
	TMLP1    *tensor.Linear // t_embedder.mlp.0 [hidden, 256]
	TMLP2    *tensor.Linear // t_embedder.mlp.2
	YEmbed   []float32      // y_embedder.embedding_table [classes+1, hidden]
	Blocks   []*Block
	FinalMod *tensor.Linear // final_layer.adaLN_modulation.1 [2·hidden, hidden]
	Final    *tensor.Linear // final_layer.linear [p·p·out, hidden]
}

// Block is one DiT block with adaLN-Zero:
//
//	shift1, scale1, gate1, shift2, scale2, gate2 = adaLN_modulation(silu(c))
//	x += gate1 · proj(attention(qkv(modulate(layernorm(x), shift1, scale1))))
//	x += gate2 · fc2(gelu_tanh(fc1(modulate(layernorm(x), shift2, scale2))))
type Block struct {
	QKV, Proj, FC1, FC2, Mod *tensor.Linear
}

// FreqDim is the size of the sinusoidal timestep features.
const FreqDim = 256

// Load reads config.json and model.safetensors from a folder.
func Load(dir string) (*Model, error) {
	return LoadFS(os.DirFS(dir), dir)
}

// LoadFS reads config.json and model.safetensors from a file system.
func LoadFS(fsys fs.FS, name string) (*Model, error) {
	data, err := fs.ReadFile(fsys, "config.json")
	if err != nil {
		return nil, fmt.Errorf("dit: %s: %w", name, err)
	}
	var cfg Config
	if err := json.Unmarshal(data, &cfg); err != nil {
		return nil, fmt.Errorf("dit: %s: %w", filepath.Join(name, "config.json"), err)
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("dit: %s: %w", filepath.Join(name, "config.json"), err)
	}
	w, err := fs.ReadFile(fsys, "model.safetensors")
	if err != nil {
		return nil, fmt.Errorf("dit: %s: %w", name, err)
	}
	f, err := safetensors.Parse(filepath.Join(name, "model.safetensors"), w)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return build(cfg, f, name)
}

func build(cfg Config, f *safetensors.File, where string) (*Model, error) {
	h, p, c := cfg.HiddenSize, cfg.PatchSize, cfg.InChannels
	var firstErr error
	get := func(name string, shape ...int) []float32 {
		if firstErr != nil {
			return nil
		}
		info, ok := f.Info(name)
		if !ok {
			firstErr = fmt.Errorf("dit: %s: checkpoint has no tensor %q", where, name)
			return nil
		}
		if !slices.Equal(info.Shape, shape) {
			firstErr = fmt.Errorf("dit: %s: tensor %q has shape %v, config.json implies %v", where, name, info.Shape, shape)
			return nil
		}
		v, err := f.Float32(name)
		if err != nil {
			firstErr = err
			return nil
		}
		v = append([]float32(nil), v...)
		for i, x := range v {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				firstErr = fmt.Errorf("dit: %s: tensor %q has a non-finite value at index %d", where, name, i)
				return nil
			}
		}
		return v
	}
	lin := func(name string, out, in int) *tensor.Linear {
		w := get(name+".weight", out, in)
		b := get(name+".bias", out)
		if firstErr != nil {
			return nil
		}
		return tensor.NewLinear(w, b, out, in)
	}
	m := &Model{Config: cfg}
	pw := get("x_embedder.proj.weight", h, c, p, p)
	pb := get("x_embedder.proj.bias", h)
	if firstErr == nil {
		m.PatchW = tensor.NewLinear(pw, pb, h, c*p*p)
	}
	if _, ok := f.Info("pos_embed"); ok {
		m.PosEmbed = get("pos_embed", 1, cfg.Tokens(), h)
	} else {
		m.PosEmbed = PosEmbed2D(h, cfg.InputSize/p)
	}
	m.TMLP1 = lin("t_embedder.mlp.0", h, FreqDim)
	m.TMLP2 = lin("t_embedder.mlp.2", h, h)
	m.YEmbed = get("y_embedder.embedding_table.weight", cfg.NumClasses+1, h)
	mh := cfg.MLPHidden()
	for i := 0; i < cfg.Depth; i++ {
		pre := fmt.Sprintf("blocks.%d.", i)
		m.Blocks = append(m.Blocks, &Block{
			QKV:  lin(pre+"attn.qkv", 3*h, h),
			Proj: lin(pre+"attn.proj", h, h),
			FC1:  lin(pre+"mlp.fc1", mh, h),
			FC2:  lin(pre+"mlp.fc2", h, mh),
			Mod:  lin(pre+"adaLN_modulation.1", 6*h, h),
		})
	}
	m.FinalMod = lin("final_layer.adaLN_modulation.1", 2*h, h)
	m.Final = lin("final_layer.linear", p*p*cfg.OutChannels(), h)
	if firstErr != nil {
		return nil, firstErr
	}
	return m, nil
}

// Linears lists every Linear with its parameter name, first layer first.
func (m *Model) Linears() []NamedLinear {
	ls := []NamedLinear{{"x_embedder.proj", m.PatchW}, {"t_embedder.mlp.0", m.TMLP1}, {"t_embedder.mlp.2", m.TMLP2}}
	for i, b := range m.Blocks {
		p := fmt.Sprintf("blocks.%d.", i)
		ls = append(ls, NamedLinear{p + "adaLN_modulation.1", b.Mod}, NamedLinear{p + "attn.qkv", b.QKV},
			NamedLinear{p + "attn.proj", b.Proj}, NamedLinear{p + "mlp.fc1", b.FC1}, NamedLinear{p + "mlp.fc2", b.FC2})
	}
	return append(ls, NamedLinear{"final_layer.adaLN_modulation.1", m.FinalMod}, NamedLinear{"final_layer.linear", m.Final})
}

// NamedLinear is a Linear and its parameter name.
type NamedLinear struct {
	Name string
	*tensor.Linear
}

// Prepare builds the weight encodings of ps ahead of time so that no
// forward call pays for them. A layer that cannot run a precision (int4
// needs an input size that is a multiple of 32) prepares the int8 it falls
// back to instead.
func (m *Model) Prepare(ps ...tensor.Precision) error {
	for _, l := range m.Linears() {
		for _, p := range ps {
			if !l.Supports(p) {
				p = tensor.PrecInt8
			}
			if err := l.Prepare(p); err != nil {
				return fmt.Errorf("dit: %s: %w", l.Name, err)
			}
		}
	}
	return nil
}

// PosEmbed2D is the fixed 2-D sine-cosine position embedding of DiT/MAE
// (get_2d_sincos_pos_embed), computed in float64 and rounded to f32:
// [grid·grid, dim], the first half of each row from the column index, the
// second from the row index.
func PosEmbed2D(dim, grid int) []float32 {
	out := make([]float32, grid*grid*dim)
	half := dim / 2
	oneD := func(dst []float32, pos float64) {
		q := half / 2
		for i := 0; i < q; i++ {
			omega := 1 / math.Pow(10000, float64(i)/float64(q))
			dst[i] = float32(math.Sin(pos * omega))
			dst[q+i] = float32(math.Cos(pos * omega))
		}
	}
	for r := 0; r < grid; r++ {
		for c := 0; c < grid; c++ {
			row := out[(r*grid+c)*dim : (r*grid+c+1)*dim]
			oneD(row[:half], float64(c)) // np.meshgrid(grid_w, grid_h)[0]: the column index
			oneD(row[half:], float64(r))
		}
	}
	return out
}
