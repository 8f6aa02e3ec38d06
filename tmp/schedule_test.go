package tmp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseSchedule(t *testing.T) {
	for _, tc := range []struct {
		spec  string
		steps int
		want  string // String() of the result, or "error: substring"
	}{
		{"f32:4,int8:12,f32:4", 20, "f32:4,int8:12,f32:4"},
		{"f32:4,int8:12,f32:4", 0, "f32:4,int8:12,f32:4"},
		{" f32 : 2 , int8:* ", 5, "f32:2,int8:3"},
		{"int8", 3, "int8:3"},
		{"INT8:*", 3, "int8:3"},
		{"f32:1,f32:2", 3, "f32:3"},
		{`["f32","bf16","bf16"]`, 3, "f32:1,bf16:2"},
		{`["f32","bf16"]`, 0, "f32:1,bf16:1"},
		{"", 3, "error: empty"},
		{"f32:4,int8:12", 20, "error: add up to 16 steps, want 20"},
		{"f32:4,int3:12", 16, "error: unknown precision \"int3\""},
		{"f32:x", 1, "error: not a positive integer"},
		{"f32:0,int8:*", 4, "error: not a positive integer"},
		{"f32:-1,int8:*", 4, "error: not a positive integer"},
		{"f32,int8", 4, "error: needs a count"},
		{"f32:*,int8:*", 4, "error: more than one"},
		{"int8:*", 0, "error: number of steps is unknown"},
		{"int8", 0, "error: number of steps is unknown"},
		{"f32:4,int8:*", 4, "error: leaving nothing"},
		{`["f32","x"]`, 2, "error: step 1"},
		{`["f32"]`, 2, "error: list has 1 steps, want 2"},
		{`["f32"`, 1, "error: JSON"},
		{`[]`, 0, "error: empty list"},
		{"f32:65536,int8:1", 0, "error: more than 65536 steps"},
		{"f32:9223372036854775807,int8:9223372036854775807", 0, "error: more than"},
		{"f32", 1 << 20, "error: at most"},
	} {
		s, err := ParseSchedule(tc.spec, tc.steps)
		if want, ok := strings.CutPrefix(tc.want, "error: "); ok {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("ParseSchedule(%q, %d) = %v, %v; want error with %q", tc.spec, tc.steps, s, err, want)
			}
			continue
		}
		if err != nil || s.String() != tc.want {
			t.Errorf("ParseSchedule(%q, %d) = %v, %v; want %s", tc.spec, tc.steps, s, err, tc.want)
		}
	}
}

func TestScheduleJSON(t *testing.T) {
	s, _ := ParseSchedule("f32:2,int4:1", 3)
	data, err := json.Marshal(s)
	if err != nil || string(data) != `["f32","f32","int4"]` {
		t.Fatalf("%s %v", data, err)
	}
	var back Schedule
	if err := json.Unmarshal(data, &back); err != nil || !back.Equal(s) {
		t.Fatalf("%v %v", back, err)
	}
	if err := json.Unmarshal([]byte(`"f32:2,int4:1"`), &back); err != nil || !back.Equal(s) {
		t.Fatalf("spec string: %v %v", back, err)
	}
	if err := json.Unmarshal([]byte(`["f32","q7"]`), &back); err == nil {
		t.Fatal("bad name accepted")
	}
	if got := s.Counts([]Precision{pF32, pBF16, pInt4}); fmt.Sprint(got) != "[2 0 1]" {
		t.Fatalf("counts %v", got)
	}
	if Schedule(nil).String() != "" || !Uniform(pF32, 2).Equal(Schedule{pF32, pF32}) || Uniform(pF32, 2).Equal(s) {
		t.Fatal("String/Equal")
	}
}

func FuzzParseSchedule(f *testing.F) {
	for _, s := range []string{"f32:4,int8:12,f32:4", "int8", "f32:1,bf16:*", `["f32","int4"]`, "f16:3,", ":,:"} {
		f.Add(s, 8)
	}
	f.Fuzz(func(t *testing.T, spec string, steps int) {
		if steps > 1000 {
			steps %= 1000
		}
		s, err := ParseSchedule(spec, steps)
		if err != nil {
			return
		}
		if steps > 0 && len(s) != steps {
			t.Fatalf("%q: %d steps, want %d", spec, len(s), steps)
		}
		back, err := ParseSchedule(s.String(), len(s))
		if err != nil || !back.Equal(s) {
			t.Fatalf("%q -> %s -> %v %v", spec, s, back, err)
		}
	})
}

