package storage_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"s3desk/storage"
	"s3desk/storage/s3test"
)

// faultEngine is an engine for srv's account reached through the fault
// proxy f, with 5 MiB parts so that a few MiB are a multipart object.
func faultEngine(t *testing.T, f *s3test.Faults) *storage.Engine {
	t.Helper()
	e, err := f.Server().Service(t).NewEngine(context.Background(), t.TempDir(),
		storage.TransferOptions{PartSize: 5 << 20, MultipartThreshold: 5 << 20})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// uploadFile uploads a random file of size bytes as key, without faults,
// and returns its bytes.
func uploadFile(t *testing.T, e *storage.Engine, bucket, key string, size int64) []byte {
	t.Helper()
	p := randFile(t, t.TempDir(), key, size)
	plan, err := e.PlanUpload(context.Background(), "", []string{p})
	if err != nil {
		t.Fatal(err)
	}
	if res := e.Upload(context.Background(), bucket, plan.Items, storage.UploadOptions{}, nil); res.Done != 1 {
		t.Fatalf("upload %s: %+v", key, res.Items)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// dirNames lists every entry of dir, hidden ones included.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

// checkedProgress collects the final rows and fails on a Done beyond Total.
type checkedProgress struct {
	t    *testing.T
	mu   sync.Mutex
	over []storage.Progress
}

func (c *checkedProgress) fn(p storage.Progress) {
	if p.Done > p.Total || p.Batch.Done > p.Batch.Total {
		c.mu.Lock()
		c.over = append(c.over, p)
		c.mu.Unlock()
	}
}

func (c *checkedProgress) check() {
	c.t.Helper()
	if len(c.over) > 0 {
		c.t.Errorf("progress beyond the total: done %d of %d (batch %d of %d)",
			c.over[0].Done, c.over[0].Total, c.over[0].Batch.Done, c.over[0].Batch.Total)
	}
}

// Finding 3: 30% of writes answered 503 SlowDown (and the first four
// CreateMultipartUpload, more than the SDK's default three attempts) do not
// fail an upload; the retries are counted on the transfer's row.
func TestUploadSurvivesSlowDown(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	f := s3test.NewFaults(t, srv)
	f.Add(s3test.Rule{Match: s3test.Op("CreateMultipartUpload"), Times: 4, Fault: s3test.SlowDown()})
	f.Add(s3test.Rule{Match: s3test.Op("UploadPart", "PutObject", "CreateMultipartUpload", "CompleteMultipartUpload"),
		Share: 0.3, Fault: s3test.SlowDown()})
	e := faultEngine(t, f)
	dir := t.TempDir()
	p := randFile(t, dir, "big.bin", 20<<20)
	paths := []string{p}
	for i := range 30 {
		paths = append(paths, randFile(t, dir, fmt.Sprintf("s%02d.bin", i), 10<<10))
	}
	plan, err := e.PlanUpload(context.Background(), "", paths)
	if err != nil {
		t.Fatal(err)
	}
	res := e.Upload(context.Background(), bucket, plan.Items, storage.UploadOptions{}, nil)
	if res.Done != len(paths) {
		for _, it := range res.Items {
			if it.Err != nil {
				t.Errorf("%s: %v", it.Key, it.Err)
			}
		}
		t.Fatalf("upload under 30%% SlowDown: %d of %d done (faults: %d of %d requests)", res.Done, len(paths), f.Hit(""), f.Seen(""))
	}
	for _, path := range paths {
		want, _ := os.ReadFile(path)
		got, err := getBytes(t, srv, bucket, filepath.Base(path))
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("stored %s differs (%d bytes, %v)", path, len(got), err)
		}
	}
	retries := 0
	for _, it := range res.Items {
		retries += it.Retries
		if it.Key == "big.bin" && it.Retries < 4 {
			t.Errorf("big.bin: Retries = %d, want at least the 4 refused CreateMultipartUpload", it.Retries)
		}
	}
	if retries != f.Hit("") {
		t.Errorf("Retries sum to %d, the proxy answered SlowDown %d times", retries, f.Hit(""))
	}
	t.Logf("20 MiB + 30 small files: %d of %d requests answered SlowDown, all survived; Retries sum %d", f.Hit(""), f.Seen(""), retries)
}

// Finding 3, downloads: 30% SlowDown on GETs and HEADs (and the first four
// GETs) still download correct bytes.
func TestDownloadSurvivesSlowDown(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	f := s3test.NewFaults(t, srv)
	e := faultEngine(t, f)
	small := uploadFile(t, e, bucket, "small.bin", 300<<10)
	big := uploadFile(t, e, bucket, "big.bin", 12<<20)
	f.Add(s3test.Rule{Match: s3test.Op("GetObject"), Times: 4, Fault: s3test.SlowDown()})
	f.Add(s3test.Rule{Match: s3test.Op("GetObject", "HeadObject"), Share: 0.3, Fault: s3test.SlowDown()})
	dest := t.TempDir()
	cp := &checkedProgress{t: t}
	res := e.Download(context.Background(), dest, []storage.DownloadItem{
		{Bucket: bucket, Key: "small.bin", Size: int64(len(small)), Rel: "small.bin"},
		{Bucket: bucket, Key: "big.bin", Size: int64(len(big)), Rel: "big.bin"},
	}, storage.DownloadOptions{}, cp.fn)
	if res.Done != 2 {
		t.Fatalf("download under SlowDown: %+v", res.Items)
	}
	cp.check()
	retries := 0
	for _, it := range res.Items {
		retries += it.Retries
	}
	for name, want := range map[string][]byte{"small.bin": small, "big.bin": big} {
		got, _ := os.ReadFile(filepath.Join(dest, name))
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs", name)
		}
	}
	if retries != f.Hit("") {
		t.Errorf("Retries sum to %d, the proxy answered SlowDown %d times", retries, f.Hit(""))
	}
	t.Logf("downloads: %d of %d requests answered SlowDown, all survived", f.Hit(""), f.Seen(""))
}

// Finding 1: one flipped byte of every GetObject body fails a small and a
// large (multipart, composite checksum) download of a static-key profile
// with ErrProtocol, and leaves nothing in the folder.
func TestDownloadFlippedByteFails(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	f := s3test.NewFaults(t, srv)
	e := faultEngine(t, f)
	small := uploadFile(t, e, bucket, "small.bin", 300<<10)
	big := uploadFile(t, e, bucket, "big.bin", 12<<20)
	f.Add(s3test.Rule{Match: s3test.Op("GetObject"), Fault: s3test.FlipByte(1000)})
	for _, named := range []bool{false, true} {
		if named {
			storage.UseNamedTemps(e)
		}
		for name, body := range map[string][]byte{"small.bin": small, "big.bin": big} {
			dest := t.TempDir()
			res := e.Download(context.Background(), dest, []storage.DownloadItem{
				{Bucket: bucket, Key: name, Size: int64(len(body)), Rel: name}}, storage.DownloadOptions{}, nil)
			it := res.Items[0]
			if it.State != storage.StateFailed || !errors.Is(it.Err, storage.ErrProtocol) {
				t.Errorf("%s (named temps %v): state %v, err %v; want failed with ErrProtocol", name, named, it.State, it.Err)
				continue
			}
			if msg := it.Err.Error(); !strings.Contains(msg, "not saved") || !strings.Contains(msg, "checksum") {
				t.Errorf("%s: message %q should say the checksum failed and nothing was saved", name, msg)
			}
			if names := dirNames(t, dest); len(names) != 0 {
				t.Errorf("%s: the folder holds %v after a failed download", name, names)
			}
			t.Logf("%s: %v", name, it.Err)
		}
	}
}

// A flipped byte once (the first GET only) is repaired by a retry: the
// download succeeds and says what it verified.
func TestDownloadFlippedByteOnceRetried(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	f := s3test.NewFaults(t, srv)
	e := faultEngine(t, f)
	small := uploadFile(t, e, bucket, "small.bin", 300<<10)
	f.Add(s3test.Rule{Match: s3test.Op("GetObject"), Times: 1, Fault: s3test.FlipByte(5)})
	dest := t.TempDir()
	res := e.Download(context.Background(), dest, []storage.DownloadItem{
		{Bucket: bucket, Key: "small.bin", Size: int64(len(small)), Rel: "small.bin"}}, storage.DownloadOptions{}, nil)
	if res.Done != 1 {
		t.Fatalf("%+v", res.Items)
	}
	got, _ := os.ReadFile(filepath.Join(dest, "small.bin"))
	if !bytes.Equal(got, small) {
		t.Fatal("saved bytes differ")
	}
	if v := res.Items[0].Verified; !isVerified(v) {
		t.Errorf("Verified = %q", v)
	}
	t.Logf("small file after one flipped GET: %s, retries %d", res.Items[0].Verified, res.Items[0].Retries)
}

// Finding 2: a ranged/part GET cut off mid-body is retried by the transfer
// manager; the file is correct and its size check passes, and progress never
// exceeds the total.
func TestDownloadCutBodyRetried(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	f := s3test.NewFaults(t, srv)
	e := faultEngine(t, f)
	big := uploadFile(t, e, bucket, "big.bin", 20<<20)
	// The first two part GETs are cut after 3 MiB of their 5.
	f.Add(s3test.Rule{Match: s3test.Op("GetObject"), Times: 2, Fault: s3test.CutBody(3 << 20)})
	dest := t.TempDir()
	cp := &checkedProgress{t: t}
	res := e.Download(context.Background(), dest, []storage.DownloadItem{
		{Bucket: bucket, Key: "big.bin", Size: int64(len(big)), Rel: "big.bin"}}, storage.DownloadOptions{}, cp.fn)
	if res.Done != 1 {
		t.Fatalf("cut body, retried: %v", res.Items[0].Err)
	}
	cp.check()
	got, _ := os.ReadFile(filepath.Join(dest, "big.bin"))
	if !bytes.Equal(got, big) {
		t.Fatal("saved bytes differ")
	}
	if f.Hit("GetObject") != 2 {
		t.Errorf("%d bodies were cut, want 2", f.Hit("GetObject"))
	}
	t.Logf("verified: %q; %d GETs", res.Items[0].Verified, f.Seen("GetObject"))
}

// A small download that is cut off is retried too.
func TestDownloadSmallCutBodyRetried(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	f := s3test.NewFaults(t, srv)
	e := faultEngine(t, f)
	small := uploadFile(t, e, bucket, "small.bin", 1<<20)
	f.Add(s3test.Rule{Match: s3test.Op("GetObject"), Times: 1, Fault: s3test.CutBody(100 << 10)})
	dest := t.TempDir()
	cp := &checkedProgress{t: t}
	res := e.Download(context.Background(), dest, []storage.DownloadItem{
		{Bucket: bucket, Key: "small.bin", Size: int64(len(small)), Rel: "small.bin"}}, storage.DownloadOptions{}, cp.fn)
	if res.Done != 1 {
		t.Fatalf("%v", res.Items[0].Err)
	}
	cp.check()
	got, _ := os.ReadFile(filepath.Join(dest, "small.bin"))
	if !bytes.Equal(got, small) {
		t.Fatal("saved bytes differ")
	}
}

// The MD5 ETag catches a flipped byte on servers that send no checksum
// (gofakes3 and the sandbox send none), and a good download says "MD5
// verified".
func TestDownloadMD5ETag(t *testing.T) {
	s3test.Each(t, func(t *testing.T, srv *s3test.Server) {
		bucket := srv.Bucket(t)
		svc := srv.Service(t)
		body := strings.Repeat("0123456789abcdef", 4096)
		put(t, svc, bucket, "a.txt", body)
		f := s3test.NewFaults(t, srv)
		e := faultEngine(t, f)
		dest := t.TempDir()
		item := storage.DownloadItem{Bucket: bucket, Key: "a.txt", Size: int64(len(body)), Rel: "a.txt"}
		res := e.Download(context.Background(), dest, []storage.DownloadItem{item}, storage.DownloadOptions{}, nil)
		if res.Done != 1 {
			t.Fatalf("%v", res.Items[0].Err)
		}
		v := res.Items[0].Verified
		if srv.Fake() && v != "MD5 verified" {
			t.Errorf("Verified = %q, want MD5 verified", v)
		}
		if !isVerified(v) {
			t.Errorf("Verified = %q", v)
		}
		f.Add(s3test.Rule{Match: s3test.Op("GetObject"), Fault: s3test.FlipByte(10)})
		dest = t.TempDir()
		res = e.Download(context.Background(), dest, []storage.DownloadItem{item}, storage.DownloadOptions{}, nil)
		if it := res.Items[0]; !errors.Is(it.Err, storage.ErrProtocol) {
			t.Fatalf("flipped byte: state %v, err %v", it.State, it.Err)
		}
		if names := dirNames(t, dest); len(names) != 0 {
			t.Errorf("the folder holds %v", names)
		}
	})
}

// Finding 12 (whole-file vs part checksums): a multipart object downloads,
// is verified part by part, and says so.
func TestDownloadMultipartVerified(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	f := s3test.NewFaults(t, srv)
	e := faultEngine(t, f)
	big := uploadFile(t, e, bucket, "big.bin", 13<<20)
	dest := t.TempDir()
	res := e.Download(context.Background(), dest, []storage.DownloadItem{
		{Bucket: bucket, Key: "big.bin", Size: int64(len(big)), Rel: "big.bin"}}, storage.DownloadOptions{}, nil)
	if res.Done != 1 {
		t.Fatalf("%v", res.Items[0].Err)
	}
	if v := res.Items[0].Verified; !isVerified(v) {
		t.Errorf("Verified = %q", v)
	}
	t.Logf("multipart: %s", res.Items[0].Verified)
}

// Service.Open verifies whole-object reads: a flipped byte is an error at
// the end of the body, not silent data.
func TestOpenFlippedByte(t *testing.T) {
	s3test.Each(t, func(t *testing.T, srv *s3test.Server) {
		bucket := srv.Bucket(t)
		body := strings.Repeat("S3 Desk never saves a wrong byte. ", 2000)
		put(t, srv.Service(t), bucket, "r.txt", body)
		f := s3test.NewFaults(t, srv)
		svc := f.Server().Service(t)
		rc, _, err := svc.Open(context.Background(), bucket, "r.txt", storage.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || string(got) != body {
			t.Fatalf("clean read: %v", err)
		}
		f.Add(s3test.Rule{Match: s3test.Op("GetObject"), Fault: s3test.FlipByte(7)})
		rc, _, err = svc.Open(context.Background(), bucket, "r.txt", storage.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.ReadAll(rc)
		rc.Close()
		if !errors.Is(err, storage.ErrProtocol) {
			t.Fatalf("read of a flipped byte: err %v, want ErrProtocol", err)
		}
	})
}

// isVerified tells whether a Verified note names a checksum that was checked.
func isVerified(v string) bool {
	return strings.Contains(v, " verified") && !strings.HasPrefix(v, "size only")
}
