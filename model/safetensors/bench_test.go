package safetensors

import (
	"path/filepath"
	"testing"
)

// BenchmarkFloat32 measures reading a 1M-element tensor as float32 from
// each dtype (F32 is a zero-copy view).
func BenchmarkFloat32(b *testing.B) {
	const n = 1 << 20
	f32 := make([]float32, n)
	u16 := make([]uint16, n)
	for i := range f32 {
		f32[i] = float32(i) * 1e-3
		u16[i] = uint16(i)
	}
	path := filepath.Join(b.TempDir(), "b.safetensors")
	err := Write(path, []Tensor{
		FromFloat32("f32", []int{n}, f32),
		FromUint16("f16", F16, []int{n}, u16),
		FromUint16("bf16", BF16, []int{n}, u16),
	}, nil)
	if err != nil {
		b.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	for _, name := range []string{"f32", "f16", "bf16"} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(4 * n)
			for b.Loop() {
				if _, err := f.Float32(name); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
