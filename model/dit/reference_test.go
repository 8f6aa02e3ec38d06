package dit_test

import (
	"math"
	"strconv"

	"github.com/pare-ml/pare/model/dit"
)

// refForward is DiT's forward pass written as plain loops in float64
// straight from scripts/tiny_dit/dit.py (facebookresearch/DiT models.py),
// to check Forward on random weights without the golden file. Only the
// sinusoidal timestep features are computed in float32 as PyTorch does,
// since at t = 999 the rounding of the frequencies moves the phases by
// about 1e-4.
func refForward(m *dit.Model, x []float32, n int, t []float32, y []int) []float64 {
	cfg := &m.Config
	h, p, c, side := cfg.HiddenSize, cfg.PatchSize, cfg.InChannels, cfg.InputSize
	g := side / p
	tok := g * g
	oc := cfg.OutChannels()
	heads := cfg.NumHeads
	hd := h / heads

	linear := func(l *dit.NamedLinear, in []float64) []float64 {
		out := make([]float64, l.Out)
		for o := range out {
			s := 0.0
			if l.Bias != nil {
				s = float64(l.Bias[o])
			}
			for i, v := range in {
				s += float64(l.W[o*l.In+i]) * v
			}
			out[o] = s
		}
		return out
	}
	silu := func(v []float64) []float64 {
		o := make([]float64, len(v))
		for i, a := range v {
			o[i] = a / (1 + math.Exp(-a))
		}
		return o
	}
	layerNorm := func(v []float64) []float64 {
		mean, vr := 0.0, 0.0
		for _, a := range v {
			mean += a
		}
		mean /= float64(len(v))
		for _, a := range v {
			vr += (a - mean) * (a - mean)
		}
		vr /= float64(len(v))
		o := make([]float64, len(v))
		for i, a := range v {
			o[i] = (a - mean) / math.Sqrt(vr+1e-6)
		}
		return o
	}
	modulate := func(v, shift, scale []float64) []float64 {
		o := make([]float64, len(v))
		for i := range v {
			o[i] = v[i]*(1+scale[i]) + shift[i]
		}
		return o
	}
	lin := func(name string) *dit.NamedLinear {
		for _, l := range m.Linears() {
			if l.Name == name {
				return &l
			}
		}
		panic("no linear " + name)
	}

	out := make([]float64, n*oc*side*side)
	for b := 0; b < n; b++ {
		// x_embedder (stride-p conv) + pos_embed: tokens row-major.
		xs := make([][]float64, tok)
		pe := lin("x_embedder.proj")
		for gy := 0; gy < g; gy++ {
			for gx := 0; gx < g; gx++ {
				patch := make([]float64, 0, c*p*p)
				for ch := 0; ch < c; ch++ {
					for ky := 0; ky < p; ky++ {
						for kx := 0; kx < p; kx++ {
							patch = append(patch, float64(x[((b*c+ch)*side+gy*p+ky)*side+gx*p+kx]))
						}
					}
				}
				v := linear(pe, patch)
				for i := range v {
					v[i] += float64(m.PosEmbed[(gy*g+gx)*h+i])
				}
				xs[gy*g+gx] = v
			}
		}
		// c = t_embedder(timestep_embedding(t)) + y_embedder(y).
		half := dit.FreqDim / 2
		freq := make([]float64, dit.FreqDim)
		for k := 0; k < half; k++ {
			f := float32(math.Exp(float64(float32(float32(-math.Log(10000))*float32(k)) / float32(half))))
			a := float64(t[b] * f)
			freq[k], freq[half+k] = math.Cos(a), math.Sin(a)
		}
		cond := linear(lin("t_embedder.mlp.2"), silu(linear(lin("t_embedder.mlp.0"), freq)))
		for i := range cond {
			cond[i] += float64(m.YEmbed[y[b]*h+i])
		}
		sc := silu(cond)

		for bi := range m.Blocks {
			pre := "blocks." + strconv.Itoa(bi) + "."
			mod := linear(lin(pre+"adaLN_modulation.1"), sc)
			chunk := func(j int) []float64 { return mod[j*h : (j+1)*h] }
			// Attention: qkv features are [3][heads][head_dim].
			qkv := make([][]float64, tok)
			for i := range xs {
				qkv[i] = linear(lin(pre+"attn.qkv"), modulate(layerNorm(xs[i]), chunk(0), chunk(1)))
			}
			att := make([][]float64, tok)
			for i := range att {
				att[i] = make([]float64, h)
				for hh := 0; hh < heads; hh++ {
					scores := make([]float64, tok)
					mx := math.Inf(-1)
					for j := range scores {
						s := 0.0
						for d := 0; d < hd; d++ {
							s += qkv[i][hh*hd+d] * qkv[j][h+hh*hd+d]
						}
						scores[j] = s / math.Sqrt(float64(hd))
						mx = max(mx, scores[j])
					}
					sum := 0.0
					for j := range scores {
						scores[j] = math.Exp(scores[j] - mx)
						sum += scores[j]
					}
					for j := range scores {
						for d := 0; d < hd; d++ {
							att[i][hh*hd+d] += scores[j] / sum * qkv[j][2*h+hh*hd+d]
						}
					}
				}
			}
			for i := range xs {
				pr := linear(lin(pre+"attn.proj"), att[i])
				for d := range pr {
					xs[i][d] += chunk(2)[d] * pr[d]
				}
			}
			// MLP with tanh GELU.
			for i := range xs {
				hid := linear(lin(pre+"mlp.fc1"), modulate(layerNorm(xs[i]), chunk(3), chunk(4)))
				for j, a := range hid {
					hid[j] = 0.5 * a * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(a+0.044715*a*a*a)))
				}
				o := linear(lin(pre+"mlp.fc2"), hid)
				for d := range o {
					xs[i][d] += chunk(5)[d] * o[d]
				}
			}
		}
		// Final layer and unpatchify: token features are [p][p][C_out].
		fm := linear(lin("final_layer.adaLN_modulation.1"), sc)
		for gy := 0; gy < g; gy++ {
			for gx := 0; gx < g; gx++ {
				v := linear(lin("final_layer.linear"), modulate(layerNorm(xs[gy*g+gx]), fm[:h], fm[h:]))
				for ky := 0; ky < p; ky++ {
					for kx := 0; kx < p; kx++ {
						for ch := 0; ch < oc; ch++ {
							out[((b*oc+ch)*side+gy*p+ky)*side+gx*p+kx] = v[(ky*p+kx)*oc+ch]
						}
					}
				}
			}
		}
	}
	return out
}
