// Package scratch recycles float32 work buffers between calls.
//
// Buffers are kept in power-of-two size classes, one sync.Pool each, so a
// request is served by a buffer at least as large and a small buffer put
// back is never handed out (and dropped) where a large one is wanted:
// with one pool for every size, goroutines that take turns asking for
// small and large buffers would allocate and page in fresh large ones
// again and again.
package scratch

import (
	"math/bits"
	"sync"
)

var pools [64]sync.Pool

// class is the size class of n > 0: buffers of class c hold 1<<c values.
func class(n int) int { return bits.Len(uint(n - 1)) }

// F32 returns a buffer of n float32 values with unspecified contents. Give
// it back with PutF32 when done.
func F32(n int) []float32 {
	if n <= 0 {
		return nil
	}
	c := class(n)
	if p, ok := pools[c].Get().(*[]float32); ok {
		return (*p)[:n]
	}
	return make([]float32, n, 1<<c)
}

// PutF32 returns a buffer obtained from F32 for reuse. The caller must not
// use it afterwards. Buffers of other capacities are ignored.
func PutF32(s []float32) {
	c := cap(s)
	if c == 0 || c&(c-1) != 0 {
		return
	}
	s = s[:c]
	pools[class(c)].Put(&s)
}
