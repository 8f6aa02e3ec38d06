package tmp

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Plots as self-contained SVG: a small plotting helper (axes with 1-2-5
// ticks, labels, legend) and the figures of the reports built on it.

// Series is one set of points of a scatter plot.
type Series struct {
	Name   string
	X, Y   []float64
	Color  string // CSS colour; empty picks one from the palette
	Line   bool   // join the points in order
	Labels []string
}

// palette is a colour-blind-friendly set (Okabe–Ito) for categories.
var palette = []string{"#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000"}

// precisionColors gives every precision a fixed colour, dark to light and
// cool to warm as precision falls.
var precisionColors = map[string]string{
	"f32": "#1b3a6b", "bf16": "#2f7fc1", "f16": "#7fbfe8", "int8": "#f0a030", "int4": "#d03c3c",
}

// PrecisionColor is the colour plots give p.
func PrecisionColor(p Precision) string {
	if c, ok := precisionColors[precName(p)]; ok {
		return c
	}
	return "#888888"
}

// svg accumulates an SVG document.
type svg struct {
	b    strings.Builder
	w, h float64
}

func newSVG(w, h float64) *svg {
	s := &svg{w: w, h: h}
	fmt.Fprintf(&s.b, `<svg xmlns="http://www.w3.org/2000/svg" width="%g" height="%g" viewBox="0 0 %g %g" font-family="Helvetica, Arial, sans-serif" font-size="12">`+"\n", w, h, w, h)
	fmt.Fprintf(&s.b, `<rect x="0" y="0" width="%g" height="%g" fill="#ffffff"/>`+"\n", w, h)
	return s
}

func (s *svg) bytes() []byte {
	s.b.WriteString("</svg>\n")
	return []byte(s.b.String())
}

// esc escapes text for XML.
func esc(t string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;")
	return r.Replace(t)
}

func (s *svg) text(x, y float64, anchor, t string, extra string) {
	fmt.Fprintf(&s.b, `<text x="%.1f" y="%.1f" text-anchor="%s"%s>%s</text>`+"\n", x, y, anchor, extra, esc(t))
}

func (s *svg) line(x1, y1, x2, y2 float64, stroke string, width float64, extra string) {
	fmt.Fprintf(&s.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="%g"%s/>`+"\n", x1, y1, x2, y2, stroke, width, extra)
}

func (s *svg) rect(x, y, w, h float64, fill, extra string) {
	fmt.Fprintf(&s.b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"%s/>`+"\n", x, y, w, h, fill, extra)
}

// rectTip is a rectangle with a tooltip.
func (s *svg) rectTip(x, y, w, h float64, fill, extra, tip string) {
	fmt.Fprintf(&s.b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"%s><title>%s</title></rect>`+"\n", x, y, w, h, fill, extra, esc(tip))
}

// marker draws point marker number k (circle, square, triangle, diamond…).
func (s *svg) marker(k int, x, y float64, color string) {
	const r = 4.5
	switch k % 4 {
	case 0:
		fmt.Fprintf(&s.b, `<circle cx="%.1f" cy="%.1f" r="%g" fill="%s" fill-opacity="0.85"/>`+"\n", x, y, r, color)
	case 1:
		s.rect(x-r, y-r, 2*r, 2*r, color, ` fill-opacity="0.85"`)
	case 2:
		fmt.Fprintf(&s.b, `<polygon points="%.1f,%.1f %.1f,%.1f %.1f,%.1f" fill="%s" fill-opacity="0.85"/>`+"\n", x, y-r*1.2, x-r*1.1, y+r*0.8, x+r*1.1, y+r*0.8, color)
	case 3:
		fmt.Fprintf(&s.b, `<polygon points="%.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f" fill="%s" fill-opacity="0.85"/>`+"\n", x, y-r*1.3, x+r*1.3, y, x, y+r*1.3, x-r*1.3, y, color)
	}
}

// niceTicks returns about n round tick values (1, 2 or 5 × 10^k apart)
// covering [lo, hi], and the spacing.
func niceTicks(lo, hi float64, n int) ([]float64, float64) {
	if !(hi > lo) || n < 2 {
		return []float64{lo}, 1
	}
	raw := (hi - lo) / float64(n-1)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var ticks []float64
	for v := math.Ceil(lo/step-1e-9) * step; v <= hi+step*1e-9; v += step {
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		ticks = append(ticks, v)
	}
	return ticks, step
}

// tickLabel formats v with the decimals its spacing needs.
func tickLabel(v, step float64) string {
	if v == 0 {
		return "0"
	}
	if step < 1e-3 || math.Abs(v) >= 1e6 {
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
	dec := 0
	if step < 1 {
		dec = int(math.Ceil(-math.Log10(step) - 1e-9))
	}
	return strconv.FormatFloat(v, 'f', dec, 64)
}

// span returns a padded data range of the finite values.
func span(vals []float64, pad float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		lo = math.Min(lo, v)
		hi = math.Max(hi, v)
	}
	if math.IsInf(lo, 1) {
		return 0, 1
	}
	if hi == lo {
		d := math.Max(math.Abs(lo)*0.1, 1e-9)
		return lo - d, hi + d
	}
	d := (hi - lo) * pad
	return lo - d, hi + d
}

// frame is the plotting area of a chart with linear axes.
type frame struct {
	s                  *svg
	left, top, pw, ph  float64
	xlo, xhi, ylo, yhi float64
	legendX, legendY   float64
	legendItems        int
}

// newFrame draws title, axes, ticks, grid and labels for the given data
// ranges.
func newFrame(title, xLabel, yLabel string, xlo, xhi, ylo, yhi float64, legend bool) *frame {
	w, h := 680.0, 460.0
	right := 24.0
	if legend {
		right = 240
	}
	f := &frame{s: newSVG(w, h), left: 72, top: 44, xlo: xlo, xhi: xhi, ylo: ylo, yhi: yhi}
	f.pw, f.ph = w-f.left-right, h-f.top-62
	f.legendX, f.legendY = f.left+f.pw+16, f.top+8
	s := f.s
	s.text(w/2, 24, "middle", title, ` font-size="15" font-weight="bold"`)
	xt, xs := niceTicks(xlo, xhi, 7)
	yt, ys := niceTicks(ylo, yhi, 7)
	for _, v := range xt {
		x := f.X(v)
		s.line(x, f.top, x, f.top+f.ph, "#e4e4e4", 1, "")
		s.line(x, f.top+f.ph, x, f.top+f.ph+5, "#333333", 1, "")
		s.text(x, f.top+f.ph+19, "middle", tickLabel(v, xs), "")
	}
	for _, v := range yt {
		y := f.Y(v)
		s.line(f.left, y, f.left+f.pw, y, "#e4e4e4", 1, "")
		s.line(f.left-5, y, f.left, y, "#333333", 1, "")
		s.text(f.left-8, y+4, "end", tickLabel(v, ys), "")
	}
	s.rect(f.left, f.top, f.pw, f.ph, "none", ` stroke="#333333" stroke-width="1"`)
	s.text(f.left+f.pw/2, h-16, "middle", xLabel, ` font-size="13"`)
	fmt.Fprintf(&s.b, `<text x="18" y="%.1f" text-anchor="middle" font-size="13" transform="rotate(-90 18 %.1f)">%s</text>`+"\n", f.top+f.ph/2, f.top+f.ph/2, esc(yLabel))
	return f
}

func (f *frame) X(v float64) float64 { return f.left + (v-f.xlo)/(f.xhi-f.xlo)*f.pw }
func (f *frame) Y(v float64) float64 { return f.top + f.ph - (v-f.ylo)/(f.yhi-f.ylo)*f.ph }

func (f *frame) inside(x, y float64) bool {
	return !math.IsNaN(x) && !math.IsNaN(y) && !math.IsInf(x, 0) && !math.IsInf(y, 0) &&
		x >= f.xlo && x <= f.xhi && y >= f.ylo && y <= f.yhi
}

// legend adds an entry: a marker (k ≥ 0), or a line (k < 0).
func (f *frame) legend(k int, color, name string, dashed bool) {
	y := f.legendY + float64(f.legendItems)*20
	x := f.legendX
	if k >= 0 {
		f.s.marker(k, x+8, y, color)
	} else {
		extra := ""
		if dashed {
			extra = ` stroke-dasharray="5,4"`
		}
		f.s.line(x, y, x+16, y, color, 2, extra)
	}
	name = truncate(name, 34)
	f.s.text(x+24, y+4, "start", name, "")
	f.legendItems++
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// ScatterSVG plots series of points; identity draws the line y = x.
func ScatterSVG(title, xLabel, yLabel string, series []Series, identity bool) []byte {
	var xs, ys []float64
	for _, sr := range series {
		xs = append(xs, sr.X...)
		ys = append(ys, sr.Y...)
	}
	xlo, xhi := span(xs, 0.05)
	ylo, yhi := span(ys, 0.05)
	if identity { // same range on both axes, so y = x is the diagonal
		xlo, ylo = math.Min(xlo, ylo), math.Min(xlo, ylo)
		xhi, yhi = math.Max(xhi, yhi), math.Max(xhi, yhi)
	}
	f := newFrame(title, xLabel, yLabel, xlo, xhi, ylo, yhi, true)
	if identity {
		lo, hi := math.Max(xlo, ylo), math.Min(xhi, yhi)
		f.s.line(f.X(lo), f.Y(lo), f.X(hi), f.Y(hi), "#777777", 1.5, ` stroke-dasharray="5,4"`)
	}
	for k, sr := range series {
		color := sr.Color
		if color == "" {
			color = palette[k%len(palette)]
		}
		if sr.Line {
			var pts []string
			for i := range sr.X {
				if i < len(sr.Y) && f.inside(sr.X[i], sr.Y[i]) {
					pts = append(pts, fmt.Sprintf("%.1f,%.1f", f.X(sr.X[i]), f.Y(sr.Y[i])))
				}
			}
			if len(pts) > 1 {
				fmt.Fprintf(&f.s.b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="1.5" stroke-opacity="0.7"/>`+"\n", strings.Join(pts, " "), color)
			}
		}
		for i := range sr.X {
			if i >= len(sr.Y) || !f.inside(sr.X[i], sr.Y[i]) {
				continue
			}
			x, y := f.X(sr.X[i]), f.Y(sr.Y[i])
			f.s.marker(k, x, y, color)
			if i < len(sr.Labels) && sr.Labels[i] != "" {
				f.s.text(x+7, y-6, "start", sr.Labels[i], ` font-size="10" fill="#444444"`)
			}
		}
		f.legend(k, color, sr.Name, false)
	}
	if identity {
		f.legend(-1, "#777777", "y = x (additive)", true)
	}
	return f.s.bytes()
}

// AdditivitySVG plots measured against predicted (sum of single-step)
// errors of the additivity experiment, one series per precision, with the
// line y = x.
func AdditivitySVG(r AdditivityResult, m Metric) []byte {
	var series []Series
	for _, p := range r.Ladder[1:] {
		sr := Series{Name: precName(p), Color: PrecisionColor(p)}
		for _, sp := range r.Sets {
			if sp.Precision == p {
				sr.X = append(sr.X, sp.Predicted(m))
				sr.Y = append(sr.Y, sp.Measured.Error(m))
			}
		}
		for _, f := range r.Fits {
			if f.Scope == precName(p) && f.Metric == m {
				sr.Name = fmt.Sprintf("%s: slope %.2f, R² %.2f", precName(p), f.Slope, f.R2)
			}
		}
		series = append(series, sr)
	}
	label := "1 − SSIM"
	if m == MetricMSE {
		label = "MSE"
	}
	return ScatterSVG(fmt.Sprintf("Additivity of %s over steps (%d steps)", label, r.Steps),
		"predicted: sum of single-step "+label, "measured "+label, series, true)
}

// ParetoSVG plots SSIM against predicted speed-up for the baselines and
// the search (Points, e.g. Baselines' plus SearchResult.Point()), one
// series per method.
func ParetoSVG(title string, points []Point) []byte {
	var order []string
	byMethod := map[string]*Series{}
	for _, p := range points {
		sr, ok := byMethod[p.Method]
		if !ok {
			sr = &Series{Name: p.Method}
			byMethod[p.Method] = sr
			order = append(order, p.Method)
		}
		sr.X = append(sr.X, p.PredictedSpeedup)
		sr.Y = append(sr.Y, p.Quality.SSIM)
		label := ""
		if p.Method == "uniform" {
			label = strings.TrimPrefix(p.Name, "uniform ")
		}
		sr.Labels = append(sr.Labels, label)
	}
	var series []Series
	for _, m := range order {
		sr := *byMethod[m]
		if m == "uniform" { // join uniform precisions by speed
			idx := make([]int, len(sr.X))
			for i := range idx {
				idx[i] = i
			}
			sort.Slice(idx, func(a, b int) bool { return sr.X[idx[a]] < sr.X[idx[b]] })
			x, y, l := make([]float64, len(idx)), make([]float64, len(idx)), make([]string, len(idx))
			for i, j := range idx {
				x[i], y[i], l[i] = sr.X[j], sr.Y[j], sr.Labels[j]
			}
			sr.X, sr.Y, sr.Labels, sr.Line = x, y, l, true
		}
		if m == "search" {
			sr.Color = "#d00000"
		}
		series = append(series, sr)
	}
	if title == "" {
		title = "Quality against speed-up"
	}
	return ScatterSVG(title, "predicted speed-up (×)", "SSIM against the reference", series, false)
}

// NamedSchedule is one row of a schedule strip.
type NamedSchedule struct {
	Name     string
	Schedule Schedule
}

// ScheduleSVG draws schedules as strips of coloured cells, one per step
// and one colour per precision, with a step axis and a legend.
func ScheduleSVG(title string, rows []NamedSchedule) []byte {
	steps := 0
	var precs []Precision
	for _, r := range rows {
		steps = max(steps, len(r.Schedule))
		for _, p := range r.Schedule {
			if !containsPrec(precs, p) {
				precs = append(precs, p)
			}
		}
	}
	// Legend in the canonical order, highest precision first.
	sort.SliceStable(precs, func(a, b int) bool { return precRank(precs[a]) < precRank(precs[b]) })
	nameW := 60.0
	for _, r := range rows {
		nameW = math.Max(nameW, 16+6.5*float64(len([]rune(r.Name))))
	}
	nameW = math.Min(nameW, 300)
	cell := math.Max(4, math.Min(22, 560/math.Max(1, float64(steps))))
	rowH := 22.0
	w := nameW + cell*float64(steps) + 30
	w = math.Max(w, 360)
	h := 48 + rowH*float64(len(rows)) + 34 + 30
	s := newSVG(w, h)
	s.text(w/2, 22, "middle", title, ` font-size="15" font-weight="bold"`)
	top := 40.0
	for i, r := range rows {
		y := top + float64(i)*rowH
		s.text(nameW-8, y+rowH/2+4, "end", truncate(r.Name, 44), "")
		for t, p := range r.Schedule {
			s.rectTip(nameW+float64(t)*cell, y+2, cell, rowH-4, PrecisionColor(p), ` stroke="#ffffff" stroke-width="0.5"`, fmt.Sprintf("step %d: %s", t, precName(p)))
		}
	}
	axisY := top + float64(len(rows))*rowH + 4
	_, st := niceTicks(0, float64(max(steps-1, 1)), 8)
	st = math.Max(1, math.Round(st))
	for t := 0.0; t < float64(steps); t += st {
		x := nameW + (t+0.5)*cell
		s.line(x, axisY, x, axisY+4, "#333333", 1, "")
		s.text(x, axisY+16, "middle", strconv.Itoa(int(t)), ` font-size="10"`)
	}
	s.text(nameW+cell*float64(steps)/2, axisY+30, "middle", "step", ` font-size="11"`)
	lx := nameW
	ly := h - 16
	for _, p := range precs {
		s.rect(lx, ly-10, 14, 12, PrecisionColor(p), "")
		s.text(lx+18, ly, "start", precName(p), "")
		lx += 70
	}
	return s.bytes()
}

func containsPrec(ps []Precision, p Precision) bool { return ladderIndex(ps, p) >= 0 }

// precRank orders precisions as Precisions does, unknown ones last.
func precRank(p Precision) int {
	if i := ladderIndex(Precisions, p); i >= 0 {
		return i
	}
	return len(Precisions)
}

// viridis stops (matplotlib), for the heat map's colour scale.
var viridis = [][3]float64{
	{68, 1, 84}, {72, 40, 120}, {62, 74, 137}, {49, 104, 142}, {38, 130, 142},
	{31, 158, 137}, {53, 183, 121}, {110, 206, 88}, {181, 222, 43}, {253, 231, 37},
}

func viridisColor(u float64) string {
	u = math.Max(0, math.Min(1, u))
	x := u * float64(len(viridis)-1)
	i := int(x)
	if i >= len(viridis)-1 {
		i = len(viridis) - 2
	}
	f := x - float64(i)
	var c [3]int
	for k := 0; k < 3; k++ {
		c[k] = int(math.Round(viridis[i][k]*(1-f) + viridis[i+1][k]*f))
	}
	return fmt.Sprintf("#%02x%02x%02x", c[0], c[1], c[2])
}

// HeatmapSVG draws values[row][col] as coloured cells (viridis, low dark,
// high bright) with row and column labels and a colour bar; NaN cells are
// grey. Cells show their value when they are large enough.
func HeatmapSVG(rows, cols []string, values [][]float64, title string) []byte {
	var all []float64
	for _, r := range values {
		all = append(all, r...)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range all {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if math.IsInf(lo, 1) {
		lo, hi = 0, 1
	}
	if hi == lo {
		hi = lo + 1
	}
	rowW := 0
	for _, r := range rows {
		rowW = max(rowW, len([]rune(r)))
	}
	left := math.Min(200, 16+7*float64(rowW))
	colLabelH := 0
	for _, c := range cols {
		colLabelH = max(colLabelH, len([]rune(c)))
	}
	topLabels := math.Min(140, 14+6*float64(colLabelH))
	cw := math.Max(8, math.Min(56, 640/math.Max(1, float64(len(cols)))))
	ch := math.Max(8, math.Min(28, 520/math.Max(1, float64(len(rows)))))
	w := left + cw*float64(len(cols)) + 110
	h := 40 + topLabels + ch*float64(len(rows)) + 20
	s := newSVG(w, math.Max(h, 240))
	s.text(w/2, 22, "middle", title, ` font-size="15" font-weight="bold"`)
	top := 36 + topLabels
	_, step := niceTicks(lo, hi, 5)
	showValues := cw >= 36 && ch >= 16
	for j, c := range cols {
		x := left + (float64(j)+0.5)*cw
		fmt.Fprintf(&s.b, `<text x="%.1f" y="%.1f" text-anchor="start" font-size="11" transform="rotate(-60 %.1f %.1f)">%s</text>`+"\n", x, top-6, x, top-6, esc(truncate(c, 20)))
	}
	for i, r := range rows {
		y := top + float64(i)*ch
		s.text(left-6, y+ch/2+4, "end", truncate(r, 28), ` font-size="11"`)
		for j := range cols {
			v := math.NaN()
			if i < len(values) && j < len(values[i]) {
				v = values[i][j]
			}
			fill := "#cccccc"
			u := 0.0
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				u = (v - lo) / (hi - lo)
				fill = viridisColor(u)
			}
			x := left + float64(j)*cw
			s.rectTip(x, y, cw, ch, fill, ` stroke="#ffffff" stroke-width="0.5"`, fmt.Sprintf("%s, %s: %s", r, cols[j], strconv.FormatFloat(v, 'g', 4, 64)))
			if showValues && fill != "#cccccc" {
				tc := "#ffffff"
				if u > 0.6 {
					tc = "#000000"
				}
				s.text(x+cw/2, y+ch/2+4, "middle", tickLabel(v, step/10), fmt.Sprintf(` font-size="10" fill="%s"`, tc))
			}
		}
	}
	// Colour bar.
	bx, by, bh := left+cw*float64(len(cols))+20, top, math.Max(ch*float64(len(rows)), 120)
	const n = 40
	for k := 0; k < n; k++ {
		s.rect(bx, by+bh*float64(n-1-k)/n, 14, bh/n+0.5, viridisColor(float64(k)/(n-1)), "")
	}
	ticks, ts := niceTicks(lo, hi, 5)
	for _, v := range ticks {
		y := by + bh*(1-(v-lo)/(hi-lo))
		s.line(bx+14, y, bx+18, y, "#333333", 1, "")
		s.text(bx+21, y+4, "start", tickLabel(v, ts), ` font-size="10"`)
	}
	return s.bytes()
}
