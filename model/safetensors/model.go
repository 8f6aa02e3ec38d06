package safetensors

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// The file names of a Hugging Face checkpoint.
const (
	ModelFile = "model.safetensors"
	IndexFile = "model.safetensors.index.json"
)

// maxIndexSize bounds the index file read into memory.
const maxIndexSize = 64 << 20

// Model is a checkpoint of one or more safetensors files (shards) seen as
// one set of tensors. Its accessors behave as File's, with the same rules
// for views.
type Model struct {
	dir      string
	shards   []*File
	owner    map[string]*File
	names    []string
	metadata map[string]string
}

// OpenModel opens the checkpoint in dir: the shards listed in
// model.safetensors.index.json when that file exists, else
// model.safetensors. Every tensor of the index must be in the shard it
// names, and every tensor of a shard must be listed in the index for that
// shard.
func OpenModel(dir string) (*Model, error) {
	indexPath := filepath.Join(dir, IndexFile)
	weightMap, err := readIndex(indexPath)
	if errors.Is(err, fs.ErrNotExist) {
		f, err := Open(filepath.Join(dir, ModelFile))
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("safetensors %s: no %s or %s", dir, ModelFile, IndexFile)
			}
			return nil, err
		}
		return newModel(dir, []*File{f}), nil
	}
	if err != nil {
		return nil, err
	}
	shardNames := map[string]bool{}
	for _, s := range weightMap {
		shardNames[s] = true
	}
	m := &Model{dir: dir}
	for _, s := range slices.Sorted(maps.Keys(shardNames)) {
		f, err := Open(filepath.Join(dir, s))
		if err != nil {
			m.Close()
			return nil, err
		}
		m.shards = append(m.shards, f)
	}
	m = newModel(dir, m.shards)
	if err := m.checkIndex(indexPath, weightMap); err != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

// newModel indexes the tensors of the shards.
func newModel(dir string, shards []*File) *Model {
	m := &Model{dir: dir, shards: shards, owner: map[string]*File{}}
	for _, f := range shards {
		for _, n := range f.names {
			if _, dup := m.owner[n]; !dup {
				m.owner[n] = f
			}
		}
		for k, v := range f.h.metadata {
			if m.metadata == nil {
				m.metadata = map[string]string{}
			}
			if _, ok := m.metadata[k]; !ok {
				m.metadata[k] = v
			}
		}
	}
	m.names = slices.Sorted(maps.Keys(m.owner))
	return m
}

// checkIndex checks the shards against the index's weight map.
func (m *Model) checkIndex(indexPath string, weightMap map[string]string) error {
	byShard := map[string]string{} // base name -> path
	for _, f := range m.shards {
		byShard[filepath.Base(f.name)] = f.name
	}
	for _, name := range slices.Sorted(maps.Keys(weightMap)) {
		want := byShard[weightMap[name]]
		if f := m.owner[name]; f == nil || f.name != want {
			return fmt.Errorf("safetensors %s: tensor %q: not found in %s, where the index puts it", indexPath, name, weightMap[name])
		}
	}
	for _, f := range m.shards {
		for _, name := range f.names {
			if m.owner[name] != f {
				return fmt.Errorf("safetensors %s: tensor %q: also in %s", f.name, name, m.owner[name].name)
			}
			if _, ok := weightMap[name]; !ok {
				return fmt.Errorf("safetensors %s: tensor %q: not listed in %s", f.name, name, indexPath)
			}
		}
	}
	return nil
}

// readIndex reads the weight_map of an index file: tensor name -> shard
// file name (a plain name in the same directory).
func readIndex(path string) (map[string]string, error) {
	fd, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fd.Close()
	data, err := io.ReadAll(io.LimitReader(fd, maxIndexSize+1))
	if err != nil {
		return nil, fmt.Errorf("safetensors %s: %w", path, err)
	}
	if len(data) > maxIndexSize {
		return nil, fmt.Errorf("safetensors %s: index larger than %d bytes", path, maxIndexSize)
	}
	return parseIndex(path, data)
}

func parseIndex(path string, data []byte) (map[string]string, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var weightMap map[string]string
	err := readObject(dec, func(key string) error {
		if key != "weight_map" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return fmt.Errorf("%w: %v", errHeaderSyntax, err)
			}
			return nil
		}
		weightMap = map[string]string{}
		return readObject(dec, func(name string) error {
			tok, err := dec.Token()
			if err != nil {
				return fmt.Errorf("%w: %v", errHeaderSyntax, err)
			}
			shard, ok := tok.(string)
			if !ok {
				return fmt.Errorf("weight_map: tensor %q: shard is %s, not a string", name, describe(tok))
			}
			if shard == "" || shard == "." || shard == ".." || strings.ContainsAny(shard, `/\:`) || !filepath.IsLocal(shard) {
				return fmt.Errorf("weight_map: tensor %q: shard %q is not a file name in the model's directory", name, shard)
			}
			weightMap[name] = shard
			return nil
		})
	})
	if err == nil {
		if tok, terr := dec.Token(); terr != io.EOF {
			err = fmt.Errorf("data after the JSON object: %v %v", tok, terr)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("safetensors %s: %w", path, err)
	}
	if len(weightMap) == 0 {
		return nil, fmt.Errorf("safetensors %s: no weight_map or an empty one", path)
	}
	return weightMap, nil
}

// Close closes every shard.
func (m *Model) Close() error {
	var errs []error
	for _, f := range m.shards {
		errs = append(errs, f.Close())
	}
	return errors.Join(errs...)
}

// Dir is the directory the model was opened from.
func (m *Model) Dir() string { return m.dir }

// Files lists the paths of the shards, sorted.
func (m *Model) Files() []string {
	out := make([]string, len(m.shards))
	for i, f := range m.shards {
		out[i] = f.name
	}
	return out
}

// Names lists the tensor names of all shards in sorted order.
func (m *Model) Names() []string { return slices.Clone(m.names) }

// Metadata merges the __metadata__ of the shards (the first shard, in
// sorted order, wins on conflicting keys). It is nil when no shard has
// metadata.
func (m *Model) Metadata() map[string]string { return maps.Clone(m.metadata) }

// Info describes the named tensor.
func (m *Model) Info(name string) (TensorInfo, bool) {
	f := m.owner[name]
	if f == nil {
		return TensorInfo{}, false
	}
	return f.Info(name)
}

// Bytes is File.Bytes for the shard holding the tensor.
func (m *Model) Bytes(name string) ([]byte, error) {
	f, err := m.file(name)
	if err != nil {
		return nil, err
	}
	return f.Bytes(name)
}

// Float32 is File.Float32 for the shard holding the tensor.
func (m *Model) Float32(name string) ([]float32, error) {
	f, err := m.file(name)
	if err != nil {
		return nil, err
	}
	return f.Float32(name)
}

// Uint16 is File.Uint16 for the shard holding the tensor.
func (m *Model) Uint16(name string) ([]uint16, error) {
	f, err := m.file(name)
	if err != nil {
		return nil, err
	}
	return f.Uint16(name)
}

// Int8 is File.Int8 for the shard holding the tensor.
func (m *Model) Int8(name string) ([]int8, error) {
	f, err := m.file(name)
	if err != nil {
		return nil, err
	}
	return f.Int8(name)
}

func (m *Model) file(name string) (*File, error) {
	f := m.owner[name]
	if f == nil {
		return nil, fmt.Errorf("safetensors %s: tensor %q: no such tensor", m.dir, name)
	}
	return f, nil
}
