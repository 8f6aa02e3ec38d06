package safetensors

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unsafe"
)

func allDTypes() []DType {
	out := make([]DType, 0, len(dtypeInfo))
	for d := range dtypeInfo {
		out = append(out, d)
	}
	slices.Sort(out)
	return out
}

// TestRoundTripEveryDType writes one tensor of every dtype (plus a scalar
// and an empty one) and reads them back through Open.
func TestRoundTripEveryDType(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var tensors []Tensor
	for i, d := range allDTypes() {
		shape := []int{2, 3 + i%3, 4}
		n, _ := numel(shape)
		size, err := d.byteSize(n)
		if err != nil {
			t.Fatal(err)
		}
		data := make([]byte, size)
		for j := range data {
			data[j] = byte(rng.Uint32())
		}
		tensors = append(tensors, Tensor{Name: "t." + string(d), DType: d, Shape: shape, Data: data})
	}
	tensors = append(tensors,
		Tensor{Name: "scalar", DType: F64, Shape: []int{}, Data: make([]byte, 8)},
		Tensor{Name: "empty", DType: F32, Shape: []int{3, 0}, Data: nil},
	)
	meta := map[string]string{"format": "pt", "note": "quote \" backslash \\ newline \n tab \t ctl \x01 é"}
	path := filepath.Join(t.TempDir(), "all.safetensors")
	if err := Write(path, tensors, meta); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.Metadata(); len(got) != len(meta) || got["note"] != meta["note"] || got["format"] != "pt" {
		t.Errorf("metadata %q, want %q", got, meta)
	}
	if !slices.IsSorted(f.Names()) || len(f.Names()) != len(tensors) {
		t.Errorf("names %q", f.Names())
	}
	for _, want := range tensors {
		info, ok := f.Info(want.Name)
		if !ok {
			t.Fatalf("tensor %q missing", want.Name)
		}
		if info.DType != want.DType || !slices.Equal(info.Shape, want.Shape) || info.Size != len(want.Data) {
			t.Errorf("tensor %q: info %+v, want %s%v of %d bytes", want.Name, info, want.DType, want.Shape, len(want.Data))
		}
		b, err := f.Bytes(want.Name)
		if err != nil || !bytes.Equal(b, want.Data) {
			t.Errorf("tensor %q: bytes differ (err %v)", want.Name, err)
		}
		// Each tensor is aligned to its element size within the data.
		if el := max(1, want.DType.Bits()/8); info.Offset%el != 0 {
			t.Errorf("tensor %q at offset %d, not aligned to %d", want.Name, info.Offset, el)
		}
	}
}

