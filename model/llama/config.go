package llama

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// The architectures Config accepts, as named in config.json.
const (
	ArchLlama   = "LlamaForCausalLM"
	ArchQwen2   = "Qwen2ForCausalLM"
	ArchQwen3   = "Qwen3ForCausalLM"
	ArchMistral = "MistralForCausalLM"
)

// architectures maps each supported architecture to its model_type.
var architectures = map[string]string{
	ArchLlama:   "llama",
	ArchQwen2:   "qwen2",
	ArchQwen3:   "qwen3",
	ArchMistral: "mistral",
}

// SupportedArchitectures lists the architectures Config accepts.
func SupportedArchitectures() []string {
	return []string{ArchLlama, ArchMistral, ArchQwen2, ArchQwen3}
}

// Config is the architecture of a Llama-family decoder, read from a Hugging
// Face config.json. The transformers defaults of each architecture fill in
// missing fields.
type Config struct {
	Architecture string // e.g. "LlamaForCausalLM"
	ModelType    string // e.g. "llama"

	HiddenSize       int
	IntermediateSize int
	NumLayers        int
	NumHeads         int
	NumKVHeads       int // grouped-query attention; defaults to NumHeads
	HeadDim          int // defaults to HiddenSize/NumHeads
	VocabSize        int
	MaxPositions     int
	HiddenAct        string // only "silu" is supported
	RMSNormEps       float64

	RopeTheta   float64      // defaults to 10000
	RopeScaling *RopeScaling // nil for plain RoPE

	TieWordEmbeddings bool // lm_head shares model.embed_tokens.weight
	AttentionBias     bool // q_proj, k_proj, v_proj have biases (always for Qwen2)
	AttentionOutBias  bool // o_proj has a bias (Llama and Qwen3 attention_bias)
	MLPBias           bool // gate, up, down projections have biases (Llama mlp_bias)
	QKNorm            bool // RMSNorm on each head of q and k (Qwen3)

	// SlidingWindow is the attention window of the layers that use one, 0
	// for full attention everywhere. Layers before MaxWindowLayers attend
	// fully (Qwen2/Qwen3 max_window_layers); LayerTypes, when not nil,
	// gives the kind of each layer instead ("full_attention" or
	// "sliding_attention"). See LayerWindow.
	SlidingWindow   int
	MaxWindowLayers int
	LayerTypes      []string

	BOSTokenID  int   // -1 when absent
	EOSTokenIDs []int // one or more; empty when absent
	TorchDType  string

	// raw holds the fields of the file read, so HFJSON can re-emit those
	// Config does not model.
	raw map[string]json.RawMessage
}

// RopeScaling is the "llama3" frequency scaling of RoPE (Llama 3.1+).
type RopeScaling struct {
	Type                 string // "llama3"
	Factor               float64
	LowFreqFactor        float64
	HighFreqFactor       float64
	OriginalMaxPositions int
}

// Limits that keep every size product within int64.
const (
	maxDim       = 1 << 20 // hidden, head_dim
	maxInter     = 1 << 22
	maxCount     = 1 << 12 // layers, heads
	maxVocab     = 1 << 24
	maxPositions = 1 << 30
	maxConfig    = 1 << 24 // bytes of config.json
)

