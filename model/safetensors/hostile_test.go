package safetensors

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// rawFile assembles a file from a header string and data, without any
// checking, to build hostile inputs.
func rawFile(hdr string, data []byte) []byte {
	b := make([]byte, 8, 8+len(hdr)+len(data))
	binary.LittleEndian.PutUint64(b, uint64(len(hdr)))
	b = append(b, hdr...)
	return append(b, data...)
}

// withLength is rawFile with a header length field that lies.
func withLength(n uint64, rest string) []byte {
	b := make([]byte, 8)
	binary.LittleEndian.PutUint64(b, n)
	return append(b, rest...)
}

type hostileCase struct {
	name string
	file []byte
	want string // a part of the error message
}

func hostileFiles() []hostileCase {
	zeros := func(n int) []byte { return make([]byte, n) }
	t := func(body string) string { return `{"t":` + body + `}` }
	return []hostileCase{
		{"empty", nil, "too short"},
		{"truncated length", []byte{1, 0, 0}, "too short"},
		{"header length huge", withLength(1<<62, "{}"), "exceeds the limit"},
		{"header length max uint64", withLength(^uint64(0), "{}"), "exceeds the limit"},
		{"header just over limit", withLength(MaxHeaderSize+1, "{}"), "exceeds the limit"},
		{"header longer than file", withLength(100, `{"t":{}}`), "longer than"},
		{"truncated header", rawFile(`{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, nil)[:30], "longer than"},
		{"invalid utf-8", rawFile("{\"\xff\xfe\":{}}", nil), "UTF-8"},
		{"empty header", rawFile("", nil), "invalid JSON: unexpected end"},
		{"not an object", rawFile(`[1,2,3]`, nil), "want an object"},
		{"string header", rawFile(`"hello"`, nil), "want an object"},
		{"null header", rawFile(`null`, nil), "want an object"},
		{"syntax error", rawFile(`{"t":{"dtype":"F32",}}`, nil), "invalid JSON"},
		{"unterminated", rawFile(`{"t":{"dtype":"F32"`, nil), "invalid JSON"},
		{"trailing garbage", rawFile(`{} x`, nil), "after the JSON object"},
		{"two objects", rawFile(`{}{}`, nil), "after the JSON object"},
		{"entry not an object", rawFile(t(`5`), nil), `tensor "t"`},
		{"missing dtype", rawFile(t(`{"shape":[1],"data_offsets":[0,4]}`), zeros(4)), "missing dtype"},
		{"missing shape", rawFile(t(`{"dtype":"F32","data_offsets":[0,4]}`), zeros(4)), "missing shape"},
		{"missing offsets", rawFile(t(`{"dtype":"F32","shape":[1]}`), zeros(4)), "missing data_offsets"},
		{"dtype not a string", rawFile(t(`{"dtype":7,"shape":[1],"data_offsets":[0,4]}`), zeros(4)), "not a string"},
		{"unknown dtype", rawFile(t(`{"dtype":"F33","shape":[1],"data_offsets":[0,4]}`), zeros(4)), `unknown dtype "F33"`},
		{"lowercase dtype", rawFile(t(`{"dtype":"f32","shape":[1],"data_offsets":[0,4]}`), zeros(4)), "unknown dtype"},
		{"shape not array", rawFile(t(`{"dtype":"F32","shape":4,"data_offsets":[0,4]}`), zeros(4)), "not an array"},
		{"negative shape", rawFile(t(`{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}`), zeros(4)), "negative"},
		{"fractional shape", rawFile(t(`{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}`), zeros(4)), "not a 64-bit unsigned integer"},
		{"exponent shape", rawFile(t(`{"dtype":"F32","shape":[1e3],"data_offsets":[0,4]}`), zeros(4)), "not a 64-bit unsigned integer"},
		{"string in shape", rawFile(t(`{"dtype":"F32","shape":["1"],"data_offsets":[0,4]}`), zeros(4)), "not an integer"},
		{"shape over uint64", rawFile(t(`{"dtype":"F32","shape":[99999999999999999999],"data_offsets":[0,4]}`), zeros(4)), "not a 64-bit"},
		{"shape overflows int", rawFile(t(`{"dtype":"F32","shape":[4294967296,4294967296,4],"data_offsets":[0,4]}`), zeros(4)), "overflows"},
		{"shape bytes overflow", rawFile(t(`{"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,4]}`), zeros(4)), "overflows"},
		{"overflow before zero dim", rawFile(t(`{"dtype":"U8","shape":[4294967296,4294967296,0],"data_offsets":[0,0]}`), nil), "overflows"},
		{"odd F4 count", rawFile(t(`{"dtype":"F4","shape":[3],"data_offsets":[0,2]}`), zeros(2)), "3 F4 elements are not a whole number of bytes"},
		{"offsets wrong count", rawFile(t(`{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}`), zeros(8)), "has 3 values"},
		{"offsets negative", rawFile(t(`{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}`), zeros(4)), "negative"},
		{"offsets reversed", rawFile(t(`{"dtype":"F32","shape":[1],"data_offsets":[4,0]}`), zeros(4)), "reversed"},
		{"offsets out of range", rawFile(t(`{"dtype":"F32","shape":[1],"data_offsets":[0,4]}`), zeros(3)), "beyond"},
		{"offsets far out of range", rawFile(t(`{"dtype":"F32","shape":[1],"data_offsets":[18446744073709551611,18446744073709551615]}`), zeros(4)), "beyond"},
		{"size mismatch", rawFile(t(`{"dtype":"F32","shape":[2],"data_offsets":[0,4]}`), zeros(4)), "needs 8"},
		{"size mismatch bigger", rawFile(t(`{"dtype":"F16","shape":[2],"data_offsets":[0,8]}`), zeros(8)), "needs 4"},
		{"overlap", rawFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}`, zeros(12)), "overlap"},
		{"same range", rawFile(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, zeros(4)), "overlap"},
		{"gap", rawFile(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}`, zeros(12)), "gap"},
		{"gap at start", rawFile(t(`{"dtype":"F32","shape":[1],"data_offsets":[4,8]}`), zeros(8)), "gap"},
		{"bytes after last", rawFile(t(`{"dtype":"F32","shape":[1],"data_offsets":[0,4]}`), zeros(5)), "after the last tensor"},
		{"data but no tensors", rawFile(`{}`, zeros(4)), "after the last tensor"},
		{"duplicate tensor", rawFile(`{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"t":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, zeros(8)), `tensor "t": appears twice`},
		{"duplicate field", rawFile(t(`{"dtype":"F32","dtype":"F16","shape":[1],"data_offsets":[0,4]}`), zeros(4)), "duplicate key"},
		{"duplicate metadata", rawFile(`{"__metadata__":{},"__metadata__":{}}`, nil), "duplicate key"},
		{"metadata number", rawFile(`{"__metadata__":{"a":1}}`, nil), "not a string"},
		{"metadata nested", rawFile(`{"__metadata__":{"a":{"b":"c"}}}`, nil), "an object, not a string"},
		{"metadata null value", rawFile(`{"__metadata__":{"a":null}}`, nil), "not a string"},
		{"metadata array", rawFile(`{"__metadata__":["a"]}`, nil), "want an object"},
		{"metadata string", rawFile(`{"__metadata__":"a"}`, nil), "want an object"},
		{"metadata duplicate key", rawFile(`{"__metadata__":{"a":"1","a":"2"}}`, nil), "duplicate key"},
	}
}

func TestHostileFiles(t *testing.T) {
	dir := t.TempDir()
	for i, c := range hostileFiles() {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse("bad.safetensors", c.file)
			if err == nil {
				f.Close()
				t.Fatalf("Parse accepted %q", c.file)
			}
			if !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "safetensors bad.safetensors: ") {
				t.Errorf("Parse error %q, want it to start with the file name and contain %q", err, c.want)
			}
			// The same through Open (mmap on unix, read elsewhere).
			path := filepath.Join(dir, filepath.Base(t.Name())+string(rune('a'+i%26))+".safetensors")
			if err := os.WriteFile(path, c.file, 0o644); err != nil {
				t.Fatal(err)
			}
			f, err = Open(path)
			if err == nil {
				f.Close()
				t.Fatalf("Open accepted %q", c.file)
			}
			if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("Open error %q, want it to name %s and contain %q", err, path, c.want)
			}
		})
	}
}

// Files the format allows, including edge cases.
func TestAcceptedEdgeCases(t *testing.T) {
	cases := []struct {
		name  string
		file  []byte
		names int
	}{
		{"empty object", rawFile(`{}`, nil), 0},
		{"padded", rawFile(`{}      `, nil), 0},
		{"white space around", rawFile(" \n\t{}\r\n ", nil), 0},
		{"null metadata", rawFile(`{"__metadata__":null}`, nil), 0},
		{"scalar", rawFile(`{"s":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}`, make([]byte, 4)), 1},
		{"zero-size tensors share an offset", rawFile(`{"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"b":{"dtype":"F16","shape":[2,0],"data_offsets":[0,0]},"c":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}`, []byte{7}), 3},
		{"unknown field ignored", rawFile(`{"t":{"dtype":"I8","shape":[1],"data_offsets":[0,1],"extra":{"x":[1,2]}}}`, []byte{1}), 1},
		{"F4 pair", rawFile(`{"t":{"dtype":"F4","shape":[2],"data_offsets":[0,1]}}`, []byte{1}), 1},
		{"file order differs from offsets", rawFile(`{"b":{"dtype":"U8","shape":[1],"data_offsets":[1,2]},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}`, []byte{1, 2}), 2},
		{"escaped name", rawFile(`{"a\"b\u00e9":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}`, []byte{1}), 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse("ok", c.file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if got := len(f.Names()); got != c.names {
				t.Errorf("%d tensors, want %d", got, c.names)
			}
			for _, n := range f.Names() {
				info, _ := f.Info(n)
				b, err := f.Bytes(n)
				if err != nil || len(b) != info.Size {
					t.Errorf("tensor %q: %d bytes (err %v), info says %d", n, len(b), err, info.Size)
				}
			}
		})
	}
}
