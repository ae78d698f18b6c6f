package storage

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// This file is the service's access settings of buckets and objects (object
// ACLs, bucket policy, public-access block, ownership) and
// presigning, as small typed calls with errors mapped like every other
// call. storage/share builds sharing and make public/private on them, and
// storage/bucketconfig the bucket settings. Website hosting is website.go.

// ObjectACL is an object's owner and grants, as read and as put back.
type ObjectACL struct {
	Owner  *types.Owner
	Grants []types.Grant
}

// ObjectACL reads bucket/key's ACL.
func (s *Service) ObjectACL(ctx context.Context, bucket, key string) (ObjectACL, error) {
	out, err := s.client.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: aws.String(bucket), Key: aws.String(key)}, s.bucketOpts(bucket)...)
	if err != nil {
		return ObjectACL{}, mapErr("read the object's access", bucket, key, err)
	}
	return ObjectACL{Owner: out.Owner, Grants: out.Grants}, nil
}

// SetObjectCannedACL gives bucket/key a canned ACL (public-read, private).
func (s *Service) SetObjectCannedACL(ctx context.Context, bucket, key string, acl types.ObjectCannedACL) error {
	_, err := s.client.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String(bucket), Key: aws.String(key), ACL: acl}, s.bucketOpts(bucket)...)
	return mapErr("set the object's access", bucket, key, err)
}

// PutObjectACL puts back an ACL read with ObjectACL.
func (s *Service) PutObjectACL(ctx context.Context, bucket, key string, acl ObjectACL) error {
	_, err := s.client.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String(bucket), Key: aws.String(key),
		AccessControlPolicy: &types.AccessControlPolicy{Owner: acl.Owner, Grants: acl.Grants}}, s.bucketOpts(bucket)...)
	return mapErr("put back the object's access", bucket, key, err)
}

// BucketPolicy is the bucket policy's JSON text.
func (s *Service) BucketPolicy(ctx context.Context, bucket string) (string, error) {
	out, err := s.client.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)}, s.bucketOpts(bucket)...)
	if err != nil {
		return "", mapErr("read the bucket policy", bucket, "", err)
	}
	text := aws.ToString(out.Policy)
	// A service without bucket policies may answer with something else (an
	// XML listing, an HTML page): that is "not supported", not a policy
	// that is corrupt.
	if t := strings.TrimSpace(text); t != "" && t[0] != '{' {
		return "", &Error{Op: "read the bucket policy", Bucket: bucket, Kind: ErrNotImplemented,
			Msg: fmt.Sprintf("read the bucket policy: the service of bucket %q answered with something that is not a bucket policy; it does not seem to support bucket policies", bucket)}
	}
	return text, nil
}

// PutBucketPolicy replaces the bucket policy with text.
func (s *Service) PutBucketPolicy(ctx context.Context, bucket, text string) error {
	_, err := s.client.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(text)}, s.bucketOpts(bucket)...)
	return mapErr("write the bucket policy", bucket, "", err)
}

// DeleteBucketPolicy removes the bucket policy.
func (s *Service) DeleteBucketPolicy(ctx context.Context, bucket string) error {
	_, err := s.client.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String(bucket)}, s.bucketOpts(bucket)...)
	return mapErr("remove the bucket policy", bucket, "", err)
}

// PublicAccessBlock is the bucket's public-access block; the zero value when
// it has none or the service does not support one.
func (s *Service) PublicAccessBlock(ctx context.Context, bucket string) (types.PublicAccessBlockConfiguration, error) {
	out, err := s.client.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(bucket)}, s.bucketOpts(bucket)...)
	if err != nil {
		return types.PublicAccessBlockConfiguration{}, mapErr("read the public access block", bucket, "", err)
	}
	if out.PublicAccessBlockConfiguration == nil {
		return types.PublicAccessBlockConfiguration{}, nil
	}
	return *out.PublicAccessBlockConfiguration, nil
}

