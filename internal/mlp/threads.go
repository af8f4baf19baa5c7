package mlp

import (
	"runtime"
	"sync"
)

// defaultThreads is the number of goroutines used when Config.Threads is 0.
func defaultThreads() int { return runtime.GOMAXPROCS(0) }

// parallel calls fn on up to threads disjoint, contiguous ranges that cover [0, n), each
// from its own goroutine, and returns when all have returned. Ranges of fewer than grain
// items are not split further.
func parallel(threads, n, grain int, fn func(lo, hi int)) {
	parts := min(threads, n/max(grain, 1))
	if parts <= 1 {
		if n > 0 {
			fn(0, n)
		}
		return
	}
	var wg sync.WaitGroup
	for t := range parts {
		wg.Go(func() { fn(n*t/parts, n*(t+1)/parts) })
	}
	wg.Wait()
}
