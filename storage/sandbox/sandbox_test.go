package sandbox_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/png"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/storage"
	"s3desk/storage/internal/core"
	"s3desk/storage/sandbox"
)

func start(t *testing.T, dir string) *sandbox.Sandbox {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sb, err := sandbox.Start(ctx, dir)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb
}

func service(t *testing.T, sb *sandbox.Sandbox) *storage.Service {
	t.Helper()
	svc, err := storage.New(context.Background(), sb.Config())
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func keys(t *testing.T, c *s3.Client, bucket, prefix string) []string {
	t.Helper()
	var out []string
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("list %s/%s: %v", bucket, prefix, err)
		}
		for _, o := range page.Contents {
			out = append(out, aws.ToString(o.Key))
		}
	}
	return out
}

func get(t *testing.T, c *s3.Client, bucket, key string) ([]byte, string) {
	t.Helper()
	out, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("get %s/%s: %v", bucket, key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b, aws.ToString(out.ContentType)
}

func TestStartsSeededOnLoopback(t *testing.T) {
	sb := start(t, t.TempDir())
	u, err := url.Parse(sb.Endpoint())
	if err != nil || u.Hostname() != "127.0.0.1" {
		t.Fatalf("endpoint %q is not on 127.0.0.1", sb.Endpoint())
	}
	cfg := sb.Config()
	if !cfg.PathStyle || cfg.Endpoint != sb.Endpoint() || cfg.AccessKeyID == "" || cfg.SecretAccessKey == "" {
		t.Fatalf("Config() = %+v", cfg)
	}

	// Not reachable on any other interface of this machine.
	_, port, _ := net.SplitHostPort(u.Host)
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok || ipn.IP.IsLoopback() {
			continue
		}
		c, err := net.DialTimeout("tcp", net.JoinHostPort(ipn.IP.String(), port), 300*time.Millisecond)
		if err == nil {
			c.Close()
			t.Fatalf("sandbox answers on %s:%s; it must listen on loopback only", ipn.IP, port)
		}
	}

	svc := service(t, sb)
	c := core.Of(svc).Client
	lb, err := c.ListBuckets(context.Background(), &s3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(lb.Buckets) != 1 || aws.ToString(lb.Buckets[0].Name) != sandbox.SampleBucket {
		t.Fatalf("buckets = %v, want only %q", lb.Buckets, sandbox.SampleBucket)
	}
	csvs := keys(t, c, sandbox.SampleBucket, "22_Sept/")
	if len(csvs) < 3 {
		t.Fatalf("22_Sept/ holds %v, want a few monthly CSV files", csvs)
	}
	for _, k := range csvs {
		body, ct := get(t, c, sandbox.SampleBucket, k)
		lines := strings.Split(strings.TrimSpace(string(body)), "\n")
		if !strings.HasSuffix(k, ".csv") || ct != "text/csv" || lines[0] != "service_name,request_count,info_link" || len(lines) < 4 {
			t.Fatalf("%s (%s) = %q", k, ct, body)
		}
		if !strings.Contains(lines[1], ",http") {
			t.Fatalf("%s: row %q has no http link", k, lines[1])
		}
	}
	img, ct := get(t, c, sandbox.SampleBucket, "plot_image.png")
	if ct != "image/png" {
		t.Fatalf("plot_image.png content type %q", ct)
	}
	cfgImg, err := png.DecodeConfig(bytes.NewReader(img))
	if err != nil || cfgImg.Width < 100 {
		t.Fatalf("plot_image.png is not a real PNG: %v %+v", err, cfgImg)
	}
	page, ct := get(t, c, sandbox.SampleBucket, "values.html")
	if !strings.HasPrefix(ct, "text/html") || !strings.Contains(string(page), `<a href="https://aws.amazon.com/s3/">`) {
		t.Fatalf("values.html (%s) = %q", ct, page)
	}
}

func TestListPutGetAndPersistAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	sb := start(t, dir)
	endpoint := sb.Endpoint()
	c := core.Of(service(t, sb)).Client
	ctx := context.Background()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("mine")}); err != nil {
		t.Fatal(err)
	}
	body := bytes.Repeat([]byte("persist me "), 5000)
	for _, k := range []string{"a/b.txt", "../x", "x", "x/y", "ünï code+ key", "a//b/"} {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("mine"), Key: aws.String(k), Body: bytes.NewReader(body), ContentType: aws.String("text/plain")}); err != nil {
			t.Fatalf("put %q: %v", k, err)
		}
	}
	// A user's deletion of seed data must survive a restart too (no re-seed).
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(sandbox.SampleBucket), Key: aws.String("values.csv")}); err != nil {
		t.Fatal(err)
	}
	if err := sb.Close(); err != nil {
		t.Fatal(err)
	}
	if err := sb.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}

	sb2 := start(t, dir)
	if sb2.Endpoint() != endpoint {
		t.Logf("port changed across restart: %s -> %s (the old one was taken)", endpoint, sb2.Endpoint())
	}
	c2 := core.Of(service(t, sb2)).Client
	got := keys(t, c2, "mine", "")
	if len(got) != 6 {
		t.Fatalf("after restart bucket mine holds %q", got)
	}
	b, ct := get(t, c2, "mine", "ünï code+ key")
	if !bytes.Equal(b, body) || ct != "text/plain" {
		t.Fatalf("after restart: %d bytes, %q", len(b), ct)
	}
	for _, k := range keys(t, c2, sandbox.SampleBucket, "") {
		if k == "values.csv" {
			t.Fatal("values.csv came back after restart: the sandbox re-seeded over the user's changes")
		}
	}
}

