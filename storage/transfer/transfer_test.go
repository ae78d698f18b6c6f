package transfer_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"s3desk/storage"
	"s3desk/storage/s3test"
	"s3desk/storage/transfer"
)

func randFile(t testing.TB, dir, name string, size int64) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, size)
	_, _ = rand.Read(b)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func newEngine(t testing.TB, srv *s3test.Server, dataDir string, o transfer.TransferOptions) *transfer.Engine {
	t.Helper()
	e, err := transfer.New(srv.Service(t)).NewEngine(context.Background(), dataDir, o)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func incomplete(t testing.TB, srv *s3test.Server, bucket string) int {
	t.Helper()
	out, err := srv.Client(t).ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: &bucket})
	if err != nil {
		t.Fatalf("ListMultipartUploads: %v", err)
	}
	return len(out.Uploads)
}

func getBytes(t testing.TB, srv *s3test.Server, bucket, key string) ([]byte, error) {
	t.Helper()
	out, err := srv.Client(t).GetObject(context.Background(), &s3.GetObjectInput{Bucket: &bucket, Key: &key})
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	var buf bytes.Buffer
	_, err = buf.ReadFrom(out.Body)
	return buf.Bytes(), err
}

func TestRoundTripSizes(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	e := newEngine(t, srv, t.TempDir(), transfer.TransferOptions{})
	thr := e.Options().MultipartThreshold
	src := t.TempDir()
	sizes := map[string]int64{"zero.bin": 0, "one.bin": 1, "under.bin": thr - 1, "at.bin": thr, "over.bin": thr + 1, "big.bin": 64 << 20}
	var paths []string
	for name, size := range sizes {
		paths = append(paths, randFile(t, src, name, size))
	}
	ctx := context.Background()
	plan, err := e.PlanUpload(ctx, "dir/", paths)
	if err != nil || len(plan.Items) != len(sizes) || len(plan.Skipped) != 0 {
		t.Fatalf("plan: %v %+v", err, plan)
	}
	var calls atomic.Int64
	res := e.Upload(ctx, bucket, plan.Items, transfer.UploadOptions{}, func(p transfer.Progress) { calls.Add(1) })
	if res.Done != len(sizes) {
		t.Fatalf("upload: %+v", res)
	}
	if calls.Load() == 0 {
		t.Fatal("no progress reported")
	}
	if n := incomplete(t, srv, bucket); n != 0 {
		t.Fatalf("%d incomplete uploads left", n)
	}
	var entries []storage.Entry
	for name, size := range sizes {
		entries = append(entries, storage.Entry{Key: "dir/" + name, Name: name, Size: size})
	}
	dplan, err := e.PlanDownload(ctx, bucket, "dir/", entries)
	if err != nil || len(dplan.Items) != len(sizes) {
		t.Fatalf("plan download: %v %+v", err, dplan)
	}
	dst := t.TempDir()
	dres := e.Download(ctx, dst, dplan.Items, transfer.DownloadOptions{}, nil)
	if dres.Done != len(sizes) {
		t.Fatalf("download: %+v", dres)
	}
	for name := range sizes {
		a, _ := os.ReadFile(filepath.Join(src, name))
		b, err := os.ReadFile(filepath.Join(dst, name))
		if err != nil || !bytes.Equal(a, b) {
			t.Fatalf("%s: not byte-identical (err %v, %d vs %d bytes)", name, err, len(a), len(b))
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(dst, ".*"))
	if len(leftovers) != 0 {
		t.Fatalf("temp files left: %v", leftovers)
	}
}

func TestContentTypes(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	e := newEngine(t, srv, t.TempDir(), transfer.TransferOptions{})
	src := t.TempDir()
	files := map[string]string{"a.csv": "text/csv", "b.html": "text/html", "c.png": "image/png", "noext": "image/png"}
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	var paths []string
	for name := range files {
		p := filepath.Join(src, name)
		body := []byte("x,y\n1,2\n")
		if strings.HasSuffix(name, ".png") || name == "noext" {
			body = png
		}
		_ = os.WriteFile(p, body, 0o644)
		paths = append(paths, p)
	}
	ctx := context.Background()
	plan, _ := e.PlanUpload(ctx, "", paths)
	res := e.Upload(ctx, bucket, plan.Items, transfer.UploadOptions{CacheControl: "max-age=60", Metadata: map[string]string{"origin": "test"}}, nil)
	if res.Done != len(files) {
		t.Fatalf("%+v", res)
	}
	for name, want := range files {
		h, err := srv.Client(t).HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(aws.ToString(h.ContentType), want) {
			t.Errorf("%s: Content-Type %q, want %q", name, aws.ToString(h.ContentType), want)
		}
		if aws.ToString(h.CacheControl) != "max-age=60" || h.Metadata["origin"] != "test" {
			t.Errorf("%s: cache-control %q metadata %v", name, aws.ToString(h.CacheControl), h.Metadata)
		}
	}
}

func TestUploadFolder1000(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	e := newEngine(t, srv, t.TempDir(), transfer.TransferOptions{})
	root := filepath.Join(t.TempDir(), "photos")
	want := map[string]bool{}
	for i := 0; i < 1000; i++ {
		rel := fmt.Sprintf("d%d/sub %d/f-%04d.txt", i%10, i%3, i)
		p := filepath.Join(root, filepath.FromSlash(rel))
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(rel), 0o644); err != nil {
			t.Fatal(err)
		}
		want["up/photos/"+rel] = true
	}
	ctx := context.Background()
	plan, err := e.PlanUpload(ctx, "up", []string{root})
	if err != nil || len(plan.Items) != 1000 {
		t.Fatalf("plan: %v, %d items", err, len(plan.Items))
	}
	res := e.Upload(ctx, bucket, plan.Items, transfer.UploadOptions{}, nil)
	if res.Done != 1000 {
		t.Fatalf("%+v", res.Failed)
	}
	got := map[string]bool{}
	pager := s3.NewListObjectsV2Paginator(srv.Client(t), &s3.ListObjectsV2Input{Bucket: &bucket})
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			got[aws.ToString(o.Key)] = true
		}
	}
	if len(got) != len(want) {
		t.Fatalf("got %d keys, want %d", len(got), len(want))
	}
	for k := range want {
		if !got[k] {
			t.Fatalf("missing key %q", k)
		}
	}
	b, _ := getBytes(t, srv, bucket, "up/photos/d7/sub 1/f-0007.txt")
	if string(b) != "d7/sub 1/f-0007.txt" {
		t.Fatalf("content %q", b)
	}
}

