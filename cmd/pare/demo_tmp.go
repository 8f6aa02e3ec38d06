package main

import (
	"context"
	"os"
	"path/filepath"
)

// demoTMP runs part 2 of the demo: the schedule search for the tiny DiT at
// a speed-up target over f32 with its baselines (pare tmp search), whose
// files go under tmp/ in the demo folder.
func demoTMP(ctx context.Context, target string, files map[string][]byte) error {
	dir, err := os.MkdirTemp("", "pare-demo-tmp-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "search")
	if err := runTMPSearch(ctx, []string{"--model", "tiny-dit", "--target-speedup", target, "--steps", "16",
		"--seeds", "0,1", "--reps", "3", "--out", out}); err != nil {
		return err
	}
	return filepath.WalkDir(out, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(out, path)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(filepath.Join("tmp", rel))] = data
		return nil
	})
}
