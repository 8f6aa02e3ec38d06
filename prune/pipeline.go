package prune

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pare-ml/pare/model/llama"
	"github.com/pare-ml/pare/tensor"
)

// Method is a pruning method.
type Method string

const (
	MethodMagnitude Method = "magnitude"
	MethodWanda     Method = "wanda"
	MethodSparseGPT Method = "sparsegpt"
)

// Methods lists the methods in the paper's order.
var Methods = []Method{MethodMagnitude, MethodWanda, MethodSparseGPT}

// ParseMethod reads a method name.
func ParseMethod(s string) (Method, error) {
	for _, m := range Methods {
		if strings.EqualFold(strings.TrimSpace(s), string(m)) {
			return m, nil
		}
	}
	return "", fmt.Errorf("unknown pruning method %q (have magnitude, wanda, sparsegpt)", s)
}

// Options configure Model.
type Options struct {
	Method  Method
	Pattern Pattern
	// Calibration holds the calibration windows (token ids), each one
	// sample; all must have the same length. Magnitude needs none.
	Calibration [][]int
	// Batch is the number of windows per forward pass (0: 8). It bounds the
	// memory of one block's activations, not the result.
	Batch     int
	SparseGPT SparseGPTOptions
	// Progress, if set, is told each stage as it starts.
	Progress func(Progress)
}

// Progress is a pipeline event: block Block of Blocks is at Stage
// ("collect", "prune", "propagate"); Layer names the Linear being pruned.
type Progress struct {
	Block, Blocks int
	Stage         string
	Layer         string
}

// LayerReport is what pruning did to one Linear.
type LayerReport struct {
	Name     string  `json:"name"`
	Out      int     `json:"out"`
	In       int     `json:"in"`
	Sparsity float64 `json:"sparsity"` // fraction of zero weights after pruning
	Damp     float64 `json:"damp,omitempty"`
	Retries  int     `json:"cholesky_retries,omitempty"`
	Seconds  float64 `json:"seconds"`
}

// Report summarises a pruning run.
type Report struct {
	Method        Method        `json:"method"`
	Pattern       string        `json:"pattern"`
	SparsityAsked float64       `json:"sparsity_asked"`
	Sparsity      float64       `json:"sparsity"` // over all pruned Linears
	Samples       int           `json:"nsamples"`
	SeqLen        int           `json:"seqlen"`
	Layers        []LayerReport `json:"layers"`
	Seconds       float64       `json:"seconds"`
	Warnings      []string      `json:"warnings,omitempty"`
}

// inputGroup maps a Linear to the activation it reads: Linears of a group
// share statistics (and, for SparseGPT, the factorisation).
func inputGroup(name string) string {
	switch name {
	case "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj":
		return "attn_in"
	case "mlp.gate_proj", "mlp.up_proj":
		return "mlp_in"
	}
	return name
}

