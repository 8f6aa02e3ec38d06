package prune

import (
	"math"
	"slices"
	"testing"
)

func TestMaskBasics(t *testing.T) {
	for _, cols := range []int{1, 63, 64, 65, 130} {
		m := NewMask(3, cols)
		m.Set(0, 0)
		m.Set(1, cols-1)
		m.Set(2, cols/2)
		m.Set(2, cols-1)
		if cols == 1 {
			if m.Count() != 3 {
				t.Fatalf("cols 1: count %d", m.Count())
			}
			continue
		}
		if !m.Get(0, 0) || !m.Get(1, cols-1) || m.Get(1, 0) || m.Get(0, cols-1) {
			t.Fatalf("cols %d: Get wrong", cols)
		}
		if got := m.RowCounts(); !slices.Equal(got, []int{1, 1, 2}) {
			t.Fatalf("cols %d: RowCounts %v", cols, got)
		}
		if m.Count() != 4 || m.Sparsity() != 4/float64(3*cols) {
			t.Fatalf("cols %d: count %d sparsity %v", cols, m.Count(), m.Sparsity())
		}
		m.Clear(2, cols-1)
		if m.Get(2, cols-1) || m.Count() != 3 {
			t.Fatalf("cols %d: Clear", cols)
		}
	}
	if NewMask(0, 5).Sparsity() != 0 {
		t.Error("empty mask sparsity")
	}
}

func TestApplyAndMaskOfZeros(t *testing.T) {
	out, in := 5, 70
	w := randWeights(1, out, in)
	m := NewMask(out, in)
	r := newRand(2)
	for k := 0; k < 100; k++ {
		m.Set(r.IntN(out), r.IntN(in))
	}
	orig := slices.Clone(w)
	Apply(w, m)
	for i := 0; i < out; i++ {
		for j := 0; j < in; j++ {
			want := orig[i*in+j]
			if m.Get(i, j) {
				want = 0
			}
			if w[i*in+j] != want {
				t.Fatalf("(%d,%d) = %v, want %v", i, j, w[i*in+j], want)
			}
		}
	}
	if z := MaskOfZeros(w, out, in); !z.Equal(m) {
		t.Fatal("MaskOfZeros differs from the applied mask")
	}
}

func TestIoU(t *testing.T) {
	a, b := NewMask(2, 100), NewMask(2, 100)
	if IoU(a, b) != 1 {
		t.Error("two empty masks")
	}
	for j := 0; j < 10; j++ {
		a.Set(0, j)
		b.Set(0, j+5)
	}
	if got := IoU(a, b); got != 5.0/15 {
		t.Errorf("IoU %v, want 1/3", got)
	}
	if IoU(a, a) != 1 {
		t.Error("IoU(a, a)")
	}
	if RandomMaskIoU(0.5) != 1.0/3 {
		t.Errorf("RandomMaskIoU(0.5) = %v", RandomMaskIoU(0.5))
	}
	// Two independent random masks of sparsity s meet RandomMaskIoU(s).
	r := newRand(3)
	for _, s := range []float64{0.2, 0.5, 0.7} {
		a, b := NewMask(200, 200), NewMask(200, 200)
		for i := 0; i < 200; i++ {
			for j := 0; j < 200; j++ {
				if r.Float64() < s {
					a.Set(i, j)
				}
				if r.Float64() < s {
					b.Set(i, j)
				}
			}
		}
		if got, want := IoU(a, b), RandomMaskIoU(s); math.Abs(got-want) > 0.01 {
			t.Errorf("s=%v: IoU %v, expected %v", s, got, want)
		}
	}
}

func TestSelectSmallest(t *testing.T) {
	r := newRand(4)
	for n := 0; n < 120; n++ {
		for _, order := range []string{"random", "sorted", "reversed", "fewvalues"} {
			keys := make([]uint64, n)
			for i := range keys {
				v := r.Uint32()
				switch order {
				case "sorted":
					v = uint32(i)
				case "reversed":
					v = uint32(n - i)
				case "fewvalues":
					v %= 3
				}
				keys[i] = uint64(v)<<32 | uint64(i)
			}
			want := slices.Sorted(slices.Values(keys))
			for _, k := range []int{0, 1, n / 3, n / 2, n - 1, n} {
				if k < 0 {
					continue
				}
				got := slices.Clone(keys)
				selectSmallest(got, k)
				if k > n {
					continue
				}
				head := slices.Sorted(slices.Values(got[:k]))
				if !slices.Equal(head, want[:k]) {
					t.Fatalf("n=%d %s k=%d: wrong selection", n, order, k)
				}
			}
		}
	}
	big := make([]uint64, 100000)
	for i := range big {
		big[i] = uint64(r.Uint32()%1000)<<32 | uint64(i)
	}
	want := slices.Sorted(slices.Values(big))
	selectSmallest(big, 40000)
	if !slices.Equal(slices.Sorted(slices.Values(big[:40000])), want[:40000]) {
		t.Fatal("large selection wrong")
	}
}

func TestMaskBinary(t *testing.T) {
	for _, size := range [][2]int{{0, 0}, {1, 1}, {3, 64}, {5, 70}} {
		m := NewMask(size[0], size[1])
		r := newRand(5)
		for k := 0; k < size[0]*size[1]/2; k++ {
			m.Set(r.IntN(size[0]), r.IntN(size[1]))
		}
		b, err := m.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var back Mask
		if err := back.UnmarshalBinary(b); err != nil || !back.Equal(m) {
			t.Fatalf("%v: round trip: %v", size, err)
		}
		if len(b) > 24 {
			if err := back.UnmarshalBinary(b[:len(b)-1]); err == nil {
				t.Fatalf("%v: truncated mask accepted", size)
			}
		}
	}
	b, _ := NewMask(2, 3).MarshalBinary()
	b[24] = 0x80 // bit 7 of row 0: beyond 3 columns
	var m Mask
	if err := m.UnmarshalBinary(b); err == nil {
		t.Fatal("padding bit accepted")
	}
}

func FuzzMaskUnmarshal(f *testing.F) {
	m := NewMask(3, 70)
	m.Set(1, 69)
	b, _ := m.MarshalBinary()
	f.Add(b)
	f.Add([]byte("PMSK\x01\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var m Mask
		if err := m.UnmarshalBinary(b); err != nil {
			return
		}
		out, err := m.MarshalBinary()
		if err != nil || string(out) != string(b) {
			t.Fatal("accepted input does not round-trip")
		}
		_ = m.Count()
	})
}
