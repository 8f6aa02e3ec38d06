package tensor

import (
	"encoding/binary"
	"math"
	"runtime"
	"testing"

	"github.com/pare-ml/pare/simd"
)

// attentionRef is the naive float64 attention of AttentionParams' doc.
func attentionRef(q, k, v []float32, p AttentionParams) []float64 {
	d := p.HeadDim
	scale := float64(p.Scale)
	if scale == 0 {
		scale = 1 / math.Sqrt(float64(d))
	}
	out := make([]float64, p.SeqQ*p.Heads*d)
	for h := 0; h < p.Heads; h++ {
		g := h / (p.Heads / p.KVHeads)
		for i := 0; i < p.SeqQ; i++ {
			n := p.SeqK
			if p.Causal {
				n = p.QPos + i + 1
			}
			s := make([]float64, n)
			m := math.Inf(-1)
			for j := range s {
				for c := 0; c < d; c++ {
					s[j] += float64(q[(i*p.Heads+h)*d+c]) * float64(k[(j*p.KVHeads+g)*d+c])
				}
				s[j] *= scale
				m = math.Max(m, s[j])
			}
			var sum float64
			for j := range s {
				s[j] = math.Exp(s[j] - m)
				sum += s[j]
			}
			for j := range s {
				for c := 0; c < d; c++ {
					out[(i*p.Heads+h)*d+c] += s[j] / sum * float64(v[(j*p.KVHeads+g)*d+c])
				}
			}
		}
	}
	return out
}

// assertAttention compares an attention output with the reference. Each
// output is a convex combination of values, so its error is measured
// relative to the values' scale (max |v|), not to the output, which
// cancellation can make arbitrarily small.
func assertAttention(t *testing.T, what string, got []float32, want []float64, v []float32, tol float64) {
	t.Helper()
	var scale float64
	for _, x := range v {
		scale = math.Max(scale, math.Abs(float64(x)))
	}
	for i, w := range want {
		if e := math.Abs(float64(got[i]) - w); !(e <= tol*math.Max(math.Abs(w), scale)) {
			t.Fatalf("%s: out[%d] = %g, want %g (error %.3g, values' scale %g)", what, i, got[i], w, e, scale)
		}
	}
}

var attentionCases = []struct {
	name string
	p    AttentionParams
}{
	{"full", AttentionParams{SeqQ: 7, SeqK: 7, Heads: 4, KVHeads: 4, HeadDim: 16}},
	{"full cross", AttentionParams{SeqQ: 3, SeqK: 11, Heads: 2, KVHeads: 2, HeadDim: 8}},
	{"full odd dim", AttentionParams{SeqQ: 5, SeqK: 5, Heads: 3, KVHeads: 3, HeadDim: 5}},
	{"causal", AttentionParams{SeqQ: 9, SeqK: 9, Heads: 4, KVHeads: 4, HeadDim: 16, Causal: true}},
	{"causal gqa", AttentionParams{SeqQ: 9, SeqK: 9, Heads: 8, KVHeads: 2, HeadDim: 16, Causal: true}},
	{"causal mqa", AttentionParams{SeqQ: 6, SeqK: 6, Heads: 4, KVHeads: 1, HeadDim: 32, Causal: true}},
	{"qpos", AttentionParams{SeqQ: 3, SeqK: 10, Heads: 4, KVHeads: 2, HeadDim: 8, Causal: true, QPos: 7}},
	{"qpos keys after", AttentionParams{SeqQ: 3, SeqK: 10, Heads: 2, KVHeads: 1, HeadDim: 8, Causal: true, QPos: 2}},
	{"decode", AttentionParams{SeqQ: 1, SeqK: 33, Heads: 6, KVHeads: 2, HeadDim: 64, Causal: true, QPos: 32}},
	{"scale", AttentionParams{SeqQ: 4, SeqK: 4, Heads: 2, KVHeads: 2, HeadDim: 8, Causal: true, Scale: 0.3}},
	{"long", AttentionParams{SeqQ: 150, SeqK: 150, Heads: 3, KVHeads: 1, HeadDim: 24, Causal: true}},
	{"long full", AttentionParams{SeqQ: 100, SeqK: 100, Heads: 2, KVHeads: 2, HeadDim: 8}},
	{"empty", AttentionParams{SeqQ: 0, SeqK: 0, Heads: 2, KVHeads: 1, HeadDim: 8, Causal: true}},
	{"no keys", AttentionParams{SeqQ: 2, SeqK: 0, Heads: 2, KVHeads: 1, HeadDim: 4}},
}

