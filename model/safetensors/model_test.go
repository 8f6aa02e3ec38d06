package safetensors

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeSharded writes a two-shard checkpoint and returns its directory.
func writeSharded(t *testing.T, index string) string {
	t.Helper()
	dir := t.TempDir()
	a := []Tensor{FromFloat32("model.embed_tokens.weight", []int{2, 2}, []float32{1, 2, 3, 4}), FromInt8("model.q", []int{2}, []int8{-1, 1})}
	b := []Tensor{FromUint16("lm_head.weight", BF16, []int{2}, []uint16{0x3f80, 0x4000})}
	if err := Write(filepath.Join(dir, "model-00001-of-00002.safetensors"), a, map[string]string{"format": "pt"}); err != nil {
		t.Fatal(err)
	}
	if err := Write(filepath.Join(dir, "model-00002-of-00002.safetensors"), b, map[string]string{"format": "pt", "shard": "2"}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, IndexFile), []byte(index), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

const goodIndex = `{
  "metadata": {"total_size": 28},
  "weight_map": {
    "lm_head.weight": "model-00002-of-00002.safetensors",
    "model.embed_tokens.weight": "model-00001-of-00002.safetensors",
    "model.q": "model-00001-of-00002.safetensors"
  }
}`

func TestOpenModelSharded(t *testing.T) {
	dir := writeSharded(t, goodIndex)
	m, err := OpenModel(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	want := []string{"lm_head.weight", "model.embed_tokens.weight", "model.q"}
	if !slices.Equal(m.Names(), want) {
		t.Errorf("names %q, want %q", m.Names(), want)
	}
	if len(m.Files()) != 2 {
		t.Errorf("files %q", m.Files())
	}
	if md := m.Metadata(); md["format"] != "pt" || md["shard"] != "2" {
		t.Errorf("metadata %v", md)
	}
	if v, err := m.Float32("lm_head.weight"); err != nil || !slices.Equal(v, []float32{1, 2}) {
		t.Errorf("lm_head: %v %v", v, err)
	}
	if v, err := m.Float32("model.embed_tokens.weight"); err != nil || !slices.Equal(v, []float32{1, 2, 3, 4}) {
		t.Errorf("embed: %v %v", v, err)
	}
	if v, err := m.Int8("model.q"); err != nil || !slices.Equal(v, []int8{-1, 1}) {
		t.Errorf("q: %v %v", v, err)
	}
	if v, err := m.Uint16("lm_head.weight"); err != nil || !slices.Equal(v, []uint16{0x3f80, 0x4000}) {
		t.Errorf("lm_head bits: %v %v", v, err)
	}
	if b, err := m.Bytes("model.q"); err != nil || len(b) != 2 {
		t.Errorf("q bytes: %v %v", b, err)
	}
	if info, ok := m.Info("model.embed_tokens.weight"); !ok || info.DType != F32 || !slices.Equal(info.Shape, []int{2, 2}) {
		t.Errorf("info %+v %v", info, ok)
	}
	if _, err := m.Float32("missing"); err == nil || !strings.Contains(err.Error(), `tensor "missing"`) {
		t.Errorf("missing tensor: %v", err)
	}
}

func TestOpenModelSingle(t *testing.T) {
	dir := t.TempDir()
	if err := Write(filepath.Join(dir, ModelFile), []Tensor{FromFloat32("w", []int{1}, []float32{7})}, nil); err != nil {
		t.Fatal(err)
	}
	m, err := OpenModel(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if v, err := m.Float32("w"); err != nil || v[0] != 7 {
		t.Errorf("w = %v, %v", v, err)
	}
	if m.Metadata() != nil {
		t.Errorf("metadata %v, want nil", m.Metadata())
	}
}

func TestOpenModelErrors(t *testing.T) {
	if _, err := OpenModel(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no model.safetensors") {
		t.Errorf("empty dir: %v", err)
	}
	cases := []struct {
		name, index, want string
	}{
		{"not json", `{"weight_map": `, "unexpected end"},
		{"no weight_map", `{"metadata": {}}`, "no weight_map"},
		{"weight_map not object", `{"weight_map": []}`, "want an object"},
		{"shard not string", `{"weight_map": {"a": 1}}`, "not a string"},
		{"path escape", `{"weight_map": {"a": "../model-00001-of-00002.safetensors"}}`, "not a file name"},
		{"absolute path", `{"weight_map": {"a": "/etc/passwd"}}`, "not a file name"},
		{"missing shard", `{"weight_map": {"a": "model-00003-of-00003.safetensors"}}`, "model-00003-of-00003.safetensors"},
		{"tensor not in shard", strings.Replace(goodIndex, `"model.q": "model-00001`, `"model.q": "model-00002`, 1), `tensor "model.q": not found in model-00002-of-00002.safetensors`},
		{"tensor absent", strings.Replace(goodIndex, `"model.q"`, `"model.k": "model-00001-of-00002.safetensors", "model.q"`, 1), `tensor "model.k": not found`},
		{"tensor not listed", strings.Replace(goodIndex, `,
    "model.q": "model-00001-of-00002.safetensors"`, "", 1), `tensor "model.q": not listed`},
		{"duplicate key", strings.Replace(goodIndex, `"model.q"`, `"model.q": "x.safetensors", "model.q"`, 1), `duplicate key "model.q"`},
	}
	for _, c := range cases {
		dir := writeSharded(t, c.index)
		m, err := OpenModel(dir)
		if err == nil {
			m.Close()
			t.Errorf("%s: accepted", c.name)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %q, want %q", c.name, err, c.want)
		}
	}
	// A bad shard reports the shard's own error.
	dir := writeSharded(t, goodIndex)
	if err := os.WriteFile(filepath.Join(dir, "model-00002-of-00002.safetensors"), []byte("garbage!garbage!"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenModel(dir); err == nil || !strings.Contains(err.Error(), "model-00002-of-00002.safetensors: header length") {
		t.Errorf("bad shard: %v", err)
	}
}

// Accessors may be used from several goroutines at once.
func TestConcurrentReads(t *testing.T) {
	dir := writeSharded(t, goodIndex)
	m, err := OpenModel(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	done := make(chan error)
	for range 4 {
		go func() {
			var err error
			for range 100 {
				var v []float32
				if v, err = m.Float32("lm_head.weight"); err != nil || v[1] != 2 {
					break
				}
				if _, err = m.Bytes("model.q"); err != nil {
					break
				}
			}
			done <- err
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
