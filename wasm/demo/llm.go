package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pare-ml/pare/model/corpus"
	"github.com/pare-ml/pare/model/llama"
	"github.com/pare-ml/pare/model/tokenizer"
	"github.com/pare-ml/pare/prune"
)

// LLMInfo describes the loaded LLM.
type LLMInfo struct {
	Name      string   `json:"name"`
	Layers    int      `json:"layers"`
	Hidden    int      `json:"hidden"`
	Vocab     int      `json:"vocab"`
	Params    int      `json:"params"`
	Languages []string `json:"languages"` // of the embedded corpus
	Methods   []string `json:"methods"`
}

// LLMFiles are the files LoadLLM needs.
var LLMFiles = []string{"config.json", "model.safetensors", "tokenizer.json"}

// loadLLM builds a model from the session's files; each call returns a new
// copy of the weights.
func (s *Session) loadLLM() (*prune.LLM, error) {
	m, err := llama.LoadFS(s.llmFiles, s.llmName)
	if err != nil {
		return nil, err
	}
	raw := s.llmFiles["tokenizer.json"]
	tok, err := tokenizer.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%s/tokenizer.json: %w", s.llmName, err)
	}
	if tok.VocabSize() > m.Config.VocabSize {
		return nil, fmt.Errorf("%s: tokenizer has %d ids, the model only %d", s.llmName, tok.VocabSize(), m.Config.VocabSize)
	}
	return &prune.LLM{Name: s.llmName, Model: m, Tokenizer: tok, TokenizerJSON: raw}, nil
}

// LoadLLM loads a Llama-family model from its files (config.json,
// model.safetensors, tokenizer.json) and forgets the previous one with its
// pruned copy and perplexities.
func (s *Session) LoadLLM(files Files, name string) (*LLMInfo, error) {
	for _, f := range LLMFiles {
		if _, ok := files[f]; !ok {
			return nil, fmt.Errorf("%s: no %s", name, f)
		}
	}
	s.llmMu.Lock()
	defer s.llmMu.Unlock()
	old, oldName := s.llmFiles, s.llmName
	s.llmFiles, s.llmName = files, name
	l, err := s.loadLLM()
	if err != nil {
		s.llmFiles, s.llmName = old, oldName
		return nil, err
	}
	s.dense, s.pruned, s.pruneReq = l, nil, nil
	s.densePPL = map[pplKey]float64{}
	return s.llmInfo(), nil
}

func (s *Session) llmInfo() *LLMInfo {
	c := s.dense.Model.Config
	info := &LLMInfo{Name: s.llmName, Layers: c.NumLayers, Hidden: c.HiddenSize, Vocab: c.VocabSize,
		Languages: corpus.Languages()}
	for _, m := range prune.Methods {
		info.Methods = append(info.Methods, string(m))
	}
	m := s.dense.Model
	info.Params = len(m.Embed) + len(m.Norm)
	if m.Head != nil && &m.Head.W[0] != &m.Embed[0] {
		info.Params += len(m.Head.W)
	}
	for _, b := range m.Blocks {
		info.Params += len(b.AttnNorm) + len(b.MLPNorm)
		for _, n := range llama.LinearNames {
			l := b.Linear(n)
			info.Params += len(l.W) + len(l.Bias)
		}
	}
	return info
}

// PruneRequest asks to prune the dense model.
type PruneRequest struct {
	Method   string `json:"method"`   // magnitude, wanda or sparsegpt
	Sparsity string `json:"sparsity"` // "0.5" or an N:M pattern "2:4"
	Calib    string `json:"calib"`    // corpus language(s): "de" or "en,de"
	NSamples int    `json:"nsamples"` // calibration windows (0: 16)
	SeqLen   int    `json:"seqlen"`   // tokens per window (0: 64)
	Seed     uint64 `json:"seed"`
}

// PruneResult is what pruning did.
type PruneResult struct {
	Report *prune.Report `json:"report"`
	// WeightsHash is the SHA-256 of every pruned Linear's weights (see
	// HashWeights).
	WeightsHash string  `json:"weights_hash"`
	Seconds     float64 `json:"seconds"`
}

func (r *PruneRequest) defaults() {
	if r.NSamples == 0 {
		r.NSamples = 16
	}
	if r.SeqLen == 0 {
		r.SeqLen = 64
	}
}

