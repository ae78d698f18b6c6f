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

// RestoreStatus is what the service says about a restore of an archived
// object (HeadObject's x-amz-restore, a listing's RestoreStatus).
type RestoreStatus struct {
	Requested bool      // the service reported a restore (ongoing or done)
	Ongoing   bool      // the restore is still running
	Until     time.Time // when done: the restored copy is readable until then
}

// Restored tells whether a readable restored copy exists now.
func (r RestoreStatus) Restored() bool { return r.Requested && !r.Ongoing && !r.Until.IsZero() }

// String is the status in words: "", "restore in progress" or "restored
// until 2 Jan 2027 15:04 UTC".
func (r RestoreStatus) String() string {
	switch {
	case !r.Requested:
		return ""
	case r.Ongoing:
		return "restore in progress"
	case !r.Until.IsZero():
		return "restored until " + r.Until.Local().Format("2 Jan 2006 15:04 MST")
	}
	return "restored"
}

// parseRestore reads an x-amz-restore header:
// ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT".
func parseRestore(h *string) RestoreStatus {
	v := aws.ToString(h)
	if v == "" {
		return RestoreStatus{}
	}
	r := RestoreStatus{Requested: true}
	lower := strings.ToLower(v)
	r.Ongoing = strings.Contains(lower, `ongoing-request="true"`)
	if i := strings.Index(lower, `expiry-date="`); i >= 0 {
		rest := v[i+len(`expiry-date="`):]
		if j := strings.IndexByte(rest, '"'); j >= 0 {
			if t, err := http.ParseTime(rest[:j]); err == nil {
				r.Until = t
			}
		}
	}
	return r
}

// listRestore is a listing's RestoreStatus as a RestoreStatus.
func listRestore(rs *types.RestoreStatus) RestoreStatus {
	if rs == nil {
		return RestoreStatus{}
	}
	return RestoreStatus{Requested: true, Ongoing: aws.ToBool(rs.IsRestoreInProgress), Until: aws.ToTime(rs.RestoreExpiryDate)}
}

// RestoreOptions say how to restore an archived object: for how many days
// the restored copy stays readable, and how fast (Expedited, Standard,
// Bulk; "" is Standard).
type RestoreOptions struct {
	Days int32
	Tier types.Tier
}

const restoreFeature = "restoring archived objects"

// RestoreObject asks the service to restore an archived (GLACIER,
// DEEP_ARCHIVE) object for opts.Days days (POST ?restore). The restore
// runs on the service for minutes to hours; Stat's Restore then reports
// it. A restore already running gives ErrConflict.
func (s *Service) RestoreObject(ctx context.Context, ref ObjectRef, opts RestoreOptions) error {
	const op = "restore from archive"
	if opts.Days < 1 {
		return &Error{Op: op, Bucket: ref.Bucket, Key: ref.Key, Kind: ErrInvalidArgument,
			Msg: fmt.Sprintf("%s: the restored copy must stay for at least 1 day (got %d)", op, opts.Days)}
	}
	tier := opts.Tier
	if tier == "" {
		tier = types.TierStandard
	}
	switch tier {
	case types.TierStandard, types.TierBulk, types.TierExpedited:
	default:
		return &Error{Op: op, Bucket: ref.Bucket, Key: ref.Key, Kind: ErrInvalidArgument,
			Msg: fmt.Sprintf("%s: %q is not a restore tier; choose Expedited, Standard or Bulk", op, tier)}
	}
	_, err := s.client.RestoreObject(ctx, &s3.RestoreObjectInput{
		Bucket: aws.String(ref.Bucket), Key: aws.String(ref.Key),
		RestoreRequest: &types.RestoreRequest{
			Days:                 aws.Int32(opts.Days),
			GlacierJobParameters: &types.GlacierJobParameters{Tier: tier},
		},
	}, s.bucketOpts(ref.Bucket)...)
	if err == nil {
		return nil
	}
	mapped := featureErr(op, restoreFeature, ref.Bucket, ref.Key, err)
	var e *Error
	if errors.As(mapped, &e) {
		switch e.Code {
		case "RestoreAlreadyInProgress":
			e.Kind, e.Msg = ErrConflict, fmt.Sprintf("%s: a restore of %s is already running; wait for it to finish", op, what(ref.Bucket, ref.Key))
		case "InvalidObjectState":
			e.Kind, e.Msg = ErrInvalidArgument, fmt.Sprintf("%s: %s is not archived (only GLACIER and DEEP_ARCHIVE objects need a restore)", op, what(ref.Bucket, ref.Key))
		case "GlacierExpeditedRetrievalNotAvailable":
			e.Kind, e.Msg = ErrUnavailable, fmt.Sprintf("%s: expedited retrieval is not available right now; try the Standard or Bulk tier", op)
		}
	}
	return mapped
}
