package prune

import (
	"encoding/binary"
	"fmt"
	"math/bits"
)

// Mask marks the pruned (zeroed) weights of a Linear weight W [Rows, Cols]
// (PyTorch layout: one row per output, Cols = inputs). A set bit means
// pruned. Each row starts on a fresh 64-bit word, so rows can be written by
// different goroutines and a 4096x14336 mask takes 7 MiB.
type Mask struct {
	Rows, Cols int
	stride     int // words per row
	bits       []uint64
}

// NewMask returns a mask of rows x cols with nothing pruned.
func NewMask(rows, cols int) Mask {
	if rows < 0 || cols < 0 {
		panic(fmt.Sprintf("prune: NewMask(%d, %d)", rows, cols))
	}
	stride := (cols + 63) / 64
	return Mask{Rows: rows, Cols: cols, stride: stride, bits: make([]uint64, rows*stride)}
}

// MaskOfZeros returns the mask of the weights of w [out, in] that are zero:
// the sparsity a pruned layer actually has.
func MaskOfZeros(w []float32, out, in int) Mask {
	checkLen("MaskOfZeros", w, out, in)
	m := NewMask(out, in)
	for i := 0; i < out; i++ {
		for j, v := range w[i*in : (i+1)*in] {
			if v == 0 {
				m.Set(i, j)
			}
		}
	}
	return m
}

// Get reports whether weight (i, j) is pruned.
func (m Mask) Get(i, j int) bool {
	m.checkIndex(i, j)
	return m.bits[i*m.stride+j>>6]>>(j&63)&1 != 0
}

// Set marks weight (i, j) as pruned.
func (m Mask) Set(i, j int) {
	m.checkIndex(i, j)
	m.bits[i*m.stride+j>>6] |= 1 << (j & 63)
}

// Clear marks weight (i, j) as kept.
func (m Mask) Clear(i, j int) {
	m.checkIndex(i, j)
	m.bits[i*m.stride+j>>6] &^= 1 << (j & 63)
}

func (m Mask) checkIndex(i, j int) {
	if uint(i) >= uint(m.Rows) || uint(j) >= uint(m.Cols) {
		panic(fmt.Sprintf("prune: mask index (%d, %d) outside %dx%d", i, j, m.Rows, m.Cols))
	}
}

// row returns the words of row i.
func (m Mask) row(i int) []uint64 { return m.bits[i*m.stride : (i+1)*m.stride] }

// RowCount is the number of pruned weights in row i.
func (m Mask) RowCount(i int) int {
	n := 0
	for _, w := range m.row(i) {
		n += bits.OnesCount64(w)
	}
	return n
}

// RowCounts returns the number of pruned weights of every row.
func (m Mask) RowCounts() []int {
	c := make([]int, m.Rows)
	for i := range c {
		c[i] = m.RowCount(i)
	}
	return c
}

// Count is the number of pruned weights.
func (m Mask) Count() int {
	n := 0
	for _, w := range m.bits {
		n += bits.OnesCount64(w)
	}
	return n
}

// Sparsity is the pruned fraction of the weights (0 for an empty mask).
func (m Mask) Sparsity() float64 {
	if m.Rows*m.Cols == 0 {
		return 0
	}
	return float64(m.Count()) / float64(m.Rows*m.Cols)
}

// Equal reports whether a and b have the same shape and prune the same weights.
func (m Mask) Equal(b Mask) bool {
	if m.Rows != b.Rows || m.Cols != b.Cols {
		return false
	}
	for i, w := range m.bits {
		if w != b.bits[i] {
			return false
		}
	}
	return true
}

// Apply zeroes the weights of w that m marks as pruned. w is [m.Rows, m.Cols]
// row-major; a length mismatch is a programming error and panics.
func Apply(w []float32, m Mask) {
	checkLen("Apply", w, m.Rows, m.Cols)
	for i := 0; i < m.Rows; i++ {
		row := w[i*m.Cols : (i+1)*m.Cols]
		for k, word := range m.row(i) {
			for word != 0 {
				b := bits.TrailingZeros64(word)
				row[k*64+b] = 0
				word &= word - 1
			}
		}
	}
}

// IoU is the intersection over union of the pruned sets of a and b, the
// mask-overlap measure between calibration languages. Two masks that prune
// nothing are identical and get 1. The shapes must match (else it panics).
func IoU(a, b Mask) float64 {
	if a.Rows != b.Rows || a.Cols != b.Cols {
		panic(fmt.Sprintf("prune: IoU of a %dx%d and a %dx%d mask", a.Rows, a.Cols, b.Rows, b.Cols))
	}
	inter, union := 0, 0
	for i, x := range a.bits {
		y := b.bits[i]
		inter += bits.OnesCount64(x & y)
		union += bits.OnesCount64(x | y)
	}
	if union == 0 {
		return 1
	}
	return float64(inter) / float64(union)
}

// RandomMaskIoU is the expected IoU of two independent random masks that
// each prune the fraction s of the weights: s²/(2s − s²) = s/(2 − s),
// 1/3 at s = 0.5. It is the chance level for IoU between calibration
// languages.
func RandomMaskIoU(s float64) float64 { return s / (2 - s) }

func checkLen(op string, w []float32, out, in int) {
	if out < 0 || in < 0 || len(w) != out*in {
		panic(fmt.Sprintf("prune: %s: %d weights for a %dx%d layer", op, len(w), out, in))
	}
}

// maskMagic starts a mask's binary form.
const maskMagic = "PMSK\x01\x00\x00\x00"

// MarshalBinary writes m as "PMSK", a version byte (1) and three zero
// bytes, rows and cols as little-endian uint64, then each row as
// ceil(cols/64) little-endian uint64 words, bit j%64 of word j/64 set for a
// pruned weight.
func (m Mask) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 24+8*len(m.bits))
	b = append(b, maskMagic...)
	b = binary.LittleEndian.AppendUint64(b, uint64(m.Rows))
	b = binary.LittleEndian.AppendUint64(b, uint64(m.Cols))
	for _, w := range m.bits {
		b = binary.LittleEndian.AppendUint64(b, w)
	}
	return b, nil
}

// UnmarshalBinary reads the form MarshalBinary writes, checking it whole:
// a wrong header, size or set padding bit is an error.
func (m *Mask) UnmarshalBinary(b []byte) error {
	if len(b) < 24 || string(b[:8]) != maskMagic {
		return fmt.Errorf("prune mask: not a version-1 mask (%d bytes)", len(b))
	}
	rows := binary.LittleEndian.Uint64(b[8:])
	cols := binary.LittleEndian.Uint64(b[16:])
	const limit = 1 << 40
	stride := (cols + 63) / 64
	if rows > limit || cols > limit || (rows > 0 && stride > limit/rows) || uint64(len(b)-24) != 8*rows*stride {
		return fmt.Errorf("prune mask: %d bytes of data for %dx%d", len(b)-24, rows, cols)
	}
	nm := NewMask(int(rows), int(cols))
	for k := range nm.bits {
		nm.bits[k] = binary.LittleEndian.Uint64(b[24+8*k:])
	}
	if tail := cols % 64; tail != 0 {
		for i := 0; i < nm.Rows; i++ {
			if nm.bits[(i+1)*nm.stride-1]>>tail != 0 {
				return fmt.Errorf("prune mask: row %d has bits beyond column %d", i, cols)
			}
		}
	}
	*m = nm
	return nil
}