func randQKV(seed uint64, p AttentionParams) (q, k, v []float32) {
	rng := newRNG(seed)
	return randF32(rng, p.SeqQ*p.Heads*p.HeadDim, 1.5),
		randF32(rng, p.SeqK*p.KVHeads*p.HeadDim, 1.5),
		randF32(rng, p.SeqK*p.KVHeads*p.HeadDim, 1)
}

// forLevels runs fn at every SIMD level runnable here (the GEMM
// micro-kernel Attention uses differs per level).
func forLevels(t *testing.T, fn func(t *testing.T)) {
	for _, l := range simd.Levels() {
		restore := simd.SetLevel(l)
		t.Run(l.String(), fn)
		restore()
	}
}

func TestAttention(t *testing.T) {
	forLevels(t, func(t *testing.T) {
		for ci, c := range attentionCases {
			q, k, v := randQKV(uint64(ci), c.p)
			out, check := guarded(len(q), ci%4)
			for i := range out {
				out[i] = 123 // must be overwritten
			}
			Attention(out, q, k, v, c.p)
			check(t)
			assertAttention(t, c.name, out, attentionRef(q, k, v, c.p), v, 1e-5)
		}
	})
}

// TestAttentionLong covers more keys than one step of O = P·V
// (attnKeyBlock) and query blocks of several kernel panels.
func TestAttentionLong(t *testing.T) {
	forLevels(t, func(t *testing.T) {
		for _, p := range []AttentionParams{
			{SeqQ: 300, SeqK: 300, Heads: 2, KVHeads: 1, HeadDim: 20, Causal: true},
			{SeqQ: 37, SeqK: 600, Heads: 3, KVHeads: 3, HeadDim: 9},
			{SeqQ: 5, SeqK: 520, Heads: 4, KVHeads: 2, HeadDim: 64, Causal: true, QPos: 515},
		} {
			q, k, v := randQKV(uint64(p.SeqK), p)
			out, check := guarded(len(q), 1)
			Attention(out, q, k, v, p)
			check(t)
			assertAttention(t, "long", out, attentionRef(q, k, v, p), v, 1e-5)
		}
	})
}

// TestAttentionDecode checks that decoding one token at a time against a
// growing KV prefix gives the bits of the full causal pass.
func TestAttentionDecode(t *testing.T) {
	forLevels(t, testAttentionDecode)
}

func testAttentionDecode(t *testing.T) {
	for _, seq := range []int{12, 290} {
		testAttentionDecodeLen(t, seq)
	}
}

func testAttentionDecodeLen(t *testing.T, seq int) {
	p := AttentionParams{SeqQ: seq, SeqK: seq, Heads: 4, KVHeads: 2, HeadDim: 16, Causal: true}
	q, k, v := randQKV(7, p)
	full := make([]float32, len(q))
	Attention(full, q, k, v, p)

	w, kw := p.Heads*p.HeadDim, p.KVHeads*p.HeadDim
	one := make([]float32, w)
	for i := 0; i < p.SeqQ; i++ {
		Attention(one, q[i*w:(i+1)*w], k[:(i+1)*kw], v[:(i+1)*kw], AttentionParams{
			SeqQ: 1, SeqK: i + 1, Heads: p.Heads, KVHeads: p.KVHeads, HeadDim: p.HeadDim, Causal: true, QPos: i,
		})
		assertSame(t, "decode step", one, full[i*w:(i+1)*w])
	}
	// A chunk of 5 queries after a cached prefix of 7, too.
	chunk := make([]float32, 5*w)
	Attention(chunk, q[(seq-5)*w:], k, v, AttentionParams{
		SeqQ: 5, SeqK: seq, Heads: p.Heads, KVHeads: p.KVHeads, HeadDim: p.HeadDim, Causal: true, QPos: seq - 5,
	})
	assertSame(t, "decode chunk", chunk, full[(seq-5)*w:])
}

