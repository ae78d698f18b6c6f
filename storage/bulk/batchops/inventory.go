package batchops

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"regexp"
	"strconv"
	"strings"
	"time"

	"s3desk/storage"
)

// InventoryManifest is an S3 Inventory report's manifest.json, in the
// format AWS documents ("Locating your inventory list").
type InventoryManifest struct {
	SourceBucket      string          `json:"sourceBucket"`
	DestinationBucket string          `json:"destinationBucket"` // an ARN
	Version           string          `json:"version"`
	CreationTimestamp string          `json:"creationTimestamp"` // milliseconds since 1970, as a string
	FileFormat        string          `json:"fileFormat"`        // CSV, ORC or Parquet
	FileSchema        string          `json:"fileSchema"`        // "Bucket, Key, VersionId, ..."
	Files             []InventoryFile `json:"files"`
}

// InventoryFile is one data file of an inventory report.
type InventoryFile struct {
	Key         string `json:"key"`
	Size        int64  `json:"size"`
	MD5Checksum string `json:"MD5checksum"`
}

// Created is the report's creation time (zero when unreadable).
func (m InventoryManifest) Created() time.Time {
	ms, err := strconv.ParseInt(m.CreationTimestamp, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// Fields are the columns of the report's data files.
func (m InventoryManifest) Fields() []string {
	var out []string
	for _, f := range strings.Split(m.FileSchema, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// Bytes is the size of the report's data files.
func (m InventoryManifest) Bytes() int64 {
	var n int64
	for _, f := range m.Files {
		n += f.Size
	}
	return n
}

// ParseInventoryManifest reads a manifest.json and checks what Batch
// Operations needs of it: a CSV report (the format
// S3InventoryReport_CSV_20161130; ORC and Parquet reports cannot drive a
// job) whose schema starts with Bucket, Key.
func ParseInventoryManifest(data []byte) (InventoryManifest, error) {
	var m InventoryManifest
	if err := json.Unmarshal(data, &m); err != nil {
		return m, fmt.Errorf("the inventory manifest is not JSON: %w", err)
	}
	if m.SourceBucket == "" || len(m.Files) == 0 {
		return m, fmt.Errorf("the inventory manifest names no source bucket or no files")
	}
	if !strings.EqualFold(m.FileFormat, "CSV") {
		return m, fmt.Errorf("the inventory report is %s; S3 Batch Operations reads only CSV inventory reports: add a CSV inventory configuration, or let S3 Desk write a manifest", m.FileFormat)
	}
	f := m.Fields()
	if len(f) < 2 || f[0] != "Bucket" || f[1] != "Key" {
		return m, fmt.Errorf("the inventory report's columns (%s) do not start with Bucket, Key", m.FileSchema)
	}
	return m, nil
}

// InventoryStore is what finding an inventory report needs.
type InventoryStore interface {
	InventoryConfigurations(ctx context.Context, bucket string) ([]storage.InventoryConfig, error)
	List(ctx context.Context, bucket string, opts storage.ListOptions) iter.Seq2[storage.Page, error]
	Open(ctx context.Context, bucket, key string, opts storage.ReadOptions) (io.ReadCloser, storage.ObjectInfo, error)
}

// Report is an inventory report found for a bucket.
type Report struct {
	Config   storage.InventoryConfig
	Bucket   string // where manifest.json is
	Key      string
	ETag     string
	Manifest InventoryManifest
}

// ObjectARN is manifest.json's ARN in partition.
func (r Report) ObjectARN(partition string) string {
	return "arn:" + partition + ":s3:::" + r.Bucket + "/" + r.Key
}

// reportStamp is the folder name of one report: YYYY-MM-DDTHH-MMZ/.
var reportStamp = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}Z/$`)

// LatestInventoryReport finds the newest report of cfg for bucket: the
// latest destination-prefix/bucket/config-ID/YYYY-MM-DDTHH-MMZ/ folder
// (listed through the guarded paginator) and its manifest.json, parsed.
func LatestInventoryReport(ctx context.Context, store InventoryStore, bucket string, cfg storage.InventoryConfig) (Report, error) {
	prefix := cfg.ReportPrefix(bucket)
	latest := ""
	for page, err := range store.List(ctx, cfg.DestinationBucket, storage.ListOptions{Prefix: prefix}) {
		if err != nil {
			return Report{}, err
		}
		for _, f := range page.Folders {
			if reportStamp.MatchString(f.Name) && f.Name > latest {
				latest = f.Name
			}
		}
	}
	if latest == "" {
		return Report{}, &storage.Error{Op: "find inventory report", Bucket: cfg.DestinationBucket, Key: prefix, Kind: storage.ErrNotFound,
			Msg: fmt.Sprintf("inventory %q has delivered no report to %s/%s yet; reports arrive within 48 hours of setting it up", cfg.ID, cfg.DestinationBucket, prefix)}
	}
	key := prefix + latest + "manifest.json"
	rc, info, err := store.Open(ctx, cfg.DestinationBucket, key, storage.ReadOptions{})
	if err != nil {
		return Report{}, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, 64<<20))
	if err != nil {
		return Report{}, storage.MapError("read inventory manifest", cfg.DestinationBucket, key, err)
	}
	m, err := ParseInventoryManifest(data)
	if err != nil {
		return Report{}, &storage.Error{Op: "read inventory manifest", Bucket: cfg.DestinationBucket, Key: key, Kind: storage.ErrInvalidArgument, Msg: err.Error(), Err: err}
	}
	return Report{Config: cfg, Bucket: cfg.DestinationBucket, Key: key, ETag: strings.Trim(info.ETag, `"`), Manifest: m}, nil
}