// Prune prunes a fresh copy of the dense model and keeps it as the session's
// pruned model.
func (s *Session) Prune(ctx context.Context, r PruneRequest, progress ProgressFunc) (*PruneResult, error) {
	s.llmMu.Lock()
	defer s.llmMu.Unlock()
	if s.dense == nil {
		return nil, fmt.Errorf("no LLM loaded")
	}
	r.defaults()
	meth, err := prune.ParseMethod(r.Method)
	if err != nil {
		return nil, err
	}
	pat, err := prune.ParsePattern(r.Sparsity)
	if err != nil {
		return nil, err
	}
	if err := pat.Validate(); err != nil {
		return nil, err
	}
	if r.NSamples < 1 || r.NSamples > 256 {
		return nil, fmt.Errorf("calibration windows must be 1..256, have %d", r.NSamples)
	}
	if p := s.dense.Model.Config.MaxPositions; r.SeqLen < 2 || r.SeqLen > 512 || (p > 0 && r.SeqLen > p) {
		return nil, fmt.Errorf("calibration window length must be 2..%d, have %d", min(512, max(p, 2)), r.SeqLen)
	}
	var ws [][]int
	if meth != prune.MethodMagnitude || r.Calib != "" {
		langs, err := checkLangs(r.Calib)
		if err != nil {
			return nil, fmt.Errorf("calibration: %w", err)
		}
		parts, err := prune.ParseCalib(strings.Join(langs, ","), r.NSamples)
		if err != nil {
			return nil, err
		}
		if ws, err = prune.CalibrationWindows(s.dense.Tokenizer, parts, r.SeqLen, r.Seed); err != nil {
			return nil, err
		}
	}
	l, err := s.loadLLM()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	layers := len(llama.LinearNames)
	rep, err := prune.Model(ctx, l.Model, prune.Options{Method: meth, Pattern: pat, Calibration: ws,
		Progress: func(p prune.Progress) {
			step := 0
			if p.Stage == "prune" {
				step = slices.IndexFunc(llama.LinearNames, func(n string) bool { return strings.HasSuffix(p.Layer, n) })
			} else if p.Stage == "propagate" {
				step = layers
			}
			stage := fmt.Sprintf("block %d: %s", p.Block, p.Stage)
			if p.Layer != "" {
				stage += " " + p.Layer[strings.LastIndexByte(p.Layer, '.')+1:]
			}
			progress.report(Progress{Stage: stage, Part: p.Block, Parts: p.Blocks, Step: step, Steps: layers})
		}})
	if err != nil {
		return nil, err
	}
	s.pruned = l
	req := r
	s.pruneReq = &req
	return &PruneResult{Report: rep, WeightsHash: HashWeights(l.Model), Seconds: time.Since(start).Seconds()}, nil
}

