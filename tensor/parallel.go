package tensor

import (
	"runtime"
	"sync/atomic"
)

// Parallel runs fn(i) for i in [0, n) on up to threads goroutines
// (threads <= 0 means GOMAXPROCS). Work items are independent output tiles,
// so results never depend on the thread count. Items are handed out in
// order from a shared counter, which balances uneven tiles.
//
// The calling goroutine works through the items too, and Parallel returns
// as soon as every item has finished: it does not wait for a helper
// goroutine that has not been scheduled yet (on a loaded machine that can
// take a whole time slice); such a helper finds no item left and exits.
func Parallel(n, threads int, fn func(i int)) {
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	if threads > n {
		threads = n
	}
	if threads <= 1 {
		for i := 0; i < n; i++ {
			fn(i)
		}
		return
	}
	var next, left atomic.Int64
	left.Store(int64(n))
	done := make(chan struct{})
	work := func() {
		for {
			i := next.Add(1) - 1
			if i >= int64(n) {
				return
			}
			fn(int(i))
			if left.Add(-1) == 0 {
				close(done)
			}
		}
	}
	for t := 1; t < threads; t++ {
		go work()
	}
	work()
	<-done
}
