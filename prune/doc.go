// Package prune removes weights from the Linear layers of a language model
// with the three methods compared in "On the Limitations of Language
// Targeted Pruning" (Kurz et al.): Magnitude, Wanda and SparseGPT, for
// unstructured or N:M sparsity.
//
// This layer is model-independent: every function works on one Linear
// weight W [out, in] (row-major float32, PyTorch layout) and on statistics
// of the layer's inputs, collected batch by batch from input rows
// x [rows, in]:
//
//	st := prune.NewNormStats(in)   // Wanda: Σ x_j² per input column
//	h := prune.NewHessian(in)      // SparseGPT: H = (2/N)·Σ x xᵀ
//	for each calibration sequence, x = the layer's input:
//	    st.Add(x, rows); h.Add(x, rows)
//
//	m, err := prune.Wanda(w, out, in, st, prune.Unstructured(0.5))
//	prune.Apply(w, m)                                   // zero the mask
//	res, err := prune.SparseGPT(w, out, in, h, prune.NM(2, 4), prune.SparseGPTOptions{})
//	                                                    // updates w in place
//
// Linears that read the same input (q/k/v, gate/up) share one NormStats
// or Hessian; for SparseGPT they also share the expensive factorisation
// (Hessian.InverseFactor, then SparseGPTFactor per Linear).
//
// Masks are bitsets (Mask); IoU and RandomMaskIoU serve the analysis of
// mask overlap between calibration languages, ReconstructionError the
// layer-wise error ‖WX − ŴX‖².
//
// Conventions follow the references (locuslab/wanda, IST-DASLab/sparsegpt)
// and are documented where pare differs: statistics and factorisations in
// float64 (the Hessian as float64 sums of float32 GEMMs over chunks of 256
// tokens), exact per-row (Magnitude, Wanda) and per-block (SparseGPT)
// counts of pruned weights, ties broken by index.
//
// The heavy products run on SIMD kernels (tensor.GemmF32,
// simd.DotTileF64) with fused multiply-add, so results are bit-identical
// for any GOMAXPROCS on one machine and SIMD level, but not across levels.
// At the Generic level, which -tags purego and js/wasm run, every product
// is rounded before it is added: those results are the same on every
// architecture, and the browser reproduces a purego build bit for bit.
package prune
