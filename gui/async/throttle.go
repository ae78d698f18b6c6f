package async

import (
	"sync"
	"time"
)

// Every is how often progress reaches the UI: about ten times a second.
const Every = 100 * time.Millisecond

// Throttle hands values to a UI function at most once per interval. The
// last value pushed is always delivered: a value that arrives too soon is
// kept and delivered when the interval ends, unless a newer one replaces it.
// Push is safe from any goroutine; call Flush when the work ends, before
// showing its result, so no late progress lands after the result.
type Throttle[T any] struct {
	every   time.Duration
	ui      func(func())
	deliver func(T)

	mu      sync.Mutex
	last    time.Time
	val     T
	pending bool
	timer   *time.Timer
}

// NewThrottle delivers pushed values to deliver through ui (Jobs.Do) at most
// once per every.
func NewThrottle[T any](every time.Duration, ui func(func()), deliver func(T)) *Throttle[T] {
	return &Throttle[T]{every: every, ui: ui, deliver: deliver}
}

// Push offers v; it is delivered now, or at the end of the interval if no
// newer value comes first.
func (t *Throttle[T]) Push(v T) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.val, t.pending = v, true
	if t.timer != nil {
		return // the pending timer delivers the newest value
	}
	wait := t.every - time.Since(t.last)
	if wait <= 0 {
		t.deliverLocked()
		return
	}
	t.timer = time.AfterFunc(wait, t.fire)
}

func (t *Throttle[T]) fire() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.timer = nil
	if t.pending {
		t.deliverLocked()
	}
}

// Flush delivers a value still waiting for its interval now.
func (t *Throttle[T]) Flush() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.timer != nil {
		t.timer.Stop()
		t.timer = nil
	}
	if t.pending {
		t.deliverLocked()
	}
}

// deliverLocked hands the value to the UI while holding the lock, so values
// reach the UI queue in the order they were taken.
func (t *Throttle[T]) deliverLocked() {
	v := t.val
	var zero T
	t.val, t.pending = zero, false
	t.last = time.Now()
	t.ui(func() { t.deliver(v) })
}
