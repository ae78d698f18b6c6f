package transfer

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"
)

func TestRateLimiterPacesReads(t *testing.T) {
	l := NewRateLimiter(400 << 10) // 400 KiB/s
	src := bytes.NewReader(make([]byte, 200<<10))
	start := time.Now()
	n, err := io.Copy(io.Discard, paced(context.Background(), l, src))
	took := time.Since(start)
	if err != nil || n != 200<<10 {
		t.Fatalf("copied %d, %v", n, err)
	}
	// 200 KiB at 400 KiB/s is 0.5 s, less the initial burst allowance
	// (0.25 s); a missing limit would take microseconds.
	if took < 200*time.Millisecond {
		t.Fatalf("200 KiB at 400 KiB/s took only %v", took)
	}
}

func TestRateLimiterZeroAndNilMeanUnlimited(t *testing.T) {
	var nilL *RateLimiter
	for _, l := range []*RateLimiter{nilL, NewRateLimiter(0)} {
		start := time.Now()
		n, err := io.Copy(io.Discard, paced(context.Background(), l, bytes.NewReader(make([]byte, 8<<20))))
		if err != nil || n != 8<<20 {
			t.Fatalf("copied %d, %v", n, err)
		}
		if time.Since(start) > 2*time.Second {
			t.Fatal("an unlimited reader was slowed down")
		}
	}
}

func TestRateLimiterStopsOnCancel(t *testing.T) {
	l := NewRateLimiter(1 << 10) // 1 KiB/s: 1 MiB would take ~17 minutes
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err := io.Copy(io.Discard, paced(ctx, l, bytes.NewReader(make([]byte, 1<<20))))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
}

// paced reads r the way an upload body leaves: through countBody, which
// applies the limiter.
func paced(ctx context.Context, l *RateLimiter, r io.Reader) io.Reader {
	return &countBody{ReadCloser: io.NopCloser(r), add: func(int64) {}, ctx: ctx, limit: l}
}
