package bucketconfig

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"s3desk/storage"
)

// Retention modes of object lock.
const (
	Governance = "GOVERNANCE" // users with a special permission can still delete or shorten
	Compliance = "COMPLIANCE" // nobody, not even the root account, can until it ends
)

// ObjectLock is a bucket's object lock and its default retention.
type ObjectLock struct {
	// Enabled: the bucket was created with object lock (it cannot be
	// turned on later here, nor off).
	Enabled bool
	// Default retention of new objects; Mode "" is none.
	Mode  string
	Days  int
	Years int
}

// Validate says in words what is wrong with the default retention.
func (l ObjectLock) Validate() error {
	switch l.Mode {
	case "":
		if l.Days != 0 || l.Years != 0 {
			return fmt.Errorf("choose a retention mode (governance or compliance) for the default retention")
		}
	case Governance, Compliance:
		switch {
		case l.Days < 0 || l.Years < 0:
			return fmt.Errorf("the retention period cannot be negative")
		case l.Days > 0 && l.Years > 0:
			return fmt.Errorf("give the retention in days or in years, not both")
		case l.Days == 0 && l.Years == 0:
			return fmt.Errorf("give the retention period (days or years)")
		}
	default:
		return fmt.Errorf("unknown retention mode %q; choose governance or compliance", l.Mode)
	}
	return nil
}

// ObjectLock reads bucket's object lock (Enabled false when the bucket has
// none).
func (s *Service) ObjectLock(ctx context.Context, bucket string) (ObjectLock, error) {
	out, err := s.client.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String(bucket)}, s.opts(bucket)...)
	if code(err) == "ObjectLockConfigurationNotFoundError" {
		return ObjectLock{}, nil
	}
	if err != nil {
		return ObjectLock{}, mapErr("read the object lock", FeatureObjectLock, bucket, err)
	}
	c := out.ObjectLockConfiguration
	if c == nil || c.ObjectLockEnabled != types.ObjectLockEnabledEnabled {
		return ObjectLock{}, nil
	}
	l := ObjectLock{Enabled: true}
	if c.Rule != nil && c.Rule.DefaultRetention != nil {
		d := c.Rule.DefaultRetention
		l.Mode, l.Days, l.Years = string(d.Mode), int(aws.ToInt32(d.Days)), int(aws.ToInt32(d.Years))
	}
	return l, nil
}

// PutObjectLockRetention sets the default retention of a bucket that has
// object lock (Mode "" removes the default).
func (s *Service) PutObjectLockRetention(ctx context.Context, bucket string, l ObjectLock) error {
	const op = "save the default retention"
	if err := l.Validate(); err != nil {
		return invalid(op, bucket, err)
	}
	cur, err := s.ObjectLock(ctx, bucket)
	if err != nil {
		return err
	}
	if !cur.Enabled {
		return &storage.Error{Op: op, Bucket: bucket, Kind: storage.ErrInvalidArgument,
			Msg: fmt.Sprintf("%s: bucket %q was created without object lock, so it has no retention to set; object lock is chosen when a bucket is created", op, bucket)}
	}
	cfg := &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled}
	if l.Mode != "" {
		d := &types.DefaultRetention{Mode: types.ObjectLockRetentionMode(l.Mode)}
		if l.Days > 0 {
			d.Days = aws.Int32(int32(l.Days))
		} else {
			d.Years = aws.Int32(int32(l.Years))
		}
		cfg.Rule = &types.ObjectLockRule{DefaultRetention: d}
	}
	_, err = s.client.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: aws.String(bucket), ObjectLockConfiguration: cfg}, s.opts(bucket)...)
	return mapErr(op, FeatureObjectLock, bucket, err)
}
