package llama

import (
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/pare-ml/pare/model/safetensors"
)

// Random builds a model of the given config with random weights (normal,
// std 0.02 as transformers initialises Linears; norms 1), for benchmarks
// and tests. The same seed gives the same weights.
func Random(cfg *Config, seed uint64) *Model {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	vals := map[string][]float32{}
	shapes := cfg.ExpectedShapes()
	names := make([]string, 0, len(shapes))
	for name := range shapes {
		names = append(names, name)
	}
	sort.Strings(names) // fixed order: the same seed gives the same weights
	for _, name := range names {
		shape := shapes[name]
		n := 1
		for _, d := range shape {
			n *= d
		}
		v := make([]float32, n)
		if strings.HasSuffix(name, "norm.weight") {
			for i := range v {
				v[i] = 1
			}
		} else if !strings.HasSuffix(name, ".bias") {
			for i := range v {
				v[i] = float32(rng.NormFloat64() * 0.02)
			}
		}
		vals[name] = v
	}
	m, err := build(cfg, mapSource(vals, cfg), "random", LoadOptions{})
	if err != nil {
		panic("llama: Random: " + err.Error()) // the shapes come from cfg itself
	}
	return m
}

// memSource serves tensors from memory.
type memSource struct {
	vals   map[string][]float32
	shapes map[string][]int
}

func mapSource(vals map[string][]float32, cfg *Config) *memSource {
	return &memSource{vals: vals, shapes: cfg.ExpectedShapes()}
}

func (s *memSource) Info(name string) (safetensors.TensorInfo, bool) {
	v, ok := s.vals[name]
	if !ok {
		return safetensors.TensorInfo{}, false
	}
	return safetensors.TensorInfo{Name: name, DType: "F32", Shape: s.shapes[name], Size: 4 * len(v)}, true
}

func (s *memSource) Float32(name string) ([]float32, error) { return s.vals[name], nil }
func (s *memSource) Close() error                           { return nil }
