package simd

import (
	"fmt"
	"os"
	"strings"
)

// Level is an instruction-set level. Higher levels imply the lower ones on
// the same architecture.
type Level int

const (
	// Generic is the portable Go code path.
	Generic Level = iota
	// AVX2 is amd64 with AVX2, FMA and F16C.
	AVX2
	// AVX512 is amd64 with AVX-512 F, BW, DQ and VL.
	AVX512
	// NEON is arm64 Advanced SIMD.
	NEON
)

func (l Level) String() string {
	switch l {
	case Generic:
		return "generic"
	case AVX2:
		return "avx2"
	case AVX512:
		return "avx512"
	case NEON:
		return "neon"
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

// ParseLevel parses the names used by PARE_SIMD.
func ParseLevel(s string) (Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "generic", "purego", "none":
		return Generic, nil
	case "avx2":
		return AVX2, nil
	case "avx512":
		return AVX512, nil
	case "neon":
		return NEON, nil
	}
	return Generic, fmt.Errorf("simd: unknown level %q (want generic, avx2, avx512 or neon)", s)
}

// Features is what the running CPU offers and pare will use. A feature the
// chosen Level excludes is reported as false.
type Features struct {
	Level Level

	// amd64
	FMA        bool // VFMADD231PS
	F16C       bool // VCVTPH2PS / VCVTPS2PH
	AVX512VNNI bool // VPDPBUSD on zmm/ymm (EVEX)
	AVXVNNI    bool // VPDPBUSD on ymm (VEX)
	AVX512BF16 bool // VDPBF16PS

	// arm64
	ASIMDDP bool // SDOT / UDOT
	ASIMDHP bool // half-precision arithmetic
	I8MM    bool // SMMLA / USMMLA
}

// CPU is the feature set chosen at initialisation. Read it, never write it
// (tests use SetLevel).
var CPU Features

// detected is what the hardware offers before any PARE_SIMD cap.
var detected Features

// EnvVar names the environment variable that caps the SIMD level.
const EnvVar = "PARE_SIMD"

func init() {
	detected = detect()
	CPU = detected
	if s, ok := os.LookupEnv(EnvVar); ok && s != "" {
		l, err := ParseLevel(s)
		if err != nil {
			fmt.Fprintf(os.Stderr, "pare: %v; using %s\n", err, detected.Level)
			return
		}
		CPU = capped(detected, l)
	}
}

// Detected returns what the hardware and build offer, ignoring PARE_SIMD.
func Detected() Features { return detected }

// Levels returns the levels this binary can run on this CPU, lowest first.
// Tests loop over it to check every dispatch path.
func Levels() []Level {
	ls := []Level{Generic}
	switch detected.Level {
	case AVX512:
		ls = append(ls, AVX2, AVX512)
	case AVX2:
		ls = append(ls, AVX2)
	case NEON:
		ls = append(ls, NEON)
	}
	return ls
}

// SetLevel caps the active level at l and returns a function that restores
// the previous features. It is meant for tests and benchmarks and is not
// safe to call while kernels run in other goroutines.
func SetLevel(l Level) (restore func()) {
	old := CPU
	CPU = capped(detected, l)
	return func() { CPU = old }
}

// capped lowers f to level l. Asking for a level the machine lacks (or of
// another architecture) gives Generic.
func capped(f Features, l Level) Features {
	if l == f.Level {
		return f
	}
	switch {
	case l == Generic,
		l == NEON, f.Level == NEON, // different architectures: only generic is common
		l > f.Level:
		return Features{Level: Generic}
	case l == AVX2: // f.Level == AVX512
		return Features{Level: AVX2, FMA: f.FMA, F16C: f.F16C, AVXVNNI: f.AVXVNNI}
	}
	return Features{Level: Generic}
}
