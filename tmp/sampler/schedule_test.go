package sampler

import (
	"strings"
	"testing"

	"github.com/pare-ml/pare/tensor"
)

func TestParseSchedule(t *testing.T) {
	good := []struct {
		spec  string
		steps int
		want  string
	}{
		{"f32", 3, "f32:3"},
		{" INT8 ", 2, "int8:2"},
		{"f32:4,int8:12,f32:4", 20, "f32:4,int8:12,f32:4"},
		{"bf16:1, int4:2 ,f16:1", 4, "bf16:1,int4:2,f16:1"},
		{"int8:2,int8:3", 5, "int8:5"},
	}
	for _, c := range good {
		s, err := ParseSchedule(c.spec, c.steps)
		if err != nil {
			t.Errorf("%q: %v", c.spec, err)
			continue
		}
		if len(s) != c.steps || s.String() != c.want {
			t.Errorf("%q: %v (%d steps), want %s", c.spec, s, len(s), c.want)
		}
	}
	bad := []struct {
		spec  string
		steps int
		want  string
	}{
		{"", 4, "empty schedule"},
		{"f64", 4, `unknown precision "f64"`},
		{"f32:2,int8:1", 4, "covers 3 steps, want 4"},
		{"f32:2,int8:3", 4, "covers more than the 4 steps"},
		{"f32:2,int8", 4, `run "int8" is not NAME:COUNT`},
		{"f32:0,int8:4", 4, "not a positive integer"},
		{"f32:x", 4, "not a positive integer"},
		{"f32", 0, "steps must be positive"},
	}
	for _, c := range bad {
		_, err := ParseSchedule(c.spec, c.steps)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q for %d steps: error %v, want %q", c.spec, c.steps, err, c.want)
		}
	}
	s, _ := ParseSchedule("int4:1,f32:1,int4:1", 3)
	if ps := s.Precisions(); len(ps) != 2 || ps[0] != tensor.PrecInt4 || ps[1] != tensor.PrecF32 {
		t.Errorf("Precisions() = %v", ps)
	}
	if c := s.Hook(false)(5, 6, 0.1); c.Precision != tensor.PrecF32 {
		t.Errorf("step past the end runs at %v", c.Precision)
	}
}

func FuzzParseSchedule(f *testing.F) {
	f.Add("f32:4,int8:12,f32:4", 20)
	f.Add("int4", 3)
	f.Add(",:,", 1)
	f.Fuzz(func(t *testing.T, spec string, steps int) {
		if steps > 1<<16 {
			return
		}
		s, err := ParseSchedule(spec, steps)
		if err != nil {
			return
		}
		if len(s) != steps {
			t.Fatalf("%q: %d steps, want %d", spec, len(s), steps)
		}
		again, err := ParseSchedule(s.String(), steps)
		if err != nil || again.String() != s.String() {
			t.Fatalf("%q: %v does not round-trip: %v %v", spec, s, again, err)
		}
	})
}
