package storage

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// ValidateBucketName checks name against the S3 naming rules for general
// purpose buckets before any call is made. The error wraps ErrInvalidName and
// its text names the rule that is broken.
func ValidateBucketName(name string) error {
	bad := func(rule string) error {
		return &Error{Op: "check bucket name", Bucket: name, Kind: ErrInvalidName,
			Msg: fmt.Sprintf("the bucket name %q is not allowed: %s", name, rule)}
	}
	switch {
	case len(name) < 3:
		return bad("it must be at least 3 characters long")
	case len(name) > 63:
		return bad(fmt.Sprintf("it must be at most 63 characters long (it has %d)", len(name)))
	}
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '.':
		case r >= 'A' && r <= 'Z':
			return bad("use lower-case letters only (no capitals)")
		case r == '_':
			return bad("underscores are not allowed; use a hyphen (-) instead")
		case r == ' ':
			return bad("spaces are not allowed; use a hyphen (-) instead")
		default:
			return bad(fmt.Sprintf("the character %q is not allowed; use only a-z, 0-9, dots and hyphens", r))
		}
	}
	isAlnum := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
	switch {
	case !isAlnum(name[0]):
		return bad("it must begin with a letter or a digit")
	case !isAlnum(name[len(name)-1]):
		return bad("it must end with a letter or a digit")
	case strings.Contains(name, ".."):
		return bad("it must not contain two dots in a row")
	case strings.Contains(name, ".-") || strings.Contains(name, "-."):
		return bad("a dot must not be next to a hyphen")
	case net.ParseIP(name) != nil:
		return bad("it must not look like an IP address")
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(name, p) {
			return bad(fmt.Sprintf("it must not begin with %q (reserved)", p))
		}
	}
	for _, suf := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(name, suf) {
			return bad(fmt.Sprintf("it must not end with %q (reserved)", suf))
		}
	}
	return nil
}

// ListBuckets lists the account's buckets, with their region where the
// service reports it. Regions learned here are used for later calls.
func (s *Service) ListBuckets(ctx context.Context) ([]Bucket, error) {
	var out []Bucket
	seen := map[string]bool{}
	for page, err := range s.bucketPages(ctx, "list buckets") {
		if err != nil {
			return out, err
		}
		for _, b := range page.Buckets {
			name := aws.ToString(b.Name)
			if seen[name] {
				continue
			}
			seen[name] = true
			region := aws.ToString(b.BucketRegion)
			s.rememberRegion(name, region)
			out = append(out, Bucket{Name: name, Region: region, Created: aws.ToTime(b.CreationDate)})
		}
	}
	return out, nil
}

// CreateBucketOptions are the choices for a new bucket.
type CreateBucketOptions struct {
	// Region is where the bucket lives; "" means the service's region.
	Region string
	// ObjectOwnership is "", "BucketOwnerEnforced" (ACLs disabled, the S3
	// default), "BucketOwnerPreferred" or "ObjectWriter" (ACLs enabled).
	ObjectOwnership string
}

// CreateBucket validates name and creates the bucket in opts.Region.
func (s *Service) CreateBucket(ctx context.Context, name string, opts CreateBucketOptions) error {
	if err := ValidateBucketName(name); err != nil {
		return err
	}
	in := &s3.CreateBucketInput{Bucket: aws.String(name)}
	switch opts.ObjectOwnership {
	case "":
	case string(types.ObjectOwnershipBucketOwnerEnforced), string(types.ObjectOwnershipBucketOwnerPreferred), string(types.ObjectOwnershipObjectWriter):
		in.ObjectOwnership = types.ObjectOwnership(opts.ObjectOwnership)
	default:
		return &Error{Op: "create bucket", Bucket: name, Kind: ErrInvalidArgument,
			Msg: fmt.Sprintf("create bucket: unknown object ownership %q; use BucketOwnerEnforced, BucketOwnerPreferred or ObjectWriter", opts.ObjectOwnership)}
	}
	region := opts.Region
	if region == "" {
		region = s.Region()
	}
	// us-east-1 is the one region that must not be named as a location.
	if region != "us-east-1" {
		in.CreateBucketConfiguration = &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraint(region)}
	}
	_, err := s.client.CreateBucket(ctx, in, func(o *s3.Options) { o.Region = region })
	if err != nil {
		mapped := mapErr("create bucket", name, "", err)
		var e *Error
		if errors.Is(mapped, ErrWrongRegion) && errors.As(mapped, &e) {
			e.Msg = fmt.Sprintf("create bucket: the service refused region %q for bucket %q; choose a region this service offers (or leave the region empty to use %q)", region, name, s.Region())
		}
		return mapped
	}
	s.rememberRegion(name, region)
	return nil
}

