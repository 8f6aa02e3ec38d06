package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pare-ml/pare/wasm/e2e/scenario"
)

// get fetches url; with gzip it asks for (and returns) the compressed body.
func get(t *testing.T, url string, gzip bool) ([]byte, http.Header) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if gzip {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}, Timeout: time.Minute}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("GET %s: %s %v", url, res.Status, err)
	}
	return b, res.Header
}

// chromium finds the browser: PARE_CHROMIUM, else Debian's chromium.
func chromium() (string, bool) {
	if p := os.Getenv("PARE_CHROMIUM"); p != "" {
		return p, true
	}
	for _, name := range []string{"chromium", "/usr/bin/chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, true
		}
	}
	return "", false
}

// browser starts a headless Chromium with a new profile and returns a tab
// and the console errors it has seen so far.
func browser(t *testing.T) (context.Context, func() []string) {
	path, ok := chromium()
	if !ok {
		t.Skip("no Chromium (apt-get install chromium, or set PARE_CHROMIUM)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		// Keep timers in the page and the worker at full speed.
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1366, 768),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelC(); cancelA() })
	if err := chromedp.Do(ctx); err != nil { // start the browser
		t.Fatal(err)
	}
	var (
		mu     sync.Mutex
		errors []string
	)
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
				mu.Lock()
				errors = append(errors, m.String())
				mu.Unlock()
			}
		}
	}()
	return ctx, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), errors...)
	}
}

