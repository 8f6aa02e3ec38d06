package sampler

import "context"

// EulerTimes returns the time grid of the rectified-flow Euler sampler:
// steps+1 values from 1 (noise) to 0 (data), t_i = 1 − i/steps computed in
// float64, warped by the SD3 shift s·t/(1 + (s−1)·t) when shift is neither
// 0 nor 1, and rounded to float32.
func EulerTimes(steps int, shift float64) []float32 {
	ts := make([]float32, steps+1)
	for i := range ts {
		t := 1 - float64(i)/float64(steps)
		if shift != 0 && shift != 1 {
			t = shift * t / (1 + (shift-1)*t)
		}
		ts[i] = float32(t)
	}
	return ts
}

// euler integrates dx/dt = v(x, t) from t = 1 to t = 0 (FLUX, SD3):
//
//	x ← x + (t_{i+1} − t_i)·v(x, t_i)
//
// with the model fed t_i·scale. The step t_{i+1} − t_i is taken in float32
// and every product and sum is rounded to float32 (no fused multiply-add),
// as PyTorch computes x + float(t1 − t0)·v.
func euler(ctx context.Context, g *guide, x []float32) error {
	ts := EulerTimes(g.opt.Steps, g.opt.Shift)
	scale := g.spec.scale()
	for i := 0; i < g.opt.Steps; i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		t0, t1 := ts[i], ts[i+1]
		sc := g.config(i, float64(t0))
		v, err := g.predict(x, float32(float64(t0)*scale), i, sc)
		if err != nil {
			return err
		}
		dt := t1 - t0
		for j := range x {
			x[j] += float32(dt * v[j])
		}
		if err := finite(x, i); err != nil {
			return err
		}
	}
	return nil
}
