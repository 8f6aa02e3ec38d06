package llama

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

type sample struct {
	file   string
	want   Config
	params int64 // published parameter count
}

var samples = []sample{
	{"llama-3.2-1b.json", Config{
		Architecture: ArchLlama, ModelType: "llama",
		HiddenSize: 2048, IntermediateSize: 8192, NumLayers: 16, NumHeads: 32, NumKVHeads: 8, HeadDim: 64,
		VocabSize: 128256, MaxPositions: 131072, HiddenAct: "silu", RMSNormEps: 1e-5, RopeTheta: 500000,
		RopeScaling:       &RopeScaling{Type: "llama3", Factor: 32, LowFreqFactor: 1, HighFreqFactor: 4, OriginalMaxPositions: 8192},
		TieWordEmbeddings: true, BOSTokenID: 128000, EOSTokenIDs: []int{128001}, TorchDType: "bfloat16",
	}, 1_235_814_400},
	{"llama-3.2-1b-instruct.json", Config{
		Architecture: ArchLlama, ModelType: "llama",
		HiddenSize: 2048, IntermediateSize: 8192, NumLayers: 16, NumHeads: 32, NumKVHeads: 8, HeadDim: 64,
		VocabSize: 128256, MaxPositions: 131072, HiddenAct: "silu", RMSNormEps: 1e-5, RopeTheta: 500000,
		RopeScaling:       &RopeScaling{Type: "llama3", Factor: 32, LowFreqFactor: 1, HighFreqFactor: 4, OriginalMaxPositions: 8192},
		TieWordEmbeddings: true, BOSTokenID: 128000, EOSTokenIDs: []int{128001, 128008, 128009}, TorchDType: "bfloat16",
	}, 1_235_814_400},
	{"qwen2.5-0.5b.json", Config{
		Architecture: ArchQwen2, ModelType: "qwen2",
		HiddenSize: 896, IntermediateSize: 4864, NumLayers: 24, NumHeads: 14, NumKVHeads: 2, HeadDim: 64,
		VocabSize: 151936, MaxPositions: 32768, HiddenAct: "silu", RMSNormEps: 1e-6, RopeTheta: 1e6,
		TieWordEmbeddings: true, AttentionBias: true, BOSTokenID: 151643, EOSTokenIDs: []int{151643}, TorchDType: "bfloat16",
	}, 494_032_768},
	{"qwen3-0.6b.json", Config{
		Architecture: ArchQwen3, ModelType: "qwen3",
		HiddenSize: 1024, IntermediateSize: 3072, NumLayers: 28, NumHeads: 16, NumKVHeads: 8, HeadDim: 128,
		VocabSize: 151936, MaxPositions: 40960, HiddenAct: "silu", RMSNormEps: 1e-6, RopeTheta: 1e6,
		TieWordEmbeddings: true, QKNorm: true, BOSTokenID: 151643, EOSTokenIDs: []int{151645}, TorchDType: "bfloat16",
	}, 596_049_920},
	{"mistral-7b-v0.1.json", Config{
		Architecture: ArchMistral, ModelType: "mistral",
		HiddenSize: 4096, IntermediateSize: 14336, NumLayers: 32, NumHeads: 32, NumKVHeads: 8, HeadDim: 128,
		VocabSize: 32000, MaxPositions: 32768, HiddenAct: "silu", RMSNormEps: 1e-5, RopeTheta: 10000,
		SlidingWindow: 4096, BOSTokenID: 1, EOSTokenIDs: []int{2}, TorchDType: "bfloat16",
	}, 7_241_732_096},
}

// equalConfig compares the modelled fields (not the kept raw fields).
func equalConfig(a, b *Config) bool {
	x, y := *a, *b
	x.raw, y.raw = nil, nil
	return reflect.DeepEqual(x, y)
}

func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

func TestLoadSamples(t *testing.T) {
	for _, s := range samples {
		t.Run(s.file, func(t *testing.T) {
			c, err := LoadConfig(filepath.Join("testdata", s.file))
			if err != nil {
				t.Fatal(err)
			}
			if !equalConfig(c, &s.want) {
				t.Errorf("got  %+v\nwant %+v", *c, s.want)
			}
			shapes := c.ExpectedShapes()
			names := c.TensorNames()
			if len(names) != len(shapes) {
				t.Errorf("%d names, %d shapes", len(names), len(shapes))
			}
			var total int64
			for _, n := range names {
				total += int64(numel(shapes[n]))
			}
			if total != s.params {
				t.Errorf("%d parameters, published count is %d", total, s.params)
			}
			if c.CheckShapes(shapes) != nil {
				t.Errorf("own shapes rejected: %v", c.CheckShapes(shapes))
			}
		})
	}
}

