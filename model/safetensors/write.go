package safetensors

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Tensor is a tensor to write: its data in little-endian byte order.
type Tensor struct {
	Name  string
	DType DType
	Shape []int
	Data  []byte
}

// FromFloat32 builds an F32 tensor (the data is copied).
func FromFloat32(name string, shape []int, data []float32) Tensor {
	b := make([]byte, 4*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return Tensor{Name: name, DType: F32, Shape: slices.Clone(shape), Data: b}
}

// FromUint16 builds a tensor of 16-bit elements, such as F16 or BF16 bit
// patterns, of the given dtype (the data is copied).
func FromUint16(name string, dtype DType, shape []int, data []uint16) Tensor {
	b := make([]byte, 2*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint16(b[2*i:], v)
	}
	return Tensor{Name: name, DType: dtype, Shape: slices.Clone(shape), Data: b}
}

// FromInt8 builds an I8 tensor (the data is copied).
func FromInt8(name string, shape []int, data []int8) Tensor {
	b := make([]byte, len(data))
	for i, v := range data {
		b[i] = byte(v)
	}
	return Tensor{Name: name, DType: I8, Shape: slices.Clone(shape), Data: b}
}

// Write writes the tensors and metadata as a safetensors file at path. The
// file is written under a temporary name in the same directory and renamed
// to path once complete, so path never holds a partial file.
//
// The layout is the one of the reference implementation, so the same
// tensors always give the same bytes: the header is compact JSON with
// __metadata__ first (keys sorted; left out when metadata is empty), padded
// with spaces to a multiple of 8 bytes; tensors are stored by descending
// dtype alignment and then by name, which keeps each tensor aligned to
// its element size.
func Write(path string, tensors []Tensor, metadata map[string]string) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("safetensors %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := bufio.NewWriterSize(tmp, 1<<20)
	if err := encode(path, w, tensors, metadata); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("safetensors %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("safetensors %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("safetensors %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("safetensors %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("safetensors %s: %w", path, err)
	}
	return nil
}

// Encode writes the tensors and metadata in safetensors format to w, laid
// out as by Write.
func Encode(w io.Writer, tensors []Tensor, metadata map[string]string) error {
	return encode("output", w, tensors, metadata)
}

func encode(name string, w io.Writer, tensors []Tensor, metadata map[string]string) error {
	order, err := layout(name, tensors, metadata)
	if err != nil {
		return err
	}
	hdr := encodeHeader(order, metadata)
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(hdr)))
	if _, err := w.Write(n[:]); err != nil {
		return fmt.Errorf("safetensors %s: %w", name, err)
	}
	if _, err := w.Write(hdr); err != nil {
		return fmt.Errorf("safetensors %s: %w", name, err)
	}
	for _, t := range order {
		if _, err := w.Write(t.Data); err != nil {
			return fmt.Errorf("safetensors %s: tensor %q: %w", name, t.Name, err)
		}
	}
	return nil
}

// layout checks the tensors and returns them in file order.
func layout(name string, tensors []Tensor, metadata map[string]string) ([]Tensor, error) {
	for k, v := range metadata {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return nil, fmt.Errorf("safetensors %s: %s: key %q or its value is not valid UTF-8", name, metadataKey, k)
		}
	}
	seen := map[string]bool{}
	for _, t := range tensors {
		switch {
		case t.Name == "" || t.Name == metadataKey || !utf8.ValidString(t.Name):
			return nil, fmt.Errorf("safetensors %s: tensor %q: invalid name", name, t.Name)
		case seen[t.Name]:
			return nil, fmt.Errorf("safetensors %s: tensor %q: given twice", name, t.Name)
		case !t.DType.Known():
			return nil, fmt.Errorf("safetensors %s: tensor %q: unknown dtype %q", name, t.Name, string(t.DType))
		}
		seen[t.Name] = true
		n, ok := numel(t.Shape)
		if !ok {
			return nil, fmt.Errorf("safetensors %s: tensor %q: invalid shape %v", name, t.Name, t.Shape)
		}
		size, err := t.DType.byteSize(n)
		if err != nil {
			return nil, fmt.Errorf("safetensors %s: tensor %q: shape %v: %w", name, t.Name, t.Shape, err)
		}
		if size != len(t.Data) {
			return nil, fmt.Errorf("safetensors %s: tensor %q: %d bytes of data, but %s%v needs %d", name, t.Name, len(t.Data), t.DType, t.Shape, size)
		}
	}
	order := slices.Clone(tensors)
	slices.SortFunc(order, func(a, b Tensor) int {
		if c := cmp.Compare(dtypeInfo[b.DType].rank, dtypeInfo[a.DType].rank); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
	return order, nil
}

// encodeHeader builds the JSON header for tensors in file order, padded
// with spaces to a multiple of 8 bytes.
func encodeHeader(order []Tensor, metadata map[string]string) []byte {
	b := []byte{'{'}
	if len(metadata) > 0 {
		b = appendString(b, metadataKey)
		b = append(b, ':', '{')
		for i, k := range slices.Sorted(maps.Keys(metadata)) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			b = appendString(b, metadata[k])
		}
		b = append(b, '}')
	}
	offset := 0
	for i, t := range order {
		if i > 0 || len(metadata) > 0 {
			b = append(b, ',')
		}
		b = appendString(b, t.Name)
		b = append(b, `:{"dtype":`...)
		b = appendString(b, string(t.DType))
		b = append(b, `,"shape":[`...)
		for j, d := range t.Shape {
			if j > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, int64(d), 10)
		}
		b = append(b, `],"data_offsets":[`...)
		b = strconv.AppendInt(b, int64(offset), 10)
		b = append(b, ',')
		offset += len(t.Data)
		b = strconv.AppendInt(b, int64(offset), 10)
		b = append(b, ']', '}')
	}
	b = append(b, '}')
	for len(b)%8 != 0 {
		b = append(b, ' ')
	}
	return b
}

// appendString appends s as a JSON string, escaping as serde_json does:
// quote, backslash and control characters only.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\b':
			b = append(b, '\\', 'b')
		case c == '\f':
			b = append(b, '\\', 'f')
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}