// TestAttentionThreads checks bit-identical results at any GOMAXPROCS.
func TestAttentionThreads(t *testing.T) {
	forLevels(t, testAttentionThreads)
}

func testAttentionThreads(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for ci, c := range attentionCases {
		q, k, v := randQKV(uint64(ci)+100, c.p)
		var first []float32
		for _, procs := range []int{1, 2, 3, 8} {
			runtime.GOMAXPROCS(procs)
			out := make([]float32, len(q))
			Attention(out, q, k, v, c.p)
			if first == nil {
				first = out
				continue
			}
			assertSame(t, c.name, out, first)
		}
	}
}

func TestAttentionPanics(t *testing.T) {
	buf := make([]float32, 1024)
	for _, p := range []AttentionParams{
		{SeqQ: 2, SeqK: 2, Heads: 3, KVHeads: 2, HeadDim: 4},                        // heads not a multiple
		{SeqQ: 2, SeqK: 2, Heads: 2, KVHeads: 0, HeadDim: 4},                        // no kv heads
		{SeqQ: 3, SeqK: 4, Heads: 2, KVHeads: 1, HeadDim: 4, Causal: true, QPos: 2}, // query past the keys
		{SeqQ: 2, SeqK: 2, Heads: 2, KVHeads: 1, HeadDim: 4, QPos: -1, Causal: true},
		{SeqQ: 64, SeqK: 2, Heads: 2, KVHeads: 1, HeadDim: 16}, // slices too short
	} {
		mustPanic(t, "Attention", func() { Attention(buf, buf, buf, buf, p) })
	}
}

// FuzzAttention compares Attention with the float64 reference on sizes
// and data drawn from the fuzz input.
func FuzzAttention(f *testing.F) {
	f.Add(uint64(1), []byte{3, 3, 2, 1, 8, 1, 0})
	f.Add(uint64(2), []byte{1, 9, 4, 2, 5, 1, 8})
	f.Add(uint64(3), []byte{5, 5, 1, 1, 3, 0, 0})
	f.Fuzz(func(t *testing.T, seed uint64, b []byte) {
		if len(b) < 7 {
			return
		}
		kv := int(b[3]%4) + 1
		p := AttentionParams{
			SeqQ: int(b[0] % 20), SeqK: int(b[1] % 40),
			KVHeads: kv, Heads: kv * (int(b[2]%4) + 1),
			HeadDim: int(b[4]%40) + 1,
			Causal:  b[5]%2 == 1,
		}
		if p.Causal {
			if p.SeqQ > p.SeqK {
				p.SeqQ = p.SeqK
			}
			p.QPos = int(b[6]) % (p.SeqK - p.SeqQ + 1)
		}
		q, k, v := randQKV(seed^binary.LittleEndian.Uint64(append(b[:7:7], 0)), p)
		out := make([]float32, len(q))
		Attention(out, q, k, v, p)
		assertAttention(t, "fuzz", out, attentionRef(q, k, v, p), v, 1e-5)
	})
}

func BenchmarkAttention(b *testing.B) {
	for _, c := range []struct {
		name string
		p    AttentionParams
	}{
		{"prefill-256-gqa", AttentionParams{SeqQ: 256, SeqK: 256, Heads: 16, KVHeads: 4, HeadDim: 64, Causal: true}},
		{"decode-1024-gqa", AttentionParams{SeqQ: 1, SeqK: 1024, Heads: 16, KVHeads: 4, HeadDim: 64, Causal: true, QPos: 1023}},
		{"dit-256-full", AttentionParams{SeqQ: 256, SeqK: 256, Heads: 6, KVHeads: 6, HeadDim: 64}},
	} {
		q, k, v := randQKV(1, c.p)
		out := make([]float32, len(q))
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				Attention(out, q, k, v, c.p)
			}
		})
	}
}