// LoadConfig reads and validates a config.json file.
func LoadConfig(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("llama config %s: %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxConfig+1))
	if err != nil {
		return nil, fmt.Errorf("llama config %s: %w", path, err)
	}
	if len(data) > maxConfig {
		return nil, fmt.Errorf("llama config %s: larger than %d bytes", path, maxConfig)
	}
	c, err := parseConfig(data)
	if err != nil {
		return nil, fmt.Errorf("llama config %s: %w", path, err)
	}
	return c, nil
}

// ParseConfig parses and validates the contents of a config.json file.
func ParseConfig(data []byte) (*Config, error) {
	c, err := parseConfig(data)
	if err != nil {
		return nil, fmt.Errorf("llama config: %w", err)
	}
	return c, nil
}

func parseConfig(data []byte) (*Config, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	if raw == nil {
		return nil, errors.New("not a JSON object: null")
	}
	r := reader{raw: raw}
	c := &Config{raw: raw}

	archs := r.strings("architectures")
	c.ModelType = r.str("model_type", "")
	switch {
	case len(archs) > 0:
		c.Architecture = archs[0]
	case c.ModelType != "":
		for a, mt := range architectures {
			if mt == c.ModelType {
				c.Architecture = a
			}
		}
		if c.Architecture == "" {
			return nil, fmt.Errorf("unsupported model_type %q (supported architectures: %s)", c.ModelType, strings.Join(SupportedArchitectures(), ", "))
		}
	default:
		if r.err != nil {
			return nil, r.err
		}
		return nil, errors.New("no architectures or model_type")
	}
	mt, ok := architectures[c.Architecture]
	if !ok {
		return nil, fmt.Errorf("unsupported architecture %q (supported: %s)", c.Architecture, strings.Join(SupportedArchitectures(), ", "))
	}
	if c.ModelType == "" {
		c.ModelType = mt
	}

	c.HiddenSize = r.int("hidden_size", 0)
	c.IntermediateSize = r.int("intermediate_size", 0)
	c.NumLayers = r.int("num_hidden_layers", 0)
	c.NumHeads = r.int("num_attention_heads", 0)
	c.NumKVHeads = r.int("num_key_value_heads", c.NumHeads)
	if c.NumHeads > 0 && c.HiddenSize%c.NumHeads == 0 {
		c.HeadDim = r.int("head_dim", c.HiddenSize/c.NumHeads)
	} else {
		c.HeadDim = r.int("head_dim", 0)
	}
	c.VocabSize = r.int("vocab_size", 0)
	defaultPositions := map[string]int{ArchLlama: 2048, ArchMistral: 4096 * 32, ArchQwen2: 32768, ArchQwen3: 32768}
	c.MaxPositions = r.int("max_position_embeddings", defaultPositions[c.Architecture])
	c.HiddenAct = r.str("hidden_act", "silu")
	c.RMSNormEps = r.float("rms_norm_eps", 1e-6)
	c.TieWordEmbeddings = r.bool("tie_word_embeddings", false)

	switch c.Architecture {
	case ArchLlama:
		c.AttentionBias = r.bool("attention_bias", false)
		c.AttentionOutBias = c.AttentionBias
		c.MLPBias = r.bool("mlp_bias", false)
	case ArchQwen2:
		// transformers gives Qwen2 q/k/v biases whatever the config says.
		c.AttentionBias = true
	case ArchQwen3:
		c.AttentionBias = r.bool("attention_bias", false)
		c.AttentionOutBias = c.AttentionBias
		c.QKNorm = true
	}

	// RoPE: rope_theta and rope_scaling, or the newer rope_parameters
	// object that holds both.
	rope := "rope_scaling"
	if r.present("rope_parameters") {
		rope = "rope_parameters"
	}
	ropeFields := r.object(rope)
	c.RopeTheta = r.float("rope_theta", 10000)
	if ropeFields != nil && ropeFields.present("rope_theta") {
		c.RopeTheta = ropeFields.float("rope_theta", 10000)
	}
	if ropeFields != nil {
		c.RopeScaling = readRopeScaling(ropeFields, rope)
		if ropeFields.err != nil && r.err == nil {
			r.err = ropeFields.err
		}
	}

	switch c.Architecture {
	case ArchMistral:
		c.SlidingWindow = r.int("sliding_window", 0)
	case ArchQwen2, ArchQwen3:
		if r.bool("use_sliding_window", false) {
			c.SlidingWindow = r.int("sliding_window", 0)
			c.MaxWindowLayers = r.int("max_window_layers", 28)
		}
	}
	if r.present("layer_types") {
		c.LayerTypes = r.strings("layer_types")
	}

	c.BOSTokenID = r.int("bos_token_id", -1)
	c.EOSTokenIDs = r.ints("eos_token_id")
	c.TorchDType = r.str("torch_dtype", r.str("dtype", ""))
	if r.err != nil {
		return nil, r.err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// readRopeScaling reads a rope_scaling (or rope_parameters) object; the
// result is nil for plain RoPE.
func readRopeScaling(r *reader, field string) *RopeScaling {
	typ := r.str("rope_type", "")
	if typ == "" {
		typ = r.str("type", "default")
	}
	switch typ {
	case "default":
		return nil
	case "llama3":
		return &RopeScaling{
			Type:                 typ,
			Factor:               r.float("factor", 0),
			LowFreqFactor:        r.float("low_freq_factor", 0),
			HighFreqFactor:       r.float("high_freq_factor", 0),
			OriginalMaxPositions: r.int("original_max_position_embeddings", 0),
		}
	}
	r.fail(fmt.Errorf("%s: unsupported RoPE type %q (supported: \"default\", \"llama3\")", field, typ))
	return nil
}

// Validate checks the sizes and options for consistency.
func (c *Config) Validate() error {
	if _, ok := architectures[c.Architecture]; !ok {
		return fmt.Errorf("unsupported architecture %q (supported: %s)", c.Architecture, strings.Join(SupportedArchitectures(), ", "))
	}
	for _, f := range []struct {
		name     string
		v, limit int
	}{
		{"hidden_size", c.HiddenSize, maxDim},
		{"intermediate_size", c.IntermediateSize, maxInter},
		{"num_hidden_layers", c.NumLayers, maxCount},
		{"num_attention_heads", c.NumHeads, maxCount},
		{"num_key_value_heads", c.NumKVHeads, maxCount},
		{"vocab_size", c.VocabSize, maxVocab},
		{"max_position_embeddings", c.MaxPositions, maxPositions},
	} {
		if f.v <= 0 || f.v > f.limit {
			return fmt.Errorf("%s is %d, want 1 to %d", f.name, f.v, f.limit)
		}
	}
	if c.HeadDim == 0 && c.HiddenSize%c.NumHeads != 0 {
		return fmt.Errorf("hidden_size %d is not divisible by num_attention_heads %d (and no head_dim is given)", c.HiddenSize, c.NumHeads)
	}
	if c.HeadDim <= 0 || c.HeadDim > maxDim/4 || c.HeadDim%2 != 0 {
		return fmt.Errorf("head_dim is %d, want an even number from 2 to %d", c.HeadDim, maxDim/4)
	}
	if c.NumHeads*c.HeadDim > maxDim*4 {
		return fmt.Errorf("num_attention_heads × head_dim = %d is too large", c.NumHeads*c.HeadDim)
	}
	if c.NumHeads%c.NumKVHeads != 0 {
		return fmt.Errorf("num_attention_heads %d is not divisible by num_key_value_heads %d", c.NumHeads, c.NumKVHeads)
	}
	if c.HiddenAct != "silu" {
		return fmt.Errorf("unsupported hidden_act %q (supported: \"silu\")", c.HiddenAct)
	}
	if !(c.RMSNormEps > 0 && c.RMSNormEps < 1) {
		return fmt.Errorf("rms_norm_eps is %g, want a small positive number", c.RMSNormEps)
	}
	if !(c.RopeTheta > 0) || math.IsInf(c.RopeTheta, 0) {
		return fmt.Errorf("rope_theta is %g, want a positive number", c.RopeTheta)
	}
	if s := c.RopeScaling; s != nil {
		if s.Type != "llama3" {
			return fmt.Errorf("rope_scaling: unsupported RoPE type %q (supported: \"default\", \"llama3\")", s.Type)
		}
		if !(s.Factor > 0) || !(s.LowFreqFactor > 0) || !(s.HighFreqFactor > s.LowFreqFactor) || math.IsInf(s.Factor+s.HighFreqFactor, 0) {
			return fmt.Errorf("rope_scaling: llama3 needs factor > 0 and 0 < low_freq_factor < high_freq_factor, have %g, %g, %g", s.Factor, s.LowFreqFactor, s.HighFreqFactor)
		}
		if s.OriginalMaxPositions <= 0 || s.OriginalMaxPositions > maxPositions {
			return fmt.Errorf("rope_scaling: original_max_position_embeddings is %d, want 1 to %d", s.OriginalMaxPositions, maxPositions)
		}
	}
	// Options config.json can express for each architecture.
	type options struct{ bias, outBias, mlpBias, qkNorm bool }
	have := options{c.AttentionBias, c.AttentionOutBias, c.MLPBias, c.QKNorm}
	var ok bool
	switch c.Architecture {
	case ArchLlama:
		ok = have.outBias == have.bias && !have.qkNorm
	case ArchQwen2:
		ok = have == options{bias: true}
	case ArchQwen3:
		ok = have.outBias == have.bias && !have.mlpBias && have.qkNorm
	case ArchMistral:
		ok = have == options{}
	}
	if !ok {
		return fmt.Errorf("%s cannot have AttentionBias=%v, AttentionOutBias=%v, MLPBias=%v, QKNorm=%v", c.Architecture, have.bias, have.outBias, have.mlpBias, have.qkNorm)
	}
	if c.SlidingWindow < 0 || c.MaxWindowLayers < 0 {
		return fmt.Errorf("sliding_window %d and max_window_layers %d must not be negative", c.SlidingWindow, c.MaxWindowLayers)
	}
	if c.LayerTypes != nil {
		if len(c.LayerTypes) != c.NumLayers {
			return fmt.Errorf("layer_types has %d entries for %d layers", len(c.LayerTypes), c.NumLayers)
		}
		for i, t := range c.LayerTypes {
			switch {
			case t == "full_attention":
			case t == "sliding_attention" && c.SlidingWindow > 0:
			default:
				return fmt.Errorf("layer_types[%d] is %q, want \"full_attention\" (or \"sliding_attention\" with a sliding_window)", i, t)
			}
		}
	}
	if c.BOSTokenID < -1 || c.BOSTokenID >= c.VocabSize {
		return fmt.Errorf("bos_token_id %d is outside the vocabulary of %d", c.BOSTokenID, c.VocabSize)
	}
	for _, id := range c.EOSTokenIDs {
		if id < 0 || id >= c.VocabSize {
			return fmt.Errorf("eos_token_id %d is outside the vocabulary of %d", id, c.VocabSize)
		}
	}
	return nil
}

// LayerWindow is the attention window of layer i, 0 for full attention.
func (c *Config) LayerWindow(i int) int {
	if c.LayerTypes != nil {
		if c.LayerTypes[i] == "sliding_attention" {
			return c.SlidingWindow
		}
		return 0
	}
	if i < c.MaxWindowLayers {
		return 0
	}
	return c.SlidingWindow
}

// HFJSON writes the config as a config.json that transformers loads: the
// fields of the file the config was read from, with those Config models
// set from it (a field whose value is unchanged keeps its original
// spelling), keys sorted and indented as transformers writes them.
func (c *Config) HFJSON() ([]byte, error) {
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("llama config: %w", err)
	}
	out := map[string]json.RawMessage{}
	for k, v := range c.raw {
		out[k] = v
	}
	had := func(k string) bool { _, ok := c.raw[k]; return ok }
	set := func(k string, v any) {
		b, err := json.Marshal(v)
		if err != nil {
			panic(err) // plain values always marshal
		}
		if old, ok := c.raw[k]; ok && sameJSON(old, b) {
			return
		}
		out[k] = b
	}

	set("architectures", []string{c.Architecture})
	set("model_type", c.ModelType)
	set("hidden_size", c.HiddenSize)
	set("intermediate_size", c.IntermediateSize)
	set("num_hidden_layers", c.NumLayers)
	set("num_attention_heads", c.NumHeads)
	set("num_key_value_heads", c.NumKVHeads)
	if had("head_dim") || c.HeadDim*c.NumHeads != c.HiddenSize || c.Architecture == ArchQwen3 {
		set("head_dim", c.HeadDim)
	}
	set("vocab_size", c.VocabSize)
	set("max_position_embeddings", c.MaxPositions)
	set("hidden_act", c.HiddenAct)
	set("rms_norm_eps", c.RMSNormEps)
	set("tie_word_embeddings", c.TieWordEmbeddings)

	rope := map[string]any{}
	if s := c.RopeScaling; s != nil {
		rope = map[string]any{
			"rope_type":                        s.Type,
			"factor":                           s.Factor,
			"low_freq_factor":                  s.LowFreqFactor,
			"high_freq_factor":                 s.HighFreqFactor,
			"original_max_position_embeddings": s.OriginalMaxPositions,
		}
	}
	if had("rope_parameters") {
		// Newer layout: one object with the type, theta and scaling.
		var old map[string]any
		json.Unmarshal(c.raw["rope_parameters"], &old)
		if old == nil {
			old = map[string]any{}
		}
		if c.RopeScaling == nil {
			for _, k := range []string{"factor", "low_freq_factor", "high_freq_factor", "original_max_position_embeddings", "type"} {
				delete(old, k)
			}
			rope["rope_type"] = "default"
		}
		for k, v := range rope {
			old[k] = v
		}
		old["rope_theta"] = c.RopeTheta
		set("rope_parameters", old)
		if had("rope_theta") {
			set("rope_theta", c.RopeTheta)
		}
	} else {
		set("rope_theta", c.RopeTheta)
		if c.RopeScaling != nil {
			// Keep any extra keys of the original rope_scaling.
			var old map[string]any
			json.Unmarshal(c.raw["rope_scaling"], &old)
			if old != nil && old["type"] != nil && old["rope_type"] == nil {
				rope["type"] = rope["rope_type"]
				delete(rope, "rope_type")
			}
			for k, v := range old {
				if _, ok := rope[k]; !ok && k != "type" && k != "rope_type" {
					rope[k] = v
				}
			}
			set("rope_scaling", rope)
		} else if had("rope_scaling") {
			set("rope_scaling", nil)
		}
	}

	switch c.Architecture {
	case ArchLlama, ArchQwen3:
		set("attention_bias", c.AttentionBias)
	}
	if c.Architecture == ArchLlama && (had("mlp_bias") || c.MLPBias) {
		set("mlp_bias", c.MLPBias)
	}

	switch c.Architecture {
	case ArchMistral:
		if c.SlidingWindow > 0 {
			set("sliding_window", c.SlidingWindow)
		} else if had("sliding_window") {
			set("sliding_window", nil)
		}
	case ArchQwen2, ArchQwen3:
		set("use_sliding_window", c.SlidingWindow > 0)
		if c.SlidingWindow > 0 {
			set("sliding_window", c.SlidingWindow)
			set("max_window_layers", c.MaxWindowLayers)
		}
	}
	if c.LayerTypes != nil {
		set("layer_types", c.LayerTypes)
	} else if had("layer_types") {
		delete(out, "layer_types")
	}

	if c.BOSTokenID >= 0 {
		set("bos_token_id", c.BOSTokenID)
	} else if had("bos_token_id") {
		set("bos_token_id", nil)
	}
	switch {
	case len(c.EOSTokenIDs) == 1 && !isJSONArray(c.raw["eos_token_id"]):
		set("eos_token_id", c.EOSTokenIDs[0])
	case len(c.EOSTokenIDs) > 0:
		set("eos_token_id", c.EOSTokenIDs)
	case had("eos_token_id"):
		set("eos_token_id", nil)
	}
	dtypeKey := "torch_dtype"
	if had("dtype") && !had("torch_dtype") {
		dtypeKey = "dtype"
	}
	if c.TorchDType != "" {
		set(dtypeKey, c.TorchDType)
	}

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return nil, fmt.Errorf("llama config: %w", err)
	}
	return buf.Bytes(), nil
}

// sameJSON reports whether two JSON texts hold the same value (numbers
// compared as float64, so 500000.0 equals 500000).
func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

func isJSONArray(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) > 0 && b[0] == '['
}

