//go:build !unix

package safetensors

import (
	"fmt"
	"os"
)

// open reads the whole file into memory (no memory maps on js/wasm,
// wasip1 and windows here).
func open(path string) (*File, error) {
	fd, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("safetensors %s: %w", path, err)
	}
	defer fd.Close()
	st, err := fd.Stat()
	if err != nil {
		return nil, fmt.Errorf("safetensors %s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("safetensors %s: not a regular file", path)
	}
	return readAll(path, fd, st.Size())
}