// DeleteBucketOptions are the choices for DeleteBucket.
type DeleteBucketOptions struct {
	// Force empties the bucket first: every object, every version and delete
	// marker, and every incomplete multipart upload.
	Force bool
	// Progress, if set, receives the running count of deleted objects,
	// versions and aborted uploads.
	Progress func(deleted int64)
}

// DeleteBucket deletes the bucket. A non-empty bucket gives ErrBucketNotEmpty
// unless opts.Force is set.
func (s *Service) DeleteBucket(ctx context.Context, name string, opts DeleteBucketOptions) error {
	if opts.Force {
		if err := s.emptyBucket(ctx, name, opts.Progress); err != nil {
			s.log.Info("emptying bucket failed", "bucket", name, "error", err.Error())
			return err
		}
		s.log.Info("bucket emptied", "bucket", name)
	}
	_, err := s.client.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(name)}, s.bucketOpts(name)...)
	if err != nil {
		return mapErr("delete bucket", name, "", err)
	}
	s.mu.Lock()
	delete(s.regions, name)
	s.mu.Unlock()
	return nil
}

// emptyBucket removes versions and delete markers (where the service keeps
// versions), then current objects, then incomplete multipart uploads.
func (s *Service) emptyBucket(ctx context.Context, bucket string, progress func(int64)) error {
	var total int64
	report := func(n int64) {
		total += n
		if progress != nil && n > 0 {
			progress(total)
		}
	}
	// 1. Versions. Services without versioning may not implement the call.
	if err := s.deleteAllVersions(ctx, bucket, report); err != nil {
		switch {
		case errors.Is(err, ErrNotImplemented):
		case errors.Is(err, ErrProtocol) && s.neverVersioned(ctx, bucket):
			// The version listing is broken (gofakes3 pages it without
			// markers), but a bucket that never had versioning holds no
			// version that the current objects below do not cover.
			s.log.Warn("could not list object versions of an unversioned bucket; deleting its current objects", "bucket", bucket, "error", err)
		case errors.Is(err, ErrProtocol):
			// Old versions may be left that nothing else lists: stop and
			// say so rather than delete what can be seen and fail later.
			return incomplete(err, "delete bucket", bucket, "", emptiedSoFar(total, "object version")+
				"; the bucket was not deleted and the rest of it is still there")
		default:
			return err
		}
	}
	// 2. Current objects (anything the version listing did not cover).
	var lastObjects int64
	res, err := s.deleteListed(ctx, bucket, "", "empty bucket", func(n int64) { report(n - lastObjects); lastObjects = n })
	if err != nil {
		return err
	}
	if len(res.Failed) > 0 {
		return res.Failed[0].Err
	}
	// 3. Incomplete multipart uploads.
	ups, err := s.listUploads(ctx, bucket, "")
	switch {
	case err == nil, errors.Is(err, ErrNotImplemented):
	case errors.Is(err, ErrNotFound) && !errors.Is(err, ErrBucketNotFound):
		// gofakes3 answers NoSuchUpload for a versioned bucket without
		// uploads.
	default:
		return incomplete(err, "delete bucket", bucket, "", emptiedSoFar(total, "object")+
			", but its incomplete uploads could not all be listed; the bucket was not deleted")
	}
	for _, u := range ups {
		if err := s.AbortMultipartUpload(ctx, bucket, u.Key, u.UploadID); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		report(1)
	}
	return nil
}

