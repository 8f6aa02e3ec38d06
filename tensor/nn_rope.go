package tensor

import (
	"fmt"
	"math"
)

// RoPEScaling is the Llama-3 frequency rule of rope_scaling
// (config.json: "rope_type": "llama3"). Wavelengths shorter than
// OriginalMaxPositionEmbeddings/HighFreqFactor are kept, those longer than
// OriginalMaxPositionEmbeddings/LowFreqFactor are stretched by Factor, and
// the ones between are interpolated smoothly. Other rope_scaling types are
// not this struct; a model loader should reject them.
type RoPEScaling struct {
	Factor                        float64 // e.g. 8 (Llama 3.1), 32 (Llama 3.2)
	LowFreqFactor                 float64 // e.g. 1
	HighFreqFactor                float64 // e.g. 4
	OriginalMaxPositionEmbeddings int     // e.g. 8192
}

// RoPE is the rotary position embedding of HF Llama/Qwen
// (LlamaRotaryEmbedding with apply_rotary_pos_emb). Dimension i of a head
// is paired with dimension i+HeadDim/2 (the rotate_half convention, not
// interleaved pairs) and both are rotated by the angle pos·InvFreq[i]:
//
//	x: [seq, heads·headDim], h = headDim/2
//	for s in seq, head in heads, i < h:
//	    a = pos(s)·InvFreq[i]            (f32 product)
//	    x1, x2 = x[s, head, i], x[s, head, i+h]
//	    x[s, head, i]   = x1·cos(a) - x2·sin(a)
//	    x[s, head, i+h] = x2·cos(a) + x1·sin(a)
//
// The numbers follow PyTorch's f32 evaluation: InvFreq is f32, the angle is
// the f32 product of the position and InvFreq, and cos/sin of that f32
// angle are rounded to f32 (computed in f64, so they are correctly rounded
// where PyTorch's vectorised f32 cos/sin may be off by an ulp).
//
// A RoPE is read-only after NewRoPE and Precompute, so one value may be
// shared by goroutines that call Apply concurrently.
type RoPE struct {
	HeadDim int
	InvFreq []float32 // [HeadDim/2] inverse frequency of each pair

	// cos/sin tables [maxPos, HeadDim/2] filled by Precompute; positions
	// beyond them are computed on the fly with the same numerics.
	cos, sin []float32
	maxPos   int
}

// NewRoPE returns the rotary embedding of a head of size headDim with base
// theta (config.json rope_theta) and optional Llama-3 scaling.
//
// The inverse frequencies are computed as HF does, in f32 arithmetic:
//
//	inv[i] = 1 / f32(theta)^(f32(2i)/f32(headDim))  for i < headDim/2
//
// with the power evaluated in f64 and rounded to f32, then (with scaling)
// HF's _compute_llama3_parameters in f32:
//
//	wavelen = 2π / inv[i]
//	wavelen < orig/high:  inv[i]                                   (kept)
//	wavelen > orig/low:   inv[i] / factor                          (stretched)
//	otherwise:            s = (orig/wavelen - low) / (high - low)
//	                      (1-s)·inv[i]/factor + s·inv[i]           (blended)
//
// headDim must be even and positive and theta positive; scaling, when not
// nil, must have Factor > 0 and HighFreqFactor > LowFreqFactor > 0. These
// come from a model's config, which its loader validates; here a violation
// panics.
func NewRoPE(headDim int, theta float64, scaling *RoPEScaling) *RoPE {
	if headDim <= 0 || headDim%2 != 0 || !(theta > 0) {
		panic(fmt.Sprintf("tensor: NewRoPE: bad headDim %d or theta %g", headDim, theta))
	}
	half := headDim / 2
	base := float64(float32(theta)) // PyTorch raises an f32 tensor to it
	inv := make([]float32, half)
	for i := range inv {
		e := float32(2*i) / float32(headDim)
		inv[i] = 1 / float32(math.Pow(base, float64(e)))
	}
	if scaling != nil {
		llama3Scale(inv, scaling)
	}
	return &RoPE{HeadDim: headDim, InvFreq: inv}
}

