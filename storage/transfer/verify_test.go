package transfer_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"s3desk/storage"
	"s3desk/storage/internal/storetest"
	"s3desk/storage/s3test"
	"s3desk/storage/transfer"
)

// faultEngine is an engine for srv's account reached through the fault
// proxy f, with 5 MiB parts so that a few MiB are a multipart object.
func faultEngine(t *testing.T, f *s3test.Faults) *transfer.Engine {
	t.Helper()
	e, err := transfer.New(f.Server().Service(t)).NewEngine(context.Background(), t.TempDir(),
		transfer.TransferOptions{PartSize: 5 << 20, MultipartThreshold: 5 << 20})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// uploadFile uploads a random file of size bytes as key, without faults,
// and returns its bytes.
func uploadFile(t *testing.T, e *transfer.Engine, bucket, key string, size int64) []byte {
	t.Helper()
	p := randFile(t, t.TempDir(), key, size)
	plan, err := e.PlanUpload(context.Background(), "", []string{p})
	if err != nil {
		t.Fatal(err)
	}
	if res := e.Upload(context.Background(), bucket, plan.Items, transfer.UploadOptions{}, nil); res.Done != 1 {
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
	over []transfer.Progress
}

func (c *checkedProgress) fn(p transfer.Progress) {
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
	res := e.Upload(context.Background(), bucket, plan.Items, transfer.UploadOptions{}, nil)
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
	res := e.Download(context.Background(), dest, []transfer.DownloadItem{
		{Bucket: bucket, Key: "small.bin", Size: int64(len(small)), Rel: "small.bin"},
		{Bucket: bucket, Key: "big.bin", Size: int64(len(big)), Rel: "big.bin"},
	}, transfer.DownloadOptions{}, cp.fn)
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
			transfer.UseNamedTemps(e)
		}
		for name, body := range map[string][]byte{"small.bin": small, "big.bin": big} {
			dest := t.TempDir()
			res := e.Download(context.Background(), dest, []transfer.DownloadItem{
				{Bucket: bucket, Key: name, Size: int64(len(body)), Rel: name}}, transfer.DownloadOptions{}, nil)
			it := res.Items[0]
			if it.State != transfer.StateFailed || !errors.Is(it.Err, storage.ErrProtocol) {
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
	res := e.Download(context.Background(), dest, []transfer.DownloadItem{
		{Bucket: bucket, Key: "small.bin", Size: int64(len(small)), Rel: "small.bin"}}, transfer.DownloadOptions{}, nil)
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
	res := e.Download(context.Background(), dest, []transfer.DownloadItem{
		{Bucket: bucket, Key: "big.bin", Size: int64(len(big)), Rel: "big.bin"}}, transfer.DownloadOptions{}, cp.fn)
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
	if r := res.Items[0].Retries; r != 2 {
		t.Errorf("Retries = %d, want the 2 parts fetched again", r)
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
	res := e.Download(context.Background(), dest, []transfer.DownloadItem{
		{Bucket: bucket, Key: "small.bin", Size: int64(len(small)), Rel: "small.bin"}}, transfer.DownloadOptions{}, cp.fn)
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
		storetest.Put(t, svc, bucket, "a.txt", body)
		f := s3test.NewFaults(t, srv)
		e := faultEngine(t, f)
		dest := t.TempDir()
		item := transfer.DownloadItem{Bucket: bucket, Key: "a.txt", Size: int64(len(body)), Rel: "a.txt"}
		res := e.Download(context.Background(), dest, []transfer.DownloadItem{item}, transfer.DownloadOptions{}, nil)
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
		res = e.Download(context.Background(), dest, []transfer.DownloadItem{item}, transfer.DownloadOptions{}, nil)
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
	res := e.Download(context.Background(), dest, []transfer.DownloadItem{
		{Bucket: bucket, Key: "big.bin", Size: int64(len(big)), Rel: "big.bin"}}, transfer.DownloadOptions{}, nil)
	if res.Done != 1 {
		t.Fatalf("%v", res.Items[0].Err)
	}
	if v := res.Items[0].Verified; !isVerified(v) {
		t.Errorf("Verified = %q", v)
	}
	t.Logf("multipart: %s", res.Items[0].Verified)
}

// isVerified tells whether a Verified note names a checksum that was checked.
func isVerified(v string) bool {
	return strings.Contains(v, " verified") && !strings.HasPrefix(v, "size only")
}

// minioLike is a proxy in front of srv that answers a part GET as MinIO
// does: with that part's own CRC32 and no x-amz-checksum-type.
func minioLike(t *testing.T, srv *s3test.Server) *s3test.Server {
	t.Helper()
	u, _ := url.Parse(srv.Endpoint)
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) { r.SetURL(u); r.Out.Host = r.In.Host },
		ModifyResponse: func(resp *http.Response) error {
			if resp.Request.Method != http.MethodGet || resp.Request.URL.Query().Get("partNumber") == "" || resp.StatusCode >= 300 {
				return nil
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				return err
			}
			for _, h := range []string{"X-Amz-Checksum-Crc32", "X-Amz-Checksum-Crc32c", "X-Amz-Checksum-Crc64nvme",
				"X-Amz-Checksum-Sha1", "X-Amz-Checksum-Sha256", "X-Amz-Checksum-Type"} {
				resp.Header.Del(h)
			}
			sum := crc32.ChecksumIEEE(body)
			resp.Header.Set("X-Amz-Checksum-Crc32", base64.StdEncoding.EncodeToString([]byte{byte(sum >> 24), byte(sum >> 16), byte(sum >> 8), byte(sum)}))
			resp.Body = io.NopCloser(bytes.NewReader(body))
			return nil
		},
	}
	ts := httptest.NewServer(rp)
	t.Cleanup(ts.Close)
	s := *srv
	s.Endpoint = ts.URL
	return &s
}

// Finding 12: a server that answers part GETs with the part's own checksum
// (MinIO) downloads multipart objects, verified part by part, instead of
// failing on "the CRC32 checksum does not match".
func TestDownloadPartChecksumsMinIOStyle(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	f := s3test.NewFaults(t, minioLike(t, srv))
	e := faultEngine(t, f)
	big := uploadFile(t, e, bucket, "big.bin", 13<<20)
	dest := t.TempDir()
	res := e.Download(context.Background(), dest, []transfer.DownloadItem{
		{Bucket: bucket, Key: "big.bin", Size: int64(len(big)), Rel: "big.bin"}}, transfer.DownloadOptions{}, nil)
	if res.Done != 1 {
		t.Fatalf("multipart download with part checksums: %v", res.Items[0].Err)
	}
	got, _ := os.ReadFile(filepath.Join(dest, "big.bin"))
	if !bytes.Equal(got, big) {
		t.Fatal("saved bytes differ")
	}
	if v := res.Items[0].Verified; !isVerified(v) {
		t.Errorf("Verified = %q", v)
	}
	// A byte flipped in one part GET (once) fails that part's own check;
	// the transfer manager GETs the part again.
	f.Add(s3test.Rule{Match: s3test.Op("GetObject"), Skip: 1, Times: 1, Fault: s3test.FlipByte(100)})
	dest = t.TempDir()
	cp := &checkedProgress{t: t}
	res = e.Download(context.Background(), dest, []transfer.DownloadItem{
		{Bucket: bucket, Key: "big.bin", Size: int64(len(big)), Rel: "big.bin"}}, transfer.DownloadOptions{}, cp.fn)
	if res.Done != 1 {
		t.Fatalf("after one flipped part: %v", res.Items[0].Err)
	}
	cp.check()
	got, _ = os.ReadFile(filepath.Join(dest, "big.bin"))
	if !bytes.Equal(got, big) || f.Hit("GetObject") != 1 {
		t.Fatalf("saved bytes differ or no byte was flipped (%d)", f.Hit("GetObject"))
	}
	t.Logf("MinIO-style part checksums: %s; %d part GETs, 1 flipped and fetched again", res.Items[0].Verified, f.Seen("GetObject"))
}

// Compatibility mode and linked (~/.aws) profiles ask for and check
// checksums too, and share the retry policy.
func TestCompatAndLinkedProfilesVerify(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	f := s3test.NewFaults(t, srv)
	e := faultEngine(t, f)
	small := uploadFile(t, e, bucket, "small.bin", 300<<10)

	dir := t.TempDir()
	cfgFile, credFile := dir+"/config", dir+"/credentials"
	_ = os.WriteFile(cfgFile, []byte("[profile lab]\nregion = "+srv.Region+"\n"), 0o600)
	_ = os.WriteFile(credFile, []byte("[lab]\naws_access_key_id = "+srv.AccessKey+"\naws_secret_access_key = "+srv.SecretKey+"\n"), 0o600)
	t.Setenv("AWS_CONFIG_FILE", cfgFile)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", credFile)
	compat := f.Server().Config()
	compat.Compatibility = true
	linked := f.Server().Config()
	linked.AccessKeyID, linked.SecretAccessKey, linked.AWSProfile = "", "", "lab"
	for name, cfg := range map[string]storage.Config{"compatibility": compat, "linked": linked} {
		svc, err := storage.New(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		en, err := transfer.New(svc).NewEngine(context.Background(), t.TempDir(), transfer.TransferOptions{PartSize: 5 << 20})
		if err != nil {
			t.Fatal(err)
		}
		f.Clear()
		f.Add(s3test.Rule{Match: s3test.Op("GetObject"), Times: 3, Fault: s3test.SlowDown()})
		item := transfer.DownloadItem{Bucket: bucket, Key: "small.bin", Size: int64(len(small)), Rel: "small.bin"}
		res := en.Download(context.Background(), t.TempDir(), []transfer.DownloadItem{item}, transfer.DownloadOptions{}, nil)
		if res.Done != 1 || res.Items[0].Retries != 3 || !isVerified(res.Items[0].Verified) {
			t.Errorf("%s: after 3 SlowDown: %v, retries %d, verified %q", name, res.Items[0].Err, res.Items[0].Retries, res.Items[0].Verified)
		}
		f.Clear()
		f.Add(s3test.Rule{Match: s3test.Op("GetObject"), Fault: s3test.FlipByte(3)})
		dest := t.TempDir()
		res = en.Download(context.Background(), dest, []transfer.DownloadItem{item}, transfer.DownloadOptions{}, nil)
		if !errors.Is(res.Items[0].Err, storage.ErrProtocol) || len(dirNames(t, dest)) != 0 {
			t.Errorf("%s: flipped byte: %v, folder %v", name, res.Items[0].Err, dirNames(t, dest))
		}
	}
}
