package transfer_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"s3desk/storage"
	"s3desk/storage/s3test"
	"s3desk/storage/transfer"
)

// A download of a given version (an entry's VersionID) writes that
// version's bytes, whether it is read with one GET or in parts, and is
// verified like any other download.
func TestDownloadOldVersion(t *testing.T) {
	for name, start := range map[string]func(testing.TB) *s3test.Server{
		s3test.Versity: s3test.StartVersityVersioned,
		s3test.MinIO:   s3test.StartMinIO,
	} {
		t.Run(name, func(t *testing.T) {
			srv := start(t)
			b := srv.Bucket(t)
			ctx := context.Background()
			c := srv.Client(t)
			if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(b),
				VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
				t.Fatal(err)
			}
			old := map[string]string{"small.txt": "old small", "big.bin": strings.Repeat("old big ", (7<<20)/8)}
			var entries []storage.Entry
			for k, body := range old {
				out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String(k), Body: strings.NewReader(body)})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String(k), Body: strings.NewReader("new")}); err != nil {
					t.Fatal(err)
				}
				entries = append(entries, storage.Entry{Key: k, Name: k, Size: int64(len(body)), VersionID: aws.ToString(out.VersionId)})
			}
			e := newEngine(t, srv, t.TempDir(), transfer.TransferOptions{PartSize: 5 << 20, MultipartThreshold: 5 << 20})
			plan, err := e.PlanDownload(ctx, b, "", entries)
			if err != nil {
				t.Fatal(err)
			}
			dest := t.TempDir()
			res := e.Download(ctx, dest, plan.Items, transfer.DownloadOptions{}, nil)
			if res.Done != 2 || res.Failed != 0 {
				t.Fatalf("download: %+v", res.Items)
			}
			for k, body := range old {
				got, err := os.ReadFile(filepath.Join(dest, k))
				if err != nil || string(got) != body {
					t.Errorf("%s: %d bytes, %v; want the old version's %d", k, len(got), err, len(body))
				}
			}
		})
	}
}
