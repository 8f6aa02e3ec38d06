// Package tensor is pare's numeric core above the leaf kernels: the Tensor
// type, GEMM drivers for every weight encoding (f32, f16, bf16, int8, int4),
// the Linear layer that holds those encodings, and the neural-network
// operations the models need (norms, softmax, RoPE, activations,
// attention).
//
// Matrices are row-major float32 slices with explicit sizes; GEMM computes
// C = A·Bᵀ with B laid out [out, in] like a PyTorch Linear weight. Work is
// split over output tiles only, so results are bit-identical for any
// GOMAXPROCS. The number of goroutines follows runtime.GOMAXPROCS.
package tensor
