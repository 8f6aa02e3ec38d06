package safetensors

import (
	"bytes"
	"testing"
)

// FuzzParse feeds arbitrary bytes to the header parser: it must never
// panic, and whatever it accepts must be self-consistent and survive a
// round trip through Encode.
func FuzzParse(f *testing.F) {
	for _, c := range hostileFiles() {
		f.Add(c.file)
	}
	f.Add(rawFile(`{}`, nil))
	f.Add(rawFile(`{"__metadata__":{"a":"b"},"t":{"dtype":"F16","shape":[2,1],"data_offsets":[0,4]}}`, []byte{0, 0x3c, 0, 0xbc}))
	var buf bytes.Buffer
	Encode(&buf, []Tensor{FromFloat32("a", []int{2}, []float32{1, 2}), FromInt8("b", []int{1}, []int8{3})}, map[string]string{"k": "v"})
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz", data)
		if err != nil {
			return
		}
		var tensors []Tensor
		total := 0
		for _, name := range file.Names() {
			info, ok := file.Info(name)
			if !ok {
				t.Fatalf("listed tensor %q has no info", name)
			}
			b, err := file.Bytes(name)
			if err != nil || len(b) != info.Size {
				t.Fatalf("tensor %q: %d bytes, %v", name, len(b), err)
			}
			total += info.Size
			file.Float32(name) // must not panic whatever the dtype
			tensors = append(tensors, Tensor{Name: name, DType: info.DType, Shape: info.Shape, Data: b})
		}
		if total != len(data)-file.h.dataStart {
			t.Fatalf("tensors cover %d of %d data bytes", total, len(data)-file.h.dataStart)
		}
		var out bytes.Buffer
		if err := Encode(&out, tensors, file.Metadata()); err != nil {
			// Names the writer refuses (empty) are the only reason.
			return
		}
		again, err := Parse("again", out.Bytes())
		if err != nil {
			t.Fatalf("re-encoded file does not parse: %v", err)
		}
		for _, tt := range tensors {
			b, err := again.Bytes(tt.Name)
			if err != nil || !bytes.Equal(b, tt.Data) {
				t.Fatalf("tensor %q changed in the round trip", tt.Name)
			}
		}
	})
}