func TestCancelMidMultipart(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	g := newPartGate(t, srv, 1) // part 2 waits: the upload is mid-way when cancelled
	e := g.engine(t, t.TempDir(), transfer.TransferOptions{PartSize: 5 << 20, Concurrency: 1, MultipartThreshold: 5 << 20})
	p := randFile(t, t.TempDir(), "big.bin", 64<<20)
	ctx := context.Background()
	plan, _ := e.PlanUpload(ctx, "", []string{p})
	plan.Items[0].ID = e.NewID()
	done := make(chan transfer.BatchResult, 1)
	go func() {
		done <- e.Upload(ctx, bucket, plan.Items, transfer.UploadOptions{Conflict: transfer.ConflictOverwrite}, nil)
	}()
	g.waitHeld(t, e, 5<<20)
	e.Cancel(plan.Items[0].ID)
	res := <-done
	if res.Cancelled != 1 || res.Items[0].State != transfer.StateCancelled {
		t.Fatalf("want cancelled, got %+v", res.Items[0])
	}
	if n := incomplete(t, srv, bucket); n != 0 {
		t.Fatalf("%d incomplete uploads left after cancel", n)
	}
	if _, err := getBytes(t, srv, bucket, "big.bin"); err == nil {
		t.Fatal("object exists after cancel")
	}
	if len(e.Resumable()) != 0 {
		t.Fatal("cancelled upload still journaled")
	}
}

