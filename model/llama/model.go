package llama

import (
	"fmt"
	"io"
	"math"
	"sync"

	"github.com/pare-ml/pare/tensor"
)

// Model is a Llama-family decoder (Llama, Qwen2, Qwen3, Mistral) whose
// weights are held as f32 (bf16/f16 checkpoints are converted on load; f32
// checkpoints are used in place from the memory-mapped file).
type Model struct {
	Config *Config
	Embed  []float32      // model.embed_tokens.weight [Vocab, Hidden]
	Blocks []*Block       // model.layers.{i}
	Norm   []float32      // model.norm.weight [Hidden]
	Head   *tensor.Linear // lm_head [Vocab, Hidden]; shares Embed when tied
	RoPE   *tensor.RoPE   // shared by all blocks
	closer io.Closer      // the checkpoint whose memory the weights may view
}

// Block is one decoder layer:
//
//	h = x + o_proj(attention(rope(q_proj(n1)), rope(k_proj(n1)), v_proj(n1)))   n1 = rmsnorm(x)
//	y = h + down_proj(silu(gate_proj(n2)) * up_proj(n2))                       n2 = rmsnorm(h)
type Block struct {
	Index    int
	AttnNorm []float32 // input_layernorm.weight
	MLPNorm  []float32 // post_attention_layernorm.weight
	QNorm    []float32 // self_attn.q_norm.weight (Qwen3) [HeadDim] or nil
	KNorm    []float32 // self_attn.k_norm.weight (Qwen3) [HeadDim] or nil

	Q, K, V, O     *tensor.Linear // self_attn.{q,k,v,o}_proj
	Gate, Up, Down *tensor.Linear // mlp.{gate,up,down}_proj

	model *Model
}

// LinearNames are the names of a block's Linear layers, relative to the
// block, in the order a forward pass reaches them.
var LinearNames = []string{
	"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
	"mlp.gate_proj", "mlp.up_proj", "mlp.down_proj",
}

// Linear returns the block's Linear with a name from LinearNames.
func (b *Block) Linear(name string) *tensor.Linear {
	switch name {
	case "self_attn.q_proj":
		return b.Q
	case "self_attn.k_proj":
		return b.K
	case "self_attn.v_proj":
		return b.V
	case "self_attn.o_proj":
		return b.O
	case "mlp.gate_proj":
		return b.Gate
	case "mlp.up_proj":
		return b.Up
	case "mlp.down_proj":
		return b.Down
	}
	return nil
}

// Hooks observe a forward pass without copying the model. Each callback
// gets a view of a buffer that is reused afterwards: copy what you keep.
// Any field may be nil.
type Hooks struct {
	// LinearInput sees the input rows [rows, in] of each Linear of a block
	// (name from LinearNames) just before it runs. q, k and v share one
	// input and are reported once each.
	LinearInput func(block int, name string, x []float32, rows int)
	// FFNGate sees silu(gate_proj(x)) [rows, Intermediate], the
	// activations whose sign defines an active neuron (LAPE).
	FFNGate func(block int, act []float32, rows int)
	// BlockOutput sees the hidden states [rows, Hidden] after a block.
	BlockOutput func(block int, x []float32, rows int)
}

// Close releases the checkpoint the weights may point into. The model must
// not be used afterwards.
func (m *Model) Close() error {
	if m.closer == nil {
		return nil
	}
	err := m.closer.Close()
	m.closer = nil
	return err
}

// EmbedTokens writes the embeddings of tokens into x [len(tokens), Hidden].
func (m *Model) EmbedTokens(x []float32, tokens []int) error {
	h := m.Config.HiddenSize
	for i, t := range tokens {
		if t < 0 || t >= m.Config.VocabSize {
			return fmt.Errorf("llama: token id %d outside the vocabulary (%d)", t, m.Config.VocabSize)
		}
		copy(x[i*h:(i+1)*h], m.Embed[t*h:(t+1)*h])
	}
	return nil
}

// Forward runs every block on x [batch·seq, Hidden] in place: batch
// sequences of seq tokens, each starting at position 0.
func (m *Model) Forward(x []float32, batch, seq int, hooks *Hooks, prec tensor.Precision) {
	for _, b := range m.Blocks {
		b.Forward(x, batch, seq, nil, hooks, prec)
	}
}

