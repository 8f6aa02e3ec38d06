package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/pare-ml/pare/tensor"
	"github.com/pare-ml/pare/tmp"
	"github.com/pare-ml/pare/tmp/sampler"
)

const tmpSearchAbout = `Finds a per-step precision schedule for a speed target (--target-speedup:
least error at a predicted speed-up of at least X over --vs) or a quality
target (--min-ssim: fastest schedule whose images keep a mean SSIM of at
least Q against the reference images), with the linear-cost search of
package tmp, then measures the baselines at the same target: every uniform
precision, high-first and high-last (reference steps first or last, the rest
at one lower precision), random schedules (as many runs as the search used)
and, for T ≤ 10 with two precisions, the exhaustive optimum.

Quality is measured against images sampled at the first of --precisions,
for the --seeds × --labels images in one batch. Speed comes from the cost
profile (--profile FILE from pare tmp profile, else measured here with
--reps rounds at the batch the evaluator runs); the search's schedule and
the reference are also timed by their sampler runs (measured speed-up).
--clock cpu times CPU time instead of wall-clock, for a machine shared with
other work.

--spread trusts interval means during the search (0: exact and certified
under additivity, more runs; 0.5: same optimum on smooth profiles with about
half the runs); see the comment at the top of tmp/search.go.

Prints the search and the comparison as Markdown (--json: search.json), and
with --out writes: search.json (schedule, predicted and measured speed-up vs
f32 and bf16, SSIM/PSNR/MSE, sampler runs, every baseline, the profile),
report.md, pareto.svg (SSIM against predicted speed-up), schedules.svg,
grid.png (rows: reference, search, best uniform meeting the target, then
the best high-first, high-last, random and exhaustive schedules; columns:
the evaluation images) and profile.json.`

