package storage

import (
	"cmp"
	"context"
	"errors"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// This file is the core's calls on object versions: the guarded, paged
// ListObjectVersions listing, the bucket's versioning status, and the
// removal of given versions. storage/versions builds restore and undelete
// on them.

// ObjectVersion is one version of a key, or one of its delete markers.
type ObjectVersion struct {
	Key            string
	VersionID      string // "null" for what was written without versioning
	Size           int64  // 0 for a delete marker
	LastModified   time.Time
	IsLatest       bool
	IsDeleteMarker bool
	StorageClass   string
	ETag           string
}

// VersionListOptions choose what ListVersions returns.
type VersionListOptions struct {
	// Prefix is the folder to list, used as given (see ListOptions.Prefix).
	Prefix string
	// Recursive lists every key under Prefix instead of one level with
	// folders.
	Recursive bool
	// PageSize is MaxKeys per request (versions and markers count alike);
	// 0 means 1000.
	PageSize int32
}

// VersionPage is one page of a version listing: the folders it names and
// the versions and delete markers, by key and, per key, newest first. A
// key's versions may go on in the next page.
type VersionPage struct {
	Folders  []Entry
	Versions []ObjectVersion
	Last     bool
}

// ListVersions lists bucket's object versions under opts.Prefix page by page
// with the guarded ListObjectVersions listing (versionPages): a service that
// repeats or drops its markers ends it with ErrProtocol.
func (s *Service) ListVersions(ctx context.Context, bucket string, opts VersionListOptions) iter.Seq2[VersionPage, error] {
	return func(yield func(VersionPage, error) bool) {
		size := opts.PageSize
		if size <= 0 {
			size = 1000
		}
		in := &s3.ListObjectVersionsInput{Bucket: aws.String(bucket), MaxKeys: aws.Int32(size)}
		if opts.Prefix != "" {
			in.Prefix = aws.String(opts.Prefix)
		}
		if !opts.Recursive {
			in.Delimiter = aws.String(Delimiter)
		}
		folders := map[string]bool{}
		// Some services (versitygw) send the entry their marker named
		// again at the top of the next page: what the previous page held
		// is left out, so each version is listed once.
		var prev, cur map[string]bool
		dup := func(key, id string) bool {
			k := key + "\x00" + id
			cur[k] = true
			return prev[k]
		}
		for out, err := range s.versionPages(ctx, "list versions", in) {
			prev, cur = cur, map[string]bool{}
			if err != nil {
				yield(VersionPage{Last: true}, err)
				return
			}
			page := VersionPage{Last: !aws.ToBool(out.IsTruncated)}
			for _, cp := range out.CommonPrefixes {
				if k := aws.ToString(cp.Prefix); !folders[k] {
					folders[k] = true
					page.Folders = append(page.Folders, Entry{Key: k, Name: strings.TrimPrefix(k, opts.Prefix), IsFolder: true})
				}
			}
			for _, v := range out.Versions {
				if dup(aws.ToString(v.Key), aws.ToString(v.VersionId)) {
					continue
				}
				page.Versions = append(page.Versions, ObjectVersion{
					Key: aws.ToString(v.Key), VersionID: aws.ToString(v.VersionId), Size: aws.ToInt64(v.Size),
					LastModified: aws.ToTime(v.LastModified), IsLatest: aws.ToBool(v.IsLatest),
					StorageClass: string(v.StorageClass), ETag: aws.ToString(v.ETag),
				})
			}
			for _, m := range out.DeleteMarkers {
				if dup(aws.ToString(m.Key), aws.ToString(m.VersionId)) {
					continue
				}
				page.Versions = append(page.Versions, ObjectVersion{
					Key: aws.ToString(m.Key), VersionID: aws.ToString(m.VersionId),
					LastModified: aws.ToTime(m.LastModified), IsLatest: aws.ToBool(m.IsLatest), IsDeleteMarker: true,
				})
			}
			// The service sends versions and markers apart; each in key
			// order, newest first. Merge them the same way.
			slices.SortStableFunc(page.Versions, func(a, b ObjectVersion) int {
				if c := cmp.Compare(a.Key, b.Key); c != 0 {
					return c
				}
				if a.IsLatest != b.IsLatest {
					if a.IsLatest {
						return -1
					}
					return 1
				}
				return b.LastModified.Compare(a.LastModified)
			})
			if !yield(page, nil) {
				return
			}
		}
	}
}

// Versioning states of a bucket, as GetBucketVersioning says them.
const (
	VersioningNever     = ""          // versioning was never turned on
	VersioningEnabled   = "Enabled"   // new writes keep the old versions
	VersioningSuspended = "Suspended" // old versions stay; new writes replace "null"
)

// VersioningStatus is bucket's versioning state: VersioningNever,
// VersioningEnabled or VersioningSuspended. A service that does not
// implement versioning has never versioned anything: VersioningNever, no
// error.
func (s *Service) VersioningStatus(ctx context.Context, bucket string) (string, error) {
	out, err := s.client.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(bucket)}, s.bucketOpts(bucket)...)
	if err != nil {
		mapped := mapErr("read the versioning status", bucket, "", err)
		if errors.Is(mapped, ErrNotImplemented) {
			return VersioningNever, nil
		}
		return "", mapped
	}
	return string(out.Status), nil
}

// DeleteVersions removes the given versions (ref.VersionID) or delete
// markers of bucket for good, in batches of 1000. Refs of another bucket or
// without a version ID are refused before anything is sent: a delete
// without a version would only add a delete marker. progress, if set, gets
// the running count.
func (s *Service) DeleteVersions(ctx context.Context, bucket string, refs []ObjectRef, progress func(deleted int64)) (DeleteResult, error) {
	for _, r := range refs {
		if r.VersionID == "" || (r.Bucket != "" && r.Bucket != bucket) {
			return DeleteResult{}, &Error{Op: "delete versions", Bucket: bucket, Key: r.Key, Kind: ErrInvalidArgument,
				Msg: "delete versions: " + what(bucket, r.Key) + " was named without its version; nothing was deleted"}
		}
	}
	ids := make([]types.ObjectIdentifier, len(refs))
	for i, r := range refs {
		ids[i] = types.ObjectIdentifier{Key: aws.String(r.Key), VersionId: aws.String(r.VersionID)}
	}
	return s.deleteIdentified(ctx, "delete versions", bucket, ids, progress)
}