// HashWeights is the hex SHA-256 of the weights of every Linear of every
// block, block by block in llama.LinearNames order, as little-endian
// float32 bits (then the biases, if any, the same way).
func HashWeights(m *llama.Model) string {
	h := sha256.New()
	for _, b := range m.Blocks {
		for _, n := range llama.LinearNames {
			hashFloats(h, b.Linear(n).W)
		}
	}
	for _, b := range m.Blocks {
		for _, n := range llama.LinearNames {
			hashFloats(h, b.Linear(n).Bias)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// checkLangs reads a comma-separated list of corpus languages; "all" is
// every language.
func checkLangs(spec string) ([]string, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, fmt.Errorf("no language given (have %s)", strings.Join(corpus.Languages(), ", "))
	}
	langs, err := prune.ParseLangs(spec)
	if err != nil {
		return nil, err
	}
	return langs, nil
}

// PerplexityRequest asks for perplexity per language.
type PerplexityRequest struct {
	Model   string   `json:"model"`   // "dense" or "pruned"
	Langs   []string `json:"langs"`   // corpus languages (empty: all)
	SeqLen  int      `json:"seqlen"`  // window length (0: 128)
	Windows int      `json:"windows"` // windows per language from the start of its held-out text (0: 1)
}

type pplKey struct {
	lang            string
	seqlen, windows int
}

// Perplexity evaluates the dense or the pruned model on the first windows
// of each language's held-out text. The dense model's values are kept.
func (s *Session) Perplexity(ctx context.Context, r PerplexityRequest, progress ProgressFunc) (map[string]float64, error) {
	s.llmMu.Lock()
	defer s.llmMu.Unlock()
	l, err := s.model(r.Model)
	if err != nil {
		return nil, err
	}
	if r.SeqLen == 0 {
		r.SeqLen = 128
	}
	if r.Windows == 0 {
		r.Windows = 1
	}
	if p := l.Model.Config.MaxPositions; r.SeqLen < 2 || r.SeqLen > 1024 || (p > 0 && r.SeqLen > p) {
		return nil, fmt.Errorf("window length must be 2..%d, have %d", min(1024, max(p, 2)), r.SeqLen)
	}
	if r.Windows < 0 || r.Windows > 64 {
		return nil, fmt.Errorf("windows per language must be 1..64, have %d", r.Windows)
	}
	langs := r.Langs
	if len(langs) == 0 {
		langs = corpus.Languages()
	}
	if langs, err = checkLangs(strings.Join(langs, ",")); err != nil {
		return nil, err
	}
	out := map[string]float64{}
	var todo []string
	for _, lang := range langs {
		if v, ok := s.densePPL[pplKey{lang, r.SeqLen, r.Windows}]; ok && l == s.dense {
			out[lang] = v
		} else {
			todo = append(todo, lang)
		}
	}
	ppl, err := prune.Perplexity(ctx, l.Model, l.Tokenizer, todo, prune.EvalOptions{SeqLen: r.SeqLen, MaxWindows: r.Windows,
		Progress: func(lang string, li, done, total int) {
			progress.report(Progress{Stage: "perplexity " + lang + " (" + r.Model + ")", Part: li, Parts: len(todo), Step: done, Steps: total})
		}})
	if err != nil {
		return nil, err
	}
	for lang, v := range ppl {
		out[lang] = finite(v)
		if l == s.dense {
			s.densePPL[pplKey{lang, r.SeqLen, r.Windows}] = out[lang]
		}
	}
	return out, nil
}

func (s *Session) model(which string) (*prune.LLM, error) {
	switch which {
	case "dense", "":
		if s.dense == nil {
			return nil, fmt.Errorf("no LLM loaded")
		}
		return s.dense, nil
	case "pruned":
		if s.pruned == nil {
			return nil, fmt.Errorf("no pruned model yet: prune first")
		}
		return s.pruned, nil
	}
	return nil, fmt.Errorf("unknown model %q (have dense, pruned)", which)
}

// GenerateRequest asks to continue a prompt.
type GenerateRequest struct {
	Model       string  `json:"model"` // "dense" or "pruned"
	Prompt      string  `json:"prompt"`
	MaxTokens   int     `json:"max_tokens"`  // 0: 48
	Temperature float64 `json:"temperature"` // 0: greedy
	TopK        int     `json:"top_k"`
	Seed        uint64  `json:"seed"`
}

// GenerateResult is the continuation.
type GenerateResult struct {
	Text    string  `json:"text"`
	Tokens  []int   `json:"tokens"`
	Seconds float64 `json:"seconds"`
}

// Generate continues the prompt; onText, if not nil, sees the text so far
// after each token.
func (s *Session) Generate(ctx context.Context, r GenerateRequest, onText func(string)) (*GenerateResult, error) {
	s.llmMu.Lock()
	defer s.llmMu.Unlock()
	l, err := s.model(r.Model)
	if err != nil {
		return nil, err
	}
	if r.MaxTokens == 0 {
		r.MaxTokens = 48
	}
	if r.MaxTokens < 1 || r.MaxTokens > 512 {
		return nil, fmt.Errorf("max tokens must be 1..512, have %d", r.MaxTokens)
	}
	if r.Temperature < 0 || r.Temperature > 5 {
		return nil, fmt.Errorf("temperature must be 0..5, have %v", r.Temperature)
	}
	ids := l.Tokenizer.Encode(r.Prompt, true)
	if p := l.Model.Config.MaxPositions; p > 0 && len(ids)+r.MaxTokens > p {
		return nil, fmt.Errorf("prompt of %d tokens and %d new ones pass the model's %d positions", len(ids), r.MaxTokens, p)
	}
	var stop []int
	if eos, ok := l.Tokenizer.EOS(); ok {
		stop = append(stop, eos)
	}
	start := time.Now()
	var out []int
	text := ""
	_, err = l.Model.Generate(ctx, ids, llama.GenerateOptions{MaxTokens: r.MaxTokens, Temperature: r.Temperature,
		TopK: r.TopK, Seed: r.Seed, Stop: stop}, func(id int) {
		out = append(out, id)
		// Decode the whole continuation so that characters split over
		// tokens show once complete.
		if t := l.Tokenizer.Decode(out, true); !strings.HasSuffix(t, "\uFFFD") {
			text = t
			if onText != nil {
				onText(text)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return &GenerateResult{Text: l.Tokenizer.Decode(out, true), Tokens: out, Seconds: time.Since(start).Seconds()}, nil
}