func TestTensorNamesPerArchitecture(t *testing.T) {
	load := func(f string) *Config {
		c, err := LoadConfig(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	q3 := load("qwen3-0.6b.json").ExpectedShapes()
	for name, want := range map[string][]int{
		"model.layers.27.self_attn.q_proj.weight": {2048, 1024},
		"model.layers.27.self_attn.k_proj.weight": {1024, 1024},
		"model.layers.27.self_attn.o_proj.weight": {1024, 2048},
		"model.layers.0.self_attn.q_norm.weight":  {128},
		"model.layers.0.self_attn.k_norm.weight":  {128},
		"model.embed_tokens.weight":               {151936, 1024},
		"model.norm.weight":                       {1024},
	} {
		if !slices.Equal(q3[name], want) {
			t.Errorf("qwen3 %s: %v, want %v", name, q3[name], want)
		}
	}
	if _, ok := q3["lm_head.weight"]; ok {
		t.Error("tied qwen3 lists lm_head.weight")
	}
	if _, ok := q3["model.layers.0.self_attn.q_proj.bias"]; ok {
		t.Error("qwen3 lists a q_proj bias")
	}
	q2 := load("qwen2.5-0.5b.json").ExpectedShapes()
	for name, want := range map[string][]int{
		"model.layers.0.self_attn.q_proj.bias": {896},
		"model.layers.0.self_attn.k_proj.bias": {128},
		"model.layers.0.self_attn.v_proj.bias": {128},
	} {
		if !slices.Equal(q2[name], want) {
			t.Errorf("qwen2 %s: %v, want %v", name, q2[name], want)
		}
	}
	if _, ok := q2["model.layers.0.self_attn.o_proj.bias"]; ok {
		t.Error("qwen2 lists an o_proj bias")
	}
	m := load("mistral-7b-v0.1.json")
	names := m.TensorNames()
	if names[0] != "model.embed_tokens.weight" || names[len(names)-1] != "lm_head.weight" || names[len(names)-2] != "model.norm.weight" {
		t.Errorf("mistral order: %q ... %q", names[:2], names[len(names)-2:])
	}
	if len(names) != 2+32*9+1 {
		t.Errorf("mistral has %d tensors", len(names))
	}
	// Llama with attention_bias and mlp_bias has biases everywhere.
	l := load("llama-3.2-1b.json")
	l.AttentionBias, l.AttentionOutBias, l.MLPBias = true, true, true
	ls := l.ExpectedShapes()
	for _, n := range []string{"q_proj", "k_proj", "v_proj", "o_proj"} {
		if _, ok := ls["model.layers.3.self_attn."+n+".bias"]; !ok {
			t.Errorf("llama with attention_bias lacks %s.bias", n)
		}
	}
	if !slices.Equal(ls["model.layers.3.mlp.down_proj.bias"], []int{2048}) || !slices.Equal(ls["model.layers.3.mlp.up_proj.bias"], []int{8192}) {
		t.Error("llama with mlp_bias lacks MLP biases")
	}
}

// Writing an unchanged config gives back the file transformers wrote.
func TestHFJSONUnchanged(t *testing.T) {
	for _, s := range samples {
		data, err := os.ReadFile(filepath.Join("testdata", s.file))
		if err != nil {
			t.Fatal(err)
		}
		c, err := ParseConfig(data)
		if err != nil {
			t.Fatal(err)
		}
		out, err := c.HFJSON()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, data) {
			t.Errorf("%s: HFJSON changed the file:\n%s", s.file, out)
		}
	}
}

func TestHFJSONEdited(t *testing.T) {
	c, err := LoadConfig("testdata/llama-3.2-1b.json")
	if err != nil {
		t.Fatal(err)
	}
	c.NumLayers = 8
	c.IntermediateSize = 4096
	c.TieWordEmbeddings = false
	c.RopeScaling = nil
	c.EOSTokenIDs = []int{128001, 128009}
	c.TorchDType = "float32"
	out, err := c.HFJSON()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseConfig(out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !equalConfig(back, c) {
		t.Errorf("round trip:\n got %+v\nwant %+v", *back, *c)
	}
	var m map[string]any
	json.Unmarshal(out, &m)
	if m["transformers_version"] != "4.45.0.dev0" || m["pretraining_tp"] != 1.0 || m["initializer_range"] != 0.02 {
		t.Errorf("unmodelled fields lost:\n%s", out)
	}
	if m["rope_scaling"] != nil || m["num_hidden_layers"] != 8.0 || m["tie_word_embeddings"] != false {
		t.Errorf("edits not written:\n%s", out)
	}
	if !bytes.Contains(out, []byte("\"rms_norm_eps\": 1e-05,")) || !bytes.Contains(out, []byte("\"rope_theta\": 500000.0,")) {
		t.Errorf("unchanged values lost their spelling:\n%s", out)
	}

	// A config built in code, without a file behind it.
	built := &Config{
		Architecture: ArchQwen2, ModelType: "qwen2", HiddenSize: 64, IntermediateSize: 128, NumLayers: 2,
		NumHeads: 4, NumKVHeads: 2, HeadDim: 16, VocabSize: 1000, MaxPositions: 512, HiddenAct: "silu",
		RMSNormEps: 1e-6, RopeTheta: 1e6, AttentionBias: true, BOSTokenID: -1, EOSTokenIDs: []int{0, 1},
	}
	out, err = built.HFJSON()
	if err != nil {
		t.Fatal(err)
	}
	back, err = ParseConfig(out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !equalConfig(back, built) {
		t.Errorf("built config round trip:\n got %+v\nwant %+v\n%s", *back, *built, out)
	}
}

func TestRopeParametersLayout(t *testing.T) {
	// The newer transformers layout keeps theta and scaling in one object.
	js := `{"architectures":["LlamaForCausalLM"],"hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,
	"num_attention_heads":4,"num_key_value_heads":2,"vocab_size":100,"dtype":"bfloat16",
	"rope_parameters":{"rope_type":"llama3","rope_theta":500000.0,"factor":8.0,"low_freq_factor":1.0,"high_freq_factor":4.0,"original_max_position_embeddings":8192}}`
	c, err := ParseConfig([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	if c.RopeTheta != 500000 || c.RopeScaling == nil || c.RopeScaling.Factor != 8 || c.TorchDType != "bfloat16" {
		t.Errorf("got %+v %+v", *c, c.RopeScaling)
	}
	c.RopeTheta = 10000
	c.RopeScaling = nil
	out, err := c.HFJSON()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseConfig(out)
	if err != nil || back.RopeTheta != 10000 || back.RopeScaling != nil {
		t.Errorf("%v %+v\n%s", err, back, out)
	}
	if bytes.Contains(out, []byte("torch_dtype")) || bytes.Contains(out, []byte("factor")) {
		t.Errorf("layout not kept:\n%s", out)
	}
}

func TestDefaults(t *testing.T) {
	c, err := ParseConfig([]byte(`{"model_type":"mistral","hidden_size":64,"intermediate_size":128,
		"num_hidden_layers":2,"num_attention_heads":4,"vocab_size":100,"sliding_window":null,"rope_scaling":{"type":"default"}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Architecture: ArchMistral, ModelType: "mistral", HiddenSize: 64, IntermediateSize: 128, NumLayers: 2,
		NumHeads: 4, NumKVHeads: 4, HeadDim: 16, VocabSize: 100, MaxPositions: 131072, HiddenAct: "silu",
		RMSNormEps: 1e-6, RopeTheta: 10000, BOSTokenID: -1}
	if !equalConfig(c, &want) {
		t.Errorf("got  %+v\nwant %+v", *c, want)
	}
}

func TestSlidingWindow(t *testing.T) {
	base := `{"architectures":["%s"],"hidden_size":64,"intermediate_size":128,"num_hidden_layers":4,
		"num_attention_heads":4,"vocab_size":100%s}`
	cases := []struct {
		arch, extra string
		windows     []int
	}{
		{ArchMistral, `,"sliding_window":4096`, []int{4096, 4096, 4096, 4096}},
		{ArchMistral, `,"sliding_window":null`, []int{0, 0, 0, 0}},
		{ArchQwen2, `,"sliding_window":32768,"use_sliding_window":false`, []int{0, 0, 0, 0}},
		{ArchQwen2, `,"sliding_window":256,"use_sliding_window":true,"max_window_layers":2`, []int{0, 0, 256, 256}},
		{ArchQwen3, `,"sliding_window":256,"use_sliding_window":true,"max_window_layers":0,
			"layer_types":["full_attention","sliding_attention","full_attention","sliding_attention"]`, []int{0, 256, 0, 256}},
	}
	for _, c := range cases {
		cfg, err := ParseConfig([]byte(strings.Replace(strings.Replace(base, "%s", c.arch, 1), "%s", c.extra, 1)))
		if err != nil {
			t.Fatalf("%s %s: %v", c.arch, c.extra, err)
		}
		var got []int
		for i := range cfg.NumLayers {
			got = append(got, cfg.LayerWindow(i))
		}
		if !slices.Equal(got, c.windows) {
			t.Errorf("%s %s: windows %v, want %v", c.arch, c.extra, got, c.windows)
		}
		out, err := cfg.HFJSON()
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseConfig(out)
		if err != nil || !equalConfig(back, cfg) {
			t.Errorf("%s %s: round trip %v\n%s", c.arch, c.extra, err, out)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	ok := map[string]any{
		"architectures": []string{"LlamaForCausalLM"}, "hidden_size": 64, "intermediate_size": 128,
		"num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 100,
	}
	with := func(kv ...any) []byte {
		m := map[string]any{}
		for k, v := range ok {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == "DELETE" {
				delete(m, kv[i].(string))
			} else {
				m[kv[i].(string)] = kv[i+1]
			}
		}
		b, _ := json.Marshal(m)
		return b
	}
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"not json", []byte(`{"hidden_size":`), "not a JSON object"},
		{"array", []byte(`[1]`), "not a JSON object"},
		{"null", []byte(`null`), "not a JSON object"},
		{"unknown architecture", with("architectures", []string{"GPT2LMHeadModel"}), `unsupported architecture "GPT2LMHeadModel" (supported: LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM)`},
		{"unknown model_type", with("architectures", "DELETE", "model_type", "gemma"), `unsupported model_type "gemma"`},
		{"no architecture", with("architectures", "DELETE"), "no architectures or model_type"},
		{"architectures not list", with("architectures", "LlamaForCausalLM"), "architectures: want a list of strings"},
		{"missing hidden", with("hidden_size", "DELETE"), "hidden_size is 0"},
		{"negative layers", with("num_hidden_layers", -1), "num_hidden_layers is -1"},
		{"huge vocab", with("vocab_size", int64(1)<<40), "vocab_size"},
		{"fractional", with("hidden_size", 64.5), "hidden_size: want an integer, have 64.5"},
		{"string size", with("hidden_size", "64"), `hidden_size: want an integer, have "64"`},
		{"heads do not divide", with("num_attention_heads", 5, "num_key_value_heads", 5), "not divisible by num_attention_heads 5"},
		{"kv heads do not divide", with("num_key_value_heads", 3), "num_attention_heads 4 is not divisible by num_key_value_heads 3"},
		{"odd head_dim", with("head_dim", 7), "head_dim is 7"},
		{"zero kv heads", with("num_key_value_heads", 0), "num_key_value_heads is 0"},
		{"yarn", with("rope_scaling", map[string]any{"rope_type": "yarn", "factor": 4.0}), `rope_scaling: unsupported RoPE type "yarn" (supported: "default", "llama3")`},
		{"linear", with("rope_scaling", map[string]any{"type": "linear", "factor": 4.0}), `unsupported RoPE type "linear"`},
		{"llama3 incomplete", with("rope_scaling", map[string]any{"rope_type": "llama3", "factor": 8.0}), "llama3 needs"},
		{"llama3 no original", with("rope_scaling", map[string]any{"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0}), "original_max_position_embeddings is 0"},
		{"rope_scaling wrong type", with("rope_scaling", "llama3"), "rope_scaling: want an object"},
		{"rope factor string", with("rope_scaling", map[string]any{"rope_type": "llama3", "factor": "8"}), "rope_scaling.factor: want a number"},
		{"negative theta", with("rope_theta", -1), "rope_theta is -1"},
		{"zero eps", with("rms_norm_eps", 0), "rms_norm_eps is 0"},
		{"gelu", with("hidden_act", "gelu"), `unsupported hidden_act "gelu"`},
		{"eos outside vocab", with("eos_token_id", []int{1, 100}), "eos_token_id 100 is outside"},
		{"eos wrong type", with("eos_token_id", "2"), "eos_token_id: want an integer"},
		{"eos list of strings", with("eos_token_id", []string{"a"}), "eos_token_id: want an integer or a list"},
		{"bos outside vocab", with("bos_token_id", 100), "bos_token_id 100 is outside"},
		{"tie not bool", with("tie_word_embeddings", 1), "tie_word_embeddings: want true or false"},
		{"layer_types length", with("layer_types", []string{"full_attention"}), "layer_types has 1 entries for 2 layers"},
		{"sliding layer without window", with("layer_types", []string{"full_attention", "sliding_attention"}), `layer_types[1] is "sliding_attention"`},
	}
	for _, c := range cases {
		_, err := ParseConfig(c.data)
		if err == nil {
			t.Errorf("%s: accepted %s", c.name, c.data)
			continue
		}
		if !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "llama config: ") {
			t.Errorf("%s: error %q, want %q", c.name, err, c.want)
		}
	}
	if _, err := ParseConfig(with()); err != nil {
		t.Errorf("base config rejected: %v", err)
	}
	// LoadConfig names the file.
	path := filepath.Join(t.TempDir(), "config.json")
	os.WriteFile(path, with("architectures", []string{"Phi3ForCausalLM"}), 0o644)
	if _, err := LoadConfig(path); err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "Phi3ForCausalLM") {
		t.Errorf("LoadConfig error %v", err)
	}
	if _, err := LoadConfig(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("missing file accepted")
	}
	// Inconsistent options in a config built in code.
	c, _ := ParseConfig(with())
	c.QKNorm = true
	if _, err := c.HFJSON(); err == nil || !strings.Contains(err.Error(), "LlamaForCausalLM cannot have") {
		t.Errorf("HFJSON of an inconsistent config: %v", err)
	}
}

func TestCheckShapes(t *testing.T) {
	c, err := LoadConfig("testdata/qwen2.5-0.5b.json")
	if err != nil {
		t.Fatal(err)
	}
	have := c.ExpectedShapes()
	have["model.layers.0.self_attn.rotary_emb.inv_freq"] = []int{32}
	have["lm_head.weight"] = []int{151936, 896} // tied, but saved anyway
	if err := c.CheckShapes(have); err != nil {
		t.Errorf("valid checkpoint rejected: %v", err)
	}
	delete(have, "model.layers.3.mlp.up_proj.weight")
	have["model.layers.5.self_attn.k_proj.weight"] = []int{896, 896}
	have["model.layers.24.mlp.up_proj.weight"] = []int{4864, 896}
	err = c.CheckShapes(have)
	if err == nil {
		t.Fatal("broken checkpoint accepted")
	}
	for _, want := range []string{
		`tensor "model.layers.3.mlp.up_proj.weight": missing (want shape [4864 896])`,
		`tensor "model.layers.5.self_attn.k_proj.weight": shape [896 896], config wants [128 896]`,
		`tensor "model.layers.24.mlp.up_proj.weight": not part of a Qwen2ForCausalLM with this config`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	// Many problems are summarised.
	if err := c.CheckShapes(map[string][]int{}); err == nil || !strings.Contains(err.Error(), "more") || strings.Count(err.Error(), "\n") > 21 {
		t.Errorf("empty checkpoint: %v", err)
	}
}

// FuzzParseConfig: arbitrary input never panics, and an accepted config
// survives HFJSON unchanged.
func FuzzParseConfig(f *testing.F) {
	for _, s := range samples {
		data, err := os.ReadFile(filepath.Join("testdata", s.file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"model_type":"qwen3","hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":4,"vocab_size":100,"head_dim":32}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data)
		if err != nil {
			return
		}
		c.ExpectedShapes()
		out, err := c.HFJSON()
		if err != nil {
			t.Fatalf("accepted config does not write: %v", err)
		}
		back, err := ParseConfig(out)
		if err != nil {
			t.Fatalf("written config does not parse: %v\n%s", err, out)
		}
		if !equalConfig(back, c) {
			t.Fatalf("round trip changed the config:\n got %+v\nwant %+v", *back, *c)
		}
	})
}