func runTMPSearch(ctx context.Context, args []string) error {
	fs := newFlags("tmp search", "pare tmp search (--target-speedup X | --min-ssim Q) [--model tiny-dit|DIR] [--steps T] [--seeds LIST] [--labels LIST] [--precisions LIST] [--keep-first-last] [--profile FILE] [--json] [--out DIR]", tmpSearchAbout)
	df := addDiTFlags(fs, "tmp search", "f32,bf16,int8,int4")
	speedup := fs.Float64("target-speedup", 0, "least predicted speed-up over --vs")
	minSSIM := fs.Float64("min-ssim", 0, "least mean SSIM against the reference images")
	vs := fs.String("vs", "f32", "precision the speed-up target is relative to")
	metric := fs.String("metric", "ssim", "error minimised under a speed target: ssim (1 − SSIM) or mse")
	spread := fs.Float64("spread", 0.5, "in [0, 1]: trust interval means (0: exact)")
	gap := fs.Float64("gap", 0, "stop refining once within this fraction of the optimum")
	maxRuns := fs.Int("max-runs", 0, "sampler runs per lower precision (default 2·steps)")
	randomRuns := fs.Int("random-runs", 0, "random schedules of the random baseline (default: as many as the search used)")
	baselines := fs.Bool("baselines", true, "measure the baselines")
	profile := fs.String("profile", "", "cost profile JSON (pare tmp profile); default: measure it now")
	reps := fs.Int("reps", 5, "timed rounds per precision when measuring the profile")
	scale := fs.Int("scale", 2, "enlarge grid.png this many times")
	asJSON := fs.Bool("json", false, "print search.json instead of Markdown")
	out := fs.String("out", "", "output folder (must not exist unless --force)")
	force := fs.Bool("force", false, "replace an existing output folder")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("tmp search: unexpected argument %q (see pare tmp search --help)", fs.Arg(0))
	}
	if err := df.check(); err != nil {
		return err
	}
	switch {
	case (*speedup != 0) == (*minSSIM != 0):
		return usagef("tmp search: give one of --target-speedup X and --min-ssim Q")
	case *speedup < 0 || math.IsNaN(*speedup) || math.IsInf(*speedup, 0):
		return usagef("tmp search: --target-speedup must be a positive number, have %v", *speedup)
	case *minSSIM != 0 && !(*minSSIM > -1 && *minSSIM <= 1):
		return usagef("tmp search: --min-ssim must be in (-1, 1], have %v", *minSSIM)
	case *metric != "ssim" && *metric != "mse":
		return usagef("tmp search: unknown --metric %q (have ssim, mse)", *metric)
	case *minSSIM != 0 && *metric != "ssim":
		return usagef("tmp search: --min-ssim needs --metric ssim")
	case !(*spread >= 0 && *spread <= 1):
		return usagef("tmp search: --spread must be in [0, 1], have %v", *spread)
	case !(*gap >= 0 && *gap < 1):
		return usagef("tmp search: --gap must be in [0, 1), have %v", *gap)
	case *maxRuns < 0:
		return usagef("tmp search: --max-runs must be >= 0, have %d", *maxRuns)
	case *randomRuns < 0:
		return usagef("tmp search: --random-runs must be >= 0, have %d", *randomRuns)
	case *reps < 1 || *reps > 10000:
		return usagef("tmp search: --reps must be 1..10000, have %d", *reps)
	case *scale < 1 || *scale > 16:
		return usagef("tmp search: --scale must be 1..16, have %d", *scale)
	}
	vsPrec, err := tmp.ParsePrecision(*vs)
	if err != nil {
		return usagef("tmp search: --vs: %v", err)
	}
	ladder, _ := df.ladder()
	if *out != "" {
		if _, err := os.Stat(*out); err == nil && !*force {
			return usagef("tmp search: output folder %s exists (use --force to replace it)", *out)
		}
	}
	var prof tmp.CostProfile
	if *profile != "" {
		if _, err := os.Stat(*profile); err != nil {
			return usagef("tmp search: --profile: %s", pathError(err))
		}
		if prof, err = tmp.LoadProfile(*profile); err != nil {
			return badInput(fmt.Errorf("tmp search: --profile: %w", err))
		}
	}
	m, labels, err := df.load()
	if err != nil {
		return err
	}
	prepare := append(append([]tmp.Precision(nil), ladder...), vsPrec)
	if *profile == "" { // bf16 is timed for the speed-ups against it
		prepare = append(prepare, tensor.PrecBF16)
	}
	ev, err := df.evaluator(ctx, m, labels, prepare)
	if err != nil {
		return err
	}
	batch := df.rows(ev.Len())
	if *profile == "" {
		// Time the ladder, the --vs precision and bf16, for speed-ups vs bf16.
		ps := dedupe(prepare)
		sort.SliceStable(ps, func(a, b int) bool { return ps[a] < ps[b] })
		if prof, err = measureProfile(ctx, m, *df.model, ps, batch, *reps, 1, *df.keep, *df.clock); err != nil {
			return err
		}
	} else {
		if prof.Batch != 0 && prof.Batch != batch {
			fmt.Fprintf(os.Stderr, "pare: note: the profile %s timed %d rows per step; this search runs %d\n", *profile, prof.Batch, batch)
		}
		if c := orDefault(prof.Clock, "wall"); c != *df.clock {
			fmt.Fprintf(os.Stderr, "pare: note: the profile %s timed %s time; this search times %s time\n", *profile, c, *df.clock)
		}
	}
	if err := prof.Check(ladder); err != nil {
		return usagef("tmp search: %v (measure it with pare tmp profile --precisions ...)", err)
	}

	cache := tmp.NewCache(ev)
	sopt := tmp.SearchOptions{
		Steps: *df.steps, Ladder: ladder, TargetSpeedup: *speedup, SpeedupVs: vsPrec, MinSSIM: *minSSIM,
		Metric: tmp.Metric(*metric), MaxRunsPerLevel: *maxRuns, Gap: *gap, Spread: *spread,
	}
	var bar *progress
	sopt.Progress = func(p tmp.SearchProgress) {
		if bar == nil {
			bar = newProgress("search", p.MaxRuns)
		}
		note := p.Phase
		if p.Phase == "measure" {
			note = fmt.Sprintf("%v on steps %d–%d: error %.3g", p.Level, p.Start, p.End-1, p.Error)
		}
		bar.Set(p.Runs, note)
	}
	res, err := tmp.Search(ctx, cache, prof, sopt)
	if err != nil {
		return err
	}
	if bar != nil {
		bar.Done(fmt.Sprintf("(%d sampler runs)", res.Runs))
	}
	if !res.Feasible {
		return fmt.Errorf("tmp search: infeasible: %s", res.Reason)
	}
	points := []tmp.Point{res.Point()}
	if *baselines {
		bopt := tmp.BaselineOptions{SearchOptions: sopt, RandomRuns: *randomRuns, Seed: 1}
		if bopt.RandomRuns == 0 {
			bopt.RandomRuns = res.Runs
		}
		bbar := newProgress("baselines", baselineRuns(ladder, *df.steps, bopt.RandomRuns))
		before := cache.Runs()
		n := 0
		bopt.Progress = func(p tmp.SearchProgress) {
			n++
			bbar.Set(n, p.Phase)
		}
		bs, err := tmp.Baselines(ctx, cache, prof, bopt)
		if err != nil {
			return err
		}
		bbar.Done(fmt.Sprintf("(%d new sampler runs)", cache.Runs()-before))
		points = append(points, bs...)
	}

	// The grid: reference, search, best uniform, then the best of each
	// other baseline method.
	type gridRow struct {
		Name     string       `json:"name"`
		Schedule tmp.Schedule `json:"schedule"`
	}
	rows := []gridRow{{"reference (" + ladder[0].String() + ")", tmp.Uniform(ladder[0], *df.steps)}}
	addRow := func(name string, s tmp.Schedule) { // a schedule already shown gets the name added
		for i := range rows {
			if rows[i].Schedule.Equal(s) {
				rows[i].Name += " = " + name
				return
			}
		}
		rows = append(rows, gridRow{name, s})
	}
	addRow("search", res.Schedule)
	bestUniform, haveUniform := bestPoint(points, "uniform", *speedup != 0)
	if haveUniform {
		addRow(bestUniform.Name, bestUniform.Schedule)
	}
	for _, method := range []string{"high-first", "high-last", "random", "exhaustive"} {
		if p, ok := bestPoint(points, method, *speedup != 0); ok {
			addRow(p.Name, p.Schedule)
		}
	}
	var grid []byte
	if *out != "" {
		gbar := newProgress("grid", len(rows))
		var imgs []image.Image
		for i, r := range rows {
			var row []image.Image
			if i == 0 {
				row = ev.ReferenceImages()
			} else if row, err = ev.Images(ctx, r.Schedule); err != nil {
				return err
			}
			imgs = append(imgs, row...)
			gbar.Set(i+1, r.Name)
		}
		gbar.Done("")
		g, err := sampler.Grid(imgs, len(rows), ev.Len())
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, sampler.Upscale(g, *scale)); err != nil {
			return err
		}
		grid = buf.Bytes()
	}

	verdict := matchedVerdict(res, bestUniform, haveUniform)
	doc := struct {
		Model      string           `json:"model"`
		Sampler    string           `json:"sampler"`
		Steps      int              `json:"steps"`
		CFG        float64          `json:"cfg"`
		Seeds      []uint64         `json:"seeds"`
		Labels     []int            `json:"labels"`
		KeepFirst  bool             `json:"keep_first_last"`
		Spread     float64          `json:"spread"`
		Profile    tmp.CostProfile  `json:"profile"`
		Search     tmp.SearchResult `json:"search"`
		Points     []tmp.Point      `json:"points"`
		BestUnif   *tmp.Point       `json:"best_uniform,omitempty"`
		Verdict    string           `json:"verdict"`
		GridRows   []gridRow        `json:"grid_rows"`
		TotalRuns  int              `json:"total_sampler_runs"`
		SearchedAt string           `json:"date"`
	}{*df.model, samplerName(m, *df.sampler), *df.steps, *df.cfg, ev.Options().Seeds, labels, *df.keep, *spread,
		prof, res, points, nil, verdict, rows, cache.Runs(), time.Now().UTC().Format(time.RFC3339)}
	if haveUniform {
		doc.BestUnif = &bestUniform
	}
	js, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	js = append(js, '\n')

	var md strings.Builder
	fmt.Fprintf(&md, "# Schedule search\n\nModel %s, %d %s steps, CFG %g, %d images (seeds %v × labels %v)%s; %s; %s.\n\n",
		*df.model, *df.steps, samplerName(m, *df.sampler), *df.cfg, ev.Len(), ev.Options().Seeds, labels, keepNote(*df.keep),
		prof.Machine, time.Now().UTC().Format("2006-01-02"))
	fmt.Fprintf(&md, "Cost profile (%d rows per step, %s time, median of %d):\n\n%s\n", prof.Batch, orDefault(prof.Clock, "wall"), prof.Reps, profileTable(prof))
	md.WriteString(res.Markdown())
	fmt.Fprintf(&md, "\n**%s**\n\n", verdict)
	if *baselines {
		md.WriteString("Search and baselines at the same target:\n\n")
		md.WriteString(tmp.PointsMarkdown(points))
	}
	if *out != "" {
		md.WriteString("\n![SSIM against speed-up](pareto.svg)\n\n![schedules](schedules.svg)\n\n")
		md.WriteString("grid.png, one row per schedule:\n\n")
		for i, r := range rows {
			fmt.Fprintf(&md, "%d. %s: `%s`\n", i+1, r.Name, r.Schedule)
		}
		md.WriteString("\n![images](grid.png)\n")
		var strips []tmp.NamedSchedule
		for _, r := range rows {
			strips = append(strips, tmp.NamedSchedule{Name: r.Name, Schedule: r.Schedule})
		}
		files := map[string][]byte{
			"search.json":   js,
			"report.md":     []byte(md.String()),
			"pareto.svg":    tmp.ParetoSVG(fmt.Sprintf("SSIM against predicted speed-up over %v (%d steps)", ladder[0], *df.steps), points),
			"schedules.svg": tmp.ScheduleSVG("Schedules (step 0 is the noisiest)", strips),
			"grid.png":      grid,
		}
		if files["profile.json"], err = json.MarshalIndent(prof, "", "  "); err != nil {
			return err
		}
		if err := writeFolder(*out, files, *force); err != nil {
			return err
		}
	}
	if *asJSON {
		_, err := os.Stdout.Write(js)
		return err
	}
	fmt.Print(md.String())
	if *out != "" {
		fmt.Printf("\nwrote %s\n", *out)
	}
	return nil
}

