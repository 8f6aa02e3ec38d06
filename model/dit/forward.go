package dit

import (
	"fmt"

	"github.com/pare-ml/pare/simd"
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
//
// Options.Precision applies to the Linears; everything else (layer norms,
// modulation, attention, activations) runs in f32. The result is
// bit-identical for any GOMAXPROCS: work is split over rows, images and
// heads, never inside a sum. Intermediate buffers come from a pool, so
// repeated calls allocate little besides the returned slice, and calls may
// run concurrently.
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
	if n < 0 || len(x) != n*c*side*side || len(t) != n || len(y) != n {
		return nil, fmt.Errorf("dit: forward of %d images needs x of %d values, t and y of %d; have %d, %d, %d",
			n, n*c*side*side, n, len(x), len(t), len(y))
	}
	for _, l := range y {
		if l < 0 || l > cfg.NumClasses {
			return nil, fmt.Errorf("dit: label %d outside 0..%d", l, cfg.NumClasses)
		}
	}
	out := make([]float32, n*oc*side*side)
	if n == 0 {
		return out, nil
	}
	prec := opt.Precision
	edge := prec
	if opt.KeepFirstLast {
		edge = opt.Reference
	}
	ws := getWorkspace()
	defer workspaces.Put(ws)

	// Patch embedding: a stride-p convolution is a GEMM over patches whose
	// features are ordered (channel, ky, kx) like the conv weight.
	patches := ws.buf(&ws.patches, rows*c*p*p)
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
	hs := ws.buf(&ws.hs, rows*h)
	m.PatchW.Forward(hs, patches, rows, edge)
	for b := 0; b < n; b++ {
		tensor.Add(hs[b*tok*h:(b+1)*tok*h], hs[b*tok*h:(b+1)*tok*h], m.PosEmbed)
	}

	// Conditioning c = t_embedder(t) + y_embedder(y); the blocks see silu(c).
	freq := ws.buf(&ws.freq, n*FreqDim)
	tensor.TimestepEmbedding(freq, t, FreqDim, 10000)
	t1 := ws.buf(&ws.t1, n*h)
	m.TMLP1.Forward(t1, freq, n, prec)
	tensor.SiLU(t1)
	cond := ws.buf(&ws.cond, n*h)
	m.TMLP2.Forward(cond, t1, n, prec)
	for b := 0; b < n; b++ {
		tensor.Add(cond[b*h:(b+1)*h], cond[b*h:(b+1)*h], m.YEmbed[y[b]*h:(y[b]+1)*h])
	}
	tensor.SiLU(cond)

	var (
		ln     = ws.buf(&ws.ln, rows*h)
		qkv    = ws.buf(&ws.qkv, rows*3*h)
		att    = ws.buf(&ws.att, rows*h)
		branch = ws.buf(&ws.branch, rows*h)
		mlp    = ws.buf(&ws.mlp, rows*mh)
		heads  = cfg.NumHeads
	)
	rs := rowSet{tok: tok, h: h, zeros: ws.zeros(h)}
	// Every modulation depends on c only: [n][6h] per block, the final
	// layer's [n][2h] after them, scale chunks turned into 1 + scale.
	depth := len(m.Blocks)
	mods := ws.buf(&ws.mod, depth*n*6*h+n*2*h)
	for i, blk := range m.Blocks {
		blk.Mod.Forward(mods[i*n*6*h:(i+1)*n*6*h], cond, n, prec)
	}
	fm := modulation{mods[depth*n*6*h:], 2}
	m.FinalMod.Forward(fm.v, cond, n, prec)
	onePlus(mods[:depth*n*6*h], h, 6)
	onePlus(fm.v, h, 2)

	// The first block's attention input; each later one comes out of the
	// previous block's last residual update, fused with it.
	rs.gatedAddLN(hs, nil, nil, modulation{}, 0, ln, modulation{mods[:n*6*h], 6}, 0)
	for i, blk := range m.Blocks {
		mod := modulation{mods[i*n*6*h : (i+1)*n*6*h], 6}
		// Attention branch: ln holds modulate(norm1(x)).
		blk.QKV.MatMul(qkv, ln, rows, prec)
		addBias(qkv, blk.QKV.Bias, rows, 3*h)
		attention(att, qkv, n, tok, h, heads)
		blk.Proj.MatMul(branch, att, rows, prec)
		// x += gate1·(proj + b); ln = modulate(norm2(x)).
		rs.gatedAddLN(hs, branch, blk.Proj.Bias, mod, 2, ln, mod, 3)

		// MLP branch.
		blk.FC1.MatMul(mlp, ln, rows, prec)
		biasGELU(mlp, blk.FC1.Bias, rows, mh)
		blk.FC2.MatMul(branch, mlp, rows, prec)
		// x += gate2·(fc2 + b); ln = modulate(norm1(x)) of the next block,
		// or the final layer's modulate(norm_final(x)).
		next := fm
		if i+1 < depth {
			next = modulation{mods[(i+1)*n*6*h : (i+2)*n*6*h], 6}
		}
		rs.gatedAddLN(hs, branch, blk.FC2.Bias, mod, 5, ln, next, 0)
	}

	// Final layer and unpatchify: token (gy, gx) feature (ky·p+kx)·oc+ch
	// goes to pixel (gy·p+ky, gx·p+kx) of channel ch.
	fo := p * p * oc
	pred := ws.buf(&ws.pred, rows*fo)
	m.Final.Forward(pred, ln, rows, edge)
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

// onePlus turns the scale chunks of modulations into 1 + scale, which
// modulate uses. mods holds groups of chunks of h values, (shift, scale,
// gate, shift, scale, gate) for a block or (shift, scale) for the final
// layer: chunk j of a group is a scale when j%3 == 1.
func onePlus(mods []float32, h, chunks int) {
	for j := 0; j*h < len(mods); j++ {
		if j%chunks%3 != 1 {
			continue
		}
		s := mods[j*h : (j+1)*h]
		for i := range s {
			s[i] = 1 + s[i]
		}
	}
}

// biasGELU sets x[r] = gelu_tanh(x[r] + bias) for the rows of x, in
// parallel over blocks of rows.
func biasGELU(x, bias []float32, rows, dim int) {
	parallelRows(rows, dim, func(r0, r1 int) {
		for r := r0; r < r1; r++ {
			xr := x[r*dim : (r+1)*dim]
			if bias != nil {
				simd.Add(xr, xr, bias)
			}
			simd.GELUTanh(xr)
		}
	})
}

// addBias adds bias to every row of x, in parallel over blocks of rows.
func addBias(x, bias []float32, rows, dim int) {
	if bias == nil {
		return
	}
	parallelRows(rows, dim, func(r0, r1 int) {
		for r := r0; r < r1; r++ {
			simd.Add(x[r*dim:(r+1)*dim], x[r*dim:(r+1)*dim], bias)
		}
	})
}

// simdSoftmax is simd.Softmax, a variable for the attention code.
var simdSoftmax = simd.Softmax
