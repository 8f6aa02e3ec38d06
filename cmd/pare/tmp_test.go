package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pare-ml/pare/model/dit"
	"github.com/pare-ml/pare/tmp"
	"github.com/pare-ml/pare/tmp/sampler"
)

// tmpDiTDir writes a small random 16×16 grey DiT (SSIM needs 11×11).
func tmpDiTDir(t *testing.T) string {
	t.Helper()
	cfg := dit.Config{InputSize: 16, PatchSize: 4, InChannels: 1, HiddenSize: 32, Depth: 1, NumHeads: 2,
		MLPRatio: 2, NumClasses: 2, Objective: "rectified_flow", TimestepScale: 1000}
	m, err := sampler.RandomDiT(cfg, 3)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := sampler.SaveDiT(dir, m); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestTMPCommands(t *testing.T) {
	model := tmpDiTDir(t)
	dir := t.TempDir()
	ctx := context.Background()

	prof := filepath.Join(dir, "profile.json")
	if err := runTMP(ctx, []string{"profile", "--model", model, "--batch", "2", "--reps", "1", "--precisions", "f32,bf16,int8", "--out", prof}); err != nil {
		t.Fatal(err)
	}
	p, err := tmp.LoadProfile(prof)
	if err != nil || len(p.Seconds) != 3 || p.Batch != 2 {
		t.Fatalf("profile %+v, %v", p, err)
	}

	add := filepath.Join(dir, "add")
	if err := runTMP(ctx, []string{"additivity", "--model", model, "--steps", "3", "--sets", "2", "--seeds", "1", "--labels", "0",
		"--precisions", "f32,int8", "--out", add}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"additivity.json", "additivity.md", "additivity_ssim.svg", "additivity_mse.svg", "singles.svg"} {
		if st, err := os.Stat(filepath.Join(add, f)); err != nil || st.Size() == 0 {
			t.Errorf("additivity: %s: %v", f, err)
		}
	}

	// A profile where int8 is 4× faster, so that a 2× target is feasible
	// whatever this machine measures.
	fake := filepath.Join(dir, "fake.json")
	os.WriteFile(fake, []byte(`{"seconds":{"f32":4,"bf16":2,"int8":1},"batch":4}`), 0o644)
	out := filepath.Join(dir, "search")
	args := []string{"search", "--model", model, "--steps", "4", "--seeds", "1,2", "--labels", "1", "--precisions", "f32,int8",
		"--target-speedup", "2", "--profile", fake, "--out", out}
	if err := runTMP(ctx, args); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"search.json", "report.md", "pareto.svg", "schedules.svg", "grid.png", "profile.json"} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("search: %s: %v", f, err)
		}
	}
	data, _ := os.ReadFile(filepath.Join(out, "search.json"))
	var doc struct {
		Search   tmp.SearchResult `json:"search"`
		Points   []tmp.Point      `json:"points"`
		GridRows []struct {
			Name     string       `json:"name"`
			Schedule tmp.Schedule `json:"schedule"`
		} `json:"grid_rows"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if !doc.Search.Feasible || len(doc.Search.Schedule) != 4 || doc.Search.PredictedSpeedup < 2 || doc.Search.PredictedSpeedupBF16 == 0 {
		t.Errorf("search result %+v", doc.Search)
	}
	methods := map[string]bool{}
	for _, p := range doc.Points {
		methods[p.Method] = true
	}
	for _, m := range []string{"search", "uniform", "high-first", "high-last", "random", "exhaustive"} {
		if !methods[m] {
			t.Errorf("no %s point in %v", m, methods)
		}
	}
	img := readPNG(t, filepath.Join(out, "grid.png"))
	if b := img.Bounds(); b.Dx() != 2*16*2 || b.Dy() != len(doc.GridRows)*16*2 || len(doc.GridRows) < 3 {
		t.Errorf("grid %v for %d rows", b, len(doc.GridRows))
	}
	// A quality target, no baselines, no folder.
	clock := "wall"
	if haveCPUClock {
		clock = "cpu"
	}
	if err := runTMP(ctx, []string{"search", "--model", model, "--steps", "3", "--seeds", "1", "--labels", "0", "--precisions", "f32,bf16,int8",
		"--min-ssim", "0.99", "--baselines=false", "--profile", fake, "--clock", clock, "--json"}); err != nil {
		t.Fatal(err)
	}
	// The folder exists now.
	if err := runTMP(ctx, args); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("existing folder: %v", err)
	}
}

func TestTMPUsageErrors(t *testing.T) {
	ctx := context.Background()
	for _, args := range [][]string{
		nil,
		{"frobnicate"},
		{"profile", "--batch", "0"},
		{"profile", "--precisions", "f32,f64"},
		{"profile", "--clock", "sundial"},
		{"profile", "--model", "/nonexistent"},
		{"additivity"},
		{"additivity", "--out", "x", "--precisions", "f32"},
		{"additivity", "--out", "x", "--steps", "0"},
		{"search"},
		{"search", "--target-speedup", "2", "--min-ssim", "0.9"},
		{"search", "--target-speedup", "-1"},
		{"search", "--min-ssim", "2"},
		{"search", "--target-speedup", "2", "--seeds", "a"},
		{"search", "--target-speedup", "2", "--spread", "2"},
		{"search", "--target-speedup", "2", "--vs", "f8"},
		{"search", "--target-speedup", "2", "--sampler", "heun"},
		{"search", "--target-speedup", "2", "--precisions", "f32,f32"},
		{"search", "--target-speedup", "2", "--bogus"},
		{"search", "--target-speedup", "2", "extra"},
	} {
		err := runTMP(ctx, args)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
	if err := runTMP(ctx, []string{"search", "--help"}); !errors.Is(err, errHelp) {
		t.Errorf("--help: %v", err)
	}
}