// js evaluates an expression (awaiting a promise) into T.
func js[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// waitFor polls a JavaScript condition from Go until it holds.
func waitFor(t *testing.T, ctx context.Context, what, cond string, timeout time.Duration) {
	t.Helper()
	start := time.Now()
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+cond+")"))
		if err == nil && ok {
			break
		}
		if time.Since(start) > timeout {
			status, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('status-text').textContent + ' | ' + [...document.querySelectorAll('.stage, .error')].map(e => e.textContent).join(' | ')`))
			t.Fatalf("waiting %v for %s: %v (page says: %s)", timeout, what, err, status)
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Logf("%s after %.1fs", what, time.Since(start).Seconds())
}

func click(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
}

// setValue sets an input or select and fires its change event.
func setValue(t *testing.T, ctx context.Context, id, value string) {
	t.Helper()
	js[bool](t, ctx, fmt.Sprintf(`(() => { const e = document.getElementById(%q); e.value = %q; e.dispatchEvent(new Event('input')); e.dispatchEvent(new Event('change')); return true })()`, id, value))
}

// screenshot saves a full-page PNG in dir and, if PARE_SCREENSHOTS is set,
// there too.
func screenshot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	for _, d := range []string{dir, os.Getenv("PARE_SCREENSHOTS")} {
		if d == "" {
			continue
		}
		if err := os.WriteFile(filepath.Join(d, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("screenshot %s (%d bytes)", filepath.Join(dir, name), len(png))
}

// TestBrowser opens the page in headless Chromium, samples 4 steps and
// prunes the tiny LLM through the page's controls, checks the results bit
// for bit against a native -tags purego run, tries Cancel, saves
// screenshots, and fails on any console error.
func TestBrowser(t *testing.T) {
	ctx, consoleErrors := browser(t)
	type native struct {
		r   scenario.Result
		err error
	}
	refc := make(chan native, 1)
	go func() { r, err := nativeReference(); refc <- native{r, err} }()
	srv := serve(t)
	shots := t.TempDir()

	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the DiT and its cost profile", `window.pare && pare.state.dit && pare.state.profiles.server && !pare.state.busy`, 4*time.Minute)

	// Diffusion: the scenario's sample through the controls.
	s := scenario.Sample
	setValue(t, ctx, "steps", fmt.Sprint(s.Steps))
	setValue(t, ctx, "seed", fmt.Sprint(s.Seed))
	setValue(t, ctx, "cfg", fmt.Sprint(s.CFG))
	click(t, ctx, fmt.Sprintf("#labels button:nth-child(%d)", s.Label+1))
	click(t, ctx, `[data-preset="ends"]`)
	if got := js[[]string](t, ctx, `pare.state.schedule`); strings.Join(got, ",") != strings.Join(s.Schedule, ",") {
		t.Fatalf("schedule editor holds %v, want %v", got, s.Schedule)
	}
	click(t, ctx, "#sample")
	waitFor(t, ctx, "a 4-step sample", `pare.last.sample && !pare.state.busy`, 3*time.Minute)
	var got scenario.Result
	got.PixelHash = js[string](t, ctx, `pare.last.sample.image.pixel_hash`)
	got.DataHash = js[string](t, ctx, `pare.last.sample.image.data_hash`)
	got.RefPixelHash = js[string](t, ctx, `pare.last.sample.reference.pixel_hash`)
	if shown := js[string](t, ctx, `document.getElementById('h-pixels').textContent`); shown != got.PixelHash {
		t.Errorf("page shows pixel hash %s, the result has %s", shown, got.PixelHash)
	}
	screenshot(t, ctx, shots, "diffusion.png")

	// Pruning: Wanda 2:4 calibrated on German, perplexity on 8 languages.
	p := scenario.Prune
	click(t, ctx, "#tab-pruning")
	waitFor(t, ctx, "the LLM", `pare.state.llm && !pare.state.busy`, 2*time.Minute)
	click(t, ctx, fmt.Sprintf(`#method [data-v=%q]`, p.Method))
	click(t, ctx, `#pattern-kind [data-v="nm"]`)
	setValue(t, ctx, "nm", p.Sparsity)
	setValue(t, ctx, "calib", p.Calib)
	setValue(t, ctx, "nsamples", fmt.Sprint(p.NSamples))
	setValue(t, ctx, "eval-tokens", "64")
	click(t, ctx, "#prune")
	waitFor(t, ctx, "pruning and perplexity before and after", `pare.last.prune && pare.state.pruned && !pare.state.busy`, 6*time.Minute)
	got.WeightsHash = js[string](t, ctx, `pare.last.prune.weights_hash`)
	got.Sparsity = js[float64](t, ctx, `pare.last.prune.report.sparsity`)
	if n := js[int](t, ctx, `document.querySelectorAll('#ppl .ppl-row').length`); n < 8 {
		t.Errorf("perplexity chart has %d languages, want 8", n)
	}
	if n := js[int](t, ctx, `document.querySelectorAll('#ppl .ppl-row.calib').length`); n != 1 {
		t.Errorf("%d rows marked as the calibration language, want 1", n)
	}
	click(t, ctx, "#generate")
	waitFor(t, ctx, "generation with both models", `!pare.state.busy && document.getElementById('gen-pruned').textContent.length > 0 && !document.getElementById('gen-pruned').textContent.includes('press Generate')`, 2*time.Minute)
	screenshot(t, ctx, shots, "pruning.png")

	// A phone.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2))); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, shots, "pruning-phone.png")
	click(t, ctx, "#tab-diffusion")
	screenshot(t, ctx, shots, "diffusion-phone.png")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1366, 768)); err != nil {
		t.Fatal(err)
	}

	// Cancel a schedule search.
	setValue(t, ctx, "steps", "8")
	click(t, ctx, "#search")
	waitFor(t, ctx, "the search to start", `pare.state.busy && pare.state.busy.op === 'search' && !document.getElementById('cancel-d').disabled`, time.Minute)
	time.Sleep(300 * time.Millisecond)
	click(t, ctx, "#cancel-d")
	waitFor(t, ctx, "the search to stop", `!pare.state.busy && document.getElementById('error-d').textContent === 'Cancelled.'`, time.Minute)
	waitFor(t, ctx, "the worker to be ready again", `pare.state.dit && !pare.state.busy`, 4*time.Minute)

	want := <-refc
	if want.err != nil {
		t.Fatal(want.err)
	}
	if runtime.GOARCH != "amd64" {
		t.Logf("not comparing with the native run on %s (its compiler fuses multiply-adds)", runtime.GOARCH)
	} else if got != want.r {
		t.Errorf("the browser and native purego differ:\nbrowser %+v\nnative  %+v", got, want.r)
	} else {
		t.Logf("browser = native purego: pixels %s, weights %s", got.PixelHash[:16], got.WeightsHash[:16])
	}
	if status := js[string](t, ctx, `document.getElementById('status').dataset.state`); status == "error" {
		t.Errorf("page status is error: %s", js[string](t, ctx, `document.getElementById('status-text').textContent`))
	}
	for _, e := range consoleErrors() {
		t.Errorf("console: %s", e)
	}
}
