package sampler

import "github.com/pare-ml/pare/tensor"

// testSchedule is a precision per step for the tests (package tmp holds
// the real Schedule, which imports this package).
type testSchedule []tensor.Precision

// Hook runs step i at s[i] (f32 beyond the end).
func (s testSchedule) Hook(keepFirstLast bool) StepHook {
	return func(step, total int, t float64) StepConfig {
		c := StepConfig{KeepFirstLast: keepFirstLast}
		if step < len(s) {
			c.Precision = s[step]
		}
		return c
	}
}
