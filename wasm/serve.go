// Package wasm serves pare's web page: a static page (static/: HTML, CSS
// and JavaScript, no frameworks and nothing fetched from elsewhere) whose
// Web Worker runs pare compiled to js/wasm (cmd/parewasm, calling package
// demo) on the tiny DiT and the tiny LLM, which the server hands out as
// separate files so that the wasm binary stays small.
//
//	bin, err := wasm.Build(ctx, wasm.BuildOptions{})   // GOOS=js GOARCH=wasm go build
//	models, err := wasm.TinyModels()
//	h, err := wasm.Handler(bin, models)
//	err = http.ListenAndServe("127.0.0.1:8080", h)
//
// `pare serve` does exactly this.
package wasm

import (
	"bytes"
	"compress/gzip"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/klauspost/cpuid/v2"

	"github.com/pare-ml/pare/model/tiny"
	tinydit "github.com/pare-ml/pare/model/tiny/dit"
	"github.com/pare-ml/pare/simd"
	"github.com/pare-ml/pare/wasm/demo"
)

//go:embed static
var static embed.FS

// Model is a model the page can fetch: its files by name.
type Model struct {
	Name string
	// Random marks stand-in weights (the trained ones are not built in).
	Random bool
	Files  demo.Files
}

// Models are the models the page uses.
type Models struct {
	DiT, LLM Model
}

// TinyModels returns the embedded tiny DiT and tiny LLM; for either whose
// weights are not in this build, a model of the same size with random
// weights stands in (and the page says so).
func TinyModels() (*Models, error) {
	ms := &Models{}
	var err error
	if tinydit.Available() {
		ms.DiT.Files, err = demo.FilesFrom(tinydit.FS(), "config.json", "model.safetensors")
	} else {
		ms.DiT.Random = true
		ms.DiT.Files, err = demo.RandomDiTFiles(demo.TinyDiTConfig(), 1)
	}
	if err != nil {
		return nil, fmt.Errorf("tiny DiT: %w", err)
	}
	ms.DiT.Name = "tiny-dit"
	llm := tiny.LLMFS()
	if _, serr := fs.Stat(llm, "model.safetensors"); serr == nil {
		ms.LLM.Files, err = demo.FilesFrom(llm, demo.LLMFiles...)
	} else {
		var tok []byte
		if tok, err = fs.ReadFile(llm, "tokenizer.json"); err == nil {
			ms.LLM.Random = true
			ms.LLM.Files, err = demo.RandomLLMFiles(tok, 1)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("tiny LLM: %w", err)
	}
	ms.LLM.Name = "tiny-llm"
	return ms, nil
}

// NativeProfile measures what a denoising step of the DiT costs at every
// precision with this machine's best kernels (the browser runs the
// portable ones): the page predicts speed-ups on this CPU from it.
func (ms *Models) NativeProfile(ctx context.Context) (*demo.ProfileOut, error) {
	s := demo.NewSession()
	if _, err := s.LoadDiT(ms.DiT.Files, ms.DiT.Name); err != nil {
		return nil, err
	}
	p, err := s.Profile(ctx, demo.ProfileRequest{Reps: 5}, nil)
	if err != nil {
		return nil, err
	}
	cpu := strings.TrimSpace(cpuid.CPU.BrandName)
	if cpu == "" {
		cpu = runtime.GOOS + "/" + runtime.GOARCH
	}
	p.Machine = fmt.Sprintf("%s, %s kernels, %d threads", cpu, simd.CPU.Level, runtime.GOMAXPROCS(0))
	return p, nil
}

// modelIndex is /models/index.json.
type modelIndex struct {
	DiT indexEntry `json:"dit"`
	LLM indexEntry `json:"llm"`
}

type indexEntry struct {
	Name   string         `json:"name"`
	Random bool           `json:"random"`
	Files  map[string]int `json:"files"` // name: size in bytes
}

func entry(m Model) indexEntry {
	e := indexEntry{Name: m.Name, Random: m.Random, Files: map[string]int{}}
	for n, b := range m.Files {
		e.Files[n] = len(b)
	}
	return e
}

// asset is a response body with its type, gzipped ahead when that pays.
type asset struct {
	typ  string
	etag string
	body []byte
	gz   []byte
}

func newAsset(name string, body []byte) *asset {
	typ := mime.TypeByExtension(path.Ext(name))
	switch path.Ext(name) {
	case ".wasm":
		typ = "application/wasm"
	case ".js":
		typ = "text/javascript; charset=utf-8"
	case ".safetensors":
		typ = "application/octet-stream"
	}
	if typ == "" {
		typ = "application/octet-stream"
	}
	a := &asset{typ: typ, body: body, etag: `"` + demo.HashBytes(body)[:24] + `"`}
	if len(body) > 1024 && path.Ext(name) != ".safetensors" { // weights hardly compress
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(body)
		zw.Close()
		if buf.Len() < len(body)*9/10 {
			a.gz = buf.Bytes()
		}
	}
	return a
}

// GzipSize is the size of the wasm binary gzip-compressed as the server
// sends it.
func GzipSize(wasmBinary []byte) int {
	return len(newAsset("pare.wasm", wasmBinary).gz)
}

// Handler serves the page, the wasm binary with its wasm_exec.js, the
// models under /models/ (index.json, then /models/NAME/FILE) and the
// server's cost profile at /models/profile.json (measured on the first
// request).
func Handler(bin *Binary, models *Models) (http.Handler, error) {
	assets := map[string]*asset{}
	err := fs.WalkDir(static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := static.ReadFile(p)
		if err != nil {
			return err
		}
		assets["/"+strings.TrimPrefix(p, "static/")] = newAsset(p, b)
		return nil
	})
	if err != nil {
		return nil, err
	}
	assets["/"] = assets["/index.html"]
	for url, file := range map[string]string{"/pare.wasm": bin.Wasm, "/wasm_exec.js": bin.WasmExec} {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("serve: %w", err)
		}
		assets[url] = newAsset(file, b)
	}
	idx := modelIndex{DiT: entry(models.DiT), LLM: entry(models.LLM)}
	js, err := json.MarshalIndent(idx, "", "  ")
	if err != nil {
		return nil, err
	}
	assets["/models/index.json"] = newAsset("index.json", js)
	for _, m := range []Model{models.DiT, models.LLM} {
		names := make([]string, 0, len(m.Files))
		for n := range m.Files {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			assets["/models/"+m.Name+"/"+n] = newAsset(n, m.Files[n])
		}
	}
	return &server{assets: assets, models: models}, nil
}

