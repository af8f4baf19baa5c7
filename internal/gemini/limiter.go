package gemini

import (
	"context"
	"sync"
	"time"
)

// limiter spaces requests of all goroutines at least interval apart: a token bucket of
// capacity one, refilled every interval. A waiter reserves its slot before sleeping, so
// concurrent waiters queue up in order without a thundering herd.
type limiter struct {
	interval time.Duration
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error

	mu   sync.Mutex
	next time.Time // earliest start of the next request
}

// newLimiter returns a limiter for rpm requests per minute, or nil (no limit) for rpm <= 0.
func newLimiter(rpm int) *limiter {
	if rpm <= 0 {
		return nil
	}
	return &limiter{interval: time.Minute / time.Duration(rpm), now: time.Now, sleep: sleepCtx}
}

// wait blocks until the caller may send a request, or ctx ends. A nil limiter never waits.
func (l *limiter) wait(ctx context.Context) error {
	if l == nil {
		return ctx.Err()
	}
	l.mu.Lock()
	now := l.now()
	slot := l.next
	if slot.Before(now) {
		slot = now
	}
	l.next = slot.Add(l.interval)
	l.mu.Unlock()
	if d := slot.Sub(now); d > 0 {
		return l.sleep(ctx, d)
	}
	return ctx.Err()
}

// sleepCtx sleeps for d or until ctx ends, returning ctx's error in the latter case.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-t.C:
		return nil
	}
}
