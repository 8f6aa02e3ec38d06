//go:build !(amd64 || arm64) || purego || noasm

package simd

// packF32Panel packs what it can fast and returns the number of k steps
// it has done for all rows; PackF32Panel does the rest.
func packF32Panel(dst, src []float32, ld, rows, k, w int) int {
	packF32Generic(dst, src, ld, 0, rows, 0, k, w)
	return k
}
