package demo

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"sync"
	"testing"

	"github.com/pare-ml/pare/model/tiny"
)

var (
	filesOnce sync.Once
	ditFiles  Files
	llmFiles  Files
	filesErr  error
)

// testFiles returns random stand-ins of the tiny models (the tests must not
// depend on trained weights).
func testFiles(t *testing.T) (Files, Files) {
	t.Helper()
	filesOnce.Do(func() {
		if ditFiles, filesErr = RandomDiTFiles(TinyDiTConfig(), 7); filesErr != nil {
			return
		}
		var tok []byte
		if tok, filesErr = fs.ReadFile(tiny.LLMFS(), "tokenizer.json"); filesErr != nil {
			return
		}
		llmFiles, filesErr = RandomLLMFiles(tok, 7)
	})
	if filesErr != nil {
		t.Fatal(filesErr)
	}
	return ditFiles, llmFiles
}

func ditSession(t *testing.T) *Session {
	d, _ := testFiles(t)
	s := NewSession()
	if _, err := s.LoadDiT(d, "random-dit"); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSampleIsDeterministic(t *testing.T) {
	s := ditSession(t)
	ctx := context.Background()
	req := SampleRequest{Label: 3, Steps: 4, Seed: 1, CFG: 2, Schedule: []string{"f32", "int8", "int8", "f32"}}
	var steps []int
	a, err := s.Sample(ctx, req, func(p Progress) { steps = append(steps, p.Step) })
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 8 { // 4 reference steps, 4 of the schedule
		t.Errorf("progress saw steps %v, want 8 calls", steps)
	}
	if a.Image.W != 32 || a.Image.H != 32 || a.Image.C != 1 || len(a.Image.Pixels) != 32*32 {
		t.Fatalf("image %dx%dx%d with %d pixels", a.Image.W, a.Image.H, a.Image.C, len(a.Image.Pixels))
	}
	if a.SSIM <= 0 || a.SSIM > 1 {
		t.Errorf("SSIM %v", a.SSIM)
	}
	// A new session computes the same bits.
	b, err := ditSession(t).Sample(ctx, req, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Image.PixelHash != b.Image.PixelHash || a.Image.DataHash != b.Image.DataHash || a.Reference.DataHash != b.Reference.DataHash {
		t.Errorf("two sessions differ: %s/%s vs %s/%s", a.Image.PixelHash, a.Image.DataHash, b.Image.PixelHash, b.Image.DataHash)
	}
	// The f32 schedule is the reference itself.
	req.Schedule = nil
	c, err := s.Sample(ctx, req, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Image.DataHash != c.Reference.DataHash || c.SSIM != 1 || c.PSNR != nil {
		t.Errorf("f32 image differs from its reference: SSIM %v", c.SSIM)
	}
	if _, err := json.Marshal(c); err != nil {
		t.Errorf("result does not marshal: %v", err)
	}
}

func TestSampleBadRequests(t *testing.T) {
	s := ditSession(t)
	for _, r := range []SampleRequest{
		{Label: 3, Steps: 0},
		{Label: 3, Steps: MaxSteps + 1},
		{Label: 10, Steps: 4},
		{Label: -1, Steps: 4},
		{Label: 1, Steps: 2, Schedule: []string{"f32"}},
		{Label: 1, Steps: 2, Schedule: []string{"f32", "fp8"}},
		{Label: 1, Steps: 2, CFG: -1},
	} {
		if _, err := s.Sample(context.Background(), r, nil); err == nil {
			t.Errorf("%+v: no error", r)
		}
	}
	if _, err := NewSession().Sample(context.Background(), SampleRequest{Steps: 2}, nil); err == nil {
		t.Error("sampling without a model: no error")
	}
}

func TestProfileAndSearch(t *testing.T) {
	s := ditSession(t)
	ctx := context.Background()
	prof, err := s.Profile(ctx, ProfileRequest{Reps: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("one step (batch 2): %v", prof.Seconds)
	for _, p := range []string{"f32", "bf16", "f16", "int8", "int4"} {
		if prof.Seconds[p] <= 0 {
			t.Errorf("profile has no cost for %s: %v", p, prof.Seconds)
		}
	}
	if prof.Speedup["f32"] != 1 {
		t.Errorf("f32 speed-up over itself is %v", prof.Speedup["f32"])
	}
	// Fix the costs so that the result does not depend on this machine.
	if err := s.SetProfile(ProfileOut{Seconds: map[string]float64{"f32": 1, "bf16": 0.7, "f16": 0.9, "int8": 0.4, "int4": 0.3}, Machine: "test"}); err != nil {
		t.Fatal(err)
	}
	parts := 0
	res, err := s.Search(ctx, SearchRequest{SampleRequest: SampleRequest{Label: 2, Steps: 4, Seed: 3, CFG: 2},
		TargetSpeedup: 2, Ladder: []string{"f32", "int8"}}, func(p Progress) { parts = max(parts, p.Parts) })
	if err != nil {
		t.Fatal(err)
	}
	if res.Profile != ProfileServer {
		t.Errorf("search used profile %q, want the server's", res.Profile)
	}
	if !res.Feasible || len(res.Image.Schedule) != 4 || res.PredictedSpeedup < 2 {
		t.Fatalf("search: feasible %v, schedule %v, predicted %.2f×, reason %q", res.Feasible, res.Image.Schedule, res.PredictedSpeedup, res.Reason)
	}
	if res.Runs < 1 || parts < 1 || len(res.Trace) == 0 {
		t.Errorf("search made %d runs, progress saw %d parts, trace %d", res.Runs, parts, len(res.Trace))
	}
	if _, err := json.Marshal(res); err != nil {
		t.Errorf("result does not marshal: %v", err)
	}
	// The profile measured here, asked for by name.
	here, err := s.Sample(ctx, SampleRequest{Label: 2, Steps: 4, Seed: 3, CFG: 2, Schedule: []string{"f32", "int8", "int8", "f32"}, Profile: ProfileHere}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if here.Profile != ProfileHere || here.PredictedSpeedup <= 0 {
		t.Errorf("sample with the profile measured here: %q %v", here.Profile, here.PredictedSpeedup)
	}
	if err := s.SetProfile(ProfileOut{Seconds: map[string]float64{"int8": 1}}); err == nil {
		t.Error("a profile without f32: no error")
	}
	// A target no ladder can meet.
	res, err = s.Search(ctx, SearchRequest{SampleRequest: SampleRequest{Label: 2, Steps: 4, Seed: 3, CFG: 2},
		TargetSpeedup: 10, Ladder: []string{"f32", "int8"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Feasible || res.Reason == "" {
		t.Errorf("10× with int8 at 0.4: feasible %v, reason %q", res.Feasible, res.Reason)
	}
}

func TestCancel(t *testing.T) {
	s := ditSession(t)
	ctx, cancel := context.WithCancel(context.Background())
	_, err := s.Sample(ctx, SampleRequest{Label: 1, Steps: 8, Seed: 1, CFG: 2}, func(p Progress) {
		if p.Step == 2 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled sampling returned %v", err)
	}
}

func TestPruneEvalGenerate(t *testing.T) {
	_, l := testFiles(t)
	s := NewSession()
	info, err := s.LoadLLM(l, "random-llm")
	if err != nil {
		t.Fatal(err)
	}
	if info.Layers != 6 || len(info.Languages) < 2 || info.Params == 0 {
		t.Fatalf("info %+v", info)
	}
	ctx := context.Background()
	if _, err := s.Perplexity(ctx, PerplexityRequest{Model: "pruned"}, nil); err == nil {
		t.Error("perplexity of the pruned model before pruning: no error")
	}
	dense, err := s.Perplexity(ctx, PerplexityRequest{Model: "dense", Langs: []string{"en", "de"}, SeqLen: 32}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(dense) != 2 || dense["en"] <= 1 {
		t.Errorf("dense perplexity %v", dense)
	}
	blocks := map[int]bool{}
	req := PruneRequest{Method: "wanda", Sparsity: "2:4", Calib: "de", NSamples: 2, SeqLen: 16, Seed: 1}
	res, err := s.Prune(ctx, req, func(p Progress) { blocks[p.Part] = true })
	if err != nil {
		t.Fatal(err)
	}
	if res.Report.Sparsity < 0.49 || res.Report.Sparsity > 0.51 || len(blocks) != 6 {
		t.Errorf("sparsity %v, progress saw blocks %v", res.Report.Sparsity, blocks)
	}
	if res.WeightsHash == HashWeights(s.dense.Model) {
		t.Error("pruning left the weights as they were")
	}
	// The same request on a new session gives the same weights.
	s2 := NewSession()
	if _, err := s2.LoadLLM(l, "random-llm"); err != nil {
		t.Fatal(err)
	}
	res2, err := s2.Prune(ctx, req, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res2.WeightsHash != res.WeightsHash {
		t.Errorf("two sessions prune differently: %s vs %s", res.WeightsHash, res2.WeightsHash)
	}
	after, err := s.Perplexity(ctx, PerplexityRequest{Model: "pruned", Langs: []string{"en", "de"}, SeqLen: 32}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if after["en"] == dense["en"] {
		t.Errorf("pruning did not change perplexity: %v", after)
	}
	var seen []string
	g, err := s.Generate(ctx, GenerateRequest{Model: "pruned", Prompt: "Hello", MaxTokens: 5}, func(t string) { seen = append(seen, t) })
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Tokens) == 0 || len(seen) == 0 {
		t.Errorf("generated %v, saw %q", g.Tokens, seen)
	}
	for _, bad := range []PruneRequest{
		{Method: "wanda", Sparsity: "0.5"},
		{Method: "wanda", Sparsity: "0.5", Calib: "xx"},
		{Method: "oracle", Sparsity: "0.5", Calib: "en"},
		{Method: "magnitude", Sparsity: "1.5"},
		{Method: "magnitude", Sparsity: "4:2"},
	} {
		if _, err := s.Prune(ctx, bad, nil); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}

func TestFiles(t *testing.T) {
	f := Files{"a.json": []byte("{}"), "b": []byte("xy")}
	b, err := fs.ReadFile(f, "b")
	if err != nil || string(b) != "xy" {
		t.Fatalf("ReadFile: %q %v", b, err)
	}
	if _, err := f.Open("c"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open of a missing file: %v", err)
	}
	st, err := fs.Stat(f, "a.json")
	if err != nil || st.Size() != 2 {
		t.Errorf("Stat: %v %v", st, err)
	}
	es, err := fs.ReadDir(f, ".")
	if err != nil || len(es) != 2 || es[0].Name() != "a.json" {
		t.Errorf("ReadDir: %v %v", es, err)
	}
}