func TestServerStoppedMidUpload(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	data := t.TempDir()
	// Part 2 waits at the gate while the server stops, so the upload is
	// always mid-way when the server goes away. Requests the gate forwards
	// to the stopped server have their connection dropped, as a dead
	// server's would be.
	g := newPartGate(t, srv, 1)
	e := g.engine(t, data, transfer.TransferOptions{PartSize: 5 << 20, Concurrency: 1, MultipartThreshold: 5 << 20})
	p := randFile(t, t.TempDir(), "big.bin", 40<<20)
	ctx := context.Background()
	plan, _ := e.PlanUpload(ctx, "", []string{p})
	done := make(chan transfer.BatchResult, 1)
	go func() {
		done <- e.Upload(ctx, bucket, plan.Items, transfer.UploadOptions{Conflict: transfer.ConflictOverwrite}, nil)
	}()
	g.waitHeld(t, e, 5<<20)
	srv.Stop()
	g.Release()
	res := <-done
	it := res.Items[0]
	if it.State != transfer.StateFailed || !errors.Is(it.Err, storage.ErrEndpoint) {
		t.Fatalf("want failed with ErrEndpoint, got %v: %v", it.State, it.Err)
	}
	t.Logf("error shown: %v", it.Err)
	srv.Restart(t)
	// The engine retries the failed abort in the background while it runs
	// (it may already have when the server came back), so the orphan goes
	// without a restart of the app.
	for deadline := time.Now().Add(60 * time.Second); incomplete(t, srv, bucket) != 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d incomplete uploads left after the abort ran", incomplete(t, srv, bucket))
		}
	}
	if n := len(e.Resumable()); n != 0 {
		t.Fatalf("%d journal records left after the abort", n)
	}
}

func TestDontOverwrite(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	e := newEngine(t, srv, t.TempDir(), transfer.TransferOptions{PartSize: 5 << 20, MultipartThreshold: 5 << 20})
	ctx := context.Background()
	src := t.TempDir()
	small := randFile(t, src, "small.txt", 100)
	big := randFile(t, src, "big.bin", 6<<20)
	for _, k := range []string{"small.txt", "big.bin"} {
		_, err := srv.Client(t).PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String(k), Body: strings.NewReader("old")})
		if err != nil {
			t.Fatal(err)
		}
	}
	plan, _ := e.PlanUpload(ctx, "", []string{small, big})
	ex, err := e.Existing(ctx, bucket, []string{"small.txt", "big.bin", "nope"})
	if err != nil || len(ex) != 2 {
		t.Fatalf("existing: %v %v", ex, err)
	}
	res := e.Upload(ctx, bucket, plan.Items, transfer.UploadOptions{Conflict: transfer.ConflictSkip}, nil)
	if res.SkippedN != 2 {
		t.Fatalf("want 2 skipped, got %+v", res)
	}
	for _, k := range []string{"small.txt", "big.bin"} {
		if b, _ := getBytes(t, srv, bucket, k); string(b) != "old" {
			t.Fatalf("%s was overwritten", k)
		}
	}
	res = e.Upload(ctx, bucket, plan.Items, transfer.UploadOptions{Conflict: transfer.ConflictKeepBoth}, nil)
	if res.Done != 2 {
		t.Fatalf("keep both: %+v", res)
	}
	if b, _ := getBytes(t, srv, bucket, "small (1).txt"); len(b) != 100 {
		t.Fatalf("keep both: small (1).txt has %d bytes", len(b))
	}
	if b, _ := getBytes(t, srv, bucket, "big (1).bin"); len(b) != 6<<20 {
		t.Fatalf("keep both: big (1).bin has %d bytes", len(b))
	}
	if incomplete(t, srv, bucket) != 0 {
		t.Fatal("incomplete uploads left")
	}
}