type server struct {
	assets map[string]*asset
	models *Models

	profileOnce sync.Once
	profile     *asset
	profileErr  error
}

// profileAsset measures the native cost profile once.
func (s *server) profileAsset(ctx context.Context) (*asset, error) {
	s.profileOnce.Do(func() {
		p, err := s.models.NativeProfile(context.WithoutCancel(ctx))
		if err != nil {
			s.profileErr = err
			return
		}
		b, err := json.Marshal(p)
		s.profile, s.profileErr = newAsset("profile.json", b), err
	})
	return s.profile, s.profileErr
}

// contentSecurity allows nothing from elsewhere: scripts, styles, workers
// and fetches come from this server, and wasm may compile.
const contentSecurity = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; " +
	"style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	a, ok := s.assets[r.URL.Path]
	if r.URL.Path == "/models/profile.json" {
		var err error
		if a, err = s.profileAsset(r.Context()); err != nil {
			http.Error(w, "measuring the cost profile: "+err.Error(), http.StatusInternalServerError)
			return
		}
		ok = true
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.typ)
	h.Set("Content-Security-Policy", contentSecurity)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-cache")
	h.Set("Vary", "Accept-Encoding")
	h.Set("ETag", a.etag)
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, a.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := a.body
	if a.gz != nil && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = a.gz
	}
	h.Set("Content-Length", fmt.Sprint(len(body)))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(body)
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(enc) == "gzip" && strings.TrimSpace(q) != "q=0" {
			return true
		}
	}
	return false
}
