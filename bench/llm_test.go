package bench

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/pare-ml/pare/prune"
)

func TestPrefillTiny(t *testing.T) {
	bm, err := LoadModel(ModelTiny)
	if err != nil {
		t.Fatal(err)
	}
	defer bm.Model.Close()
	var got []LLMResult
	rs, err := Prefill(context.Background(), bm, LLMSpec{Tokens: []int{5, 9}, Threads: []int{1}, MinTime: time.Millisecond},
		func(r LLMResult) { got = append(got, r) })
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || len(got) != 2 {
		t.Fatalf("%d results, %d emitted", len(rs), len(got))
	}
	for _, r := range rs {
		if r.Op != "prefill" || r.Model != ModelTiny || r.Threads != 1 || !(r.TokensPerS > 0) || r.Reps < 3 {
			t.Errorf("bad result %+v", r)
		}
	}
}

func TestCalibWindows(t *testing.T) {
	a, b := CalibWindows(4, 16, 100), CalibWindows(4, 16, 100)
	if len(a) != 4 || len(a[0]) != 16 {
		t.Fatalf("shape %d×%d", len(a), len(a[0]))
	}
	for i := range a {
		if !slices.Equal(a[i], b[i]) {
			t.Fatal("windows differ between calls")
		}
		for _, id := range a[i] {
			if id < 0 || id >= 100 {
				t.Fatalf("id %d outside the vocabulary", id)
			}
		}
	}
	path := filepath.Join(t.TempDir(), "calib.json")
	if err := SaveCalib(path, a); err != nil {
		t.Fatal(err)
	}
	var file struct{ Windows [][]int }
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &file); err != nil || len(file.Windows) != 4 || !slices.Equal(file.Windows[3], a[3]) {
		t.Fatalf("saved windows do not read back: %v", err)
	}
}

func TestPruneTiny(t *testing.T) {
	rs, err := Prune(context.Background(), ModelTiny, PruneSpec{
		Methods: []prune.Method{prune.MethodMagnitude, prune.MethodWanda}, Samples: 2, SeqLen: 8, Threads: 1,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].Method != "magnitude" || rs[1].Samples != 2 || rs[1].SeqLen != 8 || rs[1].Sparsity != 0.5 {
		t.Fatalf("results %+v", rs)
	}
}
