package transfer_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"s3desk/storage"
	"s3desk/storage/s3test"
	"s3desk/storage/transfer"
)

// The bandwidth limit of Settings paces real uploads and downloads through
// the engine, and leaves the bytes intact.
func TestEngineHonoursBandwidthLimit(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	const size = 2 << 20
	const rate = 1 << 20 // 1 MiB/s: 2 MiB take ≈1.75 s (2 s less the quarter-second burst)
	lim := transfer.NewRateLimiter(rate)
	e := newEngine(t, srv, t.TempDir(), transfer.TransferOptions{Limiter: lim})
	src := t.TempDir()
	path := randFile(t, src, "paced.bin", size)
	ctx := context.Background()

	plan, err := e.PlanUpload(ctx, "", []string{path})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if res := e.Upload(ctx, bucket, plan.Items, transfer.UploadOptions{}, nil); res.Done != 1 {
		t.Fatalf("upload: %+v", res)
	}
	if took := time.Since(start); took < 1200*time.Millisecond {
		t.Fatalf("2 MiB at 1 MiB/s uploaded in %v: the limit was not applied", took)
	}

	dplan, err := e.PlanDownload(ctx, bucket, "", []storage.Entry{{Key: "paced.bin", Name: "paced.bin", Size: size}})
	if err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	start = time.Now()
	if res := e.Download(ctx, dst, dplan.Items, transfer.DownloadOptions{}, nil); res.Done != 1 {
		t.Fatalf("download: %+v", res)
	}
	if took := time.Since(start); took < 1200*time.Millisecond {
		t.Fatalf("2 MiB at 1 MiB/s downloaded in %v: the limit was not applied", took)
	}
	a, _ := os.ReadFile(path)
	b, err := os.ReadFile(filepath.Join(dst, "paced.bin"))
	if err != nil || !bytes.Equal(a, b) {
		t.Fatalf("paced round trip not byte-identical: %v", err)
	}

	// Lifting the limit takes effect for the next transfer.
	lim.SetRate(0)
	if lim.Rate() != 0 {
		t.Fatal("SetRate(0) did not lift the limit")
	}
}

// Two engines (an account switch while old transfers are still listed) never
// hand out the same transfer ID.
func TestTransferIDsUniqueAcrossEngines(t *testing.T) {
	srv := s3test.StartFake(t)
	a := newEngine(t, srv, t.TempDir(), transfer.TransferOptions{})
	b := newEngine(t, srv, t.TempDir(), transfer.TransferOptions{})
	seen := map[int64]bool{}
	for range 100 {
		for _, id := range []int64{a.NewID(), b.NewID()} {
			if seen[id] {
				t.Fatalf("transfer ID %d handed out twice", id)
			}
			seen[id] = true
		}
	}
}
