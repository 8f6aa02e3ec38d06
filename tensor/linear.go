package tensor

import (
	"fmt"
	"strings"
	"sync"

	"github.com/pare-ml/pare/simd"
)

// Precision is a numeric encoding a Linear can run.
type Precision uint8

const (
	PrecF32  Precision = iota // f32 weights and activations, FMA GEMM
	PrecBF16                  // bf16 weights and activations, f32 accumulation
	PrecF16                   // f16 weights converted on the fly, f32 activations
	PrecInt8                  // W8A8: int8 per-channel weights, int8 per-token activations
	PrecInt4                  // W4A8: int4 weights in groups of 32, int8 per-token activations
)

// Precisions lists every precision, highest first.
var Precisions = []Precision{PrecF32, PrecBF16, PrecF16, PrecInt8, PrecInt4}

func (p Precision) String() string {
	switch p {
	case PrecF32:
		return "f32"
	case PrecBF16:
		return "bf16"
	case PrecF16:
		return "f16"
	case PrecInt8:
		return "int8"
	case PrecInt4:
		return "int4"
	}
	return fmt.Sprintf("Precision(%d)", uint8(p))
}

// ParsePrecision reads a precision name (f32, bf16, f16, int8, int4).
func ParsePrecision(s string) (Precision, error) {
	for _, p := range Precisions {
		if strings.EqualFold(strings.TrimSpace(s), p.String()) {
			return p, nil
		}
	}
	return 0, fmt.Errorf("unknown precision %q (have f32, bf16, f16, int8, int4)", s)
}

// Int4Group is the group size of int4 weights.
const Int4Group = 32

// Linear is y = x·Wᵀ + b with W laid out [Out, In] like a PyTorch Linear.
// It keeps the f32 weights and, once prepared, any lower-precision
// encodings of them, so that the precision can change from one call to the
// next at no cost. Encodings are built lazily on first use (or ahead with
// Prepare) and dropped by Invalidate after W changes.
type Linear struct {
	Out, In int
	W       []float32 // [Out*In]
	Bias    []float32 // [Out] or nil

	mu   sync.Mutex
	bf16 *BF16Weights
	f16  []uint16
	i8   *Int8Weights
	i4   *Int4Weights
}

// NewLinear wraps w ([out*in], not copied) and bias ([out] or nil).
func NewLinear(w, bias []float32, out, in int) *Linear {
	if len(w) != out*in {
		panic(fmt.Sprintf("tensor: Linear weight has %d values, want %d×%d", len(w), out, in))
	}
	if bias != nil && len(bias) != out {
		panic(fmt.Sprintf("tensor: Linear bias has %d values, want %d", len(bias), out))
	}
	return &Linear{Out: out, In: in, W: w, Bias: bias}
}

// Prepare builds the encodings for ps now rather than on first use.
func (l *Linear) Prepare(ps ...Precision) error {
	for _, p := range ps {
		if err := l.prepare(p); err != nil {
			return err
		}
	}
	return nil
}

func (l *Linear) prepare(p Precision) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch p {
	case PrecF32:
	case PrecBF16:
		if l.bf16 == nil {
			l.bf16 = ToBF16Weights(l.W, l.Out, l.In)
		}
	case PrecF16:
		if l.f16 == nil {
			h := make([]uint16, len(l.W))
			simd.F32ToF16(h, l.W)
			l.f16 = h
		}
	case PrecInt8:
		if l.i8 == nil {
			l.i8 = QuantizeInt8(l.W, l.Out, l.In)
		}
	case PrecInt4:
		if l.i4 == nil {
			if l.In%Int4Group != 0 {
				return fmt.Errorf("tensor: int4 needs the input size (%d) to be a multiple of %d", l.In, Int4Group)
			}
			w, err := QuantizeInt4(l.W, l.Out, l.In, Int4Group)
			if err != nil {
				return err
			}
			l.i4 = w
		}
	default:
		return fmt.Errorf("tensor: unknown precision %v", p)
	}
	return nil
}

// Invalidate drops the derived encodings; call it after changing W.
func (l *Linear) Invalidate() {
	l.mu.Lock()
	l.bf16, l.f16, l.i8, l.i4 = nil, nil, nil, nil
	l.mu.Unlock()
}

