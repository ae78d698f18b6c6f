package storage

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// This file is a bucket's static-website hosting: its configuration (read,
// put, remove) and the address the provider serves the website at.

// ErrNoWebsiteEndpoint: the provider serves no static-website endpoint
// (Wasabi, Backblaze B2, Cloudflare R2, MinIO, versitygw, ...), so there is
// no website URL to give; use the public URL of the index document instead.
// It is also ErrNotSupported.
var ErrNoWebsiteEndpoint = fmt.Errorf("no website endpoint: %w", ErrNotSupported)

// WebsiteConfig is a bucket's static-website configuration. The zero value
// (Enabled false) is a bucket without one.
type WebsiteConfig struct {
	Enabled bool
	// IndexDocument is the suffix served for a folder ("index.html").
	IndexDocument string
	// ErrorDocument is the key served on an error ("error.html"); optional.
	ErrorDocument string
	// RedirectAllTo, when set, redirects every request to this host name
	// (the configuration then has no documents).
	RedirectAllTo *types.RedirectAllRequestsTo
	// RoutingRules are kept as read, so that saving the documents does not
	// drop rules made elsewhere.
	RoutingRules []types.RoutingRule
}

const websiteFeature = "static website hosting"

// Website reads bucket's static-website configuration; Enabled is false
// when it has none. A service without websites answers ErrNotSupported.
func (s *Service) Website(ctx context.Context, bucket string) (WebsiteConfig, error) {
	out, err := s.client.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: aws.String(bucket)}, s.bucketOpts(bucket)...)
	if err != nil {
		var api smithy.APIError
		if errors.As(err, &api) && api.ErrorCode() == "NoSuchWebsiteConfiguration" {
			return WebsiteConfig{}, nil
		}
		return WebsiteConfig{}, MapFeatureError("read the website settings", websiteFeature, bucket, err)
	}
	c := WebsiteConfig{Enabled: true, RedirectAllTo: out.RedirectAllRequestsTo, RoutingRules: out.RoutingRules}
	if out.IndexDocument != nil {
		c.IndexDocument = aws.ToString(out.IndexDocument.Suffix)
	}
	if out.ErrorDocument != nil {
		c.ErrorDocument = aws.ToString(out.ErrorDocument.Key)
	}
	return c, nil
}

// Validate says in words what is wrong with c for PutWebsite.
func (c WebsiteConfig) Validate() error {
	if c.RedirectAllTo != nil {
		if aws.ToString(c.RedirectAllTo.HostName) == "" {
			return errors.New("a redirect of all requests needs a host name")
		}
		return nil
	}
	switch {
	case strings.TrimSpace(c.IndexDocument) == "":
		return errors.New("the index document is empty; name the page served for a folder, such as index.html")
	case strings.Contains(c.IndexDocument, "/"):
		return fmt.Errorf("the index document %q contains a \"/\"; it is a file name (index.html) served in every folder", c.IndexDocument)
	}
	return nil
}

// PutWebsite turns on (or changes) bucket's static-website hosting with c.
// c.Enabled is ignored: use DeleteWebsite to turn hosting off.
func (s *Service) PutWebsite(ctx context.Context, bucket string, c WebsiteConfig) error {
	const op = "save the website settings"
	if err := c.Validate(); err != nil {
		return &Error{Op: op, Bucket: bucket, Kind: ErrInvalidArgument, Msg: op + ": " + err.Error(), Err: err}
	}
	wc := &types.WebsiteConfiguration{RedirectAllRequestsTo: c.RedirectAllTo}
	if c.RedirectAllTo == nil {
		wc.IndexDocument = &types.IndexDocument{Suffix: aws.String(strings.TrimSpace(c.IndexDocument))}
		if e := strings.TrimSpace(c.ErrorDocument); e != "" {
			wc.ErrorDocument = &types.ErrorDocument{Key: aws.String(e)}
		}
		wc.RoutingRules = c.RoutingRules
	}
	_, err := s.client.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: aws.String(bucket), WebsiteConfiguration: wc}, s.bucketOpts(bucket)...)
	var api smithy.APIError
	if errors.As(err, &api) && api.ErrorCode() == "MalformedXML" {
		// The SDK wrote a configuration Validate accepted: a server that
		// calls it malformed does not know website configurations (MinIO
		// answers every PutBucketWebsite so).
		return &Error{Op: op, Bucket: bucket, Code: api.ErrorCode(), Kind: ErrNotSupported, Err: err,
			Msg: op + ": this server does not implement " + websiteFeature + " (it refused a valid website configuration)"}
	}
	return MapFeatureError(op, websiteFeature, bucket, err)
}

// DeleteWebsite turns bucket's static-website hosting off.
func (s *Service) DeleteWebsite(ctx context.Context, bucket string) error {
	_, err := s.client.DeleteBucketWebsite(ctx, &s3.DeleteBucketWebsiteInput{Bucket: aws.String(bucket)}, s.bucketOpts(bucket)...)
	return MapFeatureError("turn off website hosting", websiteFeature, bucket, err)
}

// HasWebsite reports whether the bucket has a static-website configuration;
// false, not an error, when the service does not implement websites.
func (s *Service) HasWebsite(ctx context.Context, bucket string) (bool, error) {
	c, err := s.Website(ctx, bucket)
	if errors.Is(err, ErrNotSupported) {
		return false, nil
	}
	return c.Enabled, err
}

