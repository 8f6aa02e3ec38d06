package sampler

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pare-ml/pare/tensor"
)

// Schedule is a precision per denoising step, first step (noisiest) first.
type Schedule []tensor.Precision

// ParseSchedule reads a schedule for steps steps: either one precision
// name for every step ("int8") or runs of NAME:COUNT separated by commas
// whose counts add up to steps ("f32:4,int8:12,f32:4").
func ParseSchedule(spec string, steps int) (Schedule, error) {
	spec = strings.TrimSpace(spec)
	if steps <= 0 {
		return nil, fmt.Errorf("schedule %q: steps must be positive, have %d", spec, steps)
	}
	if spec == "" {
		return nil, fmt.Errorf("empty schedule (want a precision such as f32 or runs such as f32:4,int8:12)")
	}
	if !strings.ContainsAny(spec, ":,") {
		p, err := tensor.ParsePrecision(spec)
		if err != nil {
			return nil, fmt.Errorf("schedule: %w", err)
		}
		s := make(Schedule, steps)
		for i := range s {
			s[i] = p
		}
		return s, nil
	}
	var s Schedule
	for _, run := range strings.Split(spec, ",") {
		name, count, ok := strings.Cut(strings.TrimSpace(run), ":")
		if !ok {
			return nil, fmt.Errorf("schedule %q: run %q is not NAME:COUNT", spec, run)
		}
		p, err := tensor.ParsePrecision(name)
		if err != nil {
			return nil, fmt.Errorf("schedule %q: %w", spec, err)
		}
		c, err := strconv.Atoi(strings.TrimSpace(count))
		if err != nil || c <= 0 {
			return nil, fmt.Errorf("schedule %q: count %q of %s is not a positive integer", spec, count, name)
		}
		if len(s)+c > steps {
			return nil, fmt.Errorf("schedule %q covers more than the %d steps", spec, steps)
		}
		for ; c > 0; c-- {
			s = append(s, p)
		}
	}
	if len(s) != steps {
		return nil, fmt.Errorf("schedule %q covers %d steps, want %d", spec, len(s), steps)
	}
	return s, nil
}

// String writes the schedule as runs, "f32:4,int8:12,f32:4".
func (s Schedule) String() string {
	var b strings.Builder
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] == s[i] {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%v:%d", s[i], j-i)
		i = j
	}
	return b.String()
}

// Hook returns a StepHook that runs step i at s[i] (f32 beyond the end)
// with the given KeepFirstLast.
func (s Schedule) Hook(keepFirstLast bool) StepHook {
	return func(step, total int, t float64) StepConfig {
		c := StepConfig{KeepFirstLast: keepFirstLast}
		if step < len(s) {
			c.Precision = s[step]
		}
		return c
	}
}

// Precisions lists the distinct precisions of s in order of appearance.
func (s Schedule) Precisions() []tensor.Precision {
	var ps []tensor.Precision
	for _, p := range s {
		seen := false
		for _, q := range ps {
			seen = seen || q == p
		}
		if !seen {
			ps = append(ps, p)
		}
	}
	return ps
}
