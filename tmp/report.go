package tmp

import (
	"fmt"
	"math"
	"strings"
)

// Markdown tables of the search, the baselines and the additivity
// experiment, for people.

// mdTable renders a Markdown table; cells have '|' escaped.
func mdTable(header []string, rows [][]string) string {
	var b strings.Builder
	cell := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	b.WriteString("|")
	for _, h := range header {
		b.WriteString(" " + cell(h) + " |")
	}
	b.WriteString("\n|")
	for range header {
		b.WriteString(" --- |")
	}
	b.WriteString("\n")
	for _, r := range rows {
		b.WriteString("|")
		for _, c := range r {
			b.WriteString(" " + cell(c) + " |")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func fmtSpeed(v float64) string {
	if v == 0 || math.IsNaN(v) {
		return "–"
	}
	return fmt.Sprintf("%.2f×", v)
}

func fmtPSNR(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "∞"
	case math.IsNaN(v):
		return "–"
	}
	return fmt.Sprintf("%.2f dB", v)
}

// FormatSSIM writes an SSIM with 4 decimals, or 6 when it is within 0.01
// of 1, where schedules differ in the later digits.
func FormatSSIM(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	if v > 0.99 && v < 1 {
		return fmt.Sprintf("%.6f", v)
	}
	return fmt.Sprintf("%.4f", v)
}

func fmtNum(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return fmt.Sprintf("%.4g", v)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// Markdown describes the search result: target, schedule, predicted and
// measured speed and quality, runs.
func (r SearchResult) Markdown() string {
	var b strings.Builder
	target := ""
	switch {
	case r.TargetSpeedup > 0:
		target = fmt.Sprintf("speed-up ≥ %.2f× over %s, least %s", r.TargetSpeedup, precName(r.SpeedupVs), errName(r.Metric))
	case r.MinSSIM != 0:
		target = fmt.Sprintf("SSIM ≥ %.4g, fastest", r.MinSSIM)
	default:
		target = fmt.Sprintf("MSE ≤ %.4g, fastest", r.MaxMSE)
	}
	ladder := make([]string, len(r.Ladder))
	for i, p := range r.Ladder {
		ladder[i] = precName(p)
	}
	fmt.Fprintf(&b, "Schedule search: %s; ladder %s.\n\n", target, strings.Join(ladder, " > "))
	if !r.Feasible {
		fmt.Fprintf(&b, "**Infeasible:** %s.\n", r.Reason)
		return b.String()
	}
	rows := [][]string{
		{"schedule", "`" + r.Schedule.String() + "`"},
		{"predicted speed-up vs " + precName(r.Ladder[0]), fmtSpeed(r.PredictedSpeedup)},
	}
	if r.PredictedSpeedupBF16 > 0 {
		rows = append(rows, []string{"predicted speed-up vs bf16", fmtSpeed(r.PredictedSpeedupBF16)})
	}
	rows = append(rows, []string{"measured speed-up vs " + precName(r.Ladder[0]), fmtSpeed(r.MeasuredSpeedup)})
	if r.MeasuredSpeedupBF16 > 0 {
		rows = append(rows, []string{"measured speed-up vs bf16", fmtSpeed(r.MeasuredSpeedupBF16)})
	}
	bound := fmtNum(r.LowerBound)
	if r.TargetSpeedup == 0 {
		bound += " s (cost)"
	}
	rows = append(rows,
		[]string{"SSIM", FormatSSIM(r.Quality.SSIM)},
		[]string{"PSNR", fmtPSNR(r.Quality.PSNR)},
		[]string{"MSE", fmtNum(r.Quality.MSE)},
		[]string{"predicted " + errName(r.Metric), fmtNum(r.PredictedError)},
		[]string{"lower bound (additive)", bound},
		[]string{"optimal under additivity", yesNo(r.Certified)},
		[]string{"meets target", yesNo(r.MeetsTarget)},
		[]string{"sampler runs", fmt.Sprintf("%d (%s)", r.Runs, runsPerLevel(r))},
		[]string{"time of a sampler run: reference, schedule", fmt.Sprintf("%.3g s, %.3g s", r.Reference.Seconds, r.Quality.Seconds)},
	)
	b.WriteString(mdTable([]string{"", ""}, rows))
	if r.Reason != "" {
		fmt.Fprintf(&b, "\nNote: %s.\n", r.Reason)
	}
	return b.String()
}

func runsPerLevel(r SearchResult) string {
	var parts []string
	for i, n := range r.RunsPerLevel {
		if i > 0 && i < len(r.Ladder) {
			parts = append(parts, fmt.Sprintf("%s %d", precName(r.Ladder[i]), n))
		}
	}
	parts = append(parts, "final and reference")
	return strings.Join(parts, ", ")
}

func errName(m Metric) string {
	if m == MetricMSE {
		return "MSE"
	}
	return "1 − SSIM"
}

// PointsMarkdown tabulates baselines and the search (Baselines' points
// plus SearchResult.Point()).
func PointsMarkdown(points []Point) string {
	rows := make([][]string, 0, len(points))
	for _, p := range points {
		name := p.Name
		if p.Method == "search" {
			name = "**search**"
		}
		rows = append(rows, []string{name, "`" + p.Schedule.String() + "`", fmtSpeed(p.PredictedSpeedup), fmtSpeed(p.MeasuredSpeedup),
			FormatSSIM(p.Quality.SSIM), fmtPSNR(p.Quality.PSNR), fmtNum(p.Quality.MSE), fmt.Sprint(p.Runs), yesNo(p.MeetsTarget)})
	}
	return mdTable([]string{"method", "schedule", "speed-up (predicted)", "speed-up (measured)", "SSIM", "PSNR", "MSE", "runs", "meets target"}, rows)
}

// Markdown tabulates the additivity fits and the single-step errors.
func (r AdditivityResult) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Additivity over %d steps: measured error of lowering a set of steps vs the sum of lowering each step alone (%d sampler runs).\n\n", r.Steps, r.Runs)
	rows := make([][]string, 0, len(r.Fits))
	for _, f := range r.Fits {
		rows = append(rows, []string{f.Scope, errName(f.Metric), fmt.Sprint(f.N), fmtNum(f.Pearson), fmtNum(f.R2), fmtNum(f.Slope)})
	}
	b.WriteString(mdTable([]string{"precision", "error", "sets", "Pearson r", "R² (y = x)", "slope"}, rows))
	if len(r.Singles) == 0 || len(r.Ladder) < 2 {
		return b.String()
	}
	b.WriteString("\nError (1 − SSIM) of lowering one step:\n\n")
	header := []string{"step"}
	for _, p := range r.Ladder[1:] {
		header = append(header, precName(p))
	}
	grid := make([][]string, r.Steps)
	for t := range grid {
		grid[t] = make([]string, len(header))
		grid[t][0] = fmt.Sprint(t)
		for j := 1; j < len(header); j++ {
			grid[t][j] = "–"
		}
	}
	for _, s := range r.Singles {
		j := ladderIndex(r.Ladder, s.Precision)
		if j >= 1 && s.Step >= 0 && s.Step < r.Steps {
			grid[s.Step][j] = fmt.Sprintf("%.3g", s.Quality.Error(MetricSSIM))
		}
	}
	b.WriteString(mdTable(header, grid))
	return b.String()
}