// ObjectOwnership is the bucket's object-ownership rule ("" when it has none).
func (s *Service) ObjectOwnership(ctx context.Context, bucket string) (types.ObjectOwnership, error) {
	out, err := s.client.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String(bucket)}, s.bucketOpts(bucket)...)
	if err != nil {
		return "", mapErr("read the object ownership", bucket, "", err)
	}
	if out.OwnershipControls != nil {
		for _, r := range out.OwnershipControls.Rules {
			if r.ObjectOwnership != "" {
				return r.ObjectOwnership, nil
			}
		}
	}
	return "", nil
}

// PresignInput says what a presigned request may do.
type PresignInput struct {
	Op                 string // names the operation in errors ("make a share link")
	Method             string // http.MethodGet or http.MethodPut
	Bucket, Key        string
	Expiry             time.Duration // truncated to whole seconds
	ContentDisposition string        // GET: the response's Content-Disposition
	ContentType        string        // PUT: the Content-Type the upload must send
}

// Presigned is a presigned request: anyone holding it may send it.
type Presigned struct {
	Method       string
	URL          string
	SignedHeader http.Header
}

// Presign signs a GET or PUT of in.Bucket/in.Key valid for in.Expiry, with
// no checksum (one signed into a link would bind it to bytes not yet known).
func (s *Service) Presign(ctx context.Context, in PresignInput) (Presigned, error) {
	opts := func(po *s3.PresignOptions) {
		po.Expires = in.Expiry.Truncate(time.Second)
		po.ClientOptions = append(po.ClientOptions, s.bucketOpts(in.Bucket)...)
		po.ClientOptions = append(po.ClientOptions, func(o *s3.Options) {
			o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		})
	}
	pc := s3.NewPresignClient(s.client)
	var (
		url    string
		method string
		hdr    http.Header
		err    error
	)
	switch in.Method {
	case http.MethodGet:
		gin := &s3.GetObjectInput{Bucket: aws.String(in.Bucket), Key: aws.String(in.Key)}
		if in.ContentDisposition != "" {
			gin.ResponseContentDisposition = aws.String(in.ContentDisposition)
		}
		req, perr := pc.PresignGetObject(ctx, gin, opts)
		if err = perr; err == nil {
			url, method, hdr = req.URL, req.Method, req.SignedHeader
		}
	case http.MethodPut:
		pin := &s3.PutObjectInput{Bucket: aws.String(in.Bucket), Key: aws.String(in.Key)}
		if in.ContentType != "" {
			pin.ContentType = aws.String(in.ContentType)
		}
		req, perr := pc.PresignPutObject(ctx, pin, opts)
		if err = perr; err == nil {
			url, method, hdr = req.URL, req.Method, req.SignedHeader
		}
	default:
		err = errors.New("presign: method must be GET or PUT, not " + in.Method)
	}
	if err != nil {
		return Presigned{}, mapErr(in.Op, in.Bucket, in.Key, err)
	}
	return Presigned{Method: method, URL: url, SignedHeader: hdr}, nil
}

// HTTPClient is the service's HTTP client (its transport, proxy and TLS
// settings), for unsigned requests such as checking that a link is public.
func (s *Service) HTTPClient() aws.HTTPClient { return s.client.Options().HTTPClient }

// Partition is the ARN partition of the service's region: aws, aws-cn or aws-us-gov.
func (s *Service) Partition() string {
	region := s.awsCfg.Region
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

// KnownRegion is the bucket's region when the service has learnt it, else
// the profile's region.
func (s *Service) KnownRegion(bucket string) string {
	region := s.awsCfg.Region
	s.mu.Lock()
	if r := s.regions[bucket]; r != "" {
		region = r
	}
	s.mu.Unlock()
	return region
}

// LearnRegion finds an AWS bucket's region before something region-bound
// (a presigned link) is built for it; on failure the profile's region is
// used. Custom endpoints sign with the profile's region, so it does nothing.
func (s *Service) LearnRegion(ctx context.Context, bucket string) {
	if s.cfg.Endpoint != "" || bucket == "" {
		return
	}
	s.mu.Lock()
	_, known := s.regions[bucket]
	s.mu.Unlock()
	if !known {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_, _ = s.BucketRegion(ctx, bucket)
	}
}
