package tmp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/pare-ml/pare/tmp/sampler"
)

// MaxSteps is the most steps a schedule spec may ask for.
const MaxSteps = 1 << 16

// Schedule gives the precision of every denoising step, in sampling order.
type Schedule []Precision

// Uniform is the schedule that runs all steps at p.
func Uniform(p Precision, steps int) Schedule {
	s := make(Schedule, steps)
	for i := range s {
		s[i] = p
	}
	return s
}

// ParseSchedule reads a schedule spec: comma-separated runs "name:count"
// in step order, such as "f32:4,int8:12,f32:4". One run may have the count
// "*" to fill the steps the others leave ("f32:2,int8:*"); a lone name
// ("int8") fills all steps. A JSON array of names (["f32","int8",...]) is
// accepted too. When steps > 0 the schedule must have exactly that many
// steps; steps <= 0 takes the length from the spec (no "*" then).
func ParseSchedule(spec string, steps int) (Schedule, error) {
	spec = strings.TrimSpace(spec)
	if steps > MaxSteps {
		return nil, fmt.Errorf("schedule: %d steps, at most %d", steps, MaxSteps)
	}
	if spec == "" {
		return nil, fmt.Errorf("schedule: empty spec")
	}
	if strings.HasPrefix(spec, "[") {
		var names []string
		if err := json.Unmarshal([]byte(spec), &names); err != nil {
			return nil, fmt.Errorf("schedule: JSON list of precision names: %w", err)
		}
		s := make(Schedule, len(names))
		for i, n := range names {
			p, err := ParsePrecision(n)
			if err != nil {
				return nil, fmt.Errorf("schedule: step %d: %w", i, err)
			}
			s[i] = p
		}
		if steps > 0 && len(s) != steps {
			return nil, fmt.Errorf("schedule: list has %d steps, want %d", len(s), steps)
		}
		if len(s) == 0 {
			return nil, fmt.Errorf("schedule: empty list")
		}
		if len(s) > MaxSteps {
			return nil, fmt.Errorf("schedule: list has %d steps, at most %d", len(s), MaxSteps)
		}
		return s, nil
	}
	parts := strings.Split(spec, ",")
	type run struct {
		p    Precision
		n    int
		fill bool
	}
	runs := make([]run, 0, len(parts))
	total, fills := 0, 0
	for i, part := range parts {
		part = strings.TrimSpace(part)
		name, count, hasCount := strings.Cut(part, ":")
		p, err := ParsePrecision(name)
		if err != nil {
			return nil, fmt.Errorf("schedule %q: run %d: %w", spec, i+1, err)
		}
		r := run{p: p}
		count = strings.TrimSpace(count)
		switch {
		case !hasCount && len(parts) == 1:
			r.fill = true
		case !hasCount:
			return nil, fmt.Errorf("schedule %q: run %d (%q) needs a count: %s:N, or %s:* for the remaining steps", spec, i+1, part, name, name)
		case count == "*":
			r.fill = true
		default:
			n, err := strconv.Atoi(count)
			if err != nil || n <= 0 {
				return nil, fmt.Errorf("schedule %q: run %d: count %q is not a positive integer", spec, i+1, count)
			}
			if n > MaxSteps-total {
				return nil, fmt.Errorf("schedule %q: more than %d steps", spec, MaxSteps)
			}
			r.n = n
			total += n
		}
		if r.fill {
			fills++
		}
		runs = append(runs, r)
	}
	if fills > 1 {
		return nil, fmt.Errorf("schedule %q: more than one run fills the remaining steps", spec)
	}
	if fills == 1 {
		if steps <= 0 {
			return nil, fmt.Errorf("schedule %q: the number of steps is unknown, so no run can fill the rest", spec)
		}
		if total >= steps {
			return nil, fmt.Errorf("schedule %q: counts add up to %d, leaving nothing of %d steps to fill", spec, total, steps)
		}
		for i := range runs {
			if runs[i].fill {
				runs[i].n = steps - total
			}
		}
		total = steps
	}
	if steps > 0 && total != steps {
		return nil, fmt.Errorf("schedule %q: counts add up to %d steps, want %d", spec, total, steps)
	}
	s := make(Schedule, 0, total)
	for _, r := range runs {
		for j := 0; j < r.n; j++ {
			s = append(s, r.p)
		}
	}
	return s, nil
}

// String is the compact spec of s ("f32:4,int8:12,f32:4"), which
// ParseSchedule reads back.
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
		fmt.Fprintf(&b, "%s:%d", precName(s[i]), j-i)
		i = j
	}
	return b.String()
}

// Counts is how many steps run at each precision of ladder; steps at a
// precision not in the ladder are not counted.
func (s Schedule) Counts(ladder []Precision) []int {
	n := make([]int, len(ladder))
	for _, p := range s {
		if i := ladderIndex(ladder, p); i >= 0 {
			n[i]++
		}
	}
	return n
}

// Equal reports whether s and o give every step the same precision.
func (s Schedule) Equal(o Schedule) bool {
	if len(s) != len(o) {
		return false
	}
	for i := range s {
		if s[i] != o[i] {
			return false
		}
	}
	return true
}

// MarshalJSON writes s as a list of precision names.
func (s Schedule) MarshalJSON() ([]byte, error) {
	names := make([]string, len(s))
	for i, p := range s {
		names[i] = precName(p)
	}
	return json.Marshal(names)
}

// UnmarshalJSON reads a list of precision names or a spec string.
func (s *Schedule) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if bytes.Equal(data, []byte("null")) {
		*s = nil
		return nil
	}
	if len(data) > 0 && data[0] == '"' {
		var spec string
		if err := json.Unmarshal(data, &spec); err != nil {
			return err
		}
		v, err := ParseSchedule(spec, 0)
		if err != nil {
			return err
		}
		*s = v
		return nil
	}
	var names []string
	if err := json.Unmarshal(data, &names); err != nil {
		return fmt.Errorf("schedule: %w", err)
	}
	v := make(Schedule, len(names))
	for i, n := range names {
		p, err := ParsePrecision(n)
		if err != nil {
			return fmt.Errorf("schedule: step %d: %w", i, err)
		}
		v[i] = p
	}
	*s = v
	return nil
}

// Hook is the sampler hook that runs step i at s[i] (and steps past the
// end of s at f32), with the patch embedding and the final layer kept at
// f32 when keepFirstLast is set.
func (s Schedule) Hook(keepFirstLast bool) sampler.StepHook {
	return func(step, total int, t float64) sampler.StepConfig {
		c := sampler.StepConfig{KeepFirstLast: keepFirstLast}
		if step >= 0 && step < len(s) {
			c.Precision = s[step]
		}
		return c
	}
}

// Precisions lists the distinct precisions of s in order of first use.
func (s Schedule) Precisions() []Precision {
	var ps []Precision
	for _, p := range s {
		if ladderIndex(ps, p) < 0 {
			ps = append(ps, p)
		}
	}
	return ps
}