// Logits applies the final norm and the LM head to x [rows, Hidden] and
// returns [rows, Vocab].
func (m *Model) Logits(x []float32, rows int, prec tensor.Precision) []float32 {
	h := m.Config.HiddenSize
	n := make([]float32, rows*h)
	tensor.RMSNorm(n, x[:rows*h], m.Norm, rows, h, float32(m.Config.RMSNormEps))
	out := make([]float32, rows*m.Config.VocabSize)
	m.Head.Forward(out, n, rows, prec)
	return out
}

// TokenLogits runs the whole model on one sequence and returns the logits
// of every position [len(tokens), Vocab].
func (m *Model) TokenLogits(tokens []int) ([]float32, error) {
	x := make([]float32, len(tokens)*m.Config.HiddenSize)
	if err := m.EmbedTokens(x, tokens); err != nil {
		return nil, err
	}
	m.Forward(x, 1, len(tokens), nil, tensor.PrecF32)
	return m.Logits(x, len(tokens), tensor.PrecF32), nil
}

// Forward runs the block in place on x [batch·seq, Hidden]. With a cache
// (batch must be 1) the seq new tokens follow the cached ones and their keys
// and values are appended to it.
func (b *Block) Forward(x []float32, batch, seq int, cache *LayerCache, hooks *Hooks, prec tensor.Precision) {
	cfg := b.model.Config
	var (
		rows  = batch * seq
		hid   = cfg.HiddenSize
		hd    = cfg.HeadDim
		nq    = cfg.NumHeads * hd
		nkv   = cfg.NumKVHeads * hd
		inter = cfg.IntermediateSize
		eps   = float32(cfg.RMSNormEps)
		hook  = func(name string, in []float32) {}
	)
	if hooks != nil && hooks.LinearInput != nil {
		hook = func(name string, in []float32) { hooks.LinearInput(b.Index, name, in, rows) }
	}

	// Scratch for the activations, reused between calls.
	sc := getScratch(rows*hid, rows*nq, rows*nkv, rows*inter)
	defer scratchPool.Put(sc)

	// Attention.
	n := sc.n
	tensor.RMSNorm(n, x[:rows*hid], b.AttnNorm, rows, hid, eps)
	q, k, v := sc.q, sc.k, sc.v
	hook("self_attn.q_proj", n)
	b.Q.Forward(q, n, rows, prec)
	hook("self_attn.k_proj", n)
	b.K.Forward(k, n, rows, prec)
	hook("self_attn.v_proj", n)
	b.V.Forward(v, n, rows, prec)
	if b.QNorm != nil {
		tensor.RMSNorm(q, q, b.QNorm, rows*cfg.NumHeads, hd, eps)
	}
	if b.KNorm != nil {
		tensor.RMSNorm(k, k, b.KNorm, rows*cfg.NumKVHeads, hd, eps)
	}
	att := sc.att
	start := 0
	if cache != nil {
		if batch != 1 {
			panic("llama: a KV cache needs batch 1")
		}
		start = cache.Len
	}
	for s := 0; s < batch; s++ {
		qs, ks, vs := q[s*seq*nq:(s+1)*seq*nq], k[s*seq*nkv:(s+1)*seq*nkv], v[s*seq*nkv:(s+1)*seq*nkv]
		b.model.RoPE.Apply(qs, seq, cfg.NumHeads, hd, start)
		b.model.RoPE.Apply(ks, seq, cfg.NumKVHeads, hd, start)
		keys, values, seqK := ks, vs, seq
		if cache != nil {
			cache.append(ks, vs, nkv)
			keys, values, seqK = cache.K[:cache.Len*nkv], cache.V[:cache.Len*nkv], cache.Len
		}
		tensor.Attention(att[s*seq*nq:(s+1)*seq*nq], qs, keys, values, tensor.AttentionParams{
			SeqQ: seq, SeqK: seqK, Heads: cfg.NumHeads, KVHeads: cfg.NumKVHeads, HeadDim: hd,
			Causal: true, QPos: start,
		})
	}
	hook("self_attn.o_proj", att)
	o := n // reuse: n is no longer needed
	b.O.Forward(o, att, rows, prec)
	tensor.Add(x[:rows*hid], x[:rows*hid], o)

	// MLP.
	tensor.RMSNorm(n, x[:rows*hid], b.MLPNorm, rows, hid, eps)
	g, u := sc.g, sc.u
	hook("mlp.gate_proj", n)
	b.Gate.Forward(g, n, rows, prec)
	hook("mlp.up_proj", n)
	b.Up.Forward(u, n, rows, prec)
	if hooks != nil && hooks.FFNGate != nil {
		tensor.SiLU(g)
		hooks.FFNGate(b.Index, g, rows)
		tensor.Mul(g, g, u)
	} else {
		tensor.SwiGLU(g, g, u)
	}
	hook("mlp.down_proj", g)
	b.Down.Forward(o, g, rows, prec)
	tensor.Add(x[:rows*hid], x[:rows*hid], o)
	if hooks != nil && hooks.BlockOutput != nil {
		hooks.BlockOutput(b.Index, x[:rows*hid], rows)
	}
}