// llama3Scale applies the Llama-3 rule to inv in place, mirroring HF's f32
// tensor arithmetic step by step (Python scalars become f32 operands).
// Explicit float32 conversions keep each step rounded separately.
func llama3Scale(inv []float32, sc *RoPEScaling) {
	if !(sc.Factor > 0) || !(sc.LowFreqFactor > 0) || !(sc.HighFreqFactor > sc.LowFreqFactor) || sc.OriginalMaxPositionEmbeddings <= 0 {
		panic(fmt.Sprintf("tensor: NewRoPE: bad llama3 rope_scaling %+v", *sc))
	}
	var (
		old      = float32(sc.OriginalMaxPositionEmbeddings)
		factor   = float32(sc.Factor)
		low      = float32(sc.LowFreqFactor)
		lowWave  = float32(float64(sc.OriginalMaxPositionEmbeddings) / sc.LowFreqFactor)
		highWave = float32(float64(sc.OriginalMaxPositionEmbeddings) / sc.HighFreqFactor)
		span     = float32(sc.HighFreqFactor - sc.LowFreqFactor)
		twoPi    = float32(2 * math.Pi)
	)
	for i, f := range inv {
		wavelen := twoPi / f
		switch {
		case wavelen < highWave:
			// high frequency: kept
		case wavelen > lowWave:
			inv[i] = f / factor
		default:
			s := (old/wavelen - low) / span
			a := float32(float32(1-s)*f) / factor
			b := float32(s * f)
			inv[i] = a + b
		}
	}
}

// Precompute fills cos/sin tables for positions 0..maxPos-1 so Apply does
// no trigonometry for them (headDim·maxPos floats). It must not run
// concurrently with Apply on the same RoPE.
func (r *RoPE) Precompute(maxPos int) {
	half := r.HeadDim / 2
	r.cos = make([]float32, maxPos*half)
	r.sin = make([]float32, maxPos*half)
	for p := 0; p < maxPos; p++ {
		r.angles(p, r.cos[p*half:(p+1)*half], r.sin[p*half:(p+1)*half])
	}
	r.maxPos = maxPos
}

// CosSin writes cos and sin of the angles of position pos into cos and
// sin, each [HeadDim/2].
func (r *RoPE) CosSin(pos int, cos, sin []float32) {
	half := r.HeadDim / 2
	if pos >= 0 && pos < r.maxPos {
		copy(cos[:half], r.cos[pos*half:])
		copy(sin[:half], r.sin[pos*half:])
		return
	}
	r.angles(pos, cos[:half], sin[:half])
}

// angles computes cos/sin of f32(pos)·InvFreq[i] as PyTorch does.
func (r *RoPE) angles(pos int, cos, sin []float32) {
	p := float32(pos)
	for i, f := range r.InvFreq {
		a := float64(p * f)
		cos[i] = float32(math.Cos(a))
		sin[i] = float32(math.Sin(a))
	}
}

// Apply rotates x, laid out [seq, heads·headDim], in place; row s is at
// position startPos+s (startPos > 0 when decoding after a KV cache).
func (r *RoPE) Apply(x []float32, seq, heads, headDim, startPos int) {
	r.apply(x, seq, heads, headDim, func(s int) int { return startPos + s })
}

// ApplyPositions is Apply with an explicit position for each row:
// len(pos) rows of x, laid out [len(pos), heads·headDim].
func (r *RoPE) ApplyPositions(x []float32, pos []int, heads, headDim int) {
	r.apply(x, len(pos), heads, headDim, func(s int) int { return pos[s] })
}

func (r *RoPE) apply(x []float32, seq, heads, headDim int, pos func(int) int) {
	if headDim != r.HeadDim {
		panic(fmt.Sprintf("tensor: RoPE.Apply: headDim %d, RoPE made for %d", headDim, r.HeadDim))
	}
	width := heads * headDim
	checkRows("RoPE.Apply", seq, width, len(x))
	half := headDim / 2
	cs := make([]float32, 2*half)
	cos, sin := cs[:half], cs[half:]
	for s := 0; s < seq; s++ {
		r.CosSin(pos(s), cos, sin)
		row := x[s*width : (s+1)*width]
		for h := 0; h < heads; h++ {
			rotateHalf(row[h*headDim:(h+1)*headDim], cos, sin)
		}
	}
}

// rotateHalf rotates the pairs (x[i], x[i+h]) of one head, h = len(x)/2,
// by the angles whose cos/sin are given. Each product is rounded before the
// sum (as PyTorch's q·cos + rotate_half(q)·sin), also where the compiler
// could fuse a multiply-add.
func rotateHalf(x, cos, sin []float32) {
	h := len(x) / 2
	x1, x2 := x[:h], x[h:2*h]
	cos, sin = cos[:h], sin[:h]
	for i := range x1 {
		a, b := x1[i], x2[i]
		x1[i] = float32(a*cos[i]) - float32(b*sin[i])
		x2[i] = float32(b*cos[i]) + float32(a*sin[i])
	}
}
