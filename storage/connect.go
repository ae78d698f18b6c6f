package storage

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// CheckConnection makes one cheap signed call (ListBuckets) and answers in plain words what is wrong: ErrInvalidAccessKey
// (unknown key ID), ErrSignatureMismatch (wrong secret), ErrEndpoint (nothing
// answers there), ErrClockSkew (RequestTimeTooSkewed), ErrTLS (certificate or
// http/https mix-up). A key that is valid but may not list buckets
// (AccessDenied) counts as connected: the service verified the signature
// before it refused, and the key may still reach its own buckets.
func (s *Service) CheckConnection(ctx context.Context) error {
	_, err := s.client.ListBuckets(ctx, &s3.ListBucketsInput{}, func(o *s3.Options) {
		// Fail fast: a connection test should not sit through the retry
		// back-off the SDK uses for real work.
		o.RetryMaxAttempts = 2
	})
	if err == nil {
		s.log.Info("connection checked", "endpoint", s.cfg.Endpoint, "region", s.Region())
		return nil
	}
	mapped := mapErr("connect", "", "", err)
	s.log.Info("connection check failed", "endpoint", s.cfg.Endpoint, "region", s.Region(),
		"error", mapped.Error(), "cause", scrub(err.Error()))
	if errors.Is(mapped, ErrAccessDenied) {
		s.log.Info("connected, but this key may not list buckets", "endpoint", s.cfg.Endpoint)
		return nil
	}
	return mapped
}
