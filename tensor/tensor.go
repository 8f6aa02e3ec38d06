package tensor

import (
	"fmt"
	"strings"
)

// DType is the element type of a Tensor.
type DType uint8

const (
	F32  DType = iota // float32
	F16               // IEEE half, stored as raw uint16 bits
	BF16              // bfloat16, stored as raw uint16 bits
	I8                // int8 with a float32 scale per row
	I4                // int4, two per byte (low nibble first), a float32 scale per group
)

func (d DType) String() string {
	switch d {
	case F32:
		return "f32"
	case F16:
		return "f16"
	case BF16:
		return "bf16"
	case I8:
		return "int8"
	case I4:
		return "int4"
	}
	return fmt.Sprintf("DType(%d)", uint8(d))
}

// Tensor is a contiguous, row-major array. Exactly one of the data fields
// is used, chosen by DType. Quantized tensors (I8, I4) treat the last
// dimension as the row and keep their scales beside the values.
type Tensor struct {
	DType DType
	Shape []int

	F32    []float32 // F32
	U16    []uint16  // F16, BF16 bit patterns
	I8     []int8    // I8 values
	Packed []byte    // I4 values, two per byte, low nibble first

	// Scales: I8 one per row; I4 one per GroupSize consecutive values of a row.
	Scales    []float32
	GroupSize int
}

// New returns a zeroed f32 tensor of the given shape.
func New(shape ...int) *Tensor {
	return &Tensor{DType: F32, Shape: append([]int(nil), shape...), F32: make([]float32, numel(shape))}
}

// FromF32 wraps data (not copied) as an f32 tensor. It panics if the shape
// does not match len(data): that is a programming error, not bad input.
func FromF32(data []float32, shape ...int) *Tensor {
	if numel(shape) != len(data) {
		panic(fmt.Sprintf("tensor: shape %v needs %d values, have %d", shape, numel(shape), len(data)))
	}
	return &Tensor{DType: F32, Shape: append([]int(nil), shape...), F32: data}
}

// Numel is the number of elements.
func (t *Tensor) Numel() int { return numel(t.Shape) }

// Dim returns the size of dimension i; negative i counts from the end.
func (t *Tensor) Dim(i int) int {
	if i < 0 {
		i += len(t.Shape)
	}
	return t.Shape[i]
}

// Rows and Cols view the tensor as a matrix whose rows are the last
// dimension.
func (t *Tensor) Rows() int {
	if len(t.Shape) == 0 {
		return 1
	}
	return t.Numel() / t.Shape[len(t.Shape)-1]
}

// Cols is the size of the last dimension.
func (t *Tensor) Cols() int {
	if len(t.Shape) == 0 {
		return 1
	}
	return t.Shape[len(t.Shape)-1]
}

// Row returns row i of an f32 tensor viewed as a matrix (not a copy).
func (t *Tensor) Row(i int) []float32 {
	c := t.Cols()
	return t.F32[i*c : (i+1)*c]
}

// Reshape returns a view with a new shape and the same data.
func (t *Tensor) Reshape(shape ...int) *Tensor {
	if numel(shape) != t.Numel() {
		panic(fmt.Sprintf("tensor: cannot reshape %v to %v", t.Shape, shape))
	}
	u := *t
	u.Shape = append([]int(nil), shape...)
	return &u
}

func (t *Tensor) String() string {
	dims := make([]string, len(t.Shape))
	for i, d := range t.Shape {
		dims[i] = fmt.Sprint(d)
	}
	return fmt.Sprintf("%s[%s]", t.DType, strings.Join(dims, ","))
}

func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}