// Supports reports whether the layer can run at precision p.
func (l *Linear) Supports(p Precision) bool {
	return p != PrecInt4 || l.In%Int4Group == 0
}

// Forward computes dst[rows, Out] = x[rows, In]·Wᵀ + b at precision p.
// A precision the layer cannot run (int4 with In not a multiple of 32)
// falls back to int8.
func (l *Linear) Forward(dst, x []float32, rows int, p Precision) {
	l.MatMul(dst, x, rows, p)
	if l.Bias != nil {
		for r := 0; r < rows; r++ {
			simd.Add(dst[r*l.Out:(r+1)*l.Out], dst[r*l.Out:(r+1)*l.Out], l.Bias)
		}
	}
}

// MatMul is Forward without the bias: dst[rows, Out] = x[rows, In]·Wᵀ at
// precision p, for callers that add the bias in a pass of their own (fused
// with an activation or a residual update).
func (l *Linear) MatMul(dst, x []float32, rows int, p Precision) {
	if len(x) < rows*l.In || len(dst) < rows*l.Out {
		panic(fmt.Sprintf("tensor: Linear %d→%d: x has %d values, dst %d, for %d rows", l.In, l.Out, len(x), len(dst), rows))
	}
	if rows == 0 {
		return
	}
	if !l.Supports(p) {
		p = PrecInt8
	}
	if err := l.prepare(p); err != nil {
		panic(err) // unreachable: Supports checked the only failing case
	}
	switch p {
	case PrecF32:
		GemmF32(rows, l.Out, l.In, x, l.In, l.W, l.In, dst, l.Out)
	case PrecBF16:
		GemmBF16(rows, x, l.In, l.bf16, dst, l.Out)
	case PrecF16:
		gemmF16(rows, l.Out, l.In, x, l.f16, dst)
	case PrecInt8:
		GemmInt8(rows, x, l.In, l.i8, dst, l.Out)
	case PrecInt4:
		GemmInt4(rows, x, l.In, l.i4, dst, l.Out)
	}
}

// f16Chunk is the number of weight rows converted to f32 at a time when
// decoding; a product of several rows converts f16ChunkValues weights (at
// least f16Chunk rows) at a time.
const (
	f16Chunk       = 64
	f16ChunkValues = 1 << 20
)

// gemmF16 computes C = A·Wᵀ with W in f16: each chunk of weight rows is
// converted to f32 (F16C / NEON) and multiplied with the f32 GEMM, which
// writes its columns of C in place.
func gemmF16(m, n, k int, a []float32, w []uint16, c []float32) {
	if m == 1 {
		// Decoding: convert and dot row by row, in parallel over rows.
		chunks := (n + f16Chunk - 1) / f16Chunk
		Parallel(chunks, 0, func(ci int) {
			buf := make([]float32, k)
			for j := ci * f16Chunk; j < min(n, (ci+1)*f16Chunk); j++ {
				simd.F16ToF32(buf, w[j*k:(j+1)*k])
				c[j] = simd.Dot(a[:k], buf)
			}
		})
		return
	}
	rowsPer := max(f16Chunk, f16ChunkValues/max(k, 1))
	buf := getF32(min(n, rowsPer) * k)
	defer putF32(buf)
	for j0 := 0; j0 < n; j0 += rowsPer {
		nb := min(rowsPer, n-j0)
		simd.F16ToF32(buf[:nb*k], w[j0*k:(j0+nb)*k])
		GemmF32(m, nb, k, a, k, buf, k, c[j0:], n)
	}
}

// MarshalText writes the precision's name, so JSON holds "int8", not 3.
func (p Precision) MarshalText() ([]byte, error) {
	if int(p) >= len(Precisions) {
		return nil, fmt.Errorf("tensor: unknown precision %d", uint8(p))
	}
	return []byte(p.String()), nil
}

// UnmarshalText reads a precision name.
func (p *Precision) UnmarshalText(b []byte) error {
	q, err := ParsePrecision(string(b))
	if err != nil {
		return err
	}
	*p = q
	return nil
}
