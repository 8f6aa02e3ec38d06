package tmp

import (
	"fmt"
	"strings"
)

// Precision names the numeric encoding a denoising step runs at.
type Precision = string // "f32", "bf16", "f16", "int8", "int4"

// Precisions lists every precision pare knows, highest first.
var Precisions = []Precision{"f32", "bf16", "f16", "int8", "int4"}

// ParsePrecision reads a precision name (f32, bf16, f16, int8, int4).
func ParsePrecision(s string) (Precision, error) {
	for _, p := range Precisions {
		if strings.EqualFold(strings.TrimSpace(s), precName(p)) {
			return p, nil
		}
	}
	return noPrecision, fmt.Errorf("unknown precision %q (have f32, bf16, f16, int8, int4)", s)
}

// precName is the name of p in specs, JSON, tables and plots. Every
// conversion of a Precision to text goes through it.
func precName(p Precision) string { return string(p) }

// checkLadder validates a ladder of precisions: at least one, all known,
// none repeated.
func checkLadder(ladder []Precision) error {
	if len(ladder) == 0 {
		return fmt.Errorf("empty precision ladder")
	}
	for i, p := range ladder {
		if _, err := ParsePrecision(precName(p)); err != nil {
			return fmt.Errorf("ladder: %w", err)
		}
		for _, q := range ladder[:i] {
			if q == p {
				return fmt.Errorf("ladder lists %s twice", precName(p))
			}
		}
	}
	return nil
}

// ladderIndex is the position of p in ladder, or -1.
func ladderIndex(ladder []Precision, p Precision) int {
	for i, q := range ladder {
		if q == p {
			return i
		}
	}
	return -1
}

// noPrecision is the zero Precision, "none given".
var noPrecision Precision

// precBF16 is the 16-bit precision speed-ups are also reported against.
const precBF16 Precision = "bf16"
