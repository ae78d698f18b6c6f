package bucketconfig

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"s3desk/storage"
)

// Versioning is a bucket's versioning state.
type Versioning string

// Versioning states. A bucket starts Unversioned ("never enabled"); once
// enabled it can only be Suspended, never unversioned again.
const (
	Unversioned Versioning = ""
	Enabled     Versioning = "Enabled"
	Suspended   Versioning = "Suspended"
)

// Describe says in words what the state means for the bucket's objects.
func (v Versioning) Describe() string {
	switch v {
	case Enabled:
		return "Every change keeps the earlier version, and a delete leaves a delete marker: old versions can be brought back. Old versions are stored (and billed) until a lifecycle rule or you remove them."
	case Suspended:
		return "New changes replace the object without keeping a version (as if unversioned), but the versions kept so far stay and can still be restored. Versioning cannot be switched off entirely once enabled."
	}
	return "Versioning was never enabled: an overwrite or a delete is final. Enabling it keeps every earlier version; once enabled it can only be suspended, not switched off."
}

// Versioning reads bucket's versioning state.
func (s *Service) Versioning(ctx context.Context, bucket string) (Versioning, error) {
	out, err := s.client.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(bucket)}, s.opts(bucket)...)
	if err != nil {
		return Unversioned, mapErr("read the versioning setting", FeatureVersioning, bucket, err)
	}
	return Versioning(out.Status), nil
}

// SetVersioning enables or suspends bucket's versioning.
func (s *Service) SetVersioning(ctx context.Context, bucket string, v Versioning) error {
	const op = "change the versioning setting"
	if v != Enabled && v != Suspended {
		return invalid(op, bucket, fmt.Errorf("versioning can be enabled or suspended, not %q", v))
	}
	_, err := s.client.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatus(v)}}, s.opts(bucket)...)
	if code(err) == "InvalidBucketState" {
		return &storage.Error{Op: op, Bucket: bucket, Code: code(err), Kind: storage.ErrInvalidArgument, Err: err,
			Msg: op + ": the bucket has object lock, which needs versioning; versioning cannot be suspended on it"}
	}
	return mapErr(op, FeatureVersioning, bucket, err)
}
