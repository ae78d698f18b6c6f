package transfer_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"s3desk/storage"
	"s3desk/storage/s3test"
	"s3desk/storage/transfer"
)

// Finding 12 (issue #12): against a real MinIO server with compatibility
// mode off, a file of 16 MiB or more that S3 Desk uploaded (multipart, with
// CRC32 part checksums) could not be downloaded: the transfer manager reads
// it by part number, MinIO answers each part GET with that part's own
// x-amz-checksum-crc32 and no x-amz-checksum-type, and the download compared
// part 1's checksum with the whole file ("the CRC32 checksum does not match
// … try again"), every time.
func TestMinIOLargeRoundTrip(t *testing.T) {
	srv := s3test.StartMinIO(t)
	if srv.Config().Compatibility {
		t.Fatal("this test needs compatibility mode off")
	}
	bucket := srv.Bucket(t)
	e := newEngine(t, srv, t.TempDir(), transfer.TransferOptions{})
	const size = 40 << 20
	if thr := e.Options().MultipartThreshold; size <= thr {
		t.Fatalf("40 MiB is not above the multipart threshold (%d)", thr)
	}
	src := randFile(t, t.TempDir(), "big.bin", size)
	ctx := context.Background()
	plan, err := e.PlanUpload(ctx, "", []string{src})
	if err != nil || len(plan.Items) != 1 {
		t.Fatalf("plan upload: %v %+v", err, plan)
	}
	if res := e.Upload(ctx, bucket, plan.Items, transfer.UploadOptions{}, nil); res.Done != 1 {
		t.Fatalf("upload: %+v", res)
	}
	info, err := srv.Service(t).Stat(ctx, bucket, "big.bin")
	if err != nil || info.Size != size {
		t.Fatalf("head: %v %+v", err, info)
	}
	dplan, err := e.PlanDownload(ctx, bucket, "", []storage.Entry{{Key: "big.bin", Name: "big.bin", Size: size, ETag: info.ETag}})
	if err != nil || len(dplan.Items) != 1 {
		t.Fatalf("plan download: %v %+v", err, dplan)
	}
	dst := t.TempDir()
	res := e.Download(ctx, dst, dplan.Items, transfer.DownloadOptions{}, nil)
	if res.Done != 1 {
		for _, it := range res.Items {
			t.Logf("%s: %v %v", it.Key, it.State, it.Err)
		}
		t.Fatalf("download of a 40 MiB multipart upload from MinIO failed: %+v", res)
	}
	want, _ := os.ReadFile(src)
	got, err := os.ReadFile(filepath.Join(dst, "big.bin"))
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("downloaded file differs (err %v, %d vs %d bytes)", err, len(got), len(want))
	}
	if left, _ := filepath.Glob(filepath.Join(dst, ".*")); len(left) != 0 {
		t.Fatalf("temp files left: %v", left)
	}
}
