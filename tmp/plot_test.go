package tmp

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// wellFormed parses an SVG document and fails on XML errors or on numbers
// that did not format (NaN, Inf).
func wellFormed(t *testing.T, name string, svg []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(svg))
	root := ""
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if root == "" {
				root = se.Name.Local
			}
			for _, a := range se.Attr {
				if strings.Contains(a.Value, "NaN") || strings.Contains(a.Value, "Inf") {
					t.Fatalf("%s: attribute %s=%q", name, a.Name.Local, a.Value)
				}
			}
		}
	}
	if root != "svg" {
		t.Fatalf("%s: root %q", name, root)
	}
	if dir := os.Getenv("PARE_PLOT_DIR"); dir != "" { // to look at them
		os.WriteFile(filepath.Join(dir, name+".svg"), svg, 0o644)
	}
}

func TestPlots(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(21, 22))
	ladder := []Precision{pF32, pBF16, pInt8, pInt4}
	s := newSynth(r, ladder, 20)
	s.noise = 0.1
	add, err := Additivity(ctx, s, AdditivityOptions{Steps: 20, Ladder: ladder, Sets: 12})
	if err != nil {
		t.Fatal(err)
	}
	sv := AdditivitySVG(add, MetricSSIM)
	wellFormed(t, "additivity", sv)
	if !bytes.Contains(sv, []byte("y = x")) || !bytes.Contains(sv, []byte("int4: slope")) {
		t.Fatalf("additivity plot lacks its legend")
	}
	wellFormed(t, "additivity_mse", AdditivitySVG(add, MetricMSE))

	opt := SearchOptions{Steps: 20, Ladder: ladder, TargetSpeedup: 2}
	cache := NewCache(s)
	res, err := Search(ctx, cache, s.prof, opt)
	if err != nil {
		t.Fatal(err)
	}
	pts, err := Baselines(ctx, cache, s.prof, BaselineOptions{SearchOptions: opt, RandomRuns: res.Runs})
	if err != nil {
		t.Fatal(err)
	}
	pts = append(pts, res.Point())
	sv = ParetoSVG("", pts)
	wellFormed(t, "pareto", sv)
	for _, want := range []string{"search", "uniform", "high-first", "random", "SSIM against the reference"} {
		if !bytes.Contains(sv, []byte(want)) {
			t.Fatalf("pareto plot lacks %q", want)
		}
	}
	var rows []NamedSchedule
	for _, p := range pts {
		rows = append(rows, NamedSchedule{Name: p.Name, Schedule: p.Schedule})
	}
	sv = ScheduleSVG("Schedules <2×>", rows)
	wellFormed(t, "schedules", sv)
	if !bytes.Contains(sv, []byte("&lt;2×&gt;")) || !bytes.Contains(sv, []byte(PrecisionColor(pInt4))) {
		t.Fatalf("schedule strip: title not escaped or colours missing")
	}

	vals := [][]float64{{0.1, 0.5, math.NaN()}, {0.9, 0.3, 0.2}}
	sv = HeatmapSVG([]string{"q_proj", "down_proj"}, []string{"de", "en", "zh & ja"}, vals, "Mask overlap")
	wellFormed(t, "heatmap", sv)
	if !bytes.Contains(sv, []byte("zh &amp; ja")) || !bytes.Contains(sv, []byte("#cccccc")) {
		t.Fatal("heat map labels or NaN cell")
	}
	// Degenerate inputs must still give valid documents.
	wellFormed(t, "empty_heatmap", HeatmapSVG(nil, nil, nil, "empty"))
	wellFormed(t, "const_heatmap", HeatmapSVG([]string{"a"}, []string{"b"}, [][]float64{{2}}, "one"))
	wellFormed(t, "empty_scatter", ScatterSVG("none", "x", "y", nil, true))
	wellFormed(t, "nan_scatter", ScatterSVG("nan", "x", "y", []Series{{Name: "a", X: []float64{math.NaN(), 1}, Y: []float64{1, math.Inf(1)}}}, false))
	wellFormed(t, "empty_schedule", ScheduleSVG("none", nil))
}

func TestNiceTicks(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		n      int
		want   string
	}{
		{0, 1, 6, "0 0.2 0.4 0.6 0.8 1.0"},
		{0.93, 1.004, 5, "0.94 0.96 0.98 1.00"},
		{-3, 17, 5, "0 5 10 15"},
		{1e-5, 5e-5, 5, "1e-05 2e-05 3e-05 4e-05 5e-05"},
	} {
		ticks, step := niceTicks(tc.lo, tc.hi, tc.n)
		var got []string
		for _, v := range ticks {
			got = append(got, tickLabel(v, step))
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("niceTicks(%v, %v) = %v, want %s", tc.lo, tc.hi, got, tc.want)
		}
	}
}

func TestMarkdown(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(31, 32))
	ladder := []Precision{pF32, pBF16, pInt8}
	s := newSynth(r, ladder, 6)
	opt := SearchOptions{Steps: 6, Ladder: ladder, TargetSpeedup: 1.5}
	res, err := Search(ctx, s, s.prof, opt)
	if err != nil {
		t.Fatal(err)
	}
	md := res.Markdown()
	for _, want := range []string{"| schedule | `" + res.Schedule.String() + "` |", "predicted speed-up vs bf16", "optimal under additivity | yes", "1.50× over f32"} {
		if !strings.Contains(md, want) {
			t.Fatalf("search markdown lacks %q:\n%s", want, md)
		}
	}
	pts, err := Baselines(ctx, s, s.prof, BaselineOptions{SearchOptions: opt, RandomRuns: 3})
	if err != nil {
		t.Fatal(err)
	}
	md = PointsMarkdown(append(pts, res.Point()))
	if strings.Count(md, "\n") != len(pts)+3 || !strings.Contains(md, "**search**") || !strings.Contains(md, "| ∞ |") {
		t.Fatalf("points markdown:\n%s", md)
	}
	add, err := Additivity(ctx, s, AdditivityOptions{Steps: 6, Ladder: ladder, Sets: 4})
	if err != nil {
		t.Fatal(err)
	}
	md = add.Markdown()
	if !strings.Contains(md, "| bf16 | 1 − SSIM | 4 |") || !strings.Contains(md, "| step | bf16 | int8 |") {
		t.Fatalf("additivity markdown:\n%s", md)
	}
	inf := SearchResult{Ladder: ladder, TargetSpeedup: 9, SpeedupVs: pF32, Reason: "too fast"}
	if md := inf.Markdown(); !strings.Contains(md, "**Infeasible:** too fast") {
		t.Fatalf("infeasible:\n%s", md)
	}
}