func TestProfile(t *testing.T) {
	prof := CostProfile{Seconds: map[Precision]float64{pF32: 4, pBF16: 2, pInt8: 1}, Model: "tiny-dit", Batch: 2}
	s, _ := ParseSchedule("f32:2,int8:2", 4)
	if got := prof.PredictedSpeedup(s, pF32); got != 16.0/10 {
		t.Fatalf("speed-up %v", got)
	}
	if got := prof.PredictedSpeedup(s, pBF16); got != 8.0/10 {
		t.Fatalf("speed-up vs bf16 %v", got)
	}
	if got := prof.PredictedSpeedup(Uniform(pInt4, 2), pF32); got != 0 {
		t.Fatalf("missing precision: %v", got)
	}
	if err := prof.Check([]Precision{pF32, pInt4}); err == nil {
		t.Fatal("Check missed int4")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "profile.json")
	if err := prof.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := LoadProfile(path)
	if err != nil || back.Seconds[pBF16] != 2 || back.Model != "tiny-dit" || back.Batch != 2 {
		t.Fatalf("%+v %v", back, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("leftover files: %v", entries)
	}
	for _, bad := range []string{`{"seconds":{"f32":0}}`, `{"seconds":{"f33":1}}`, `{"seconds":{"f32":-1}}`, `[`} {
		os.WriteFile(path, []byte(bad), 0o644)
		if _, err := LoadProfile(path); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if err := prof.Save(filepath.Join(dir, "missing", "p.json")); err == nil {
		t.Fatal("save into a missing folder")
	}
}

func TestMeasure(t *testing.T) {
	calls := map[Precision]int{}
	step := func(p Precision) error {
		calls[p]++
		x := 0.0
		n := 20000
		if p == pF32 {
			n = 200000
		}
		for i := 0; i < n; i++ {
			x += math.Sqrt(float64(i))
		}
		if x < 0 {
			return errors.New("unreachable")
		}
		return nil
	}
	prof, err := Measure(context.Background(), step, []Precision{pF32, pInt8}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if calls[pF32] != 6 || calls[pInt8] != 6 || prof.Reps != 5 || prof.Date == "" {
		t.Fatalf("calls %v, %+v", calls, prof)
	}
	if !(prof.Seconds[pF32] > 0) || !(prof.Seconds[pInt8] > 0) {
		t.Fatalf("%+v", prof.Seconds)
	}
	_, err = Measure(context.Background(), func(p Precision) error { return errors.New("no kernel") }, []Precision{pInt4}, 1)
	if err == nil || !strings.Contains(err.Error(), "int4") {
		t.Fatalf("err %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Measure(ctx, step, []Precision{pF32}, 1); err == nil {
		t.Fatal("cancelled context")
	}
	if median([]float64{3, 1, 2}) != 2 || median([]float64{4, 1, 2, 3}) != 2.5 {
		t.Fatal("median")
	}
}

func TestCacheAndQualityJSON(t *testing.T) {
	n := 0
	ev := EvaluatorFunc(func(_ context.Context, s Schedule) (Quality, error) {
		n++
		if s[0] == pInt4 {
			return Quality{SSIM: math.NaN()}, nil
		}
		return Quality{SSIM: 1, PSNR: math.Inf(1), Seconds: 1}, nil
	})
	c := NewCache(ev)
	if NewCache(c) != c {
		t.Fatal("NewCache of a Cache")
	}
	for i := 0; i < 3; i++ {
		if _, err := c.Evaluate(context.Background(), Uniform(pF32, 2)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Evaluate(context.Background(), Uniform(pInt4, 2)); err == nil {
		t.Fatal("NaN SSIM accepted")
	}
	if c.Runs() != 1 || n != 2 {
		t.Fatalf("runs %d calls %d", c.Runs(), n)
	}
	q, ok := c.Lookup(Uniform(pF32, 2))
	if !ok {
		t.Fatal("lookup")
	}
	data, err := json.Marshal(q)
	if err != nil || !strings.Contains(string(data), `"psnr":"inf"`) {
		t.Fatalf("%s %v", data, err)
	}
	var back Quality
	if err := json.Unmarshal(data, &back); err != nil || !math.IsInf(back.PSNR, 1) || back.SSIM != 1 {
		t.Fatalf("%+v %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"ssim":0.9,"psnr":31.5}`), &back); err != nil || back.PSNR != 31.5 {
		t.Fatalf("%+v %v", back, err)
	}
}
