package wasm

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/pare-ml/pare/wasm/demo"
)

// testServer serves stand-in wasm files and small fake models.
func testServer(t *testing.T) *httptest.Server {
	t.Helper()
	if runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no network on " + runtime.GOOS)
	}
	dir := t.TempDir()
	bin := &Binary{Wasm: filepath.Join(dir, "pare.wasm"), WasmExec: filepath.Join(dir, "wasm_exec.js")}
	wasmBody := append([]byte("\x00asm\x01\x00\x00\x00"), bytes.Repeat([]byte("pare "), 4000)...)
	if err := os.WriteFile(bin.Wasm, wasmBody, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin.WasmExec, []byte("// wasm_exec.js\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	models := &Models{
		DiT: Model{Name: "tiny-dit", Random: true, Files: demo.Files{"config.json": []byte("{}"), "model.safetensors": []byte("weights")}},
		LLM: Model{Name: "tiny-llm", Files: demo.Files{"config.json": []byte("{}"), "model.safetensors": []byte("w"), "tokenizer.json": []byte("{}")}},
	}
	h, err := Handler(bin, models)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func fetch(t *testing.T, method, url string, header map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

func TestHandler(t *testing.T) {
	srv := testServer(t)
	for _, c := range []struct{ path, typ, contains string }{
		{"/", "text/html", "<title>pare"},
		{"/index.html", "text/html", `src="app.js"`},
		{"/app.js", "text/javascript", "new Worker('worker.js')"},
		{"/worker.js", "text/javascript", "importScripts('wasm_exec.js')"},
		{"/style.css", "text/css", "--int8"},
		{"/favicon.svg", "image/svg+xml", "<svg"},
		{"/wasm_exec.js", "text/javascript", "wasm_exec.js"},
		{"/pare.wasm", "application/wasm", "\x00asm"},
		{"/models/index.json", "application/json", `"tiny-dit"`},
		{"/models/tiny-llm/tokenizer.json", "application/json", "{}"},
		{"/models/tiny-dit/model.safetensors", "application/octet-stream", "weights"},
	} {
		res := fetch(t, "GET", srv.URL+c.path, nil)
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), c.typ) || !strings.Contains(string(body), c.contains) {
			t.Errorf("GET %s: %s, %q, body without %q", c.path, res.Status, res.Header.Get("Content-Type"), c.contains)
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "'wasm-unsafe-eval'") {
			t.Errorf("GET %s: Content-Security-Policy %q", c.path, csp)
		}
	}

	var idx modelIndex
	res := fetch(t, "GET", srv.URL+"/models/index.json", nil)
	if err := json.NewDecoder(res.Body).Decode(&idx); err != nil {
		t.Fatal(err)
	}
	if !idx.DiT.Random || idx.LLM.Random || idx.DiT.Files["model.safetensors"] != len("weights") || len(idx.LLM.Files) != 3 {
		t.Errorf("index %+v", idx)
	}

	// The wasm binary goes out gzip-compressed to those who ask.
	res = fetch(t, "GET", srv.URL+"/pare.wasm", map[string]string{"Accept-Encoding": "gzip, deflate"})
	if res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("pare.wasm: Content-Encoding %q", res.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if !bytes.HasPrefix(plain, []byte("\x00asm")) || len(plain) != 8+5*4000 {
		t.Errorf("pare.wasm decompresses to %d bytes", len(plain))
	}

	// A second request with the ETag is answered 304.
	etag := res.Header.Get("ETag")
	if res := fetch(t, "GET", srv.URL+"/pare.wasm", map[string]string{"If-None-Match": etag}); etag == "" || res.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match %s: %s", etag, res.Status)
	}
	if res := fetch(t, "HEAD", srv.URL+"/app.js", nil); res.StatusCode != 200 || res.ContentLength <= 0 {
		t.Errorf("HEAD /app.js: %s, length %d", res.Status, res.ContentLength)
	}
	if res := fetch(t, "GET", srv.URL+"/models/../go.mod", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("GET a path outside: %s", res.Status)
	}
	if res := fetch(t, "GET", srv.URL+"/nothing.js", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("GET /nothing.js: %s", res.Status)
	}
	if res := fetch(t, "POST", srv.URL+"/", nil); res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /: %s", res.Status)
	}
}

// The page loads nothing from other hosts.
func TestStaticIsSelfContained(t *testing.T) {
	err := fsWalk(func(name string, body []byte) {
		for _, bad := range []string{"https://", "http://", "@import", "fonts.googleapis", "cdn."} {
			for i := bytes.Index(body, []byte(bad)); i >= 0; {
				if !bytes.Contains(body[max(0, i-10):i], []byte("xmlns=")) {
					t.Errorf("%s refers to %q near %q", name, bad, body[max(0, i-30):min(len(body), i+40)])
				}
				j := bytes.Index(body[i+1:], []byte(bad))
				if j < 0 {
					break
				}
				i += 1 + j
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

func fsWalk(fn func(name string, body []byte)) error {
	entries, err := static.ReadDir("static")
	if err != nil {
		return err
	}
	for _, e := range entries {
		b, err := static.ReadFile("static/" + e.Name())
		if err != nil {
			return err
		}
		fn(e.Name(), b)
	}
	return nil
}

func TestFindSource(t *testing.T) {
	dir, err := FindSource()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "wasm", "cmd", "parewasm", "main.go")); err != nil {
		t.Errorf("FindSource = %s, which has no wasm/cmd/parewasm: %v", dir, err)
	}
	if isPareRoot(t.TempDir()) {
		t.Error("an empty folder is pare's root")
	}
}

func TestTinyModels(t *testing.T) {
	ms, err := TinyModels()
	if err != nil {
		t.Fatal(err)
	}
	s := demo.NewSession()
	if _, err := s.LoadDiT(ms.DiT.Files, ms.DiT.Name); err != nil {
		t.Errorf("the DiT the server hands out does not load: %v", err)
	}
	if _, err := s.LoadLLM(ms.LLM.Files, ms.LLM.Name); err != nil {
		t.Errorf("the LLM the server hands out does not load: %v", err)
	}
}
