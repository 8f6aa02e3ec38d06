package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxHeaderSize is the largest JSON header accepted, in bytes (the limit of
// the reference implementation).
const MaxHeaderSize = 100_000_000

// metadataKey is the header key holding the free-form string map.
const metadataKey = "__metadata__"

// TensorInfo describes one tensor of a file.
type TensorInfo struct {
	Name  string
	DType DType
	Shape []int
	// Offset is the position of the first byte of the tensor's data,
	// counted from the start of the data section (as in the header).
	Offset int
	// Size is the length of the data in bytes.
	Size int
}

// Numel is the number of elements (1 for a scalar of shape []).
func (t TensorInfo) Numel() int {
	n, _ := numel(t.Shape)
	return n
}

// header is a parsed and validated safetensors header.
type header struct {
	dataStart int // 8 + header length
	tensors   map[string]TensorInfo
	metadata  map[string]string
}

// parseHeader reads the header of the file held in buf (the whole file) and
// checks it against the size of the data section. name is used in errors.
func parseHeader(name string, buf []byte) (*header, error) {
	if len(buf) < 8 {
		return nil, fmt.Errorf("safetensors %s: file is %d bytes, too short for the 8-byte header length", name, len(buf))
	}
	n := binary.LittleEndian.Uint64(buf[:8])
	if err := checkHeaderLength(name, n, int64(len(buf))); err != nil {
		return nil, err
	}
	js := buf[8 : 8+n]
	if !utf8.Valid(js) {
		return nil, fmt.Errorf("safetensors %s: header is not valid UTF-8", name)
	}
	h := &header{dataStart: 8 + int(n), tensors: map[string]TensorInfo{}}
	dataLen := len(buf) - h.dataStart

	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	err := readObject(dec, func(key string) error {
		if key == metadataKey {
			m, err := readMetadata(dec)
			if err != nil {
				return namedError{fmt.Errorf("safetensors %s: %s: %w", name, metadataKey, err)}
			}
			h.metadata = m
			return nil
		}
		t, err := readTensorInfo(dec, key, dataLen)
		if err != nil {
			return namedError{fmt.Errorf("safetensors %s: tensor %q: %w", name, key, err)}
		}
		h.tensors[key] = t
		return nil
	})
	if err != nil {
		if ne, ok := err.(namedError); ok {
			return nil, ne.error
		}
		if dk, ok := err.(duplicateKeyError); ok && dk.key != metadataKey {
			return nil, fmt.Errorf("safetensors %s: tensor %q: appears twice in the header", name, dk.key)
		}
		return nil, fmt.Errorf("safetensors %s: header: %w", name, err)
	}
	// Only white space (the padding) may follow the object.
	if tok, err := dec.Token(); err != io.EOF {
		if err == nil {
			err = fmt.Errorf("unexpected %v", tok)
		}
		return nil, fmt.Errorf("safetensors %s: header: data after the JSON object: %v", name, err)
	}
	if err := checkLayout(h.tensors, dataLen); err != nil {
		return nil, fmt.Errorf("safetensors %s: %w", name, err)
	}
	return h, nil
}

// checkHeaderLength checks the header length n read from the first 8 bytes
// of a file of the given size.
func checkHeaderLength(name string, n uint64, size int64) error {
	if n > MaxHeaderSize {
		return fmt.Errorf("safetensors %s: header length %d exceeds the limit of %d bytes", name, n, MaxHeaderSize)
	}
	if n > uint64(size-8) {
		return fmt.Errorf("safetensors %s: header length %d is longer than the %d bytes after the length field", name, n, size-8)
	}
	return nil
}

// errHeaderSyntax marks errors in the JSON syntax itself.
var errHeaderSyntax = errors.New("invalid JSON")

// syntaxError wraps an error of the JSON decoder.
func syntaxError(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("%w: unexpected end", errHeaderSyntax)
	}
	return fmt.Errorf("%w: %v", errHeaderSyntax, err)
}