func TestFloat32Accessors(t *testing.T) {
	vals := []float32{0, 1, -2.5, 65504, 1e-7, float32(math.Inf(-1)), 3.1415927}
	f16 := []uint16{0x0000, 0x3c00, 0xc100, 0x7bff, 0x0001, 0xfc00, 0x4248}
	f16want := []float32{0, 1, -2.5, 65504, 5.9604645e-08, float32(math.Inf(-1)), 3.140625}
	bf16 := []uint16{0x0000, 0x3f80, 0xc020, 0x477f, 0x33d7, 0xff80, 0x4049}
	bf16want := []float32{0, 1, -2.5, 65280, 1.0011718e-07, float32(math.Inf(-1)), 3.140625}
	f64 := make([]byte, 8*len(vals))
	for i, v := range vals {
		putUint64(f64[8*i:], math.Float64bits(float64(v)))
	}
	tensors := []Tensor{
		FromFloat32("f32", []int{len(vals)}, vals),
		FromUint16("f16", F16, []int{len(f16)}, f16),
		FromUint16("bf16", BF16, []int{len(bf16)}, bf16),
		{Name: "f64", DType: F64, Shape: []int{len(vals)}, Data: f64},
		FromInt8("i8", []int{3}, []int8{-128, 0, 127}),
		{Name: "u8", DType: U8, Shape: []int{1}, Data: []byte{9}},
	}
	var buf bytes.Buffer
	if err := Encode(&buf, tensors, nil); err != nil {
		t.Fatal(err)
	}
	// Parse an aligned copy and a copy at an odd address: the views must
	// be zero-copy in the first case and correct copies in the second.
	for _, shift := range []int{0, 1} {
		mem := make([]byte, buf.Len()+8)
		data := mem[shift : shift+buf.Len()]
		copy(data, buf.Bytes())
		f, err := Parse("mem", data)
		if err != nil {
			t.Fatal(err)
		}
		check := func(name string, want []float32) {
			t.Helper()
			got, err := f.Float32(name)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
			}
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Errorf("shift %d %s[%d] = %g, want %g", shift, name, i, got[i], want[i])
				}
			}
		}
		check("f32", vals)
		check("f16", f16want)
		check("bf16", bf16want)
		check("f64", vals)

		b, _ := f.Bytes("f32")
		got, _ := f.Float32("f32")
		aligned := uintptr(unsafe.Pointer(&b[0]))%4 == 0
		isView := unsafe.Pointer(&got[0]) == unsafe.Pointer(&b[0])
		if aligned && littleEndian && !isView {
			t.Errorf("shift %d: aligned F32 data was copied", shift)
		}
		if !aligned && isView {
			t.Errorf("shift %d: misaligned F32 data returned as a view", shift)
		}
		u, err := f.Uint16("bf16")
		if err != nil || !slices.Equal(u, bf16) {
			t.Errorf("Uint16(bf16) = %x, %v", u, err)
		}
		i8, err := f.Int8("i8")
		if err != nil || !slices.Equal(i8, []int8{-128, 0, 127}) {
			t.Errorf("Int8 = %v, %v", i8, err)
		}
		for _, bad := range []struct{ name, call string }{
			{"u8", "Float32"}, {"i8", "Float32"}, {"f32", "Uint16"}, {"f32", "Int8"}, {"nope", "Float32"}, {"nope", "Bytes"},
		} {
			var err error
			switch bad.call {
			case "Float32":
				_, err = f.Float32(bad.name)
			case "Uint16":
				_, err = f.Uint16(bad.name)
			case "Int8":
				_, err = f.Int8(bad.name)
			case "Bytes":
				_, err = f.Bytes(bad.name)
			}
			if err == nil || !strings.Contains(err.Error(), `safetensors mem: tensor "`+bad.name+`"`) {
				t.Errorf("%s(%q): error %v", bad.call, bad.name, err)
			}
		}
		f.Close()
		if _, err := f.Bytes("f32"); err == nil || !strings.Contains(err.Error(), "closed") {
			t.Errorf("Bytes after Close: %v", err)
		}
		if err := f.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
	}
}

func putUint64(b []byte, v uint64) {
	for i := range 8 {
		b[i] = byte(v >> (8 * i))
	}
}

// The layout must match the reference implementation byte for byte; these
// expected files are the ones its own tests check.
func TestReferenceLayout(t *testing.T) {
	f32 := []float32{0, 1, 2, 3, 4, 5}
	cases := []struct {
		name    string
		tensors []Tensor
		meta    map[string]string
		want    []byte
	}{
		{"empty", nil, nil, []byte("\x08\x00\x00\x00\x00\x00\x00\x00{}      ")},
		{"metadata only", nil, map[string]string{"framework": "pt"},
			[]byte("\x28\x00\x00\x00\x00\x00\x00\x00{\"__metadata__\":{\"framework\":\"pt\"}}     ")},
		{"one tensor", []Tensor{FromFloat32("attn.0", []int{1, 2, 3}, f32)}, nil,
			append([]byte("\x40\x00\x00\x00\x00\x00\x00\x00{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}"), FromFloat32("", nil, f32).Data...)},
		{"padded to 8", []Tensor{FromFloat32("attn0", []int{1, 1, 2, 3}, f32)}, nil,
			append([]byte("\x48\x00\x00\x00\x00\x00\x00\x00{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}       "), FromFloat32("", nil, f32).Data...)},
	}
	for _, c := range cases {
		var buf bytes.Buffer
		if err := Encode(&buf, c.tensors, c.meta); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), c.want) {
			t.Errorf("%s:\n got %q\nwant %q", c.name, buf.Bytes(), c.want)
		}
	}
}

