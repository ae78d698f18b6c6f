package bucketconfig

import (
	"context"
	"errors"

	"s3desk/storage"
)

// Website is bucket's static-website configuration (storage.Website).
func (s *Service) Website(ctx context.Context, bucket string) (storage.WebsiteConfig, error) {
	return s.svc.Website(ctx, bucket)
}

// PutWebsite turns website hosting on with c (storage.PutWebsite).
func (s *Service) PutWebsite(ctx context.Context, bucket string, c storage.WebsiteConfig) error {
	return s.svc.PutWebsite(ctx, bucket, c)
}

// DeleteWebsite turns website hosting off.
func (s *Service) DeleteWebsite(ctx context.Context, bucket string) error {
	return s.svc.DeleteWebsite(ctx, bucket)
}

// WebsiteAddress is where the bucket's site can be opened.
type WebsiteAddress struct {
	URL string
	// Endpoint: URL is the provider's website endpoint. Otherwise the
	// provider has none and URL is the index document's public object URL
	// (it works once that object is public); Note says so.
	Endpoint bool
	Note     string
}

// WebsiteAddress is the website URL of bucket, or, where the provider has
// no website endpoint, the public URL of its index document.
func (s *Service) WebsiteAddress(ctx context.Context, bucket, index string) (WebsiteAddress, error) {
	u, err := s.svc.WebsiteURL(ctx, bucket)
	if err == nil {
		return WebsiteAddress{URL: u + "/", Endpoint: true}, nil
	}
	if !errors.Is(err, storage.ErrNoWebsiteEndpoint) {
		return WebsiteAddress{}, err
	}
	if index == "" {
		index = "index.html"
	}
	base, berr := s.svc.BucketURL(bucket)
	if berr != nil {
		return WebsiteAddress{}, berr
	}
	return WebsiteAddress{URL: base + "/" + storage.EscapeKey(index), Note: err.Error()}, nil
}
