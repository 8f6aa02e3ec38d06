package prune

import (
	"hash/fnv"
	"math"
	"slices"
	"testing"

	"github.com/pare-ml/pare/simd"
)

// portableData uses only exactly rounded arithmetic (no math.Exp, whose
// last bit differs between architectures), so every GOARCH gets the same
// inputs.
func portableData(seed uint64, n int, spread bool) []float32 {
	r := newRand(seed)
	x := make([]float32, n)
	for i := range x {
		v := float32(r.Float64()*2 - 1)
		if spread {
			v *= float32(1 + i%7*i%5)
		}
		x[i] = v
	}
	return x
}

// TestPortableBits: at the Generic SIMD level (what -tags purego and
// js/wasm run) the Hessian, its inverse factor, Wanda's mask and
// SparseGPT's weights have the same bits on every architecture: the
// portable kernels round every product before adding it, so no FMA fusion
// changes them, and the browser reproduces a purego build. (The SIMD
// levels use fused multiply-add in the GEMMs; their results are
// bit-identical across GOMAXPROCS on one machine and level, see
// TestSIMDThreads.) The fingerprint was recorded on amd64.
func TestPortableBits(t *testing.T) {
	defer simd.SetLevel(simd.Generic)()
	out, in, rows := 24, 96, 150
	x := portableData(1, rows*in, true)
	// A few dominant directions: repeat scaled copies of the first rows.
	for tk := 10; tk < rows; tk++ {
		for j := 0; j < in; j++ {
			x[tk*in+j] += float32(x[(tk%10)*in+j] * 3) // rounded: no FMA
		}
	}
	h := NewHessian(in)
	st := NewNormStats(in)
	for t0 := 0; t0 < rows; t0 += 50 {
		h.Add(x[t0*in:(t0+50)*in], 50)
		st.Add(x[t0*in:(t0+50)*in], 50)
	}
	f, err := h.InverseFactor(0.01, 0)
	if err != nil {
		t.Fatal(err)
	}
	fp := fnv.New64a()
	put := func(bits uint64) {
		var b [8]byte
		for i := range b {
			b[i] = byte(bits >> (8 * i))
		}
		fp.Write(b[:])
	}
	for _, v := range h.Matrix() {
		put(math.Float64bits(v))
	}
	for _, v := range f.U {
		put(uint64(math.Float32bits(v)))
	}
	for _, p := range []Pattern{Unstructured(0.5), NM(2, 4)} {
		w := portableData(2, out*in, false)
		m := must(Wanda(w, out, in, st, p))
		for _, k := range maskIndices(m) {
			put(uint64(k))
		}
		res := must(SparseGPT(w, out, in, h, p, SparseGPTOptions{BlockSize: 32}))
		for _, v := range w {
			put(uint64(math.Float32bits(v)))
		}
		put(math.Float64bits(res.Loss))
	}
	dense := portableData(2, out*in, false)
	put(math.Float64bits(ReconstructionError(dense, make([]float32, out*in), out, in, x, rows)))
	const want uint64 = 0x20521a3ced41ce18
	if got := fp.Sum64(); got != want {
		t.Errorf("fingerprint %#x, want %#x", got, want)
	}
}

// TestSIMDThreads: at every SIMD level the Hessian, the inverse factor and
// SparseGPT's weights are bit-identical at any GOMAXPROCS.
func TestSIMDThreads(t *testing.T) {
	forLevels(t, func(t *testing.T) {
		out, in, rows := 24, 150, 300
		x := portableData(3, rows*in, true)
		w0 := portableData(4, out*in, false)
		var firstH []float64
		var firstU, firstW []float32
		withProcs(t, func(procs int) {
			h := NewHessian(in)
			h.AddBatch(x, rows, 5)
			f, err := h.InverseFactor(0.01, 0)
			if err != nil {
				t.Fatal(err)
			}
			w := slices.Clone(w0)
			if _, err := SparseGPTFactor(w, out, in, f, Unstructured(0.5), SparseGPTOptions{BlockSize: 64}); err != nil {
				t.Fatal(err)
			}
			if firstH == nil {
				firstH, firstU, firstW = h.Matrix(), f.U, w
				return
			}
			if !slices.Equal(h.Matrix(), firstH) || !equalF32Bits(f.U, firstU) || !equalF32Bits(w, firstW) {
				t.Fatalf("GOMAXPROCS=%d: results differ from GOMAXPROCS=1", procs)
			}
		})
	})
}
