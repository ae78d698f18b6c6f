package storage_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"s3desk/storage"
	"s3desk/storage/s3test"
)

// Copy from a source version, over its own key, is how a version is
// restored: a version bigger than the copy threshold goes part by part
// (UploadPartCopy of that version) and keeps its properties; StatWith reads
// that version's.
func TestCopyFromVersionMultipart(t *testing.T) {
	for name, start := range map[string]func(testing.TB) *s3test.Server{
		s3test.Versity: s3test.StartVersityVersioned,
		s3test.MinIO:   s3test.StartMinIO,
	} {
		t.Run(name, func(t *testing.T) {
			srv := start(t)
			b := srv.Bucket(t)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			if _, err := srv.Client(t).PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(b),
				VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
				t.Fatal(err)
			}
			f := s3test.NewFaults(t, srv)
			svc := f.Server().Service(t)
			storage.SetCopyLimitsForTest(svc, 5<<20, 5<<20)
			big := strings.Repeat("0123456789abcdef", (11<<20)/16)
			if err := svc.Put(ctx, b, "big.bin", strings.NewReader(big), int64(len(big)),
				storage.PutOptions{ContentType: "application/x-big", CacheControl: "max-age=9", Metadata: map[string]string{"k": "v"}}); err != nil {
				t.Fatal(err)
			}
			info1, err := svc.Stat(ctx, b, "big.bin")
			if err != nil {
				t.Fatal(err)
			}
			if err := svc.Put(ctx, b, "big.bin", strings.NewReader("small now"), 9, storage.PutOptions{ContentType: "text/plain"}); err != nil {
				t.Fatal(err)
			}
			old, err := svc.StatWith(ctx, b, "big.bin", storage.StatOptions{VersionID: info1.VersionID})
			if err != nil || old.Size != int64(len(big)) || old.ContentType != "application/x-big" {
				t.Fatalf("StatWith the old version: %+v, %v", old, err)
			}
			if err := svc.Copy(ctx, storage.ObjectRef{Bucket: b, Key: "big.bin", VersionID: info1.VersionID}, storage.ObjectRef{Bucket: b, Key: "big.bin"}); err != nil {
				t.Fatal(err)
			}
			if n := f.Seen("UploadPartCopy"); n < 3 {
				t.Errorf("%d UploadPartCopy requests; the big version was not copied in parts", n)
			}
			r, info, err := svc.Open(ctx, b, "big.bin", storage.ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r)
			r.Close()
			if err != nil || string(got) != big {
				t.Fatalf("restored %d bytes, %v; want %d", len(got), err, len(big))
			}
			if info.ContentType != "application/x-big" || info.CacheControl != "max-age=9" || info.Metadata["k"] != "v" || info.VersionID == info1.VersionID {
				t.Errorf("properties after a multipart restore: %+v", info)
			}
		})
	}
}
