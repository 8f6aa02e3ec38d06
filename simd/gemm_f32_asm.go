//go:build (amd64 || arm64) && !purego && !noasm

package simd

// zeroF32 gives the assembly kernels a valid address for an empty panel.
var zeroF32 [1]float32

// panelPtr returns &s[0], or a dummy address when k == 0 (the kernel then
// reads nothing and s may be empty).
func panelPtr(s []float32, k int) *float32 {
	if k == 0 {
		return &zeroF32[0]
	}
	return &s[0]
}
