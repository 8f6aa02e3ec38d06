package prune

import (
	"fmt"

	"github.com/pare-ml/pare/simd"
	"github.com/pare-ml/pare/tensor"
)

// SparseGPTOptions tune SparseGPT. The zero value of each field means the
// reference's default.
type SparseGPTOptions struct {
	// BlockSize is the number of columns per lazy batch update (0: 128).
	// For N:M patterns it must be a multiple of M.
	BlockSize int
	// PercDamp is the damping added to H's diagonal as a fraction of its
	// mean (0: 0.01; for almost none, give a tiny positive value).
	PercDamp float64
	// MaxRetries is how many times a factorisation that fails (H not
	// positive definite) is retried with ten times the damping (0: 4;
	// negative: none).
	MaxRetries int
	// Progress, if set, is called after each column block with the columns
	// done and the total. An error it returns stops SparseGPT, which
	// returns it; the weights are then partly updated.
	Progress func(done, total int) error
}

func (o SparseGPTOptions) withDefaults() SparseGPTOptions {
	if o.BlockSize == 0 {
		o.BlockSize = 128
	}
	if o.PercDamp == 0 {
		o.PercDamp = 0.01
	}
	switch {
	case o.MaxRetries == 0:
		o.MaxRetries = 4
	case o.MaxRetries < 0:
		o.MaxRetries = 0
	}
	return o
}

// SparseGPTResult is what SparseGPT reports besides the pruned weights.
type SparseGPTResult struct {
	Mask    Mask    // the pruned weights (w is zero there)
	Loss    float64 // the reference's error estimate: Σ (w−q)²/Hinv_jj² / 2
	Damp    float64 // damping added to H's diagonal
	Retries int     // failed factorisations before the one used
}

// SparseGPT prunes a Linear weight w [out, in] in place with the
// calibration Hessian h of its inputs, the reference's fasterprune:
//
//	dead inputs (H_jj = 0): H_jj = 1, W[:, j] = 0
//	Hinv = upper Cholesky factor of (H + damp·I)⁻¹      (see InverseFactor)
//	for each block of B columns [i1, i2):
//	    unstructured: mask the int(out·B·s) smallest W²/diag(Hinv)² of the
//	                  block, chosen jointly over all rows
//	    for each column i of the block:
//	        N:M: every M columns, mask the N smallest W²/Hinv_ii² of the
//	             next M in each row, on the weights as updated so far
//	        q = W[:, i] with masked entries 0
//	        err = (W[:, i] − q)/Hinv_ii
//	        W[:, i:i2] −= err ⊗ Hinv[i, i:i2];  W[:, i] = q
//	    W[:, i2:] −= Err·Hinv[i1:i2, i2:]                (lazy batch update)
//
// Unstructured sparsity is exact per column block: every block of B
// columns holds exactly int(out·B·Sparsity) pruned weights (ties in
// row-major order), so the layer holds their sum, which is int(out·in·s)
// when out·B·s is an integer (50% and an even out, for example); rows
// differ. The reference masks every score at or below the int(numel·s)-th
// one, one weight (plus ties) more per block. Dead-input weights are
// zeroed whether masked or not.
//
// The sweep runs in float32 like the reference; rows are independent
// within a block and run in parallel, and the lazy batch update is one
// tensor.GemmF32 per block (fused multiply-add on SIMD levels), so the
// result has the same bits at any thread count on one machine and SIMD
// level, and -tags purego and js/wasm agree.
func SparseGPT(w []float32, out, in int, h *Hessian, p Pattern, opt SparseGPTOptions) (SparseGPTResult, error) {
	opt = opt.withDefaults()
	if err := checkSparseGPT(w, out, in, p, opt); err != nil {
		return SparseGPTResult{}, err
	}
	if h == nil || h.n != in {
		return SparseGPTResult{}, fmt.Errorf("sparsegpt: layer %dx%d: Hessian for %d inputs", out, in, hessianIn(h))
	}
	f, err := h.InverseFactor(opt.PercDamp, opt.MaxRetries)
	if err != nil {
		return SparseGPTResult{}, fmt.Errorf("sparsegpt: layer %dx%d: %w", out, in, err)
	}
	return SparseGPTFactor(w, out, in, f, p, opt)
}

