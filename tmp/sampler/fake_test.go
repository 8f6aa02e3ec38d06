package sampler

import (
	"math"

	"github.com/pare-ml/pare/model/dit"
)

// gaussian is a Denoiser with the exact prediction for data whose pixels
// are independent N(mu(label), std²) (std 0: every pixel is mu). Under it
// every sampler must turn Gaussian noise into that distribution, and the
// ODE samplers with std 0 must land exactly on mu.
type gaussian struct {
	objective string
	c, size   int
	classes   int
	std       float64
	calls     []call
}

type call struct {
	n    int
	t    []float32
	y    []int
	opt  dit.Options
	xsum float64
}

func (g *gaussian) mu(label int) float64 {
	if label == g.classes {
		return 0
	}
	return 0.25*float64(label) - 0.4
}

func (g *gaussian) Spec() Spec {
	return Spec{Channels: g.c, Size: g.size, OutChannels: g.c, NumClasses: g.classes, Objective: g.objective}
}

func (g *gaussian) Forward(x []float32, n int, t []float32, y []int, opt dit.Options) ([]float32, error) {
	per := g.c * g.size * g.size
	out := make([]float32, len(x))
	c := call{n: n, t: append([]float32(nil), t...), y: append([]int(nil), y...), opt: opt}
	s2 := g.std * g.std
	for b := 0; b < n; b++ {
		mu := g.mu(y[b])
		for j := b * per; j < (b+1)*per; j++ {
			xv := float64(x[j])
			c.xsum += xv
			switch g.objective {
			case "rectified_flow":
				// x = (1−t)·x0 + t·ε: E[x0|x] and E[ε|x] of jointly Gaussian variables.
				tf := float64(t[b]) / 1000
				r := xv - (1-tf)*mu
				den := (1-tf)*(1-tf)*s2 + tf*tf
				e0 := mu + (1-tf)*s2/den*r
				ee := tf / den * r
				out[j] = float32(ee - e0)
			case "epsilon":
				ab := alphaBar[int(math.Round(float64(t[b])))]
				a, s := math.Sqrt(ab), math.Sqrt(1-ab)
				out[j] = float32(s / (ab*s2 + s*s) * (xv - a*mu))
			}
		}
	}
	g.calls = append(g.calls, c)
	return out, nil
}

// affine is a Denoiser whose output is a fixed affine function of x, t and
// the label, to check guidance and bookkeeping exactly.
type affine struct {
	classes int
	nan     bool // return a NaN
	calls   []call
}

func (a *affine) Spec() Spec {
	return Spec{Channels: 1, Size: 2, OutChannels: 2, NumClasses: a.classes, Objective: "rectified_flow"}
}

// Forward returns [n, 2, 2, 2]: channel 0 = 0.5·x + label/8 + t/4000,
// channel 1 (the "variance", ignored) = 100.
func (a *affine) Forward(x []float32, n int, t []float32, y []int, opt dit.Options) ([]float32, error) {
	a.calls = append(a.calls, call{n: n, t: append([]float32(nil), t...), y: append([]int(nil), y...), opt: opt})
	out := make([]float32, 2*len(x))
	for b := 0; b < n; b++ {
		for j := 0; j < 4; j++ {
			out[b*8+j] = a.value(x[b*4+j], t[b], y[b])
			out[b*8+4+j] = 100
		}
	}
	if a.nan {
		out[0] = float32(math.NaN())
	}
	return out, nil
}

func (a *affine) value(x, t float32, y int) float32 {
	return 0.5*x + float32(y)/8 + t/4000
}
