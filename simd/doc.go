// Package simd holds pare's leaf numeric kernels: f32 dot products and
// AXPY, GEMM micro-kernels, f16/bf16 conversion and int8 dot products.
//
// Every kernel has a reference Go version (files named *_generic.go) that
// is compiled on every platform, so tests can compare it with the fast path
// in the same binary. Fast paths are written in Go assembly for amd64
// (AVX2+FMA, AVX-512, AVX-512 VNNI and BF16) and arm64 (NEON) and are
// chosen once, at package initialisation, from the CPU's features.
//
// The environment variable PARE_SIMD=generic|avx2|avx512|neon caps the
// level used, so one machine can exercise every path. The build tags
// purego and noasm build the package without any assembly (as js/wasm and
// wasip1 always are).
package simd
