package tensor

import (
	"runtime"
	"sync"
)

// Parallel runs fn(i) for i in [0, n) on up to threads goroutines
// (threads <= 0 means GOMAXPROCS). Work items are independent output tiles,
// so results never depend on the thread count. Items are handed out in
// order from a shared counter, which balances uneven tiles.
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
	var (
		mu   sync.Mutex
		next int
		wg   sync.WaitGroup
	)
	take := func() int {
		mu.Lock()
		i := next
		next++
		mu.Unlock()
		return i
	}
	wg.Add(threads)
	for t := 0; t < threads; t++ {
		go func() {
			defer wg.Done()
			for i := take(); i < n; i = take() {
				fn(i)
			}
		}()
	}
	wg.Wait()
}
