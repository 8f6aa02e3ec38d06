package main

import (
	"context"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/pare-ml/pare/model/dit"
	tinydit "github.com/pare-ml/pare/model/tiny/dit"
	"github.com/pare-ml/pare/tmp/sampler"
)

// randomDiTDir writes a small random 8×8 RGB DiT with labels "cat", "dog".
func randomDiTDir(t *testing.T) string {
	t.Helper()
	cfg := dit.Config{InputSize: 8, PatchSize: 2, InChannels: 3, HiddenSize: 32, Depth: 1, NumHeads: 2,
		MLPRatio: 2, NumClasses: 2, ClassLabels: []string{"cat", "dog"}, Objective: "rectified_flow", TimestepScale: 1000}
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

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func TestSampleCommand(t *testing.T) {
	model := randomDiTDir(t)
	out := filepath.Join(t.TempDir(), "grid.png")
	args := []string{"--model", model, "--label", "cat,dog", "--grid", "2x3", "--steps", "4", "--seed", "7",
		"--precision", "f32:1,int8:2,f32:1", "--scale", "2", "--out", out}
	if err := runSample(context.Background(), args); err != nil {
		t.Fatal(err)
	}
	img := readPNG(t, out)
	if b := img.Bounds(); b.Dx() != 3*8*2 || b.Dy() != 2*8*2 {
		t.Errorf("grid is %v, want 48×32", b)
	}
	// The same command gives the same file; every sampler runs.
	first, _ := os.ReadFile(out)
	if err := runSample(context.Background(), args); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("existing --out without --force: %v", err)
	}
	args = append(args, "--force")
	if err := runSample(context.Background(), args); err != nil {
		t.Fatal(err)
	}
	if again, _ := os.ReadFile(out); string(again) != string(first) {
		t.Error("same seed, different PNG")
	}
	for _, s := range sampler.Samplers {
		if err := runSample(context.Background(), []string{"--model", model, "--label", "1", "--steps", "3", "--sampler", s, "--cfg", "1", "--out", out, "--force"}); err != nil {
			t.Errorf("--sampler %s: %v", s, err)
		}
	}
}

func TestSampleCommandErrors(t *testing.T) {
	model := randomDiTDir(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "x.png")
	base := func(extra ...string) []string {
		return append([]string{"--model", model, "--label", "cat", "--steps", "2", "--out", out}, extra...)
	}
	cases := []struct {
		name  string
		args  []string
		usage bool
		want  string
	}{
		{"unknown label", base("--label", "cow"), true, `unknown label "cow" (have [cat dog]`},
		{"label number", base("--label", "2"), true, "unknown label"},
		{"zero steps", base("--steps", "0"), true, "--steps must be positive"},
		{"no out", []string{"--model", model, "--label", "cat"}, true, "--out FILE.png is required"},
		{"no label", []string{"--model", model, "--out", out}, true, "--label is required"},
		{"bad grid", base("--grid", "3by3"), true, `--grid "3by3"`},
		{"labels vs grid", base("--label", "cat,dog,cat", "--grid", "2x2"), true, "3 labels for a 2x2 grid"},
		{"bad sampler", base("--sampler", "heun"), true, `unknown --sampler "heun"`},
		{"bad precision", base("--precision", "f8"), true, `unknown precision "f8"`},
		{"schedule too short", base("--precision", "f32:1"), true, "add up to 1 steps, want 2"},
		{"bad model", base("--model", filepath.Join(dir, "none")), true, "neither tiny-dit nor a folder"},
		{"extra argument", base("now"), true, `unexpected argument "now"`},
		{"missing folder", base("--out", filepath.Join(dir, "no", "x.png")), true, "cannot write"},
		{"out is a folder", base("--out", dir), true, "is a folder"},
	}
	for _, c := range cases {
		err := runSample(context.Background(), c.args)
		var ue usageError
		if err == nil || !strings.Contains(err.Error(), c.want) || errors.As(err, &ue) != c.usage {
			t.Errorf("%s: error %v (usage error: %v), want %q (usage error: %v)", c.name, err, errors.As(err, &ue), c.want, c.usage)
		}
	}
	if runtime.GOOS != "js" && runtime.GOOS != "windows" && os.Getuid() != 0 {
		ro := filepath.Join(dir, "ro")
		os.Mkdir(ro, 0o555)
		if err := runSample(context.Background(), base("--out", filepath.Join(ro, "x.png"))); err == nil {
			t.Error("read-only folder: no error")
		}
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if e.Name() != "ro" {
			t.Errorf("left %s behind", e.Name())
		}
	}
}

func TestSampleTinyDiT(t *testing.T) {
	if !tinydit.Available() {
		t.Skip("the tiny DiT's weights are not built in yet")
	}
	out := filepath.Join(t.TempDir(), "digits.png")
	if err := runSample(context.Background(), []string{"--label", "0,1", "--grid", "2x2", "--steps", "4", "--out", out}); err != nil {
		t.Fatal(err)
	}
	if _, ok := readPNG(t, out).(*image.Gray); !ok {
		t.Error("the tiny DiT's grid is not grey")
	}
}