func TestReset(t *testing.T) {
	sb := start(t, t.TempDir())
	c := core.Of(service(t, sb)).Client
	ctx := context.Background()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("scratch")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(sandbox.SampleBucket), Key: aws.String("index.html")}); err != nil {
		t.Fatal(err)
	}
	endpoint := sb.Endpoint()
	if err := sb.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if sb.Endpoint() != endpoint {
		t.Fatal("Reset moved the sandbox to another address")
	}
	lb, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(lb.Buckets) != 1 || aws.ToString(lb.Buckets[0].Name) != sandbox.SampleBucket {
		t.Fatalf("after Reset buckets = %d, want only the sample bucket", len(lb.Buckets))
	}
	if n := len(keys(t, c, sandbox.SampleBucket, "")); n != len(sandbox.SampleData()) {
		t.Fatalf("after Reset the sample bucket holds %d objects, want %d", n, len(sandbox.SampleData()))
	}
}

func TestRefusesForeignRequests(t *testing.T) {
	sb := start(t, t.TempDir())
	// No credentials (a web page or another program poking the port).
	resp, err := http.Get(sb.Endpoint() + "/" + sandbox.SampleBucket + "/values.csv")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("unsigned GET: HTTP %d, want 403", resp.StatusCode)
	}
	// Wrong access key through the SDK maps to the storage error.
	cfg := sb.Config()
	cfg.AccessKeyID = "SOMEONEELSE"
	svc, err := storage.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = core.Of(svc).Client.ListBuckets(context.Background(), &s3.ListBucketsInput{})
	if err == nil {
		t.Fatal("a foreign access key listed the sandbox")
	}
	// A browser's cross-origin request is refused even with the key.
	req, _ := http.NewRequest("GET", sb.Endpoint()+"/", nil)
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+sb.Config().AccessKeyID+"/20250101/us-east-1/s3/aws4_request")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-origin request: HTTP %d, want 403", resp.StatusCode)
	}
}

func TestSecondInstanceFailsFast(t *testing.T) {
	dir := t.TempDir()
	start(t, dir)
	// bbolt's lock is per process on Linux (flock), so a second Start in this
	// process would block on the file lock inside bolt; the lock timeout
	// turns that into ErrInUse.
	began := time.Now()
	_, err := sandbox.Start(context.Background(), dir)
	if !errors.Is(err, sandbox.ErrInUse) {
		t.Fatalf("second Start: %v, want ErrInUse", err)
	}
	if d := time.Since(began); d > 5*time.Second {
		t.Fatalf("second Start took %s", d)
	}
}

func TestDataFilesArePrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "sandbox")
	start(t, dir)
	for _, name := range []string{"", "sandbox.db", "state.json"} {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm()&0o077 != 0 {
			t.Fatalf("%s has mode %v; want no access for others", filepath.Join(dir, name), st.Mode().Perm())
		}
	}
}

func TestDefaultDir(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("XDG_DATA_HOME applies on Linux")
	}
	t.Setenv("XDG_DATA_HOME", "/tmp/xdg-data-test")
	d, err := sandbox.DefaultDir()
	if err != nil {
		t.Fatal(err)
	}
	if d != "/tmp/xdg-data-test/s3desk/sandbox" {
		t.Fatalf("DefaultDir = %q", d)
	}
}

