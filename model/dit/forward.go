package dit

import (
	"fmt"

	"github.com/pare-ml/pare/tensor"
)

// Options choose the numerics of one forward call.
type Options struct {
	// Precision of every Linear.
	Precision tensor.Precision
	// KeepFirstLast runs the patch embedding and the final linear layer at
	// Reference whatever Precision says (the layers most sensitive to
	// quantization).
	KeepFirstLast bool
	Reference     tensor.Precision // default f32
}

// Forward runs the model on n images x [n, C, H, W] (H = W = InputSize)
// at embedder timesteps t [n] (already multiplied by TimestepScale) with
// class labels y [n] (NumClasses is the null class). It returns the
// prediction [n, OutChannels, H, W].
func (m *Model) Forward(x []float32, n int, t []float32, y []int, opt Options) ([]float32, error) {
	cfg := &m.Config
	var (
		h    = cfg.HiddenSize
		p    = cfg.PatchSize
		c    = cfg.InChannels
		side = cfg.InputSize
		g    = side / p
		tok  = g * g
		rows = n * tok
		mh   = cfg.MLPHidden()
		oc   = cfg.OutChannels()
	)
	if len(x) != n*c*side*side || len(t) != n || len(y) != n {
		return nil, fmt.Errorf("dit: forward of %d images needs x of %d values, t and y of %d; have %d, %d, %d",
			n, n*c*side*side, n, len(x), len(t), len(y))
	}
	for _, l := range y {
		if l < 0 || l > cfg.NumClasses {
			return nil, fmt.Errorf("dit: label %d outside 0..%d", l, cfg.NumClasses)
		}
	}
	prec := opt.Precision
	edge := prec
	if opt.KeepFirstLast {
		edge = opt.Reference
	}

	// Patch embedding: a stride-p convolution is a GEMM over patches whose
	// features are ordered (channel, ky, kx) like the conv weight.
	patches := make([]float32, rows*c*p*p)
	for b := 0; b < n; b++ {
		for gy := 0; gy < g; gy++ {
			for gx := 0; gx < g; gx++ {
				dst := patches[((b*tok)+gy*g+gx)*c*p*p:]
				i := 0
				for ch := 0; ch < c; ch++ {
					for ky := 0; ky < p; ky++ {
						src := x[((b*c+ch)*side+gy*p+ky)*side+gx*p:]
						copy(dst[i:i+p], src[:p])
						i += p
					}
				}
			}
		}
	}
	hs := make([]float32, rows*h)
	m.PatchW.Forward(hs, patches, rows, edge)
	for b := 0; b < n; b++ {
		tensor.Add(hs[b*tok*h:(b+1)*tok*h], hs[b*tok*h:(b+1)*tok*h], m.PosEmbed)
	}

	// Conditioning c = t_embedder(t) + y_embedder(y); the blocks see silu(c).
	freq := make([]float32, n*FreqDim)
	tensor.TimestepEmbedding(freq, t, FreqDim, 10000)
	t1 := make([]float32, n*h)
	m.TMLP1.Forward(t1, freq, n, prec)
	tensor.SiLU(t1)
	cond := make([]float32, n*h)
	m.TMLP2.Forward(cond, t1, n, prec)
	for b := 0; b < n; b++ {
		tensor.Add(cond[b*h:(b+1)*h], cond[b*h:(b+1)*h], m.YEmbed[y[b]*h:(y[b]+1)*h])
	}
	tensor.SiLU(cond)

	mod := make([]float32, n*6*h)
	ln := make([]float32, rows*h)
	qkv := make([]float32, rows*3*h)
	q := make([]float32, tok*h)
	k := make([]float32, tok*h)
	v := make([]float32, tok*h)
	att := make([]float32, rows*h)
	branch := make([]float32, rows*h)
	mlp := make([]float32, rows*mh)
	heads := cfg.NumHeads
	for _, blk := range m.Blocks {
		blk.Mod.Forward(mod, cond, n, prec)
		at := func(b, j int) []float32 { return mod[b*6*h+j*h : b*6*h+(j+1)*h] }

		// Attention branch.
		tensor.LayerNorm(ln, hs, nil, nil, rows, h, 1e-6)
		for b := 0; b < n; b++ {
			r := ln[b*tok*h : (b+1)*tok*h]
			tensor.Modulate(r, r, at(b, 0), at(b, 1), tok, h)
		}
		blk.QKV.Forward(qkv, ln, rows, prec)
		for b := 0; b < n; b++ {
			for i := 0; i < tok; i++ {
				row := qkv[(b*tok+i)*3*h:]
				copy(q[i*h:(i+1)*h], row[:h])
				copy(k[i*h:(i+1)*h], row[h:2*h])
				copy(v[i*h:(i+1)*h], row[2*h:3*h])
			}
			tensor.Attention(att[b*tok*h:(b+1)*tok*h], q, k, v, tensor.AttentionParams{
				SeqQ: tok, SeqK: tok, Heads: heads, KVHeads: heads, HeadDim: h / heads})
		}
		blk.Proj.Forward(branch, att, rows, prec)
		for b := 0; b < n; b++ {
			tensor.GatedAdd(hs[b*tok*h:(b+1)*tok*h], at(b, 2), branch[b*tok*h:(b+1)*tok*h], tok, h)
		}

		// MLP branch.
		tensor.LayerNorm(ln, hs, nil, nil, rows, h, 1e-6)
		for b := 0; b < n; b++ {
			r := ln[b*tok*h : (b+1)*tok*h]
			tensor.Modulate(r, r, at(b, 3), at(b, 4), tok, h)
		}
		blk.FC1.Forward(mlp, ln, rows, prec)
		tensor.GELUTanh(mlp)
		blk.FC2.Forward(branch, mlp, rows, prec)
		for b := 0; b < n; b++ {
			tensor.GatedAdd(hs[b*tok*h:(b+1)*tok*h], at(b, 5), branch[b*tok*h:(b+1)*tok*h], tok, h)
		}
	}

	// Final layer and unpatchify: token (gy, gx) feature (ky·p+kx)·oc+ch
	// goes to pixel (gy·p+ky, gx·p+kx) of channel ch.
	fm := mod[:n*2*h]
	m.FinalMod.Forward(fm, cond, n, prec)
	tensor.LayerNorm(ln, hs, nil, nil, rows, h, 1e-6)
	for b := 0; b < n; b++ {
		r := ln[b*tok*h : (b+1)*tok*h]
		tensor.Modulate(r, r, fm[b*2*h:b*2*h+h], fm[b*2*h+h:(b+1)*2*h], tok, h)
	}
	fo := p * p * oc
	pred := make([]float32, rows*fo)
	m.Final.Forward(pred, ln, rows, edge)
	out := make([]float32, n*oc*side*side)
	for b := 0; b < n; b++ {
		for gy := 0; gy < g; gy++ {
			for gx := 0; gx < g; gx++ {
				src := pred[(b*tok+gy*g+gx)*fo:]
				for ky := 0; ky < p; ky++ {
					for kx := 0; kx < p; kx++ {
						for ch := 0; ch < oc; ch++ {
							out[((b*oc+ch)*side+gy*p+ky)*side+gx*p+kx] = src[(ky*p+kx)*oc+ch]
						}
					}
				}
			}
		}
	}
	return out, nil
}
