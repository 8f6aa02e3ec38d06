package safetensors

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"slices"
	"testing"
)

// testdata/golden.safetensors is written by testdata/make_golden.py, an
// independent encoder, with float16 and bfloat16 values converted by numpy
// and torch.
func TestGolden(t *testing.T) {
	const path = "testdata/golden.safetensors"
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	if md := f.Metadata(); md["format"] != "pt" || md["source"] != "make_golden.py" || len(md) != 2 {
		t.Errorf("metadata %v", md)
	}
	// The conversions agree bit for bit with numpy (F16) and torch (BF16).
	for _, name := range []string{"f16", "bf16"} {
		got, err := f.Float32(name + ".values")
		if err != nil {
			t.Fatal(err)
		}
		want, err := f.Float32(name + ".as_f32")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) || len(got) < 16 {
			t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
		}
		for i := range got {
			g, w := math.Float32bits(got[i]), math.Float32bits(want[i])
			if g != w && !(math.IsNaN(float64(got[i])) && math.IsNaN(float64(want[i]))) {
				t.Errorf("%s[%d] = %g (%#08x), reference %g (%#08x)", name, i, got[i], g, want[i], w)
			}
		}
	}

	m, _ := f.Float32("f32.matrix")
	for i, v := range m {
		if v != float32(i)*0.5-1 {
			t.Errorf("f32.matrix[%d] = %g", i, v)
		}
	}
	if info, _ := f.Info("f32.matrix"); !slices.Equal(info.Shape, []int{3, 4}) {
		t.Errorf("f32.matrix shape %v", info.Shape)
	}
	if v, _ := f.Float32("f64.vector"); !slices.Equal(v, []float32{1.5, -2.25, float32(math.Inf(1)), 0}) {
		t.Errorf("f64.vector = %v", v)
	}
	if v, _ := f.Int8("i8"); !slices.Equal(v, []int8{-128, -1, 0, 1, 127}) {
		t.Errorf("i8 = %v", v)
	}
	ints := func(name string, size int) []int64 {
		b, err := f.Bytes(name)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for i := 0; i < len(b); i += size {
			switch size {
			case 1:
				out = append(out, int64(b[i]))
			case 2:
				out = append(out, int64(int16(binary.LittleEndian.Uint16(b[i:]))))
			case 4:
				out = append(out, int64(int32(binary.LittleEndian.Uint32(b[i:]))))
			case 8:
				out = append(out, int64(binary.LittleEndian.Uint64(b[i:])))
			}
		}
		return out
	}
	for _, c := range []struct {
		name string
		size int
		want []int64
	}{
		{"u8", 1, []int64{0, 255, 7, 8}},
		{"bool", 1, []int64{1, 0, 1}},
		{"i16", 2, []int64{-32768, 32767, 3}},
		{"i32", 4, []int64{math.MinInt32, math.MaxInt32}},
		{"i64", 8, []int64{math.MinInt64, math.MaxInt64, 42}},
	} {
		if got := ints(c.name, c.size); !slices.Equal(got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, got, c.want)
		}
	}
	if info, _ := f.Info("scalar"); len(info.Shape) != 0 || info.Numel() != 1 {
		t.Errorf("scalar info %+v", info)
	}
	if v, _ := f.Float32("empty"); len(v) != 0 {
		t.Errorf("empty = %v", v)
	}

	// Re-encoding the tensors gives the same bytes: both encoders lay the
	// file out the same way.
	var tensors []Tensor
	for _, name := range f.Names() {
		info, _ := f.Info(name)
		b, _ := f.Bytes(name)
		tensors = append(tensors, Tensor{Name: name, DType: info.DType, Shape: info.Shape, Data: b})
	}
	var buf bytes.Buffer
	if err := Encode(&buf, tensors, f.Metadata()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), raw) {
		t.Errorf("re-encoded file differs from the golden file:\n got %q\nwant %q", buf.Bytes()[:min(200, buf.Len())], raw[:200])
	}
}
