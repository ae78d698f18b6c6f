package verify

import (
	"context"
	"sync/atomic"
)

// BodyAttempts bounds the GETs of one object body (small files) or one
// part (the transfer manager's PartBodyMaxRetries) that break off or fail
// their checksum after the SDK handed the response over.
const BodyAttempts = 5

// retryCounterKey carries a transfer's retry counter in its context.
type retryCounterKey struct{}

// WithRetryCounter returns ctx carrying n: every request made with it that
// is sent again adds one to n.
func WithRetryCounter(ctx context.Context, n *atomic.Int64) context.Context {
	return context.WithValue(ctx, retryCounterKey{}, n)
}

// RetriesIn is the count of retried requests of ctx's transfer.
func RetriesIn(ctx context.Context) int {
	if n, ok := ctx.Value(retryCounterKey{}).(*atomic.Int64); ok {
		return int(n.Load())
	}
	return 0
}

// AddRetryCount counts a retry of a body read that the download path
// does itself (the SDK's retryer never sees those).
func AddRetryCount(ctx context.Context) {
	if n, ok := ctx.Value(retryCounterKey{}).(*atomic.Int64); ok {
		n.Add(1)
	}
}

// RetryCounter is the retry counter ctx carries, if any.
func RetryCounter(ctx context.Context) (*atomic.Int64, bool) {
	n, ok := ctx.Value(retryCounterKey{}).(*atomic.Int64)
	return n, ok
}
