// Package e2e tests pare's web page in a real Chromium and pare's wasip1
// build under wazero. It is a module of its own so that pare's module
// keeps its three dependencies; run it from this folder:
//
//	go test -count=1 ./...
//
// The browser test needs Chromium (Debian: apt-get install chromium) and
// skips without it; set PARE_CHROMIUM to use another binary and
// PARE_SCREENSHOTS to a folder to keep the screenshots there too.
package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pare-ml/pare/wasm/e2e/scenario"
)

// root is pare's source tree.
var root = func() string {
	d, err := filepath.Abs("../..")
	if err != nil {
		panic(err)
	}
	return d
}()

var (
	binOnce sync.Once
	binDir  string
	binErr  error
)

// pareBinary builds pare (natively) once for all tests.
func pareBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "pare-e2e-*"); binErr != nil {
			return
		}
		binErr = goCmd(nil, "build", "-o", filepath.Join(binDir, "pare"), "./cmd/pare")
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return filepath.Join(binDir, "pare")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// goCmd runs the go command in pare's source tree with extra environment.
func goCmd(env []string, args ...string) error {
	_, err := goOutput(env, args...)
	return err
}

func goOutput(env []string, args ...string) ([]byte, error) {
	return goOutputIn(root, env, args...)
}

// goOutputIn runs the go command in dir ("." for this module).
func goOutputIn(dir string, env []string, args ...string) ([]byte, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out, nil
}

// nativeReference runs the page's scenario natively with -tags purego: the
// portable kernels the browser runs, so the hashes must match bit for bit.
// GOAMD64=v1 keeps the compiler from fusing multiply-adds (wasm has no FMA).
func nativeReference() (scenario.Result, error) {
	var r scenario.Result
	out, err := goOutputIn(".", []string{"GOAMD64=v1", "GOFLAGS="}, "run", "-tags", "purego", "./demoref")
	if err != nil {
		return r, err
	}
	err = json.Unmarshal(out, &r)
	return r, err
}

// server is a running `pare serve`.
type server struct {
	URL string
	cmd *exec.Cmd
}

// serve starts `pare serve` on a free loopback port; it builds the page's
// wasm first, which takes a minute on a cold build cache.
func serve(t *testing.T) *server {
	t.Helper()
	cmd := exec.Command(pareBinary(t), "serve", "--addr", "127.0.0.1:0")
	cmd.Dir = root
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if _, rest, ok := strings.Cut(sc.Text(), "serving on "); ok {
				urls <- strings.Fields(rest)[0]
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case u := <-urls:
		return &server{URL: u, cmd: cmd}
	case <-time.After(5 * time.Minute):
		t.Fatalf("pare serve did not start in 5 minutes:\n%s", stderr.String())
	}
	return nil
}

// TestServeAssets checks what the server hands out without a browser: the
// page, its scripts, the wasm binary (gzip-compressed at most 4 MB) and
// the models.
func TestServeAssets(t *testing.T) {
	srv := serve(t)
	for _, c := range []struct{ path, typ string }{
		{"/", "text/html"}, {"/app.js", "text/javascript"}, {"/worker.js", "text/javascript"},
		{"/style.css", "text/css"}, {"/wasm_exec.js", "text/javascript"}, {"/pare.wasm", "application/wasm"},
		{"/models/index.json", "application/json"},
	} {
		body, h := get(t, srv.URL+c.path[1:], true)
		if !strings.HasPrefix(h.Get("Content-Type"), c.typ) {
			t.Errorf("%s: Content-Type %q, want %s", c.path, h.Get("Content-Type"), c.typ)
		}
		if !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'self'") {
			t.Errorf("%s: no content security policy", c.path)
		}
		if c.path == "/pare.wasm" {
			if h.Get("Content-Encoding") != "gzip" {
				t.Errorf("pare.wasm is not sent gzip-compressed")
			}
			t.Logf("pare.wasm: %.2f MB gzip-compressed", float64(len(body))/1e6)
			if len(body) > 4<<20 {
				t.Errorf("pare.wasm is %d bytes gzip-compressed, more than 4 MiB", len(body))
			}
		}
	}
	var idx struct {
		DiT, LLM struct {
			Name  string
			Files map[string]int
		}
	}
	body, _ := get(t, srv.URL+"models/index.json", false)
	if err := json.Unmarshal(body, &idx); err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		Name  string
		Files map[string]int
	}{idx.DiT, idx.LLM} {
		for f, size := range m.Files {
			b, _ := get(t, srv.URL+"models/"+m.Name+"/"+f, false)
			if len(b) != size {
				t.Errorf("models/%s/%s: %d bytes, index says %d", m.Name, f, len(b), size)
			}
		}
	}
	// Nothing in the page refers to another host.
	for _, p := range []string{"", "app.js", "worker.js", "style.css"} {
		b, _ := get(t, srv.URL+p, false)
		for _, bad := range []string{"http://", "https://", "//fonts.", "@import"} {
			if i := bytes.Index(b, []byte(bad)); i >= 0 && !bytes.Contains(b[max(0, i-40):i], []byte("xmlns")) {
				t.Errorf("/%s refers to %q: %q", p, bad, b[max(0, i-40):min(len(b), i+40)])
			}
		}
	}
}

// TestNodeMatchesPurego runs the page's scenario as js/wasm under node and
// natively with -tags purego, and compares the hashes: the check of the
// browser test for machines without Chromium.
func TestNodeMatchesPurego(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("the native reference must not fuse multiply-adds, as arm64 does")
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed")
	}
	want, err := nativeReference()
	if err != nil {
		t.Fatal(err)
	}
	goroot, err := goOutput(nil, "env", "GOROOT")
	if err != nil {
		t.Fatal(err)
	}
	exec := filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "go_js_wasm_exec")
	out, err := goOutputIn(".", []string{"GOOS=js", "GOARCH=wasm"}, "run", "-exec="+exec, "./demoref")
	if err != nil {
		t.Fatal(err)
	}
	var got scenario.Result
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if got != want {
		t.Errorf("node/wasm and native purego differ:\nwasm   %+v\nnative %+v", got, want)
	}
}
