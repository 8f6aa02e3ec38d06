package tmp

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"time"
)

// CostProfile is what one denoising step costs at each precision on one
// machine: the median wall-clock seconds of a step (one model forward pass
// over the batch). Only ratios matter to the search, so any consistent
// unit would do.
type CostProfile struct {
	Seconds map[Precision]float64 // one step, median of Reps timings

	Model   string // model the step ran
	Machine string // where it was measured
	Batch   int    // images per step
	Reps    int    // timed repetitions per precision
	Date    string // RFC 3339, UTC
	Clock   string // what was timed: "" or "wall" for wall-clock, "cpu" for the process's CPU time
}

// Cost is the predicted seconds of one sampler run with schedule s: the
// sum of its steps' costs.
func (c CostProfile) Cost(s Schedule) (float64, error) {
	var sum float64
	for i, p := range s {
		v, ok := c.Seconds[p]
		if !ok {
			return 0, fmt.Errorf("cost profile has no %s (step %d)", precName(p), i)
		}
		sum += v
	}
	return sum, nil
}

// PredictedSpeedup is Σ cost(ref) / Σ cost(s[t]) over the steps of s: how
// much faster s is than running every step at ref. It is 0 when the
// profile lacks a precision used.
func (c CostProfile) PredictedSpeedup(s Schedule, ref Precision) float64 {
	cref, ok := c.Seconds[ref]
	cs, err := c.Cost(s)
	if !ok || err != nil || cs <= 0 {
		return 0
	}
	return float64(len(s)) * cref / cs
}

// Check reports an error unless the profile has a positive, finite cost
// for every precision of ladder.
func (c CostProfile) Check(ladder []Precision) error {
	for _, p := range ladder {
		v, ok := c.Seconds[p]
		if !ok {
			return fmt.Errorf("cost profile has no %s", precName(p))
		}
		if !(v > 0) || math.IsInf(v, 0) {
			return fmt.Errorf("cost profile: %s costs %v seconds, want a positive number", precName(p), v)
		}
	}
	return nil
}

type profileJSON struct {
	Seconds map[string]float64 `json:"seconds"`
	Model   string             `json:"model,omitempty"`
	Machine string             `json:"machine,omitempty"`
	Batch   int                `json:"batch,omitempty"`
	Reps    int                `json:"reps,omitempty"`
	Date    string             `json:"date,omitempty"`
	Clock   string             `json:"clock,omitempty"`
}

// MarshalJSON writes the profile with precision names as keys.
func (c CostProfile) MarshalJSON() ([]byte, error) {
	j := profileJSON{Seconds: map[string]float64{}, Model: c.Model, Machine: c.Machine, Batch: c.Batch, Reps: c.Reps, Date: c.Date, Clock: c.Clock}
	for p, v := range c.Seconds {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("cost profile: %s costs %v", precName(p), v)
		}
		j.Seconds[precName(p)] = v
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads a profile; every cost must be positive.
func (c *CostProfile) UnmarshalJSON(data []byte) error {
	var j profileJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	out := CostProfile{Seconds: map[Precision]float64{}, Model: j.Model, Machine: j.Machine, Batch: j.Batch, Reps: j.Reps, Date: j.Date, Clock: j.Clock}
	for name, v := range j.Seconds {
		p, err := ParsePrecision(name)
		if err != nil {
			return fmt.Errorf("cost profile: %w", err)
		}
		if !(v > 0) {
			return fmt.Errorf("cost profile: %s costs %v seconds, want a positive number", name, v)
		}
		out.Seconds[p] = v
	}
	*c = out
	return nil
}

// LoadProfile reads a cost profile from a JSON file.
func LoadProfile(path string) (CostProfile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return CostProfile{}, err
	}
	var c CostProfile
	if err := json.Unmarshal(data, &c); err != nil {
		return CostProfile{}, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// Save writes the profile as JSON to path, whole: to a temporary file in
// the same folder first, renamed over path when complete.
func (c CostProfile) Save(path string) error {
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(path, append(data, '\n'))
}

// writeFileAtomic writes data to a temporary file beside path and renames
// it to path.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmpName := f.Name()
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmpName, path)
	}
	if err != nil {
		os.Remove(tmpName)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// Measure times step at each precision: one warm-up call per precision,
// then reps rounds that call every precision in turn (so that drift of the
// machine touches all alike); the profile keeps the median per precision.
// Model and Batch are left for the caller to fill.
func Measure(ctx context.Context, step func(p Precision) error, precisions []Precision, reps int) (CostProfile, error) {
	return MeasureClock(ctx, step, precisions, reps, nil)
}

// MeasureClock is Measure with another clock: clock returns seconds from
// any fixed origin, such as the CPU time of the process, which a machine
// shared with other work disturbs far less than the wall-clock. A nil
// clock is the wall-clock. The caller names the clock in Clock.
func MeasureClock(ctx context.Context, step func(p Precision) error, precisions []Precision, reps int, clock func() float64) (CostProfile, error) {
	if clock == nil {
		clock = wallClock
	}
	if len(precisions) == 0 {
		return CostProfile{}, fmt.Errorf("measure: no precisions")
	}
	if reps < 1 {
		reps = 1
	}
	times := make([][]float64, len(precisions))
	for i, p := range precisions {
		if err := ctx.Err(); err != nil {
			return CostProfile{}, err
		}
		if err := step(p); err != nil {
			return CostProfile{}, fmt.Errorf("measure %s: %w", precName(p), err)
		}
		times[i] = make([]float64, 0, reps)
	}
	for r := 0; r < reps; r++ {
		for i, p := range precisions {
			if err := ctx.Err(); err != nil {
				return CostProfile{}, err
			}
			t0 := clock()
			if err := step(p); err != nil {
				return CostProfile{}, fmt.Errorf("measure %s: %w", precName(p), err)
			}
			times[i] = append(times[i], clock()-t0)
		}
	}
	c := CostProfile{
		Seconds: make(map[Precision]float64, len(precisions)),
		Machine: fmt.Sprintf("%s/%s, %d threads", runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0)),
		Reps:    reps,
		Date:    time.Now().UTC().Format(time.RFC3339),
	}
	for i, p := range precisions {
		m := median(times[i])
		if m <= 0 {
			m = 1e-9 // below the clock's resolution
		}
		c.Seconds[p] = m
	}
	return c, nil
}

// wallClock is the wall-clock in seconds since the process started
// (monotonic).
func wallClock() float64 { return time.Since(processStart).Seconds() }

var processStart = time.Now()

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	n := len(s)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