func TestSizeLimit(t *testing.T) {
	ctx := context.Background()
	sb, err := sandbox.StartWith(ctx, t.TempDir(), sandbox.Options{NoSeed: true, MaxObjectSize: 12 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	c := core.Of(service(t, sb)).Client
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("big-files")}); err != nil {
		t.Fatal(err)
	}
	put := func(key string, n int) error {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("big-files"), Key: aws.String(key),
			Body: bytes.NewReader(make([]byte, n)), ContentLength: aws.Int64(int64(n))})
		return err
	}
	if err := put("ok", 12<<20); err != nil {
		t.Fatalf("at the limit: %v", err)
	}
	err = put("big", 12<<20+1)
	if err == nil || !strings.Contains(err.Error(), "EntityTooLarge") {
		t.Fatalf("over the limit: %v", err)
	}
	// Multipart: refused at the part that crosses the limit.
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("big-files"), Key: aws.String("mp")})
	if err != nil {
		t.Fatal(err)
	}
	part := func(n int32) error {
		_, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("big-files"), Key: aws.String("mp"), UploadId: up.UploadId,
			PartNumber: aws.Int32(n), Body: bytes.NewReader(make([]byte, 5<<20)), ContentLength: aws.Int64(5 << 20)})
		return err
	}
	if err := part(1); err != nil {
		t.Fatal(err)
	}
	if err := part(2); err != nil {
		t.Fatal(err)
	}
	if err := part(2); err != nil { // a retried part does not count twice
		t.Fatalf("retried part: %v", err)
	}
	if err := part(3); err == nil || !strings.Contains(err.Error(), "EntityTooLarge") {
		t.Fatalf("part over the limit: %v", err)
	}
	if _, err := c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String("big-files"), Key: aws.String("mp"), UploadId: up.UploadId}); err != nil {
		t.Fatal(err)
	}
}

// TestThroughTheStorageService drives the sandbox with the app's own
// storage API: buckets, list (folders and objects), put, open, across a
// restart.
func TestThroughTheStorageService(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	sb := start(t, dir)
	svc := service(t, sb)
	if err := svc.CheckConnection(ctx); err != nil {
		t.Fatalf("CheckConnection: %v", err)
	}
	bs, err := svc.ListBuckets(ctx)
	if err != nil || len(bs) != 1 || bs[0].Name != sandbox.SampleBucket {
		t.Fatalf("ListBuckets: %+v %v", bs, err)
	}
	var folders, objects []string
	for page, err := range svc.List(ctx, sandbox.SampleBucket, storage.ListOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range page.Folders {
			folders = append(folders, f.Key)
		}
		for _, o := range page.Objects {
			objects = append(objects, o.Key)
		}
	}
	if strings.Join(folders, ",") != "22_Sept/" || len(objects) < 3 {
		t.Fatalf("List: folders %q objects %q", folders, objects)
	}
	if err := svc.CreateBucket(ctx, "notes", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	text := "written through storage.Put\n"
	if err := svc.Put(ctx, "notes", "today/hello.txt", strings.NewReader(text), int64(len(text)), storage.PutOptions{ContentType: "text/plain"}); err != nil {
		t.Fatal(err)
	}
	sb.Close()
	svc = service(t, start(t, dir))
	rc, info, err := svc.Open(ctx, "notes", "today/hello.txt", storage.ReadOptions{})
	if err != nil {
		t.Fatalf("Open after restart: %v", err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != text || info.Size != int64(len(text)) || info.ContentType != "text/plain" {
		t.Fatalf("Open after restart: %q %+v", b, info)
	}
	rc, _, err = svc.Open(ctx, sandbox.SampleBucket, "22_Sept/requests_2022-09-07.csv", storage.ReadOptions{Offset: 0, Length: 12})
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(rc)
	rc.Close()
	if string(b) != "service_name" {
		t.Fatalf("ranged Open: %q", b)
	}
}

// TestConcurrentCopyGetPut hammers server-side copies and reads while other
// uploads grow the bbolt file (which remaps its memory). gofakes3's s3bolt
// hands out slices of that memory, so without the sandbox's guard this
// faults the whole process.
func TestConcurrentCopyGetPut(t *testing.T) {
	sb := start(t, t.TempDir())
	c := core.Of(service(t, sb)).Client
	ctx := context.Background()
	bucket := aws.String(sandbox.SampleBucket)
	src := bytes.Repeat([]byte("copy source "), 1<<17) // 1.5 MiB
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String("src"), Body: bytes.NewReader(src)}); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 3)
	go func() { // writer: grows the file
		for i := range 40 {
			body := bytes.Repeat([]byte{byte(i)}, 2<<20)
			if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: aws.String(fmt.Sprint("grow/", i)), Body: bytes.NewReader(body)}); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	go func() { // copier
		for i := range 40 {
			if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: bucket, Key: aws.String(fmt.Sprint("copy/", i)), CopySource: aws.String(sandbox.SampleBucket + "/src")}); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	go func() { // reader
		for range 40 {
			out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("src")})
			if err != nil {
				done <- err
				return
			}
			b, err := io.ReadAll(out.Body)
			out.Body.Close()
			if err != nil || !bytes.Equal(b, src) {
				done <- fmt.Errorf("read back %d bytes (%v), want the source", len(b), err)
				return
			}
		}
		done <- nil
	}()
	for range 3 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: aws.String("copy/39")})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(out.Body)
	out.Body.Close()
	if !bytes.Equal(b, src) {
		t.Fatalf("copy holds %d bytes, want the source's %d", len(b), len(src))
	}
}
