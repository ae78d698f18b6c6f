package batchops_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"s3desk/storage"
	"s3desk/storage/bulk/batchops"
	"s3desk/storage/s3test"
)

// awsInventoryManifest is the manifest.json example of AWS's
// documentation ("Locating your inventory list").
const awsInventoryManifest = `{
    "sourceBucket": "example-source-bucket",
    "destinationBucket": "arn:aws:s3:::example-inventory-destination-bucket",
    "version": "2016-11-30",
    "creationTimestamp" : "1514944800000",
    "fileFormat": "CSV",
    "fileSchema": "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, LastModifiedDate, ETag, StorageClass, IsMultipartUploaded, ReplicationStatus, EncryptionStatus, ObjectLockRetainUntilDate, ObjectLockMode, ObjectLockLegalHoldStatus, IntelligentTieringAccessTier, BucketKeyStatus, ChecksumAlgorithm, ObjectAccessControlList, ObjectOwner",
    "files": [
        {
            "key": "Inventory/example-source-bucket/2016-11-06T21-32Z/files/939c6d46-85a9-4ba8-87bd-9db705a579ce.csv.gz",
            "size": 2147483647,
            "MD5checksum": "f11166069f1990abeb9c97ace9cdfabc"
        }
    ]
}`

func TestParseInventoryManifest(t *testing.T) {
	m, err := batchops.ParseInventoryManifest([]byte(awsInventoryManifest))
	if err != nil {
		t.Fatal(err)
	}
	if m.SourceBucket != "example-source-bucket" || len(m.Files) != 1 || m.Files[0].MD5Checksum != "f11166069f1990abeb9c97ace9cdfabc" ||
		m.Bytes() != 2147483647 || m.Created() != time.Date(2018, 1, 3, 2, 0, 0, 0, time.UTC) || m.Fields()[2] != "VersionId" {
		t.Fatalf("%+v (created %v)", m, m.Created())
	}
	orc := strings.Replace(awsInventoryManifest, `"fileFormat": "CSV"`, `"fileFormat": "ORC"`, 1)
	if _, err := batchops.ParseInventoryManifest([]byte(orc)); err == nil || !strings.Contains(err.Error(), "only CSV") {
		t.Fatalf("an ORC report: %v", err)
	}
	if _, err := batchops.ParseInventoryManifest([]byte(`<html>`)); err == nil {
		t.Fatal("HTML accepted as a manifest")
	}
}

// TestLatestInventoryReport lays out two reports of an inventory
// configuration on versitygw as S3 delivers them and finds the newer one.
func TestLatestInventoryReport(t *testing.T) {
	srv := s3test.StartVersity(t)
	ctx := context.Background()
	svc := srv.Service(t)
	dest := srv.Bucket(t)
	cfg := storage.InventoryConfig{ID: "weekly-csv", DestinationBucket: dest, DestinationPrefix: "inv", Format: "CSV"}
	put := func(key, body string) {
		t.Helper()
		if err := svc.Put(ctx, dest, key, strings.NewReader(body), int64(len(body)), storage.PutOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	newer := strings.Replace(awsInventoryManifest, "1514944800000", "1515549600000", 1)
	put("inv/src-bucket/weekly-csv/2018-01-03T02-00Z/manifest.json", awsInventoryManifest)
	put("inv/src-bucket/weekly-csv/2018-01-10T02-00Z/manifest.json", newer)
	put("inv/src-bucket/weekly-csv/hive/dt=2018-01-10-02-00/symlink.txt", "x")
	put("inv/src-bucket/weekly-csv/data/x.csv.gz", "x")
	r, err := batchops.LatestInventoryReport(ctx, svc, "src-bucket", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if r.Key != "inv/src-bucket/weekly-csv/2018-01-10T02-00Z/manifest.json" || r.ETag == "" || r.Manifest.Created().Day() != 10 {
		t.Fatalf("%+v", r)
	}
	if _, err := batchops.LatestInventoryReport(ctx, svc, "other-bucket", cfg); err == nil || !strings.Contains(err.Error(), "no report") {
		t.Fatalf("no report yet: %v", err)
	}
}
