package report

import (
	"context"
	"time"

	"s3desk/storage"
	"s3desk/storage/share"
)

// SharedReport is how a published report can be opened by others.
type SharedReport struct {
	// URL is the index page's address to hand out: its public URL, or a
	// presigned link (Expires set).
	URL     string
	Expires time.Time
	// Public says how the folder was made public (zero for presigned).
	Public share.PublicResult
	// Verified: the index page opened with an anonymous request.
	Verified bool
}

// ShareMonthly makes the report's folder public the provider-aware way
// (object ACLs, else, only with allowPolicy, a bucket-policy statement for
// the folder) and checks anonymously that the index page opens. Without
// consent where a policy is needed the error wraps share.ErrConsentRequired:
// ask, then call again with allowPolicy, or ShareMonthlyPresigned.
func (s *Service) ShareMonthly(ctx context.Context, m MonthlyReport, allowPolicy bool) (SharedReport, error) {
	pub, err := s.MakePublic(ctx, m.Bucket, m.Prefix, share.PublicOptions{AllowPolicy: allowPolicy})
	if err != nil {
		return SharedReport{}, err
	}
	url, err := s.PublicURL(m.Bucket, m.Index.Key)
	if err != nil {
		return SharedReport{}, err
	}
	if _, err := s.VerifyPublic(ctx, url); err != nil {
		return SharedReport{URL: url, Public: pub}, err
	}
	return SharedReport{URL: url, Public: pub, Verified: true}, nil
}

// ShareMonthlyPresigned is the way when the folder cannot or should not be
// public: index.html is rewritten with presigned links valid for expiry,
// and a presigned link to it is returned. The files stay private.
func (s *Service) ShareMonthlyPresigned(ctx context.Context, m MonthlyReport, expiry time.Duration) (SharedReport, error) {
	page, err := s.BuildIndex(ctx, m.Bucket, IndexOptions{Prefix: m.Prefix, Links: IndexPresignedLinks, Expiry: expiry, Title: m.Index.Title})
	if err != nil {
		return SharedReport{}, err
	}
	if _, err := s.PublishIndex(ctx, page, PublishOptions{}); err != nil {
		return SharedReport{}, err
	}
	left := time.Until(page.LinksExpire).Truncate(time.Second)
	if left <= 0 {
		left = time.Second
	}
	l, err := s.PresignGet(ctx, m.Bucket, page.Key, share.ShareOptions{Expiry: min(left, expiry)})
	if err != nil {
		return SharedReport{}, err
	}
	return SharedReport{URL: l.URL, Expires: l.Expires}, nil
}

// ListBuckets is the account's buckets, to choose where a report goes.
func (s *Service) ListBuckets(ctx context.Context) ([]storage.Bucket, error) {
	return s.Storage().ListBuckets(ctx)
}

// CreateBucket makes the bucket a report is published to.
func (s *Service) CreateBucket(ctx context.Context, name string, opts storage.CreateBucketOptions) error {
	return s.Storage().CreateBucket(ctx, name, opts)
}
