package tmp

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sync"
)

// Quality is how close the images sampled with a schedule come to the
// images sampled at the reference precision, averaged over the
// evaluator's fixed seeds × labels.
type Quality struct {
	SSIM    float64 // mean SSIM against the reference images (1 = identical)
	PSNR    float64 // mean PSNR in dB; +Inf when all images are identical
	MSE     float64 // mean squared error per pixel (8-bit scale)
	Seconds float64 // wall-clock of the sampling run
}

// Metric names the error a search minimises or a plot shows.
type Metric string

const (
	MetricSSIM Metric = "ssim" // error 1 − SSIM
	MetricMSE  Metric = "mse"  // error MSE
)

// Error is the error of q under metric m: 1 − SSIM or MSE.
func (q Quality) Error(m Metric) float64 {
	if m == MetricMSE {
		return q.MSE
	}
	return 1 - q.SSIM
}

func checkMetric(m Metric) error {
	if m != MetricSSIM && m != MetricMSE {
		return fmt.Errorf("unknown error metric %q (have ssim, mse)", m)
	}
	return nil
}

type qualityJSON struct {
	SSIM    float64 `json:"ssim"`
	PSNR    any     `json:"psnr"` // number, or "inf" for identical images
	MSE     float64 `json:"mse"`
	Seconds float64 `json:"seconds"`
}

// MarshalJSON writes an infinite PSNR as the string "inf".
func (q Quality) MarshalJSON() ([]byte, error) {
	j := qualityJSON{SSIM: q.SSIM, PSNR: q.PSNR, MSE: q.MSE, Seconds: q.Seconds}
	if math.IsInf(q.PSNR, 1) {
		j.PSNR = "inf"
	} else if math.IsNaN(q.PSNR) || math.IsInf(q.PSNR, -1) {
		j.PSNR = nil
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON writes.
func (q *Quality) UnmarshalJSON(data []byte) error {
	var j qualityJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	*q = Quality{SSIM: j.SSIM, MSE: j.MSE, Seconds: j.Seconds}
	switch v := j.PSNR.(type) {
	case float64:
		q.PSNR = v
	case string:
		if v != "inf" {
			return fmt.Errorf("quality: psnr %q", v)
		}
		q.PSNR = math.Inf(1)
	case nil:
		q.PSNR = math.NaN()
	default:
		return fmt.Errorf("quality: psnr %v", v)
	}
	return nil
}

// Evaluator runs the sampler with a schedule and measures its images
// against the reference-precision images. It owns the fixed set of seeds
// and labels and the reference images.
type Evaluator interface {
	Evaluate(ctx context.Context, s Schedule) (Quality, error)
}

// EvaluatorFunc adapts a function to Evaluator.
type EvaluatorFunc func(ctx context.Context, s Schedule) (Quality, error)

// Evaluate calls f.
func (f EvaluatorFunc) Evaluate(ctx context.Context, s Schedule) (Quality, error) { return f(ctx, s) }

// Cache wraps an Evaluator: each distinct schedule runs the sampler once,
// and Runs counts those real runs. It is safe for concurrent use (two
// concurrent calls with the same new schedule may both run).
type Cache struct {
	ev   Evaluator
	mu   sync.Mutex
	m    map[string]Quality
	runs int
}

// NewCache wraps ev. Wrapping a *Cache returns it unchanged, so that
// layers share one cache and one count.
func NewCache(ev Evaluator) *Cache {
	if c, ok := ev.(*Cache); ok {
		return c
	}
	return &Cache{ev: ev, m: map[string]Quality{}}
}

// Evaluate returns the cached quality of s or runs the sampler. A quality
// with a NaN SSIM or MSE is an error.
func (c *Cache) Evaluate(ctx context.Context, s Schedule) (Quality, error) {
	key := s.String()
	c.mu.Lock()
	q, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return q, nil
	}
	if err := ctx.Err(); err != nil {
		return Quality{}, err
	}
	q, err := c.ev.Evaluate(ctx, s)
	if err != nil {
		return Quality{}, fmt.Errorf("evaluate %s: %w", key, err)
	}
	if math.IsNaN(q.SSIM) || math.IsNaN(q.MSE) || math.IsInf(q.SSIM, 0) || math.IsInf(q.MSE, 0) {
		return Quality{}, fmt.Errorf("evaluate %s: SSIM %v, MSE %v are not finite", key, q.SSIM, q.MSE)
	}
	c.mu.Lock()
	c.m[key] = q
	c.runs++
	c.mu.Unlock()
	return q, nil
}

// Lookup returns the cached quality of s without running anything.
func (c *Cache) Lookup(s Schedule) (Quality, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	q, ok := c.m[s.String()]
	return q, ok
}

// Runs is the number of real sampler runs so far.
func (c *Cache) Runs() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.runs
}

// tally counts the distinct schedules one method asks for, whether or not
// a shared cache already held them: the runs that method would need alone.
type tally struct {
	ev   *Cache
	seen map[string]bool
}

func newTally(ev Evaluator) *tally { return &tally{ev: NewCache(ev), seen: map[string]bool{}} }

func (t *tally) eval(ctx context.Context, s Schedule) (Quality, error) {
	q, err := t.ev.Evaluate(ctx, s)
	if err == nil {
		t.seen[s.String()] = true
	}
	return q, err
}

func (t *tally) runs() int { return len(t.seen) }