// duplicateKeyError reports a key given twice in one object.
type duplicateKeyError struct{ key string }

func (e duplicateKeyError) Error() string { return fmt.Sprintf("duplicate key %q", e.key) }

// namedError is an error that already names the file and tensor.
type namedError struct{ error }

// readObject reads a JSON object from dec, calling fn for each key with
// the decoder positioned at its value. fn must consume the value.
// Duplicate keys are an error.
func readObject(dec *json.Decoder, fn func(key string) error) error {
	if err := expectDelim(dec, '{', "an object"); err != nil {
		return err
	}
	return readObjectRest(dec, fn)
}

// readObjectRest is readObject after the opening brace.
func readObjectRest(dec *json.Decoder, fn func(key string) error) error {
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return syntaxError(err)
		}
		key, ok := tok.(string)
		if !ok {
			return fmt.Errorf("%w: unexpected %v", errHeaderSyntax, tok)
		}
		if seen[key] {
			return duplicateKeyError{key}
		}
		seen[key] = true
		if err := fn(key); err != nil {
			return err
		}
	}
	return expectDelim(dec, '}', "the end of an object")
}

func expectDelim(dec *json.Decoder, d json.Delim, what string) error {
	tok, err := dec.Token()
	if err != nil {
		return syntaxError(err)
	}
	if tok != d {
		return fmt.Errorf("want %s, have %s", what, describe(tok))
	}
	return nil
}

// describe names a JSON token for an error message.
func describe(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		switch v {
		case '{':
			return "an object"
		case '[':
			return "an array"
		}
		return fmt.Sprintf("%q", string(v))
	case string:
		return fmt.Sprintf("string %q", v)
	case json.Number:
		return "number " + string(v)
	case bool:
		return fmt.Sprintf("%v", v)
	case nil:
		return "null"
	}
	return fmt.Sprintf("%v", tok)
}

// readMetadata reads the __metadata__ value: null or an object of strings.
func readMetadata(dec *json.Decoder) (map[string]string, error) {
	tok, err := dec.Token()
	switch {
	case err != nil:
		return nil, syntaxError(err)
	case tok == nil:
		return nil, nil
	case tok != json.Delim('{'):
		return nil, fmt.Errorf("want an object of strings, have %s", describe(tok))
	}
	m := map[string]string{}
	err = readObjectRest(dec, func(key string) error {
		tok, err := dec.Token()
		if err != nil {
			return syntaxError(err)
		}
		s, ok := tok.(string)
		if !ok {
			return fmt.Errorf("value of %q is %s, not a string", key, describe(tok))
		}
		m[key] = s
		return nil
	})
	return m, err
}