// Model prunes every Linear of every block of m in place, block by block
// as the reference implementations do: one forward pass of the dense block
// over the calibration windows collects the statistics of all its Linears,
// they are pruned, the pruned block is run again, and its outputs are the
// next block's inputs. Only one block's activations are in memory. The
// embeddings and the LM head stay dense. m must have been loaded writable.
func Model(ctx context.Context, m *llama.Model, opt Options) (*Report, error) {
	start := time.Now()
	if err := opt.Pattern.Validate(); err != nil {
		return nil, err
	}
	if _, err := ParseMethod(string(opt.Method)); err != nil {
		return nil, err
	}
	needStats := opt.Method != MethodMagnitude
	seq := 0
	if needStats {
		if len(opt.Calibration) == 0 {
			return nil, fmt.Errorf("prune: %s needs calibration data, have none", opt.Method)
		}
		seq = len(opt.Calibration[0])
		for i, w := range opt.Calibration {
			if len(w) != seq || seq == 0 {
				return nil, fmt.Errorf("prune: calibration window %d has %d tokens, want %d", i, len(w), seq)
			}
		}
	}
	batch := opt.Batch
	if batch <= 0 {
		batch = 8
	}
	cfg := m.Config
	h := cfg.HiddenSize
	nsamples := len(opt.Calibration)
	rep := &Report{Method: opt.Method, Pattern: opt.Pattern.String(), SparsityAsked: opt.Pattern.Fraction(),
		Samples: nsamples, SeqLen: seq}
	progress := func(b int, stage, layer string) {
		if opt.Progress != nil {
			opt.Progress(Progress{Block: b, Blocks: len(m.Blocks), Stage: stage, Layer: layer})
		}
	}

	// The calibration activations entering the current block.
	var x []float32
	if needStats {
		x = make([]float32, nsamples*seq*h)
		for i, w := range opt.Calibration {
			if err := m.EmbedTokens(x[i*seq*h:(i+1)*seq*h], w); err != nil {
				return nil, fmt.Errorf("prune: calibration window %d: %w", i, err)
			}
		}
	}
	var zeros, total int
	for bi, blk := range m.Blocks {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		// 1. Statistics of every Linear input, from the dense block.
		norms := map[string]*NormStats{}
		hess := map[string]*Hessian{}
		if needStats {
			progress(bi, "collect", "")
			for _, name := range llama.LinearNames {
				g := inputGroup(name)
				in := blk.Linear(name).In
				if opt.Method == MethodWanda && norms[g] == nil {
					norms[g] = NewNormStats(in)
				}
				if opt.Method == MethodSparseGPT && hess[g] == nil {
					hess[g] = NewHessian(in)
				}
			}
			seen := map[string]bool{}
			curBatch := 0
			hooks := &llama.Hooks{LinearInput: func(_ int, name string, in []float32, rows int) {
				g := inputGroup(name)
				if seen[g] {
					return // q/k/v and gate/up read the same rows
				}
				seen[g] = true
				if s := norms[g]; s != nil {
					s.AddBatch(in, rows, curBatch)
				}
				if hh := hess[g]; hh != nil {
					hh.AddBatch(in, rows, curBatch)
				}
			}}
			buf := make([]float32, min(batch, nsamples)*seq*h)
			for s := 0; s < nsamples; s += batch {
				nb := min(batch, nsamples-s)
				curBatch = nb
				clear(seen)
				chunk := buf[:nb*seq*h]
				copy(chunk, x[s*seq*h:(s+nb)*seq*h])
				blk.Forward(chunk, nb, seq, nil, hooks, tensor.PrecF32)
			}
		}

		// 2. Prune each Linear.
		factors := map[string]*InverseFactor{}
		for _, name := range llama.LinearNames {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			full := fmt.Sprintf("model.layers.%d.%s", bi, name)
			progress(bi, "prune", full)
			l := blk.Linear(name)
			t0 := time.Now()
			lr := LayerReport{Name: full, Out: l.Out, In: l.In}
			g := inputGroup(name)
			switch opt.Method {
			case MethodMagnitude:
				mask, err := Magnitude(l.W, l.Out, l.In, opt.Pattern)
				if err != nil {
					return nil, fmt.Errorf("prune: %s: %w", full, err)
				}
				Apply(l.W, mask)
			case MethodWanda:
				mask, err := Wanda(l.W, l.Out, l.In, norms[g], opt.Pattern)
				if err != nil {
					return nil, fmt.Errorf("prune: %s: %w", full, err)
				}
				Apply(l.W, mask)
			case MethodSparseGPT:
				f := factors[g]
				if f == nil {
					sopt := opt.SparseGPT
					var err error
					f, err = hess[g].InverseFactor(pick(sopt.PercDamp, 0.01), pickInt(sopt.MaxRetries, 4))
					if err != nil {
						return nil, fmt.Errorf("prune: %s: %w", full, err)
					}
					factors[g] = f
				}
				res, err := SparseGPTFactor(l.W, l.Out, l.In, f, opt.Pattern, opt.SparseGPT)
				if err != nil {
					return nil, fmt.Errorf("prune: %s: %w", full, err)
				}
				lr.Damp, lr.Retries = res.Damp, res.Retries
				if res.Retries > 0 {
					rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: Cholesky failed %d time(s); used damping %.3g", full, res.Retries, res.Damp))
				}
			}
			l.Invalidate()
			z := countZeros(l.W)
			zeros += z
			total += len(l.W)
			lr.Sparsity = float64(z) / float64(len(l.W))
			lr.Seconds = time.Since(t0).Seconds()
			rep.Layers = append(rep.Layers, lr)
		}

		// 3. The pruned block's outputs feed the next block.
		if needStats && bi+1 < len(m.Blocks) {
			progress(bi, "propagate", "")
			for s := 0; s < nsamples; s += batch {
				nb := min(batch, nsamples-s)
				blk.Forward(x[s*seq*h:(s+nb)*seq*h], nb, seq, nil, nil, tensor.PrecF32)
			}
		}
	}
	if total > 0 {
		rep.Sparsity = float64(zeros) / float64(total)
	}
	rep.Seconds = time.Since(start).Seconds()
	return rep, nil
}

func countZeros(w []float32) int {
	n := 0
	for _, v := range w {
		if v == 0 {
			n++
		}
	}
	return n
}

func pick(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

func pickInt(v, def int) int {
	if v == 0 {
		return def
	}
	if v < 0 {
		return 0
	}
	return v
}
