package tensor

import (
	"sync/atomic"
	"testing"
)

func TestParallelRunsEveryItemOnce(t *testing.T) {
	for _, threads := range []int{0, 1, 2, 3, 16} {
		for _, n := range []int{0, 1, 2, 7, 100} {
			counts := make([]int32, n)
			Parallel(n, threads, func(i int) { atomic.AddInt32(&counts[i], 1) })
			for i, c := range counts {
				if c != 1 {
					t.Fatalf("threads=%d n=%d: item %d ran %d times", threads, n, i, c)
				}
			}
		}
	}
}

func TestTensorShape(t *testing.T) {
	x := New(2, 3, 4)
	if x.Numel() != 24 || x.Rows() != 6 || x.Cols() != 4 || x.Dim(-1) != 4 || x.Dim(0) != 2 {
		t.Fatalf("shape helpers wrong for %v", x)
	}
	x.F32[5] = 7
	if x.Row(1)[1] != 7 {
		t.Fatal("Row does not view the data")
	}
	y := x.Reshape(6, 4)
	if y.Row(1)[1] != 7 || y.String() != "f32[6,4]" {
		t.Fatalf("Reshape: %v", y)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("FromF32 with a wrong shape did not panic")
		}
	}()
	FromF32(make([]float32, 5), 2, 3)
}

// TestParallelWaitsForItems: Parallel returns only after every item has
// finished, even those still running on a helper goroutine.
func TestParallelWaitsForItems(t *testing.T) {
	for range 50 {
		var finished atomic.Int32
		Parallel(8, 4, func(i int) {
			for j := 0; j < 2000*(i+1); j++ {
				_ = j * j
			}
			finished.Add(1)
		})
		if f := finished.Load(); f != 8 {
			t.Fatalf("returned with %d of 8 items finished", f)
		}
	}
}
