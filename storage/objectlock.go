package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

const lockFeature = "object lock"

// Retention is an object's object-lock retention: until Until it cannot be
// deleted or overwritten (COMPLIANCE: by nobody; GOVERNANCE: except by a
// user allowed to bypass it). The zero Retention is "none".
type Retention struct {
	Mode  types.ObjectLockRetentionMode
	Until time.Time
}

// None tells whether no retention is set.
func (r Retention) None() bool { return r.Mode == "" && r.Until.IsZero() }

// ObjectLockEnabled tells whether bucket was created with object lock
// (GetObjectLockConfiguration). A bucket without it gives false, nil; a
// server without object lock gives ErrNotImplemented.
func (s *Service) ObjectLockEnabled(ctx context.Context, bucket string) (bool, error) {
	out, err := s.client.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String(bucket)}, s.bucketOpts(bucket)...)
	if err != nil {
		if noLockConfig(err) {
			return false, nil
		}
		return false, featureErr("read object lock", lockFeature, bucket, "", err)
	}
	return out.ObjectLockConfiguration != nil && out.ObjectLockConfiguration.ObjectLockEnabled == types.ObjectLockEnabledEnabled, nil
}

// ObjectRetention reads an object's retention. An object without one gives
// the zero Retention and no error.
func (s *Service) ObjectRetention(ctx context.Context, ref ObjectRef) (Retention, error) {
	out, err := s.client.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{
		Bucket: aws.String(ref.Bucket), Key: aws.String(ref.Key),
	}, s.bucketOpts(ref.Bucket)...)
	if err != nil {
		if noLockConfig(err) {
			return Retention{}, nil
		}
		if notXML(err) {
			return Retention{}, unimplemented("read retention", lockFeature, ref.Bucket, ref.Key)
		}
		return Retention{}, lockErr("read retention", ref, err)
	}
	if objectAnswer(out.ResultMetadata) {
		return Retention{}, unimplemented("read retention", lockFeature, ref.Bucket, ref.Key)
	}
	if out.Retention == nil {
		return Retention{}, nil
	}
	return Retention{Mode: out.Retention.Mode, Until: aws.ToTime(out.Retention.RetainUntilDate)}, nil
}

// PutObjectRetention sets an object's retention. The bucket must have
// object lock. Shortening or removing a GOVERNANCE retention needs
// bypassGovernance (and the permission s3:BypassGovernanceRetention);
// a COMPLIANCE retention can only be extended.
func (s *Service) PutObjectRetention(ctx context.Context, ref ObjectRef, r Retention, bypassGovernance bool) error {
	const op = "set retention"
	in := &s3.PutObjectRetentionInput{Bucket: aws.String(ref.Bucket), Key: aws.String(ref.Key)}
	if bypassGovernance {
		in.BypassGovernanceRetention = aws.Bool(true)
	}
	if r.None() {
		in.Retention = &types.ObjectLockRetention{}
	} else {
		switch r.Mode {
		case types.ObjectLockRetentionModeGovernance, types.ObjectLockRetentionModeCompliance:
		default:
			return &Error{Op: op, Bucket: ref.Bucket, Key: ref.Key, Kind: ErrInvalidArgument,
				Msg: fmt.Sprintf("%s: the retention mode must be GOVERNANCE or COMPLIANCE, not %q", op, r.Mode)}
		}
		if !r.Until.After(time.Now()) {
			return &Error{Op: op, Bucket: ref.Bucket, Key: ref.Key, Kind: ErrInvalidArgument,
				Msg: fmt.Sprintf("%s: the retain-until date must be in the future", op)}
		}
		in.Retention = &types.ObjectLockRetention{Mode: r.Mode, RetainUntilDate: aws.Time(r.Until.UTC())}
	}
	// A server that does not know ?retention would take the PUT for a
	// PutObject and replace the object: ask first.
	if _, err := s.ObjectRetention(ctx, ref); err != nil {
		return renameErrOp(err, op)
	}
	if _, err := s.client.PutObjectRetention(ctx, in, s.bucketOpts(ref.Bucket)...); err != nil {
		return lockErr(op, ref, err)
	}
	return nil
}

// ObjectLegalHold tells whether an object is under a legal hold. An
// object that never had one gives false and no error.
func (s *Service) ObjectLegalHold(ctx context.Context, ref ObjectRef) (bool, error) {
	out, err := s.client.GetObjectLegalHold(ctx, &s3.GetObjectLegalHoldInput{
		Bucket: aws.String(ref.Bucket), Key: aws.String(ref.Key),
	}, s.bucketOpts(ref.Bucket)...)
	if err != nil {
		if noLockConfig(err) {
			return false, nil
		}
		if notXML(err) {
			return false, unimplemented("read legal hold", lockFeature, ref.Bucket, ref.Key)
		}
		return false, lockErr("read legal hold", ref, err)
	}
	if objectAnswer(out.ResultMetadata) {
		return false, unimplemented("read legal hold", lockFeature, ref.Bucket, ref.Key)
	}
	return out.LegalHold != nil && out.LegalHold.Status == types.ObjectLockLegalHoldStatusOn, nil
}

// PutObjectLegalHold puts an object under a legal hold (on) or lifts it.
// A held object cannot be deleted or overwritten, whatever its retention.
func (s *Service) PutObjectLegalHold(ctx context.Context, ref ObjectRef, on bool) error {
	status := types.ObjectLockLegalHoldStatusOff
	if on {
		status = types.ObjectLockLegalHoldStatusOn
	}
	if _, err := s.ObjectLegalHold(ctx, ref); err != nil {
		return renameErrOp(err, "set legal hold")
	}
	_, err := s.client.PutObjectLegalHold(ctx, &s3.PutObjectLegalHoldInput{
		Bucket: aws.String(ref.Bucket), Key: aws.String(ref.Key),
		LegalHold: &types.ObjectLockLegalHold{Status: status},
	}, s.bucketOpts(ref.Bucket)...)
	if err != nil {
		return lockErr("set legal hold", ref, err)
	}
	return nil
}

// noLockConfig tells the answers that mean "no retention / legal hold /
// lock configuration here" apart from failures.
func noLockConfig(err error) bool {
	var e *Error
	mapped := mapErr("", "", "", err)
	if !errors.As(mapped, &e) {
		return false
	}
	switch e.Code {
	case "NoSuchObjectLockConfiguration", "ObjectLockConfigurationNotFoundError":
		return true
	}
	return false
}

// lockErr maps an object-lock failure; a bucket without object lock is
// told in plain words.
func lockErr(op string, ref ObjectRef, err error) error {
	mapped := featureErr(op, lockFeature, ref.Bucket, ref.Key, err)
	var e *Error
	if errors.As(mapped, &e) && !errors.Is(mapped, ErrNotImplemented) {
		if text := strings.ReplaceAll(strings.ToLower(apiText(err)), " ", ""); strings.Contains(text, "objectlock") && (e.Code == "InvalidRequest" || strings.Contains(text, "missing")) {
			e.Kind, e.Msg = ErrInvalidArgument, fmt.Sprintf("%s: bucket %q does not have object lock; it can only be turned on when a bucket is created", op, ref.Bucket)
		}
	}
	return mapped
}
