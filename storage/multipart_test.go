package storage_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/storage"
	"s3desk/storage/s3test"
)

func TestMultipartUploads(t *testing.T) {
	s3test.Each(t, func(t *testing.T, srv *s3test.Server) {
		ctx := context.Background()
		svc := srv.Service(t)
		c := srv.Client(t)
		b := srv.Bucket(t)
		start := func(key string, parts ...string) string {
			t.Helper()
			up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(b), Key: aws.String(key)})
			if err != nil {
				t.Fatal(err)
			}
			for i, p := range parts {
				if _, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(b), Key: aws.String(key), UploadId: up.UploadId,
					PartNumber: aws.Int32(int32(i + 1)), Body: strings.NewReader(p)}); err != nil {
					t.Fatal(err)
				}
			}
			return aws.ToString(up.UploadId)
		}
		id1 := start("videos/a b.mp4", strings.Repeat("x", 1000), strings.Repeat("y", 234))
		start("other/c.bin", "z")
		ups, err := svc.ListMultipartUploads(ctx, b, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(ups) != 2 {
			t.Fatalf("uploads = %+v", ups)
		}
		prefix := "videos/"
		if !srv.Supports(s3test.UploadsByPrefix) {
			prefix = "videos/a b.mp4" // MinIO lists uploads by exact key only
		}
		ups, err = svc.ListMultipartUploads(ctx, b, prefix)
		if err != nil {
			t.Fatal(err)
		}
		if len(ups) != 1 {
			t.Fatalf("uploads under videos/ = %+v", ups)
		}
		u := ups[0]
		if u.Key != "videos/a b.mp4" || u.UploadID != id1 || u.Parts != 2 || u.Size != 1234 || u.Initiated.IsZero() || u.Bucket != b {
			t.Errorf("upload = %+v", u)
		}
		if err := svc.AbortMultipartUpload(ctx, b, u.Key, u.UploadID); err != nil {
			t.Fatal(err)
		}
		ups, err = svc.ListMultipartUploads(ctx, b, "")
		if err != nil || len(ups) != 1 || ups[0].Key != "other/c.bin" {
			t.Fatalf("after abort: %+v %v", ups, err)
		}
		err = svc.AbortMultipartUpload(ctx, b, u.Key, u.UploadID)
		if (srv.Fake() || srv.Kind == s3test.MinIO) && err == nil {
			t.Logf("%s accepts aborting an unknown upload", srv.Kind)
		} else if !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("abort twice: want ErrNotFound, got %v", err)
		}
		if _, err := svc.ListMultipartUploads(ctx, "no-such-bucket-zz", ""); !errors.Is(err, storage.ErrBucketNotFound) {
			t.Errorf("missing bucket: %v", err)
		}
	})
}