// TensorNames lists the weights a checkpoint of this config holds, in
// the order of the model: embeddings, each layer, final norm, lm_head
// (absent when tied to the embeddings).
func (c *Config) TensorNames() []string {
	var names []string
	c.eachTensor(func(name string, _ []int) { names = append(names, name) })
	return names
}

// ExpectedShapes gives the shape of every weight of TensorNames, as
// PyTorch stores them (a Linear's weight is [out, in]).
func (c *Config) ExpectedShapes() map[string][]int {
	shapes := map[string][]int{}
	c.eachTensor(func(name string, shape []int) { shapes[name] = shape })
	return shapes
}

func (c *Config) eachTensor(fn func(name string, shape []int)) {
	h, q, kv := c.HiddenSize, c.NumHeads*c.HeadDim, c.NumKVHeads*c.HeadDim
	fn("model.embed_tokens.weight", []int{c.VocabSize, h})
	for i := range c.NumLayers {
		p := "model.layers." + strconv.Itoa(i) + "."
		fn(p+"input_layernorm.weight", []int{h})
		fn(p+"self_attn.q_proj.weight", []int{q, h})
		fn(p+"self_attn.k_proj.weight", []int{kv, h})
		fn(p+"self_attn.v_proj.weight", []int{kv, h})
		if c.AttentionBias {
			fn(p+"self_attn.q_proj.bias", []int{q})
			fn(p+"self_attn.k_proj.bias", []int{kv})
			fn(p+"self_attn.v_proj.bias", []int{kv})
		}
		if c.QKNorm {
			fn(p+"self_attn.q_norm.weight", []int{c.HeadDim})
			fn(p+"self_attn.k_norm.weight", []int{c.HeadDim})
		}
		fn(p+"self_attn.o_proj.weight", []int{h, q})
		if c.AttentionOutBias {
			fn(p+"self_attn.o_proj.bias", []int{h})
		}
		fn(p+"post_attention_layernorm.weight", []int{h})
		fn(p+"mlp.gate_proj.weight", []int{c.IntermediateSize, h})
		fn(p+"mlp.up_proj.weight", []int{c.IntermediateSize, h})
		fn(p+"mlp.down_proj.weight", []int{h, c.IntermediateSize})
		if c.MLPBias {
			fn(p+"mlp.gate_proj.bias", []int{c.IntermediateSize})
			fn(p+"mlp.up_proj.bias", []int{c.IntermediateSize})
			fn(p+"mlp.down_proj.bias", []int{h})
		}
	}
	fn("model.norm.weight", []int{h})
	if !c.TieWordEmbeddings {
		fn("lm_head.weight", []int{c.VocabSize, h})
	}
}