// baselineRuns estimates the progress units of Baselines: one report per
// uniform precision, per temporal heuristic and per random schedule.
func baselineRuns(ladder []tmp.Precision, steps, random int) int {
	n := len(ladder) + 2*(len(ladder)-1) + random
	if len(ladder) == 2 && steps <= 10 {
		n++
	}
	return n
}

// bestPoint is the best point of a method: those meeting the target first,
// then the highest SSIM (speed target) or the highest predicted speed-up
// (quality target, ties by SSIM).
func bestPoint(points []tmp.Point, method string, speedTarget bool) (tmp.Point, bool) {
	var best tmp.Point
	found := false
	for _, p := range points {
		if p.Method != method {
			continue
		}
		better := false
		switch {
		case !found:
			better = true
		case p.MeetsTarget != best.MeetsTarget:
			better = p.MeetsTarget
		case !speedTarget && p.PredictedSpeedup != best.PredictedSpeedup:
			better = p.PredictedSpeedup > best.PredictedSpeedup
		default:
			better = p.Quality.SSIM > best.Quality.SSIM
		}
		if better {
			best, found = p, true
		}
	}
	return best, found
}

// matchedVerdict compares the search with the best uniform schedule that
// meets the same target: in SSIM for a speed target, in predicted speed
// for a quality target.
func matchedVerdict(r tmp.SearchResult, u tmp.Point, ok bool) string {
	if !ok {
		return "No uniform baseline was measured."
	}
	speed := r.TargetSpeedup > 0
	if !u.MeetsTarget {
		return fmt.Sprintf("No uniform precision meets the target; the search reaches SSIM %s at %.2f× (predicted).", tmp.FormatSSIM(r.Quality.SSIM), r.PredictedSpeedup)
	}
	a, b := r.Quality.SSIM, u.Quality.SSIM
	if !speed {
		a, b = r.PredictedSpeedup, u.PredictedSpeedup
	}
	cmp := "beats"
	switch {
	case !r.MeetsTarget:
		cmp = "misses the target (measured), unlike"
	case a < b:
		cmp = "falls short of"
	case a == b:
		cmp = "ties"
	}
	return fmt.Sprintf("At the same target the search (SSIM %s, %.2f× predicted, %.2f× measured) %s the best uniform schedule meeting it, %s (SSIM %s, %.2f× predicted, %.2f× measured).",
		tmp.FormatSSIM(r.Quality.SSIM), r.PredictedSpeedup, r.MeasuredSpeedup, cmp, u.Name, tmp.FormatSSIM(u.Quality.SSIM), u.PredictedSpeedup, u.MeasuredSpeedup)
}

func dedupe(ps []tmp.Precision) []tmp.Precision {
	var out []tmp.Precision
	for _, p := range ps {
		dup := false
		for _, q := range out {
			dup = dup || q == p
		}
		if !dup {
			out = append(out, p)
		}
	}
	return out
}
