package storage

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// This file holds the addresses of buckets and objects on this service's
// endpoint; links and public URLs (storage/share) are built on them.

// EscapeKey percent-encodes an object key for a URL path the way S3 expects:
// everything but A-Z a-z 0-9 - . _ ~ and / is escaped, so "+" becomes %2B,
// a space %20 and unicode its UTF-8 bytes.
func EscapeKey(key string) string {
	const hexd = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(key))
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~', c == '/':
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexd[c>>4])
			b.WriteByte(hexd[c&15])
		}
	}
	return b.String()
}

// BucketURL is the base URL of bucket for this service's endpoint and
// addressing style, without a trailing slash: https://bucket.s3.region.amazonaws.com
// on AWS, endpoint[/path-prefix]/bucket for path-style custom endpoints.
func (s *Service) BucketURL(bucket string) (string, error) {
	region := s.awsCfg.Region
	s.mu.Lock()
	if r := s.regions[bucket]; r != "" {
		region = r
	}
	s.mu.Unlock()
	params := s3.EndpointParameters{
		Bucket:         aws.String(bucket),
		Region:         aws.String(region),
		ForcePathStyle: aws.Bool(s.cfg.PathStyle),
	}
	if s.cfg.Endpoint != "" {
		params.Endpoint = aws.String(strings.TrimRight(s.cfg.Endpoint, "/"))
	}
	ep, err := s3.NewDefaultEndpointResolverV2().ResolveEndpoint(context.Background(), params)
	if err != nil {
		return "", &Error{Op: "build a link", Bucket: bucket, Kind: ErrInvalidArgument,
			Msg: fmt.Sprintf("could not build a URL for bucket %q on this endpoint: %s", bucket, scrub(err.Error())), Err: err}
	}
	return strings.TrimRight(ep.URI.String(), "/"), nil
}
