package demo

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"sync"

	"github.com/pare-ml/pare/model/dit"
	"github.com/pare-ml/pare/prune"
	"github.com/pare-ml/pare/tmp"
)

// Session holds the page's models and what it has computed that later
// calls reuse: the reference images, the cost profile, the dense
// perplexities and the last pruned model. Calls on the DiT run one at a
// time, and so do calls on the LLM.
type Session struct {
	ditMu    sync.Mutex // guards the fields of the DiT
	dit      *dit.Model
	ditName  string
	refs     map[refKey]*Image           // f32 images by request
	profiles map[string]*tmp.CostProfile // ProfileHere, ProfileServer

	llmMu    sync.Mutex // guards the fields of the LLM
	llmFiles Files
	llmName  string
	dense    *prune.LLM
	pruned   *prune.LLM
	pruneReq *PruneRequest
	densePPL map[pplKey]float64
}

// NewSession returns a session with no models loaded.
func NewSession() *Session {
	return &Session{refs: map[refKey]*Image{}, profiles: map[string]*tmp.CostProfile{}, densePPL: map[pplKey]float64{}}
}

// Progress is what a long call is doing. The outer bar counts parts (the
// sampler runs of a search, the blocks of a pruning run, the languages of
// an evaluation); the inner bar counts steps within the part (denoising
// steps, Linears of a block, windows of a language).
type Progress struct {
	Stage string `json:"stage"`
	Part  int    `json:"part"`
	Parts int    `json:"parts"`
	Step  int    `json:"step"`
	Steps int    `json:"steps"`
}

// ProgressFunc receives Progress; it may be nil.
type ProgressFunc func(Progress)

func (f ProgressFunc) report(p Progress) {
	if f != nil {
		f(p)
	}
}

// Info describes the loaded models.
type Info struct {
	DiT *DiTInfo `json:"dit,omitempty"`
	LLM *LLMInfo `json:"llm,omitempty"`
}

// DiTInfo describes the loaded DiT.
type DiTInfo struct {
	Name       string     `json:"name"`
	Config     dit.Config `json:"config"`
	Labels     []string   `json:"labels"`
	Precisions []string   `json:"precisions"`
	Colors     []string   `json:"colors"` // of Precisions, as the SVG plots draw them
	Params     int        `json:"params"`
}

// hashFloats is the SHA-256 of float32 values as little-endian bits.
func hashFloats(h interface{ Write([]byte) (int, error) }, v []float32) {
	var buf [4096]byte
	for len(v) > 0 {
		n := min(len(v), len(buf)/4)
		for i, x := range v[:n] {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(x))
		}
		h.Write(buf[:4*n])
		v = v[n:]
	}
}

// HashFloats is the hex SHA-256 of float32 values as little-endian bits.
func HashFloats(v []float32) string {
	h := sha256.New()
	hashFloats(h, v)
	return hex.EncodeToString(h.Sum(nil))
}

// HashBytes is the hex SHA-256 of b.
func HashBytes(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// finite turns NaN and ±Inf into 0 so that a result can go into JSON.
func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}
