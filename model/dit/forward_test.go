package dit_test

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/pare-ml/pare/model/dit"
	"github.com/pare-ml/pare/tensor"
	"github.com/pare-ml/pare/tmp/sampler"
)

// Small random DiTs, fast under qemu and wasm.
var testConfigs = map[string]dit.Config{
	"grey-p4": {InputSize: 8, PatchSize: 4, InChannels: 1, HiddenSize: 32, Depth: 2, NumHeads: 4,
		MLPRatio: 4, NumClasses: 10, Objective: "rectified_flow", TimestepScale: 1000},
	"rgb-p2-sigma": {InputSize: 8, PatchSize: 2, InChannels: 3, HiddenSize: 64, Depth: 1, NumHeads: 2,
		MLPRatio: 2, NumClasses: 3, LearnSigma: true, Objective: "epsilon"},
}

func randomModel(t testing.TB, cfg dit.Config) *dit.Model {
	t.Helper()
	m, err := sampler.RandomDiT(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// randomInput is n images of noise at spread times, labels cycling through
// every class and the null class.
func randomInput(cfg dit.Config, n int, seed uint64) (x []float32, ts []float32, y []int) {
	r := rand.New(rand.NewPCG(seed, 0))
	x = make([]float32, n*cfg.InChannels*cfg.InputSize*cfg.InputSize)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	for i := 0; i < n; i++ {
		ts = append(ts, float32(math.Round(999*float64(i+1)/float64(n))))
		y = append(y, i%(cfg.NumClasses+1))
	}
	return x, ts, y
}

// relErr is max |a − b| / max |b|.
func relErr(a []float32, b []float64) float64 {
	d, s := 0.0, 0.0
	for i := range b {
		d = max(d, math.Abs(float64(a[i])-b[i]))
		s = max(s, math.Abs(b[i]))
	}
	return d / s
}

// TestForwardMatchesReference checks Forward at every precision against
// the float64 reference: f32 to 1e-5 of the output's range, the others to
// their quantization error.
func TestForwardMatchesReference(t *testing.T) {
	tol := map[tensor.Precision]float64{tensor.PrecF32: 1e-5, tensor.PrecF16: 2e-3, tensor.PrecBF16: 2e-2, tensor.PrecInt8: 5e-2, tensor.PrecInt4: 0.3}
	for name, cfg := range testConfigs {
		m := randomModel(t, cfg)
		x, ts, y := randomInput(cfg, 3, 2)
		ref := refForward(m, x, 3, ts, y)
		for _, p := range tensor.Precisions {
			out, err := m.Forward(x, 3, ts, y, dit.Options{Precision: p})
			if err != nil {
				t.Fatal(err)
			}
			e := relErr(out, ref)
			t.Logf("%s %v: relative error %.2e", name, p, e)
			if e > tol[p] {
				t.Errorf("%s %v: relative error %.2e, want <= %.0e", name, p, e, tol[p])
			}
		}
	}
}

// TestForwardBatchAndThreads: an image's output does not depend on the
// images beside it (to rounding), and is bit-identical for any GOMAXPROCS.
func TestForwardBatchAndThreads(t *testing.T) {
	cfg := testConfigs["grey-p4"]
	m := randomModel(t, cfg)
	x, ts, y := randomInput(cfg, 4, 3)
	per := len(x) / 4
	for _, p := range tensor.Precisions {
		opt := dit.Options{Precision: p}
		var runs [][]float32
		for _, procs := range []int{1, 2} {
			old := runtime.GOMAXPROCS(procs)
			out, err := m.Forward(x, 4, ts, y, opt)
			runtime.GOMAXPROCS(old)
			if err != nil {
				t.Fatal(err)
			}
			runs = append(runs, out)
		}
		for i := range runs[0] {
			if runs[0][i] != runs[1][i] {
				t.Fatalf("%v: GOMAXPROCS 1 and 2 differ at %d: %v vs %v", p, i, runs[0][i], runs[1][i])
			}
		}
		one, err := m.Forward(x[2*per:3*per], 1, ts[2:3], y[2:3], opt)
		if err != nil {
			t.Fatal(err)
		}
		ref := make([]float64, per)
		for i := range ref {
			ref[i] = float64(runs[0][2*per+i])
		}
		if e := relErr(one, ref); e > 1e-5 {
			t.Errorf("%v: image 2 alone differs from image 2 in a batch by %.2e", p, e)
		}
	}
}

func TestForwardKeepFirstLast(t *testing.T) {
	cfg := testConfigs["rgb-p2-sigma"]
	m := randomModel(t, cfg)
	x, ts, y := randomInput(cfg, 2, 4)
	ref := refForward(m, x, 2, ts, y)
	plain, _ := m.Forward(x, 2, ts, y, dit.Options{Precision: tensor.PrecInt4})
	kept, _ := m.Forward(x, 2, ts, y, dit.Options{Precision: tensor.PrecInt4, KeepFirstLast: true})
	ep, ek := relErr(plain, ref), relErr(kept, ref)
	t.Logf("int4: relative error %.3g, with f32 first and last layers %.3g", ep, ek)
	if ep == ek {
		t.Error("KeepFirstLast changed nothing")
	}
}

func TestForwardErrors(t *testing.T) {
	cfg := testConfigs["grey-p4"]
	m := randomModel(t, cfg)
	x, ts, y := randomInput(cfg, 2, 5)
	cases := []struct {
		name string
		run  func() error
		want string
	}{
		{"short x", func() error { _, err := m.Forward(x[1:], 2, ts, y, dit.Options{}); return err }, "needs x of 128 values"},
		{"short t", func() error { _, err := m.Forward(x, 2, ts[:1], y, dit.Options{}); return err }, "t and y of 2"},
		{"label past null", func() error { _, err := m.Forward(x, 2, ts, []int{0, 11}, dit.Options{}); return err }, "label 11 outside 0..10"},
		{"negative label", func() error { _, err := m.Forward(x, 2, ts, []int{-1, 0}, dit.Options{}); return err }, "label -1"},
	}
	for _, c := range cases {
		if err := c.run(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	cfg := testConfigs["grey-p4"]
	write := func(t *testing.T, mutate func(m *dit.Model), config string) string {
		dir := t.TempDir()
		m := randomModel(t, cfg)
		if mutate != nil {
			mutate(m)
		}
		if err := sampler.SaveDiT(dir, m); err != nil {
			t.Fatal(err)
		}
		if config != "" {
			if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(config), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	good := write(t, nil, "")
	if _, err := dit.Load(good); err != nil {
		t.Fatalf("good model: %v", err)
	}
	base := `"input_size": 8, "patch_size": 4, "in_channels": 1, "mlp_ratio": 4, "num_classes": 10, "objective": "rectified_flow"`
	cases := []struct {
		name string
		dir  string
		want string
	}{
		{"missing folder", filepath.Join(t.TempDir(), "nope"), "config.json"},
		{"bad json", write(t, nil, "{"), "config.json"},
		{"deeper config", write(t, nil, `{"hidden_size": 32, "depth": 3, "num_heads": 4, `+base+`}`), `no tensor "blocks.2.attn.qkv.weight"`},
		{"wider config", write(t, nil, `{"hidden_size": 64, "depth": 2, "num_heads": 4, `+base+`}`), "has shape [32 1 4 4], config.json implies [64 1 4 4]"},
		{"bad objective", write(t, nil, `{"hidden_size": 32, "depth": 2, "num_heads": 4, "input_size": 8, "patch_size": 4, "in_channels": 1, "mlp_ratio": 4, "num_classes": 10, "objective": "x0"}`), `unknown objective "x0"`},
		{"nan weight", write(t, func(m *dit.Model) { m.Blocks[1].FC2.W[7] = float32(math.NaN()) }, ""), `"blocks.1.mlp.fc2.weight" has a non-finite value at index 7`},
	}
	for _, c := range cases {
		_, err := dit.Load(c.dir)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}

func TestLabel(t *testing.T) {
	cfg := dit.Config{NumClasses: 3, ClassLabels: []string{"zero", "one", "two"}}
	for s, want := range map[string]int{"zero": 0, "two": 2, "1": 1} {
		if got, err := cfg.Label(s); err != nil || got != want {
			t.Errorf("Label(%q) = %d, %v", s, got, err)
		}
	}
	for _, s := range []string{"3", "-1", "01", "three", ""} {
		_, err := cfg.Label(s)
		if err == nil || !strings.Contains(err.Error(), "[zero one two]") {
			t.Errorf("Label(%q): error %v, want the list of labels", s, err)
		}
	}
	plain := dit.Config{NumClasses: 4}
	if _, err := plain.Label("4"); err == nil || !strings.Contains(err.Error(), "want 0..3") {
		t.Errorf("Label(4) of 4 unnamed classes: %v", err)
	}
}
