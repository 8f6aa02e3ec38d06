package llama

import (
	"fmt"
	"path/filepath"
	"sort"

	"github.com/pare-ml/pare/model/safetensors"
	"github.com/pare-ml/pare/simd"
)

// SaveDType is the dtype Save writes weights in.
type SaveDType string

const (
	SaveF32  SaveDType = "F32"
	SaveBF16 SaveDType = "BF16"
)

// Save writes config.json and model.safetensors into dir (which must
// exist), each file written whole or not at all. Tied embeddings are saved
// once, as transformers expects.
func (m *Model) Save(dir string, dtype SaveDType, metadata map[string]string) error {
	cfgJSON, err := m.Config.HFJSON()
	if err != nil {
		return err
	}
	var ts []safetensors.Tensor
	add := func(name string, shape []int, v []float32) {
		switch dtype {
		case SaveBF16:
			bits := make([]uint16, len(v))
			simd.F32ToBF16(bits, v)
			ts = append(ts, safetensors.FromUint16(name, "BF16", shape, bits))
		default:
			ts = append(ts, safetensors.FromFloat32(name, shape, v))
		}
	}
	shapes := m.Config.ExpectedShapes()
	names := make([]string, 0, len(shapes))
	for n := range shapes {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		v := m.tensor(name)
		if v == nil {
			return fmt.Errorf("llama: save: no data for %q", name)
		}
		add(name, shapes[name], v)
	}
	if err := safetensors.Write(filepath.Join(dir, "model.safetensors"), ts, metadata); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, "config.json"), cfgJSON)
}

// tensor returns the weights stored under an HF name.
func (m *Model) tensor(name string) []float32 {
	switch name {
	case "model.embed_tokens.weight":
		return m.Embed
	case "model.norm.weight":
		return m.Norm
	case "lm_head.weight":
		return m.Head.W
	}
	var i int
	var rest string
	if _, err := fmt.Sscanf(name, "model.layers.%d.%s", &i, &rest); err != nil || i < 0 || i >= len(m.Blocks) {
		return nil
	}
	b := m.Blocks[i]
	switch rest {
	case "input_layernorm.weight":
		return b.AttnNorm
	case "post_attention_layernorm.weight":
		return b.MLPNorm
	case "self_attn.q_norm.weight":
		return b.QNorm
	case "self_attn.k_norm.weight":
		return b.KNorm
	}
	for _, ln := range LinearNames {
		l := b.Linear(ln)
		switch rest {
		case ln + ".weight":
			return l.W
		case ln + ".bias":
			return l.Bias
		}
	}
	return nil
}
