package transfer

import (
	"context"
	"sync"
	"time"
)

// RateLimiter caps the bytes per second of every transfer that shares it (the
// Settings window's bandwidth limit). A nil *RateLimiter, or a rate of 0,
// means no limit. It is safe for concurrent use.
type RateLimiter struct {
	mu     sync.Mutex
	rate   float64 // bytes per second; 0 = unlimited
	tokens float64
	last   time.Time
}

// NewRateLimiter returns a limiter of bytesPerSecond (0 = unlimited).
func NewRateLimiter(bytesPerSecond int64) *RateLimiter {
	l := &RateLimiter{}
	l.SetRate(bytesPerSecond)
	return l
}

// SetRate changes the limit; transfers in flight follow it at once.
func (l *RateLimiter) SetRate(bytesPerSecond int64) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if bytesPerSecond < 0 {
		bytesPerSecond = 0
	}
	l.rate = float64(bytesPerSecond)
	l.tokens = 0
	l.last = time.Now()
}

// Rate is the current limit in bytes per second (0 = unlimited).
func (l *RateLimiter) Rate() int64 {
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return int64(l.rate)
}

// WaitN blocks until n bytes may pass, or ctx ends.
func (l *RateLimiter) WaitN(ctx context.Context, n int) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if l == nil || n <= 0 {
		return ctx.Err()
	}
	l.mu.Lock()
	if l.rate == 0 {
		l.mu.Unlock()
		return ctx.Err()
	}
	now := time.Now()
	l.tokens += now.Sub(l.last).Seconds() * l.rate
	// Allow bursts of at most a quarter second's worth.
	if burst := l.rate / 4; l.tokens > burst {
		l.tokens = burst
	}
	l.last = now
	l.tokens -= float64(n)
	var wait time.Duration
	if l.tokens < 0 {
		wait = time.Duration(-l.tokens / l.rate * float64(time.Second))
	}
	l.mu.Unlock()
	if wait <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// maxChunk keeps each wait short so a lowered limit or a cancel acts quickly.
const maxChunk = 32 << 10