// SparseGPTFactor is SparseGPT with the inverse factor already computed,
// for Linears that share their input (q/k/v, gate/up): one factorisation
// serves all of them. opt.PercDamp and opt.MaxRetries are not used.
func SparseGPTFactor(w []float32, out, in int, f *InverseFactor, p Pattern, opt SparseGPTOptions) (SparseGPTResult, error) {
	opt = opt.withDefaults()
	if err := checkSparseGPT(w, out, in, p, opt); err != nil {
		return SparseGPTResult{}, err
	}
	if f == nil || f.N != in || len(f.U) != in*in {
		return SparseGPTResult{}, fmt.Errorf("sparsegpt: layer %dx%d: inverse factor of the wrong size", out, in)
	}
	res := SparseGPTResult{Mask: NewMask(out, in), Damp: f.Damp, Retries: f.Retries}
	mask, u := res.Mask, f.U
	for _, j := range f.Dead {
		for r := 0; r < out; r++ {
			w[r*in+j] = 0
		}
	}
	bs := opt.BlockSize
	errs := make([]float32, out*bs)            // Err of the block, [out][bs]
	pt := make([]float32, (in-min(bs, in))*bs) // Hinv[i1:i2, i2:] transposed
	keys := []uint64(nil)
	var upd []float32 // Err·Hinv[i1:i2, i2:], [out][in−i2]
	loss := make([]float64, out)
	d := make([]float32, bs)
	const rowsPerItem = 8
	for i1 := 0; i1 < in; i1 += bs {
		i2 := min(i1+bs, in)
		count := i2 - i1
		for i := range count {
			d[i] = u[(i1+i)*in+i1+i]
		}
		if !p.Structured() {
			if k := pruneCount(out*count, p.Sparsity); k > 0 {
				if keys == nil {
					keys = make([]uint64, out*bs)
				}
				keys = keys[:out*count]
				for r := 0; r < out; r++ {
					for i, v := range w[r*in+i1 : r*in+i2] {
						keys[r*count+i] = scoreKey(v*v/(d[i]*d[i]), r*count+i)
					}
				}
				selectSmallest(keys, k)
				for _, key := range keys[:k] {
					idx := keyIndex(key)
					mask.Set(idx/count, i1+idx%count)
				}
			}
		}
		rest := in - i2
		pb := pt[:rest*count]
		for i := range count {
			row := u[(i1+i)*in+i2 : (i1+i+1)*in]
			for j, v := range row {
				pb[j*count+i] = v
			}
		}
		tensor.Parallel((out+rowsPerItem-1)/rowsPerItem, 0, func(it int) {
			r0 := it * rowsPerItem
			r1 := min(r0+rowsPerItem, out)
			for r := r0; r < r1; r++ {
				e := errs[r*bs : r*bs+count]
				sweepRow(w[r*in+i1:r*in+i2], e, d[:count], u[i1*in+i1:], in, mask, r, i1, p, &loss[r])
			}
		})
		// Lazy batch update W[:, i2:] −= Err·Hinv[i1:i2, i2:], one GEMM.
		if rest > 0 {
			if upd == nil {
				upd = make([]float32, out*(in-min(bs, in)))
			}
			ub := upd[:out*rest]
			tensor.GemmF32(out, rest, count, errs, bs, pb, count, ub, rest)
			tensor.Parallel((out+rowsPerItem-1)/rowsPerItem, 0, func(it int) {
				for r := it * rowsPerItem; r < min(out, (it+1)*rowsPerItem); r++ {
					wr := w[r*in+i2 : (r+1)*in]
					for j, v := range ub[r*rest : (r+1)*rest] {
						wr[j] -= v
					}
				}
			})
		}
		if opt.Progress != nil {
			if err := opt.Progress(i2, in); err != nil {
				return SparseGPTResult{}, err
			}
		}
	}
	for _, l := range loss {
		res.Loss += l
	}
	res.Loss /= 2
	return res, nil
}

// sweepRow runs the column loop of one block for one row: wr are the row's
// weights in the block (updated in place to q), e receives err, d the
// block's diag(Hinv), hb = Hinv[i1:, i1:] with row stride ld. It adds
// Σ err² to *loss and reports whether any err is nonzero.
func sweepRow(wr, e, d, hb []float32, ld int, mask Mask, r, i1 int, p Pattern, loss *float64) bool {
	count := len(wr)
	nonzero := false
	var gk [64]uint64
	for i := 0; i < count; i++ {
		if p.Structured() && i%p.M == 0 {
			keys := gk[:0]
			if p.M > len(gk) {
				keys = make([]uint64, 0, p.M)
			}
			for t := i; t < i+p.M; t++ {
				keys = append(keys, scoreKey(wr[t]*wr[t]/(d[t]*d[t]), t-i))
			}
			pruneGroup(mask, r, i1+i, keys, p.N)
		}
		if !mask.Get(r, i1+i) {
			e[i] = 0
			continue
		}
		// q = 0, err = (w − q)/d.
		ei := wr[i] / d[i]
		e[i] = ei
		wr[i] = 0
		if ei == 0 {
			continue
		}
		nonzero = true
		*loss += float64(ei) * float64(ei)
		// rest −= ei·h, each product rounded (simd.Axpy does not fuse).
		simd.Axpy(-ei, hb[i*ld+i+1:i*ld+count], wr[i+1:count])
	}
	return nonzero
}

func checkSparseGPT(w []float32, out, in int, p Pattern, opt SparseGPTOptions) error {
	if err := checkLayer(w, out, in, p); err != nil {
		return fmt.Errorf("sparsegpt: %w", err)
	}
	if opt.BlockSize <= 0 {
		return fmt.Errorf("sparsegpt: layer %dx%d: block size %d", out, in, opt.BlockSize)
	}
	if p.Structured() && opt.BlockSize%p.M != 0 {
		return fmt.Errorf("sparsegpt: layer %dx%d: block size %d is not a multiple of %d for %s", out, in, opt.BlockSize, p.M, p)
	}
	if opt.PercDamp < 0 {
		return fmt.Errorf("sparsegpt: layer %dx%d: damping %v", out, in, opt.PercDamp)
	}
	return nil
}

func hessianIn(h *Hessian) int {
	if h == nil {
		return 0
	}
	return h.n
}
