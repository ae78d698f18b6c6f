// Package bucketconfig reads, validates and saves a bucket's settings:
// versioning, lifecycle rules, CORS, the bucket policy, tags, default
// encryption, object-lock default retention and static-website hosting.
//
// Every setting is a typed model with a Validate that says in words what is
// wrong, read and written through the storage service's SDK client
// (storage/internal/core) with errors mapped by storage.MapFeatureError: a
// server that does not implement a setting answers storage.ErrNotSupported
// with a message naming it ("this server does not implement lifecycle
// rules"). Reading a setting that was never set is its zero value, not an
// error.
package bucketconfig

import (
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"s3desk/storage"
	"s3desk/storage/internal/core"
)

// Feature names, as the "not supported" messages use them.
const (
	FeatureVersioning = "versioning"
	FeatureLifecycle  = "lifecycle rules"
	FeatureCORS       = "CORS rules"
	FeaturePolicy     = "bucket policies"
	FeatureTags       = "bucket tags"
	FeatureEncryption = "default encryption"
	FeatureObjectLock = "object lock"
	FeatureWebsite    = "static website hosting"
)

// Service is the bucket settings of one storage service.
type Service struct {
	svc    *storage.Service
	client *s3.Client
	opts   func(bucket string) []func(*s3.Options)
}

// New is the bucket settings of svc.
func New(svc *storage.Service) *Service {
	a := core.Of(svc)
	return &Service{svc: svc, client: a.Client, opts: a.BucketOpts}
}

// Storage is the service the settings belong to.
func (s *Service) Storage() *storage.Service { return s.svc }

// code is the S3 error code of err, or "".
func code(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}

// invalid is the *storage.Error of a setting that failed validation.
func invalid(op, bucket string, err error) error {
	return &storage.Error{Op: op, Bucket: bucket, Kind: storage.ErrInvalidArgument, Msg: op + ": " + err.Error(), Err: err}
}

// notSupported is a plain "not supported" for a server that refused a
// valid request in a way that shows it does not know the setting.
func notSupported(op, feature, bucket, why string, err error) error {
	msg := fmt.Sprintf("%s: this server does not implement %s", op, feature)
	if why != "" {
		msg += " (" + why + ")"
	}
	return &storage.Error{Op: op, Bucket: bucket, Code: code(err), Kind: storage.ErrNotSupported, Msg: msg, Err: err}
}

// mapErr maps a failed call on a setting.
func mapErr(op, feature, bucket string, err error) error {
	return storage.MapFeatureError(op, feature, bucket, err)
}