// blockScratch holds a block's intermediate activations.
type blockScratch struct {
	buf                   []float32
	n, q, k, v, att, g, u []float32
}

// scratchPool recycles blockScratch between Block.Forward calls (and
// between the blocks of one pass, which run one after another).
var scratchPool sync.Pool

// getScratch returns scratch with n and att of their sizes: n [nHid],
// q and att [nQ], k and v [nKV], g and u [nInter]. The contents are
// undefined: every buffer is written before it is read.
func getScratch(nHid, nQ, nKV, nInter int) *blockScratch {
	total := nHid + 2*nQ + 2*nKV + 2*nInter
	sc, _ := scratchPool.Get().(*blockScratch)
	if sc == nil {
		sc = &blockScratch{}
	}
	if cap(sc.buf) < total {
		sc.buf = make([]float32, total)
	}
	b := sc.buf[:total]
	take := func(n int) []float32 {
		s := b[:n:n]
		b = b[n:]
		return s
	}
	sc.n, sc.q, sc.k, sc.v = take(nHid), take(nQ), take(nKV), take(nKV)
	sc.att, sc.g, sc.u = take(nQ), take(nInter), take(nInter)
	return sc
}

// LayerCache holds one block's keys and values for decoding.
type LayerCache struct {
	K, V []float32
	Len  int // tokens cached
}

func (c *LayerCache) append(k, v []float32, width int) {
	c.K = append(c.K[:c.Len*width], k...)
	c.V = append(c.V[:c.Len*width], v...)
	c.Len += len(k) / width
}

// Cache is a KV cache for every block of a model.
type Cache struct{ Layers []LayerCache }

// NewCache returns an empty cache for m.
func (m *Model) NewCache() *Cache { return &Cache{Layers: make([]LayerCache, len(m.Blocks))} }

// Len is the number of tokens cached.
func (c *Cache) Len() int {
	if len(c.Layers) == 0 {
		return 0
	}
	return c.Layers[0].Len
}

// Step runs new tokens through the model after the cached ones and returns
// the logits of the last of them [Vocab].
func (m *Model) Step(c *Cache, tokens []int, prec tensor.Precision) ([]float32, error) {
	if c.Len()+len(tokens) > m.Config.MaxPositions && m.Config.MaxPositions > 0 {
		return nil, fmt.Errorf("llama: %d tokens exceed the model's %d positions", c.Len()+len(tokens), m.Config.MaxPositions)
	}
	x := make([]float32, len(tokens)*m.Config.HiddenSize)
	if err := m.EmbedTokens(x, tokens); err != nil {
		return nil, err
	}
	for i, b := range m.Blocks {
		b.Forward(x, 1, len(tokens), &c.Layers[i], nil, prec)
	}
	h := m.Config.HiddenSize
	last := x[(len(tokens)-1)*h:]
	return m.Logits(last, 1, prec), nil
}

// LogSoftmaxAt returns log p(target) from one row of logits, in float64.
func LogSoftmaxAt(logits []float32, target int) float64 {
	mx := logits[0]
	for _, v := range logits {
		if v > mx || v != v {
			mx = v
		}
	}
	m := float64(mx)
	var s float64
	for _, v := range logits {
		s += math.Exp(float64(v) - m)
	}
	return float64(logits[target]) - m - math.Log(s)
}