func (s *Service) deleteAllVersions(ctx context.Context, bucket string, report func(int64)) error {
	type kv struct{ key, version string }
	var batch []kv
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		ids := make([]types.ObjectIdentifier, len(batch))
		for i, b := range batch {
			ids[i] = types.ObjectIdentifier{Key: aws.String(b.key)}
			if b.version != "" {
				ids[i].VersionId = aws.String(b.version)
			}
		}
		batch = batch[:0]
		res, err := s.deleteIdentified(ctx, "delete object versions", bucket, ids, nil)
		if err != nil {
			return err
		}
		if len(res.Failed) > 0 {
			return res.Failed[0].Err
		}
		report(res.Deleted)
		return nil
	}
	for page, err := range s.versionPages(ctx, "list object versions", &s3.ListObjectVersionsInput{Bucket: aws.String(bucket)}) {
		if err != nil {
			return err
		}
		for _, v := range page.Versions {
			batch = append(batch, kv{aws.ToString(v.Key), aws.ToString(v.VersionId)})
		}
		for _, m := range page.DeleteMarkers {
			batch = append(batch, kv{aws.ToString(m.Key), aws.ToString(m.VersionId)})
		}
		for len(batch) >= deleteBatch {
			rest := append([]kv(nil), batch[deleteBatch:]...)
			batch = batch[:deleteBatch]
			if err := flush(); err != nil {
				return err
			}
			batch = append(batch, rest...)
		}
	}
	return flush()
}

// BucketRegion finds the region a bucket lives in and remembers it, so later
// calls on the bucket are signed for that region.
func (s *Service) BucketRegion(ctx context.Context, bucket string) (string, error) {
	out, err := s.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)})
	if err == nil {
		if r := aws.ToString(out.BucketRegion); r != "" {
			s.rememberRegion(bucket, r)
			return r, nil
		}
	} else {
		// A missing bucket is missing even when the answer names a region
		// (MinIO sends X-Amz-Bucket-Region on every response, 404s too).
		mapped := mapErr("find bucket region", bucket, "", err)
		if errors.Is(mapped, ErrNotFound) || errors.Is(mapped, context.Canceled) {
			return "", mapped
		}
		// AWS answers a request to the wrong region with a redirect that
		// still names the bucket's region.
		var re *awshttp.ResponseError
		if errors.As(err, &re) && re.Response != nil {
			if r := re.Response.Header.Get("X-Amz-Bucket-Region"); r != "" {
				s.rememberRegion(bucket, r)
				return r, nil
			}
		}
	}
	loc, lerr := s.client.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(bucket)})
	if lerr != nil {
		if err != nil {
			return "", mapErr("find bucket region", bucket, "", err)
		}
		// The bucket answers but will not say where it is: use the default.
		return s.Region(), nil
	}
	r := string(loc.LocationConstraint)
	switch r {
	case "":
		r = "us-east-1"
	case "EU":
		r = "eu-west-1"
	}
	s.rememberRegion(bucket, r)
	return r, nil
}

// Usage counts the objects and bytes under prefix (the whole bucket for ""),
// streaming a recursive listing. progress, if set, gets the running totals
// after each page.
func (s *Service) Usage(ctx context.Context, bucket, prefix string, progress func(Usage)) (Usage, error) {
	var u Usage
	for page, err := range s.List(ctx, bucket, ListOptions{Prefix: prefix, Recursive: true}) {
		if err != nil {
			return u, err
		}
		for _, o := range page.Objects {
			u.Objects++
			u.Bytes += o.Size
		}
		if progress != nil {
			progress(u)
		}
	}
	return u, nil
}

// neverVersioned tells whether the service says versioning was never
// turned on for bucket (no status at all, neither Enabled nor Suspended).
func (s *Service) neverVersioned(ctx context.Context, bucket string) bool {
	out, err := s.client.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(bucket)}, s.bucketOpts(bucket)...)
	return err == nil && out.Status == "" && out.MFADelete == ""
}

// emptiedSoFar says what a forced delete had removed when it stopped.
func emptiedSoFar(n int64, what string) string {
	switch n {
	case 0:
		return "nothing was deleted"
	case 1:
		return "1 " + what + " was deleted"
	}
	return fmt.Sprintf("%d %ss were deleted", n, what)
}
