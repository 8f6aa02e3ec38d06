package tmp

import (
	"fmt"

	"github.com/pare-ml/pare/tensor"
)

// Precision is the numeric encoding a denoising step runs at: the
// precision of every Linear of the model in that step. Its text form
// (String, MarshalText) is the name f32, bf16, f16, int8 or int4.
type Precision = tensor.Precision

// Precisions lists every precision pare knows, highest first.
var Precisions = append([]Precision(nil), tensor.Precisions...)

// ParsePrecision reads a precision name (f32, bf16, f16, int8, int4).
func ParsePrecision(s string) (Precision, error) {
	return tensor.ParsePrecision(s)
}

// precName is the name of p in specs, JSON, tables and plots. Every
// conversion of a Precision to text goes through it.
func precName(p Precision) string { return p.String() }

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

// noPrecision is the zero Precision. Since that is f32, "none given"
// and f32 cannot be told apart: an unset SearchOptions.SpeedupVs means
// f32.
const noPrecision = tensor.PrecF32

// precBF16 is the 16-bit precision speed-ups are also reported against.
const precBF16 = tensor.PrecBF16