// Tensors are stored by descending dtype alignment, then by name, whatever
// the order given, so the same tensors give the same file.
func TestWriteDeterministic(t *testing.T) {
	ts := []Tensor{
		FromInt8("b.i8", []int{3}, []int8{1, 2, 3}),
		FromFloat32("z.f32", []int{1}, []float32{1}),
		FromUint16("a.bf16", BF16, []int{1}, []uint16{1}),
		FromFloat32("a.f32", []int{2}, []float32{1, 2}),
		{Name: "c.f64", DType: F64, Shape: []int{1}, Data: make([]byte, 8)},
	}
	var first []byte
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 5 {
		rng.Shuffle(len(ts), func(i, j int) { ts[i], ts[j] = ts[j], ts[i] })
		var buf bytes.Buffer
		if err := Encode(&buf, ts, map[string]string{"b": "2", "a": "1"}); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = buf.Bytes()
			f, err := Parse("x", first)
			if err != nil {
				t.Fatal(err)
			}
			order := f.Names()
			offs := func(n string) int { i, _ := f.Info(n); return i.Offset }
			slices.SortFunc(order, func(a, b string) int { return offs(a) - offs(b) })
			want := []string{"c.f64", "a.f32", "z.f32", "a.bf16", "b.i8"}
			if !slices.Equal(order, want) {
				t.Errorf("file order %q, want %q", order, want)
			}
			if !bytes.Contains(first, []byte(`{"__metadata__":{"a":"1","b":"2"},"c.f64"`)) {
				t.Errorf("header %q", first[8:])
			}
		} else if !bytes.Equal(buf.Bytes(), first) {
			t.Fatalf("encoding depends on the input order")
		}
	}
}

func TestWriteRejects(t *testing.T) {
	dir := t.TempDir()
	good := FromFloat32("w", []int{2}, []float32{1, 2})
	cases := []struct {
		name    string
		tensors []Tensor
		meta    map[string]string
		want    string
	}{
		{"size mismatch", []Tensor{{Name: "w", DType: F32, Shape: []int{3}, Data: make([]byte, 8)}}, nil, "needs 12"},
		{"negative dim", []Tensor{{Name: "w", DType: F32, Shape: []int{-1}}}, nil, "invalid shape"},
		{"unknown dtype", []Tensor{{Name: "w", DType: "F12", Shape: []int{1}, Data: make([]byte, 2)}}, nil, "unknown dtype"},
		{"duplicate", []Tensor{good, good}, nil, "given twice"},
		{"empty name", []Tensor{{DType: U8, Shape: []int{1}, Data: []byte{1}}}, nil, "invalid name"},
		{"metadata name", []Tensor{{Name: metadataKey, DType: U8, Shape: []int{1}, Data: []byte{1}}}, nil, "invalid name"},
		{"bad utf-8 name", []Tensor{{Name: "\xff", DType: U8, Shape: []int{1}, Data: []byte{1}}}, nil, "invalid name"},
		{"bad utf-8 metadata", []Tensor{good}, map[string]string{"k": "\xff"}, "UTF-8"},
		{"odd F4", []Tensor{{Name: "w", DType: F4, Shape: []int{3}, Data: make([]byte, 2)}}, nil, "whole number of bytes"},
	}
	path := filepath.Join(dir, "out.safetensors")
	// An existing file must survive a failed write untouched.
	if err := Write(path, []Tensor{good}, nil); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	for _, c := range cases {
		err := Write(path, c.tensors, c.meta)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %v, want one naming %s with %q", c.name, err, path, c.want)
		}
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("failed write changed the existing file")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries after failed writes, want 1 (no temporary files)", len(entries))
	}
	if err := Write(filepath.Join(dir, "missing", "x.safetensors"), []Tensor{good}, nil); err == nil {
		t.Error("write into a missing directory succeeded")
	}
}

// A file that is open (mapped) stays readable when Write replaces it.
func TestWriteReplacesOpenFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := Write(path, []Tensor{FromFloat32("w", []int{2}, []float32{1, 2})}, nil); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := Write(path, []Tensor{FromFloat32("w", []int{3}, []float32{4, 5, 6})}, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.Float32("w"); !slices.Equal(got, []float32{1, 2}) {
		t.Errorf("old file reads %v", got)
	}
	g, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if got, _ := g.Float32("w"); !slices.Equal(got, []float32{4, 5, 6}) {
		t.Errorf("new file reads %v", got)
	}
}
