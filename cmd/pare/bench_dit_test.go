package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pare-ml/pare/model/dit"
)

func TestBenchDiTCommand(t *testing.T) {
	model := randomDiTDir(t)
	saved := filepath.Join(t.TempDir(), "copy")
	args := []string{"--model", model, "--batch", "1", "--precision", "f32,int8", "--threads", "1",
		"--time", "1ns", "--json", "--save-random", saved}
	if err := runBench(context.Background(), append([]string{"dit"}, args...)); err != nil {
		t.Fatal(err)
	}
	m, err := dit.Load(saved)
	if err != nil {
		t.Fatalf("--save-random wrote no loadable model: %v", err)
	}
	if m.Config.HiddenSize != 32 {
		t.Errorf("saved model has hidden size %d, want 32", m.Config.HiddenSize)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"dit", "--model", "nowhere"}, "neither tiny-dit, dit-s2 nor a folder"},
		{[]string{"dit", "--model", model, "--precision", "f8"}, "unknown precision"},
		{[]string{"dit", "--model", model, "--batch", "0"}, "--batch"},
		{[]string{"dit", "--model", model, "--precision", ","}, "--precision is empty"},
		{[]string{"dit", "extra"}, "unexpected argument"},
		{[]string{"nope"}, "unknown benchmark"},
	} {
		err := runBench(context.Background(), c.args)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want %q", c.args, err, c.want)
		}
	}
}