// WebsiteURL is the address where the provider serves bucket's static
// website (whether or not hosting is on; see Website). On AWS it learns the
// bucket's region first. A provider without website endpoints answers an
// error wrapping ErrNoWebsiteEndpoint: the caller then uses the public URL
// of the index document.
func (s *Service) WebsiteURL(ctx context.Context, bucket string) (string, error) {
	s.LearnRegion(ctx, bucket)
	u, err := WebsiteURLFor(s.cfg.Endpoint, s.KnownRegion(bucket), bucket)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.Bucket = bucket
		}
		return "", err
	}
	return u, nil
}

// websiteDash are the AWS regions whose website endpoint is
// s3-website-REGION (a dash); all others use s3-website.REGION (a dot).
// From the AWS General Reference, "Amazon S3 website endpoints".
var websiteDash = map[string]bool{
	"us-east-1": true, "us-west-1": true, "us-west-2": true,
	"ap-southeast-1": true, "ap-southeast-2": true, "ap-northeast-1": true,
	"eu-west-1": true, "sa-east-1": true, "us-gov-west-1": true,
}

// noWebsite are providers known to have no static-website endpoint, by the
// end of their endpoint's host name.
var noWebsite = []struct{ host, name, instead string }{
	{"wasabisys.com", "Wasabi", "Wasabi does not host static websites"},
	{"backblazeb2.com", "Backblaze B2", "B2 serves public buckets at its download URL (f000.backblazeb2.com/file/BUCKET/), not as websites"},
	{"r2.cloudflarestorage.com", "Cloudflare R2", "R2 serves public buckets through an r2.dev address or a custom domain set in the Cloudflare dashboard"},
	{"digitaloceanspaces.com", "DigitalOcean Spaces", "Spaces serves public files through its CDN endpoint"},
	{"storage.googleapis.com", "Google Cloud Storage", "Cloud Storage serves websites only through a custom domain"},
}

// WebsiteURLFor is the static-website address of bucket on the service at
// endpoint ("" for AWS) in region, without a trailing slash:
//
//   - AWS: http://BUCKET.s3-website-REGION.amazonaws.com for the older
//     regions (websiteDash), http://BUCKET.s3-website.REGION.amazonaws.com
//     for the others, and .amazonaws.com.cn in China;
//   - Scaleway: https://BUCKET.s3-website.REGION.scw.cloud;
//   - Linode (Akamai) Object Storage: http://BUCKET.website-CLUSTER.linodeobjects.com.
//
// Other endpoints (Wasabi, B2, R2, MinIO, versitygw, Ceph, ...) answer an
// *Error wrapping ErrNoWebsiteEndpoint.
func WebsiteURLFor(endpoint, region, bucket string) (string, error) {
	host := ""
	if endpoint != "" {
		u, err := url.Parse(endpoint)
		if err != nil || u.Hostname() == "" {
			return "", &Error{Op: "build the website address", Kind: ErrInvalidArgument,
				Msg: fmt.Sprintf("build the website address: the endpoint %q is not a URL", endpoint), Err: err}
		}
		host = strings.ToLower(u.Hostname())
	}
	switch {
	case host == "" || host == "amazonaws.com" || strings.HasSuffix(host, ".amazonaws.com") || strings.HasSuffix(host, ".amazonaws.com.cn"):
		if region == "" {
			region = DefaultRegion
		}
		domain := ".amazonaws.com"
		if strings.HasPrefix(region, "cn-") {
			domain = ".amazonaws.com.cn"
		}
		sep := "."
		if websiteDash[region] {
			sep = "-"
		}
		return "http://" + bucket + ".s3-website" + sep + region + domain, nil
	case strings.HasSuffix(host, ".scw.cloud"):
		// s3.REGION.scw.cloud
		if r, ok := strings.CutPrefix(strings.TrimSuffix(host, ".scw.cloud"), "s3."); ok && r != "" && !strings.Contains(r, ".") {
			return "https://" + bucket + ".s3-website." + r + ".scw.cloud", nil
		}
		if region != "" {
			return "https://" + bucket + ".s3-website." + region + ".scw.cloud", nil
		}
	case strings.HasSuffix(host, ".linodeobjects.com"):
		// CLUSTER.linodeobjects.com (or BUCKET.CLUSTER.linodeobjects.com)
		parts := strings.Split(strings.TrimSuffix(host, ".linodeobjects.com"), ".")
		if c := parts[len(parts)-1]; c != "" {
			return "http://" + bucket + ".website-" + c + ".linodeobjects.com", nil
		}
	}
	for _, p := range noWebsite {
		if host == p.host || strings.HasSuffix(host, "."+p.host) {
			return "", &Error{Op: "build the website address", Kind: ErrNoWebsiteEndpoint,
				Msg: fmt.Sprintf("%s has no static-website endpoint (%s); the index page's public URL is the address to share", p.name, p.instead)}
		}
	}
	return "", &Error{Op: "build the website address", Kind: ErrNoWebsiteEndpoint,
		Msg: fmt.Sprintf("this provider (%s) has no known static-website endpoint; the index page's public URL is the address to share", host)}
}
