package storage

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go/middleware"

	"s3desk/storage/internal/verify"
)

// The one retry policy of every request the app sends: the S3 client, the
// transfer manager (which calls through that client) and the presign
// client (made from it; presigning itself sends nothing).
//
// The SDK's standard retryer already retries HTTP 500, 502, 503 and 504,
// the codes SlowDown, RequestTimeout and the other throttling codes, and
// connection errors (resets, refused, timeouts). Added here: the codes
// InternalError and ServiceUnavailable sent with another status by some
// S3-compatible servers, and a response cut off while the SDK read it
// (io.ErrUnexpectedEOF). Object bodies are read after the call returns;
// the download path retries those itself (storage/transfer/download.go).
const (
	retryMaxAttempts = 10
	// Throttling backs off from 1 s, other errors from 50 ms, doubling per
	// attempt with full jitter, at most this long.
	retryMaxBackoff = 8 * time.Second
)

var extraRetryableCodes = map[string]struct{}{
	"InternalError":      {},
	"ServiceUnavailable": {},
	"RequestTimeout":     {},
}

// newRetryer is the retry policy. The client-wide retry token bucket is
// off: with eight files of four parts each in flight, a throttling server
// would drain its 500 tokens and fail transfers that the next attempt
// would have carried; MaxAttempts and the backoff bound the work instead.
func newRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = retryMaxAttempts
		o.MaxBackoff = retryMaxBackoff
		o.RateLimiter = ratelimit.None
		o.Retryables = append(o.Retryables,
			retry.RetryableErrorCode{Codes: extraRetryableCodes},
			retry.IsErrorRetryableFunc(func(err error) aws.Ternary {
				if errors.Is(err, io.ErrUnexpectedEOF) {
					return aws.TrueTernary
				}
				return aws.UnknownTernary
			}))
	})
}

// addRetryCounting is an SDK stack option: a middleware around the retry
// loop adds the attempts after the first of each operation to the
// transfer's counter when the context carries one. Stacks without a retry
// loop (presigning) are left alone.
func addRetryCounting(stack *middleware.Stack) error {
	if _, ok := stack.Finalize.Get("Retry"); !ok {
		return nil
	}
	return stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("S3DeskCountRetries",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			out, md, err := next.HandleFinalize(ctx, in)
			if n, ok := verify.RetryCounter(ctx); ok {
				if res, ok := retry.GetAttemptResults(md); ok && len(res.Results) > 1 {
					n.Add(int64(len(res.Results) - 1))
				}
			}
			return out, md, err
		}), "Retry", middleware.Before)
}
