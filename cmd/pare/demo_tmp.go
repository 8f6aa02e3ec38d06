package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/pare-ml/pare/tensor"
	"github.com/pare-ml/pare/tmp"
)

// demoTMP runs part 2 of the demo: the cost profile of the tiny DiT on this
// machine, then the schedule search at a speed-up target over f32 with its
// baselines (pare tmp profile and pare tmp search). The target is capped at
// 90% of the fastest uniform precision's speed-up, so that it can be met
// wherever the demo runs. The files go under tmp/ in the demo folder.
func demoTMP(ctx context.Context, target float64, files map[string][]byte) error {
	dir, err := os.MkdirTemp("", "pare-demo-tmp-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	// Two seeds × ten labels with guidance: 40 rows per step, as the search runs.
	profPath := filepath.Join(dir, "profile.json")
	if err := runTMPProfile(ctx, []string{"--model", "tiny-dit", "--batch", "40", "--reps", "5", "--out", profPath}); err != nil {
		return err
	}
	prof, err := tmp.LoadProfile(profPath)
	if err != nil {
		return err
	}
	fastest := 1.0
	for p := range prof.Seconds {
		fastest = max(fastest, prof.PredictedSpeedup(tmp.Uniform(p, 1), tensor.PrecF32))
	}
	if capped := 0.9 * fastest; target > capped {
		fmt.Printf("the fastest precision is %.2fx f32 here: searching at %.2fx instead of %.2fx\n", fastest, capped, target)
		target = capped
	}
	out := filepath.Join(dir, "search")
	if err := runTMPSearch(ctx, []string{"--model", "tiny-dit", "--target-speedup", strconv.FormatFloat(target, 'f', 3, 64),
		"--steps", "16", "--seeds", "0,1", "--profile", profPath, "--out", out}); err != nil {
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