// readTensorInfo reads one tensor entry and checks it on its own: known
// dtype, shape, offsets inside a data section of dataLen bytes, and a size
// that matches dtype and shape.
func readTensorInfo(dec *json.Decoder, name string, dataLen int) (TensorInfo, error) {
	t := TensorInfo{Name: name}
	var haveDType, haveShape, haveOffsets bool
	var offsets []uint64
	err := readObject(dec, func(key string) error {
		switch key {
		case "dtype":
			tok, err := dec.Token()
			if err != nil {
				return syntaxError(err)
			}
			s, ok := tok.(string)
			if !ok {
				return fmt.Errorf("dtype is %s, not a string", describe(tok))
			}
			t.DType, haveDType = DType(s), true
		case "shape":
			dims, err := readUints(dec, "shape")
			if err != nil {
				return err
			}
			t.Shape = make([]int, len(dims))
			for i, d := range dims {
				if d > uint64(maxInt) {
					return fmt.Errorf("shape dimension %d overflows int", d)
				}
				t.Shape[i] = int(d)
			}
			haveShape = true
		case "data_offsets":
			var err error
			offsets, err = readUints(dec, "data_offsets")
			if err != nil {
				return err
			}
			haveOffsets = true
		default:
			// Unknown fields are ignored, as by the reference reader.
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return syntaxError(err)
			}
		}
		return nil
	})
	if err != nil {
		return t, err
	}
	switch {
	case !haveDType:
		return t, errors.New("missing dtype")
	case !haveShape:
		return t, errors.New("missing shape")
	case !haveOffsets:
		return t, errors.New("missing data_offsets")
	case len(offsets) != 2:
		return t, fmt.Errorf("data_offsets has %d values, want 2", len(offsets))
	}
	if !t.DType.Known() {
		return t, fmt.Errorf("unknown dtype %q", string(t.DType))
	}
	n, ok := numel(t.Shape)
	if !ok {
		return t, fmt.Errorf("shape %v overflows the element count", t.Shape)
	}
	size, err := t.DType.byteSize(n)
	if err != nil {
		return t, fmt.Errorf("shape %v: %w", t.Shape, err)
	}
	begin, end := offsets[0], offsets[1]
	if begin > end {
		return t, fmt.Errorf("data_offsets [%d, %d) are reversed", begin, end)
	}
	if end > uint64(dataLen) {
		return t, fmt.Errorf("data_offsets [%d, %d) end beyond the %d-byte data section", begin, end, dataLen)
	}
	if end-begin != uint64(size) {
		return t, fmt.Errorf("data_offsets [%d, %d) hold %d bytes, but %s%v needs %d", begin, end, end-begin, t.DType, t.Shape, size)
	}
	t.Offset, t.Size = int(begin), size
	return t, nil
}

// readUints reads a JSON array of non-negative integers.
func readUints(dec *json.Decoder, field string) ([]uint64, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, syntaxError(err)
	}
	if tok != json.Delim('[') {
		return nil, fmt.Errorf("%s is %s, not an array", field, describe(tok))
	}
	out := []uint64{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, syntaxError(err)
		}
		num, ok := tok.(json.Number)
		if !ok {
			return nil, fmt.Errorf("%s holds %s, not an integer", field, describe(tok))
		}
		v, err := strconv.ParseUint(string(num), 10, 64)
		if err != nil {
			if len(num) > 0 && num[0] == '-' {
				return nil, fmt.Errorf("%s holds negative value %s", field, num)
			}
			return nil, fmt.Errorf("%s holds %s, not a 64-bit unsigned integer", field, num)
		}
		out = append(out, v)
	}
	if _, err := dec.Token(); err != nil { // ']'
		return nil, syntaxError(err)
	}
	return out, nil
}

// checkLayout checks that the tensors tile the data section exactly: no
// overlap, no gap, nothing after the last one (as the reference requires).
func checkLayout(tensors map[string]TensorInfo, dataLen int) error {
	order := make([]TensorInfo, 0, len(tensors))
	for _, t := range tensors {
		order = append(order, t)
	}
	slices.SortFunc(order, func(a, b TensorInfo) int {
		if a.Offset != b.Offset {
			return a.Offset - b.Offset
		}
		if a.Size != b.Size {
			return a.Size - b.Size
		}
		return strings.Compare(a.Name, b.Name)
	})
	pos := 0
	var prev string
	for _, t := range order {
		switch {
		case t.Offset < pos:
			return fmt.Errorf("tensor %q: data_offsets [%d, %d) overlap tensor %q, which ends at %d", t.Name, t.Offset, t.Offset+t.Size, prev, pos)
		case t.Offset > pos:
			return fmt.Errorf("tensor %q: data_offsets [%d, %d) leave a gap of %d bytes after byte %d", t.Name, t.Offset, t.Offset+t.Size, t.Offset-pos, pos)
		}
		pos, prev = t.Offset+t.Size, t.Name
	}
	if pos != dataLen {
		return fmt.Errorf("data section has %d bytes after the last tensor (ends at %d of %d)", dataLen-pos, pos, dataLen)
	}
	return nil
}