// CheckShapes compares a checkpoint's tensor shapes (name -> shape) with
// the config. It reports every missing tensor, wrong shape and unexpected
// tensor (rotary inv_freq buffers and a tied lm_head.weight are allowed).
func (c *Config) CheckShapes(have map[string][]int) error {
	want := c.ExpectedShapes()
	var errs []error
	for _, name := range c.TensorNames() {
		got, ok := have[name]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("tensor %q: missing (want shape %v)", name, want[name]))
		case !slices.Equal(got, want[name]):
			errs = append(errs, fmt.Errorf("tensor %q: shape %v, config wants %v", name, got, want[name]))
		}
	}
	extra := make([]string, 0)
	for name, got := range have {
		if _, ok := want[name]; ok || strings.HasSuffix(name, ".rotary_emb.inv_freq") {
			continue
		}
		if name == "lm_head.weight" && c.TieWordEmbeddings && slices.Equal(got, []int{c.VocabSize, c.HiddenSize}) {
			continue
		}
		extra = append(extra, name)
	}
	slices.Sort(extra)
	for _, name := range extra {
		errs = append(errs, fmt.Errorf("tensor %q: not part of a %s with this config", name, c.Architecture))
	}
	const maxReported = 20
	if len(errs) > maxReported {
		n := len(errs)
		errs = append(errs[:maxReported], fmt.Errorf("... and %d more", n-maxReported))
	}
	return errors.Join(errs...)
}

