//go:build !(amd64 || arm64) || purego || noasm

package simd

func gemmF32KernelFor(Level) *F32Kernel { return gemmF32GenericKernel }
