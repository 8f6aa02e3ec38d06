package tensor

import (
	"fmt"
	"math"
	"sync"

	"github.com/pare-ml/pare/simd"
)

// Int4Weights is a weight matrix [N out, K in] quantized to 4 bits with one
// symmetric scale per group of Group consecutive inputs of a row (ggml's
// q4_0 design, 32 being the usual group):
//
//	W[j][k] ≈ float32(q)·Scale[j*(K/Group) + k/Group]
//
// where q in [-8, 7] is stored as the unsigned nibble q+8 (offset binary),
// two per byte, low nibble first: Packed[(j*K+k)/2] holds k even in bits
// 0-3 and k odd in bits 4-7. QuantizeInt4 uses scale = max|w|/7 over the
// group and q = RoundToEven(w·7/max|w|), so its codes lie in [-7, 7]; -8 is
// accepted when read.
//
// Like Int8Weights, the GEMM reads a packed copy made once; Packed and
// Scale must not change after that.
type Int4Weights struct {
	N, K, Group int
	Packed      []byte    // N·K/2 bytes
	Scale       []float32 // N·(K/Group) group scales, row-major

	once   sync.Once
	panels []byte // simd.PackS4B layout
}

// QuantizeInt4 quantizes the n×k row-major matrix w per group of group
// inputs. k must be a multiple of group and group a positive even number;
// w must be finite.
func QuantizeInt4(w []float32, n, k, group int) (*Int4Weights, error) {
	if err := checkInt4Shape(n, k, group); err != nil {
		return nil, err
	}
	if len(w) != n*k {
		return nil, fmt.Errorf("tensor: QuantizeInt4: %d values for a %d×%d matrix", len(w), n, k)
	}
	ng := k / group
	q := &Int4Weights{N: n, K: k, Group: group, Packed: make([]byte, n*k/2), Scale: make([]float32, n*ng)}
	for j := 0; j < n; j++ {
		for g := 0; g < ng; g++ {
			x := w[j*k+g*group : j*k+(g+1)*group]
			var amax float32
			for i, v := range x {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					return nil, fmt.Errorf("tensor: QuantizeInt4: w[%d][%d] = %g is not finite", j, g*group+i, v)
				}
				amax = max(amax, float32(math.Abs(float64(v))))
			}
			var scale, inv float32
			if amax > 0 {
				scale, inv = amax/7, 7/amax
			}
			q.Scale[j*ng+g] = scale
			for i, v := range x {
				var c float64
				switch {
				case amax == 0:
				case math.IsInf(float64(inv), 0): // amax below ~2e-38
					c = math.RoundToEven(float64(v) * 7 / float64(amax))
				default:
					c = math.RoundToEven(float64(v * inv))
				}
				c = max(-8, min(7, c))
				at := j*k + g*group + i
				q.Packed[at/2] |= byte(int(c)+8) << (4 * (at % 2))
			}
		}
	}
	q.pack()
	return q, nil
}

func checkInt4Shape(n, k, group int) error {
	switch {
	case n < 0 || k < 0:
		return fmt.Errorf("tensor: int4: bad shape %d×%d", n, k)
	case group <= 0 || group%2 != 0:
		return fmt.Errorf("tensor: int4: group %d is not a positive even number", group)
	case k%group != 0:
		return fmt.Errorf("tensor: int4: k=%d is not a multiple of group %d", k, group)
	}
	return nil
}

// Validate checks that the slices match N, K and Group.
func (w *Int4Weights) Validate() error {
	if err := checkInt4Shape(w.N, w.K, w.Group); err != nil {
		return err
	}
	if len(w.Packed) != w.N*w.K/2 || len(w.Scale) != w.N*(w.K/w.Group) {
		return fmt.Errorf("tensor: int4: %d bytes and %d scales for %d×%d in groups of %d",
			len(w.Packed), len(w.Scale), w.N, w.K, w.Group)
	}
	return nil
}

// Dequantize returns the n×k float32 matrix q·scale.
func (w *Int4Weights) Dequantize() []float32 {
	out := make([]float32, w.N*w.K)
	ng := w.K / w.Group
	for j := 0; j < w.N; j++ {
		for i := 0; i < w.K; i++ {
			at := j*w.K + i
			q := int(w.Packed[at/2]>>(4*(at%2))&15) - 8
			out[at] = float32(q) * w.Scale[j*ng+i/w.Group]
		}
	}
	return out
}

// pack builds the packed panels once; it panics if Validate fails.
func (w *Int4Weights) pack() {
	w.once.Do(func() {
		if err := w.Validate(); err != nil {
			panic(err)
		}
		w.panels = make([]byte, simd.S4Panels(w.N)*simd.S4PanelLen(w.K, w.Group))
		simd.PackS4B(w.panels, w.Packed, w.Scale, w.N, w.K, w.Group)
	})
}