// reader reads typed fields from a JSON object, keeping the first error.
// A field that is absent or null takes its default.
type reader struct {
	raw    map[string]json.RawMessage
	prefix string
	err    error
}

func (r *reader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

func (r *reader) present(key string) bool {
	v, ok := r.raw[key]
	return ok && !bytes.Equal(bytes.TrimSpace(v), []byte("null"))
}

func (r *reader) decode(key string, v any, what string) bool {
	if !r.present(key) {
		return false
	}
	if err := json.Unmarshal(r.raw[key], v); err != nil {
		r.fail(fmt.Errorf("%s%s: want %s, have %s", r.prefix, key, what, abbreviate(r.raw[key])))
		return false
	}
	return true
}

func (r *reader) int(key string, def int) int {
	var f float64
	if !r.decode(key, &f, "an integer") {
		return def
	}
	if !isInt(f) {
		r.fail(fmt.Errorf("%s%s: want an integer, have %s", r.prefix, key, abbreviate(r.raw[key])))
		return def
	}
	return int(f)
}

func (r *reader) float(key string, def float64) float64 {
	var f float64
	if !r.decode(key, &f, "a number") {
		return def
	}
	return f
}

func (r *reader) bool(key string, def bool) bool {
	var b bool
	if !r.decode(key, &b, "true or false") {
		return def
	}
	return b
}

func (r *reader) str(key, def string) string {
	var s string
	if !r.decode(key, &s, "a string") {
		return def
	}
	return s
}

func (r *reader) strings(key string) []string {
	var s []string
	r.decode(key, &s, "a list of strings")
	return s
}

// ints reads an integer or a list of integers.
func (r *reader) ints(key string) []int {
	if !r.present(key) {
		return nil
	}
	if isJSONArray(r.raw[key]) {
		var fs []float64
		if !r.decode(key, &fs, "an integer or a list of integers") {
			return nil
		}
		out := make([]int, len(fs))
		for i, f := range fs {
			if !isInt(f) {
				r.fail(fmt.Errorf("%s%s: want integers, have %s", r.prefix, key, abbreviate(r.raw[key])))
				return nil
			}
			out[i] = int(f)
		}
		return out
	}
	return []int{r.int(key, 0)}
}

// isInt reports whether f is an integer that int holds exactly.
func isInt(f float64) bool {
	return f == math.Trunc(f) && math.Abs(f) <= min(1<<53, math.MaxInt)
}

// object reads a nested object (nil when absent or null).
func (r *reader) object(key string) *reader {
	var m map[string]json.RawMessage
	if !r.decode(key, &m, "an object") {
		return nil
	}
	return &reader{raw: m, prefix: r.prefix + key + "."}
}

// abbreviate quotes a JSON value for an error message.
func abbreviate(v json.RawMessage) string {
	s := string(bytes.TrimSpace(v))
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return s
}
