package safetensors

import "fmt"

// DType is a safetensors element type, spelled as in the file header
// ("F32", "BF16", ...).
type DType string

// The element types of the safetensors format. F32, F16, BF16, F64 can be
// read as float32; the others are readable as raw bytes.
const (
	BOOL       DType = "BOOL"
	F4         DType = "F4" // float4 e2m1, two per byte
	F6E2M3     DType = "F6_E2M3"
	F6E3M2     DType = "F6_E3M2"
	U8         DType = "U8"
	I8         DType = "I8"
	F8E5M2     DType = "F8_E5M2"
	F8E4M3     DType = "F8_E4M3"
	F8E8M0     DType = "F8_E8M0"
	F8E4M3FNUZ DType = "F8_E4M3FNUZ"
	F8E5M2FNUZ DType = "F8_E5M2FNUZ"
	I16        DType = "I16"
	U16        DType = "U16"
	F16        DType = "F16"
	BF16       DType = "BF16"
	I32        DType = "I32"
	U32        DType = "U32"
	F32        DType = "F32"
	C64        DType = "C64" // complex64: two float32
	F64        DType = "F64"
	I64        DType = "I64"
	U64        DType = "U64"
)

// dtypeInfo lists every known dtype in the order of the reference
// implementation's enum (increasing alignment). Write lays tensors out by
// descending rank, then by name, as the reference does, so each tensor
// starts at a multiple of its element size.
var dtypeInfo = map[DType]struct{ bits, rank int }{
	BOOL:       {8, 0},
	F4:         {4, 1},
	F6E2M3:     {6, 2},
	F6E3M2:     {6, 3},
	U8:         {8, 4},
	I8:         {8, 5},
	F8E5M2:     {8, 6},
	F8E4M3:     {8, 7},
	F8E8M0:     {8, 8},
	F8E4M3FNUZ: {8, 9},
	F8E5M2FNUZ: {8, 10},
	I16:        {16, 11},
	U16:        {16, 12},
	F16:        {16, 13},
	BF16:       {16, 14},
	I32:        {32, 15},
	U32:        {32, 16},
	F32:        {32, 17},
	C64:        {64, 18},
	F64:        {64, 19},
	I64:        {64, 20},
	U64:        {64, 21},
}

// Known reports whether d is a dtype of the format.
func (d DType) Known() bool {
	_, ok := dtypeInfo[d]
	return ok
}

// Bits is the size of one element in bits (4 or 6 for the packed float
// types), or 0 for an unknown dtype.
func (d DType) Bits() int { return dtypeInfo[d].bits }

// byteSize returns the size in bytes of numel elements of d.
func (d DType) byteSize(numel int) (int, error) {
	bits := d.Bits()
	switch {
	case bits == 0:
		return 0, fmt.Errorf("unknown dtype %q", string(d))
	case numel > maxInt/bits:
		return 0, fmt.Errorf("size of %d %s elements overflows", numel, d)
	case numel*bits%8 != 0:
		return 0, fmt.Errorf("%d %s elements are not a whole number of bytes", numel, d)
	}
	return numel * bits / 8, nil
}

const maxInt = int(^uint(0) >> 1)

// numel multiplies the dimensions of shape, reporting false on a negative
// dimension or an overflow of int.
func numel(shape []int) (int, bool) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, false
		}
		if d != 0 && n > maxInt/d {
			return 0, false
		}
		n *= d
	}
	return n, true
}
