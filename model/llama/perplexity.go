package llama

import (
	"context"
	"fmt"
	"math"

	"github.com/pare-ml/pare/tensor"
)

// NLL is a summed negative log-likelihood over Count predicted tokens.
type NLL struct {
	Sum   float64
	Count int
}

// Perplexity is exp(Sum/Count).
func (n NLL) Perplexity() float64 {
	if n.Count == 0 {
		return math.NaN()
	}
	return math.Exp(n.Sum / float64(n.Count))
}

// Windows cuts tokens into consecutive, non-overlapping windows of seqlen
// tokens (the last, shorter one is kept if it has at least two tokens), as
// the Wanda and SparseGPT evaluations do.
func Windows(tokens []int, seqlen int) [][]int {
	var ws [][]int
	for s := 0; s < len(tokens); s += seqlen {
		e := min(len(tokens), s+seqlen)
		if e-s >= 2 {
			ws = append(ws, tokens[s:e])
		}
	}
	return ws
}

// EvalNLL scores every window: each token after the first is predicted
// from the ones before it in its window. Windows of the same length run
// together in batches of up to batch sequences. progress, if not nil, is
// called after each batch with the windows done so far.
func (m *Model) EvalNLL(ctx context.Context, windows [][]int, batch int, prec tensor.Precision, progress func(done, total int)) (NLL, error) {
	if batch < 1 {
		batch = 1
	}
	var total NLL
	h, vocab := m.Config.HiddenSize, m.Config.VocabSize
	for i := 0; i < len(windows); {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		seq := len(windows[i])
		j := i + 1
		for j < len(windows) && j-i < batch && len(windows[j]) == seq {
			j++
		}
		group := windows[i:j]
		x := make([]float32, len(group)*seq*h)
		for b, w := range group {
			if err := m.EmbedTokens(x[b*seq*h:(b+1)*seq*h], w); err != nil {
				return total, err
			}
		}
		m.Forward(x, len(group), seq, nil, prec)
		logits := m.Logits(x, len(group)*seq, prec)
		for b, w := range group {
			for t := 0; t+1 < seq; t++ {
				row := logits[(b*seq+t)*vocab : (b*seq+t+1)*vocab]
				lp := LogSoftmaxAt(row, w[t+1])
				if math.IsNaN(lp) {
					return total, fmt.Errorf("llama: NaN log-probability (window %d, position %d)", i+b, t)
				}
				total.Sum -= lp
				total.Count++
			}
		}
		i = j
		if progress != nil {
			progress(i, len(windows))
		}
	}
	return total, nil
}
