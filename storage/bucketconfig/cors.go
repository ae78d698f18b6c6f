package bucketconfig

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// CORSRule says which web pages (origins) may call the bucket from a
// browser, with which methods and headers.
type CORSRule struct {
	ID             string
	AllowedOrigins []string // "https://example.com", or "*" for any
	AllowedMethods []string // GET, PUT, POST, DELETE, HEAD
	AllowedHeaders []string // request headers the page may send ("*" for any)
	ExposeHeaders  []string // response headers the page may read
	MaxAgeSeconds  int      // how long a browser caches the preflight answer (0: not said)
}

// CORSMethods are the methods a CORS rule may allow.
var CORSMethods = []string{"GET", "PUT", "POST", "DELETE", "HEAD"}

// AllowGetFromAnyOrigin is the preset for a public website or assets: any
// page may GET and HEAD objects, cached for an hour.
func AllowGetFromAnyOrigin() CORSRule {
	return CORSRule{ID: "s3desk-allow-get-any-origin", AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET", "HEAD"},
		AllowedHeaders: []string{"*"}, MaxAgeSeconds: 3600}
}

// Validate says in words what is wrong with the rule.
func (r CORSRule) Validate() error {
	name := "the CORS rule"
	if r.ID != "" {
		name = fmt.Sprintf("CORS rule %q", r.ID)
	}
	if len(r.AllowedOrigins) == 0 {
		return fmt.Errorf("%s has no origin; add one such as https://example.com, or * for any", name)
	}
	if len(r.AllowedMethods) == 0 {
		return fmt.Errorf("%s allows no method; allow at least GET", name)
	}
	for _, o := range r.AllowedOrigins {
		switch {
		case strings.TrimSpace(o) == "":
			return fmt.Errorf("%s has an empty origin", name)
		case strings.Count(o, "*") > 1:
			return fmt.Errorf("%s: the origin %q has more than one *; S3 allows one wildcard per origin", name, o)
		}
	}
	for _, m := range r.AllowedMethods {
		ok := false
		for _, k := range CORSMethods {
			ok = ok || m == k
		}
		if !ok {
			return fmt.Errorf("%s: %q is not a method S3 allows in CORS (GET, PUT, POST, DELETE, HEAD)", name, m)
		}
	}
	for _, h := range r.AllowedHeaders {
		if strings.Count(h, "*") > 1 {
			return fmt.Errorf("%s: the header %q has more than one *", name, h)
		}
	}
	if r.MaxAgeSeconds < 0 {
		return fmt.Errorf("%s: the max age cannot be negative", name)
	}
	if len(r.ID) > 255 {
		return fmt.Errorf("%s: the ID is longer than 255 characters", name)
	}
	return nil
}

// CORS reads bucket's CORS rules (none when it has no CORS configuration).
func (s *Service) CORS(ctx context.Context, bucket string) ([]CORSRule, error) {
	out, err := s.client.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String(bucket)}, s.opts(bucket)...)
	if code(err) == "NoSuchCORSConfiguration" {
		return nil, nil
	}
	if err != nil {
		return nil, mapErr("read the CORS rules", FeatureCORS, bucket, err)
	}
	var rules []CORSRule
	for _, r := range out.CORSRules {
		rules = append(rules, CORSRule{ID: aws.ToString(r.ID), AllowedOrigins: r.AllowedOrigins, AllowedMethods: r.AllowedMethods,
			AllowedHeaders: r.AllowedHeaders, ExposeHeaders: r.ExposeHeaders, MaxAgeSeconds: int(aws.ToInt32(r.MaxAgeSeconds))})
	}
	return rules, nil
}

// PutCORS replaces bucket's CORS rules (none removes the configuration).
func (s *Service) PutCORS(ctx context.Context, bucket string, rules []CORSRule) error {
	const op = "save the CORS rules"
	if len(rules) > 100 {
		return invalid(op, bucket, errors.New("a bucket holds at most 100 CORS rules"))
	}
	for _, r := range rules {
		if err := r.Validate(); err != nil {
			return invalid(op, bucket, err)
		}
	}
	if len(rules) == 0 {
		_, err := s.client.DeleteBucketCors(ctx, &s3.DeleteBucketCorsInput{Bucket: aws.String(bucket)}, s.opts(bucket)...)
		return mapErr(op, FeatureCORS, bucket, err)
	}
	cfg := &types.CORSConfiguration{}
	for _, r := range rules {
		cr := types.CORSRule{AllowedOrigins: r.AllowedOrigins, AllowedMethods: r.AllowedMethods, AllowedHeaders: r.AllowedHeaders, ExposeHeaders: r.ExposeHeaders}
		if r.ID != "" {
			cr.ID = aws.String(r.ID)
		}
		if r.MaxAgeSeconds > 0 {
			cr.MaxAgeSeconds = aws.Int32(int32(r.MaxAgeSeconds))
		}
		cfg.CORSRules = append(cfg.CORSRules, cr)
	}
	_, err := s.client.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: aws.String(bucket), CORSConfiguration: cfg}, s.opts(bucket)...)
	return mapErr(op, FeatureCORS, bucket, err)
}
