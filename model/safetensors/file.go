package safetensors

import (
	"encoding/binary"
	"fmt"
	"maps"
	"math"
	"slices"
)

// File is an open safetensors file. Its accessors may be called from
// several goroutines at once, but not concurrently with Close.
//
// Slices returned by Bytes, Float32 (for F32 data), Uint16 and Int8 may be
// views into the file's memory, which is a read-only memory map on unix:
// they must not be modified, and they become invalid when the File is
// closed (reading them afterwards may crash the program). Copy what must
// outlive the File. A mapped file must not be truncated or rewritten in
// place while open (Write replaces files by renaming, which is safe).
type File struct {
	name     string
	buf      []byte // the whole file
	h        *header
	names    []string
	release  func() error // unmaps the file, if mapped
	isClosed bool
}

// Parse reads a safetensors file held in memory. name is used in error
// messages. The returned File keeps data and returns views into it.
func Parse(name string, data []byte) (*File, error) {
	h, err := parseHeader(name, data)
	if err != nil {
		return nil, err
	}
	return &File{
		name:  name,
		buf:   data,
		h:     h,
		names: slices.Sorted(maps.Keys(h.tensors)),
	}, nil
}

// Open opens the safetensors file at path and validates its header. On unix
// the file is memory-mapped; on other systems (js/wasm, wasip1, windows)
// it is read into memory.
func Open(path string) (*File, error) {
	return open(path)
}

// Close releases the file's memory. Views obtained from it become invalid.
// Closing twice is harmless.
func (f *File) Close() error {
	if f.isClosed {
		return nil
	}
	f.isClosed = true
	f.buf = nil
	if f.release != nil {
		if err := f.release(); err != nil {
			return fmt.Errorf("safetensors %s: close: %w", f.name, err)
		}
	}
	return nil
}

// Name is the path (or name) the file was opened with.
func (f *File) Name() string { return f.name }

// Names lists the tensor names in sorted order.
func (f *File) Names() []string { return slices.Clone(f.names) }

// Info describes the named tensor.
func (f *File) Info(name string) (TensorInfo, bool) {
	t, ok := f.h.tensors[name]
	if ok {
		t.Shape = slices.Clone(t.Shape)
	}
	return t, ok
}

// Metadata returns a copy of the header's __metadata__ map (nil when the
// file has none).
func (f *File) Metadata() map[string]string { return maps.Clone(f.h.metadata) }

// Bytes returns the raw little-endian data of the named tensor, a view into
// the file (see File).
func (f *File) Bytes(name string) ([]byte, error) {
	_, b, err := f.lookup(name)
	return b, err
}

// Float32 returns the named tensor's values as float32, converting from
// F16, BF16 and F64. F32 data is returned as a view into the file when the
// machine is little-endian and the data 4-byte aligned (see File), and as a
// copy otherwise; converted data is always a new slice.
func (f *File) Float32(name string) ([]float32, error) {
	t, b, err := f.lookup(name)
	if err != nil {
		return nil, err
	}
	switch t.DType {
	case F32:
		return viewFloat32(b), nil
	case F16, BF16:
		out := make([]float32, len(b)/2)
		halfToFloat32(out, viewUint16(b), t.DType)
		return out, nil
	case F64:
		out := make([]float32, len(b)/8)
		for i := range out {
			out[i] = float32(math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:])))
		}
		return out, nil
	}
	return nil, f.errorf(name, "dtype %s cannot be read as float32", t.DType)
}

// Uint16 returns the raw bit patterns of an F16 or BF16 tensor, a view into
// the file when the machine is little-endian and the data 2-byte aligned
// (see File), and a copy otherwise.
func (f *File) Uint16(name string) ([]uint16, error) {
	t, b, err := f.lookup(name)
	if err != nil {
		return nil, err
	}
	if t.DType != F16 && t.DType != BF16 {
		return nil, f.errorf(name, "dtype %s is not F16 or BF16", t.DType)
	}
	return viewUint16(b), nil
}

// Int8 returns the values of an I8 tensor, a view into the file (see File).
func (f *File) Int8(name string) ([]int8, error) {
	t, b, err := f.lookup(name)
	if err != nil {
		return nil, err
	}
	if t.DType != I8 {
		return nil, f.errorf(name, "dtype %s is not I8", t.DType)
	}
	return viewInt8(b), nil
}

func (f *File) lookup(name string) (TensorInfo, []byte, error) {
	if f.isClosed {
		return TensorInfo{}, nil, f.errorf(name, "file is closed")
	}
	t, ok := f.h.tensors[name]
	if !ok {
		return t, nil, f.errorf(name, "no such tensor")
	}
	start := f.h.dataStart + t.Offset
	return t, f.buf[start : start+t.Size : start+t.Size], nil
}

func (f *File) errorf(tensor, format string, args ...any) error {
	return fmt.Errorf("safetensors %s: tensor %q: %s", f.name, tensor, fmt.Sprintf(format, args...))
}