func TestFolderSymlinks(t *testing.T) {
	srv := s3test.StartFake(t)
	e := newEngine(t, srv, t.TempDir(), transfer.TransferOptions{})
	base := t.TempDir()
	outside := filepath.Join(base, "secret")
	_ = os.MkdirAll(outside, 0o700)
	_ = os.WriteFile(filepath.Join(outside, "id_rsa"), []byte("key"), 0o600)
	dir := filepath.Join(base, "drop")
	_ = os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
	_ = os.WriteFile(filepath.Join(dir, "sub", "a.txt"), []byte("a"), 0o644)
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Symlink(outside, filepath.Join(dir, "out")))
	must(os.Symlink(filepath.Join(outside, "id_rsa"), filepath.Join(dir, "outfile")))
	must(os.Symlink("..", filepath.Join(dir, "sub", "loop")))
	must(os.Symlink("self", filepath.Join(dir, "self")))
	must(os.Symlink("sub/a.txt", filepath.Join(dir, "inner.txt")))
	done := make(chan transfer.UploadPlan)
	go func() {
		plan, _ := e.PlanUpload(context.Background(), "", []string{dir})
		done <- plan
	}()
	var plan transfer.UploadPlan
	select {
	case plan = <-done:
	case <-time.After(time.Minute):
		t.Fatal("planning a folder with link loops hung")
	}
	var keys, skipped []string
	for _, it := range plan.Items {
		keys = append(keys, it.Key)
	}
	for _, s := range plan.Skipped {
		skipped = append(skipped, filepath.Base(s.Path))
	}
	sort.Strings(keys)
	sort.Strings(skipped)
	if strings.Join(keys, ",") != "drop/inner.txt,drop/sub/a.txt" {
		t.Fatalf("keys %v", keys)
	}
	if strings.Join(skipped, ",") != "loop,out,outfile,self" {
		t.Fatalf("skipped %v (%+v)", skipped, plan.Skipped)
	}
}

// gofakes3 ignores If-None-Match: the HEAD before the upload still keeps
// an existing key.
func TestDontOverwriteWithoutConditionalPuts(t *testing.T) {
	srv := s3test.StartFake(t)
	bucket := srv.Bucket(t)
	e := newEngine(t, srv, t.TempDir(), transfer.TransferOptions{})
	ctx := context.Background()
	_, err := srv.Client(t).PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("a.txt"), Body: strings.NewReader("old")})
	if err != nil {
		t.Fatal(err)
	}
	plan, _ := e.PlanUpload(ctx, "", []string{randFile(t, t.TempDir(), "a.txt", 10)})
	res := e.Upload(ctx, bucket, plan.Items, transfer.UploadOptions{Conflict: transfer.ConflictSkip}, nil)
	if res.SkippedN != 1 {
		t.Fatalf("want skipped, got %+v", res.Items[0])
	}
	if b, _ := getBytes(t, srv, bucket, "a.txt"); string(b) != "old" {
		t.Fatal("an existing key was overwritten")
	}
}

// Upload progress counts bytes on the wire, so a single large request shows
// progress before it completes.
func TestUploadProgressWithinARequest(t *testing.T) {
	srv := s3test.StartVersity(t)
	bucket := srv.Bucket(t)
	e := newEngine(t, srv, t.TempDir(), transfer.TransferOptions{MultipartThreshold: 100 << 20})
	p := randFile(t, t.TempDir(), "one.bin", 48<<20)
	plan, _ := e.PlanUpload(context.Background(), "", []string{p})
	var mu sync.Mutex
	var mids []int64
	res := e.Upload(context.Background(), bucket, plan.Items, transfer.UploadOptions{}, func(pr transfer.Progress) {
		if pr.State == transfer.StateRunning && pr.Done > 0 && pr.Done < pr.Total {
			mu.Lock()
			mids = append(mids, pr.Done)
			mu.Unlock()
		}
	})
	if res.Done != 1 {
		t.Fatalf("%+v", res.Items)
	}
	if len(mids) == 0 {
		t.Fatal("no progress before the single PUT completed")
	}
	t.Logf("%d progress updates within one 48 MiB PUT", len(mids))
}
