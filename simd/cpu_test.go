package simd

import "testing"

func TestParseLevel(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Level
	}{{"generic", Generic}, {"AVX2", AVX2}, {" avx512 ", AVX512}, {"neon", NEON}, {"purego", Generic}} {
		got, err := ParseLevel(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseLevel(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
		if got.String() == "" {
			t.Errorf("empty name for %v", got)
		}
	}
	if _, err := ParseLevel("sse9"); err == nil {
		t.Error("ParseLevel(sse9) succeeded")
	}
}

func TestLevelsAndSetLevel(t *testing.T) {
	ls := Levels()
	if len(ls) == 0 || ls[0] != Generic {
		t.Fatalf("Levels() = %v, want Generic first", ls)
	}
	if ls[len(ls)-1] != Detected().Level {
		t.Fatalf("Levels() = %v, last should be detected level %v", ls, Detected().Level)
	}
	before := CPU
	for _, l := range ls {
		restore := SetLevel(l)
		if CPU.Level != l {
			t.Errorf("SetLevel(%v): CPU.Level = %v", l, CPU.Level)
		}
		if l == Generic && (CPU.FMA || CPU.AVX512VNNI || CPU.AVX512BF16 || CPU.ASIMDDP) {
			t.Errorf("generic level keeps features: %+v", CPU)
		}
		if l == AVX2 && (CPU.AVX512VNNI || CPU.AVX512BF16) {
			t.Errorf("avx2 level keeps AVX-512 features: %+v", CPU)
		}
		restore()
		if CPU != before {
			t.Fatalf("restore after %v: CPU = %+v, want %+v", l, CPU, before)
		}
	}
	// A level above the hardware (or of another architecture) falls back to generic.
	restore := SetLevel(NEON)
	if Detected().Level != NEON && CPU.Level != Generic {
		t.Errorf("SetLevel(NEON) on %v gave %v", Detected().Level, CPU.Level)
	}
	restore()
}
