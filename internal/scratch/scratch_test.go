package scratch

import "testing"

func TestF32(t *testing.T) {
	if F32(0) != nil {
		t.Fatal("F32(0) is not nil")
	}
	for _, n := range []int{1, 2, 3, 7, 8, 9, 1000, 1 << 20, 1<<20 + 1} {
		s := F32(n)
		if len(s) != n || cap(s) < n || cap(s)&(cap(s)-1) != 0 {
			t.Fatalf("F32(%d): len %d cap %d", n, len(s), cap(s))
		}
		PutF32(s)
	}
	// A small buffer put back never serves a large request.
	PutF32(F32(16))
	if s := F32(4096); len(s) != 4096 || cap(s) < 4096 {
		t.Fatalf("F32(4096): len %d cap %d", len(s), cap(s))
	}
	PutF32(make([]float32, 3)) // not from F32: ignored
	if s := F32(3); cap(s) != 4 {
		t.Fatalf("F32(3): cap %d, want 4", cap(s))
	}
}
