package prune

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/pare-ml/pare/internal/atomicfs"
	"github.com/pare-ml/pare/model/llama"
	"github.com/pare-ml/pare/model/tiny"
	"github.com/pare-ml/pare/model/tokenizer"
)

// TinyName names the embedded tiny multilingual model.
const TinyName = "tiny"

// LLM is a model, its tokenizer and where they came from.
type LLM struct {
	Name      string
	Model     *llama.Model
	Tokenizer *tokenizer.Tokenizer
	// TokenizerJSON is the tokenizer file as read, copied into pruned models.
	TokenizerJSON []byte
}

// Close releases the model's checkpoint.
func (l *LLM) Close() error { return l.Model.Close() }

// LoadLLM opens the embedded tiny model ("tiny") or a Hugging Face folder
// with config.json, model.safetensors (or a sharded index) and
// tokenizer.json. A writable model has its own copy of the weights, as
// pruning needs.
func LoadLLM(name string, writable bool) (*LLM, error) {
	var (
		m      *llama.Model
		tokRaw []byte
		err    error
	)
	if name == TinyName {
		fsys := tiny.LLMFS()
		if m, err = llama.LoadFS(fsys, "tiny"); err != nil {
			return nil, err
		}
		if tokRaw, err = fs.ReadFile(fsys, "tokenizer.json"); err != nil {
			return nil, fmt.Errorf("tiny: %w", err)
		}
	} else {
		if m, err = llama.Load(name, llama.LoadOptions{Writable: writable}); err != nil {
			return nil, err
		}
		if tokRaw, err = os.ReadFile(filepath.Join(name, "tokenizer.json")); err != nil {
			m.Close()
			return nil, fmt.Errorf("model %s: %w", name, err)
		}
	}
	tok, err := tokenizer.Parse(tokRaw)
	if err != nil {
		m.Close()
		return nil, fmt.Errorf("%s/tokenizer.json: %w", name, err)
	}
	if tok.VocabSize() > m.Config.VocabSize {
		m.Close()
		return nil, fmt.Errorf("%s: tokenizer has %d ids, the model only %d", name, tok.VocabSize(), m.Config.VocabSize)
	}
	return &LLM{Name: name, Model: m, Tokenizer: tok, TokenizerJSON: tokRaw}, nil
}

// SavePruned writes a pruned model as a Hugging Face folder (config.json,
// model.safetensors, tokenizer.json) plus prune.json with the report. The
// folder is built under a temporary name beside out and renamed when
// complete; an existing out is refused unless force, and then replaced
// only after the new folder is whole.
func SavePruned(l *LLM, out string, rep any, force bool, dtype llama.SaveDType) error {
	if _, err := os.Stat(out); err == nil && !force {
		return fmt.Errorf("output folder %s exists (use --force to replace it)", out)
	}
	parent := filepath.Dir(filepath.Clean(out))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(out)+".tmp-*")
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	if err := l.Model.Save(tmp, dtype, map[string]string{"format": "pt", "pruned_by": "pare"}); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, "tokenizer.json"), l.TokenizerJSON, 0o644); err != nil {
		return err
	}
	js, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, "prune.json"), append(js, '\n'), 0o644); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o755); err != nil { // MkdirTemp makes 0700
		return err
	}
	if err := atomicfs.Replace(tmp, out); err != nil {
		return err
	}
	ok = true
	return nil
}
