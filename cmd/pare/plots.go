package main

import (
	"fmt"

	"github.com/pare-ml/pare/prune"
	"github.com/pare-ml/pare/tmp"
)

// studyHeatmap draws one method's perplexity matrix, the dense row first.
func studyHeatmap(res *prune.StudyResult, m *prune.StudyMatrix) []byte {
	rows := append([]string{"dense"}, m.Calib...)
	vals := append([][]float64{res.DensePPL}, m.PPL...)
	title := fmt.Sprintf("%s %s perplexity", m.Method, res.Pattern)
	return tmp.HeatmapSVG(rows, res.Eval, vals, title)
}

// snrPlot draws the SNR of every block, one line per calibration language,
// averaged over the evaluation languages.
func snrPlot(r *prune.AnalysisResult) []byte {
	var series []tmp.Series
	for c, cal := range r.Calib {
		s := tmp.Series{Name: "calibrated on " + cal, Line: true}
		for b := 0; b < r.Blocks; b++ {
			var v float64
			for e := range r.Eval {
				v += r.SNR[c][e][b]
			}
			s.X = append(s.X, float64(b))
			s.Y = append(s.Y, v/float64(len(r.Eval)))
		}
		series = append(series, s)
	}
	return tmp.ScatterSVG(fmt.Sprintf("%s %s: output SNR per block", r.Method, r.Pattern), "block", "SNR (dB)", series, false)
}

// subspacePlot draws the share of the pruning-induced change that lies in
// the language-specific subspace, per block.
func subspacePlot(r *prune.AnalysisResult) []byte {
	var series []tmp.Series
	for c, cal := range r.Calib {
		s := tmp.Series{Name: "calibrated on " + cal, Line: true}
		for b := 0; b < r.Blocks; b++ {
			s.X = append(s.X, float64(b))
			s.Y = append(s.Y, r.Subspace[c][b])
		}
		series = append(series, s)
	}
	rnd := tmp.Series{Name: "random subspace", Line: true, Color: "#999999"}
	for b := 0; b < r.Blocks; b++ {
		rnd.X = append(rnd.X, float64(b))
		rnd.Y = append(rnd.Y, r.RandomShare[b])
	}
	series = append(series, rnd)
	return tmp.ScatterSVG("share of the pruning change in the language-specific subspace", "block", "share of ‖ΔY‖²", series, false)
}

// overlapHeatmap draws the mask IoU of every calibration pair and Linear.
func overlapHeatmap(o *prune.OverlapResult) []byte {
	var rows []string
	for _, p := range o.Pairs {
		rows = append(rows, p[0]+"–"+p[1])
	}
	rows = append(rows, "random")
	vals := append(append([][]float64{}, o.IoU...), o.Random)
	return tmp.HeatmapSVG(rows, o.Layers, vals, "mask IoU per Linear")
}
