// Package batchops hands a bulk job to S3 Batch Operations on AWS: it
// writes the job's manifest (a CSV of bucket,key[,versionId]) or finds the
// latest report of an existing S3 Inventory configuration, creates the job
// through the S3 Control API (CreateJob) with the operation, the
// completion report's location and an IAM role, and follows it
// (DescribeJob, ListJobs). Delete is not a Batch Operations operation:
// LifecycleExpiration offers the lifecycle rule that does it instead.
package batchops

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/url"
	"strings"

	"s3desk/storage"
	"s3desk/storage/bulk"
)

// ManifestEntry is one line of a Batch Operations CSV manifest.
type ManifestEntry struct {
	Bucket    string
	Key       string
	VersionID string
}

// EncodeKey URL-encodes a key for a manifest, as AWS requires ("object
// keys must be URL-encoded"): every byte outside the unreserved set is
// percent-encoded, "/" kept, so a space is %20 and "+" is %2B and both
// decodings (form and path) give the key back.
func EncodeKey(key string) string { return storage.EscapeKey(key) }

// DecodeKey undoes EncodeKey, and also reads keys written by tools that
// encode a space as "+" (S3 Inventory reports do).
func DecodeKey(s string) (string, error) { return url.QueryUnescape(s) }

// WriteManifest writes entries as a Batch Operations CSV manifest
// (format S3BatchOperations_CSV_20180820): no header, one object per
// line, bucket,key or bucket,key,versionId. It returns how many were
// written. Either every entry has a version ID or none has (AWS refuses a
// mix).
func WriteManifest(w io.Writer, entries func(yield func(ManifestEntry) bool)) (int64, bool, error) {
	bw := bufio.NewWriterSize(w, 256<<10)
	cw := csv.NewWriter(bw)
	var n int64
	versions := -1 // unknown until the first entry
	var err error
	entries(func(e ManifestEntry) bool {
		v := 0
		if e.VersionID != "" {
			v = 1
		}
		if versions < 0 {
			versions = v
		}
		if v != versions {
			err = fmt.Errorf("the manifest mixes objects with and without a version ID (%q); AWS refuses such a manifest", e.Key)
			return false
		}
		rec := []string{e.Bucket, EncodeKey(e.Key)}
		if v == 1 {
			rec = append(rec, e.VersionID)
		}
		if err = cw.Write(rec); err != nil {
			return false
		}
		n++
		return true
	})
	if err != nil {
		return n, versions == 1, err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return n, versions == 1, err
	}
	return n, versions == 1, bw.Flush()
}

// ReadManifest parses a CSV manifest written in AWS's format, decoding
// the keys.
func ReadManifest(r io.Reader) ([]ManifestEntry, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	var out []ManifestEntry
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		if len(rec) < 2 || len(rec) > 3 {
			return out, fmt.Errorf("manifest line %d has %d fields; want bucket,key[,versionId]", len(out)+1, len(rec))
		}
		k, err := DecodeKey(rec[1])
		if err != nil {
			return out, fmt.Errorf("manifest line %d: key %q is not URL-encoded: %w", len(out)+1, rec[1], err)
		}
		e := ManifestEntry{Bucket: rec[0], Key: k}
		if len(rec) == 3 {
			e.VersionID = rec[2]
		}
		out = append(out, e)
	}
}

// Written is a manifest saved to S3, ready for CreateJob.
type Written struct {
	Bucket, Key string
	ETag        string
	Objects     int64
	Versions    bool // the manifest carries version IDs
}

// ObjectARN is the manifest's ARN in partition (e.g. "aws").
func (w Written) ObjectARN(partition string) string {
	return "arn:" + partition + ":s3:::" + w.Bucket + "/" + w.Key
}

// ManifestStore is what writing a manifest needs of the storage service.
type ManifestStore interface {
	bulk.Store
	Put(ctx context.Context, bucket, key string, body io.Reader, size int64, opts storage.PutOptions) error
}

// SaveManifest lists the objects of spec (as the dry run does) into a CSV
// manifest and saves it as bucket/key, the place the user picked. The
// manifest is built in a temporary file first, so its size is known and
// nothing half-written is ever uploaded.
func SaveManifest(ctx context.Context, store ManifestStore, spec bulk.Spec, tmp io.ReadWriteSeeker, bucket, key string) (Written, error) {
	var listErr error
	n, versions, err := WriteManifest(tmp, func(yield func(ManifestEntry) bool) {
		_, listErr = bulk.DryRun(ctx, store, spec, func(it bulk.Item) {
			yield(ManifestEntry{Bucket: spec.Source.Bucket, Key: it.Key})
		})
	})
	if err == nil {
		err = listErr
	}
	if err != nil {
		return Written{}, err
	}
	size, err := tmp.Seek(0, io.SeekCurrent)
	if err != nil {
		return Written{}, err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return Written{}, err
	}
	if err := store.Put(ctx, bucket, key, tmp, size, storage.PutOptions{ContentType: "text/csv"}); err != nil {
		return Written{}, err
	}
	info, err := store.Stat(ctx, bucket, key)
	if err != nil {
		return Written{}, err
	}
	return Written{Bucket: bucket, Key: key, ETag: strings.Trim(info.ETag, `"`), Objects: n, Versions: versions}, nil
}
